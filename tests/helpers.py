"""Shared test helpers: build a project on disk from snippets, lint it, read `# expect:` annotations."""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from django_protolint.cli import main
from django_protolint.config import Config
from django_protolint.project.deploy.base import Deployment, DeployProblem
from django_protolint.project.deploy.files import read_deployment
from django_protolint.runner import Report, lint

EXPECT = re.compile(
    r"#\s*expect:\s*(?P<codes>[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)(?:\s+col=(?P<col>\d+))?"
    r"(?:\s+severity=(?P<severity>error|warning|info))?"
)


def write_project(root: Path, files: dict[str, str]) -> Path:
    """Files plus the `__init__.py` of every package directory they live in (so module names resolve)."""
    for relative, body in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        directory = target.parent
        while directory != root:
            init = directory / "__init__.py"
            if not init.exists():
                init.write_text("", encoding="utf-8")
            directory = directory.parent
    return root


def expectations(root: Path, files: dict[str, str]) -> set[tuple[str, int, str]]:
    """{(path, line, code)} from `# expect: CODE[, CODE]` comments; paths as the linter shows them."""
    found = set()
    for relative, body in files.items():
        for number, text in enumerate(body.splitlines(), start=1):
            if match := EXPECT.search(text):
                for code in re.split(r"\s*,\s*", match.group("codes")):
                    found.add((relative, number, code))
    return found


def severity_expectations(files: dict[str, str]) -> dict[tuple[str, int], str]:
    """{(path, line): severity} from `# expect: CODE severity=info`: the finding's own severity when it is not
    the one its rule declares (a finding may soften itself, as DPL131 does for a chain that only reads files)."""
    found = {}
    for relative, body in files.items():
        for number, text in enumerate(body.splitlines(), start=1):
            if (match := EXPECT.search(text)) and match.group("severity"):
                found[(relative, number)] = match.group("severity")
    return found


def column_expectations(files: dict[str, str]) -> set[tuple[str, int, int]]:
    found = set()
    for relative, body in files.items():
        for number, text in enumerate(body.splitlines(), start=1):
            if (match := EXPECT.search(text)) and match.group("col"):
                found.add((relative, number, int(match.group("col"))))
    return found


def deployment_entries(path: str, text: str, top: str | None = "") -> list[Deployment | DeployProblem]:
    """What one deployment file holds, its text dedented as the tests write it (it runs no scripts)."""
    return read_deployment(path, textwrap.dedent(text).lstrip("\n"), lambda reference: None, top)


def deployments_in(path: str, text: str, top: str | None = "") -> list[Deployment]:
    return [entry for entry in deployment_entries(path, text, top) if isinstance(entry, Deployment)]


def run(root: Path, **config: object) -> Report:
    return lint([root], Config(**config), cwd=root)  # type: ignore[arg-type]


def found(report: Report) -> set[tuple[str, int, str]]:
    return {(f.path, f.span.line, f.code) for f in report.findings}


def noqa_variant(files: dict[str, str]) -> dict[str, str]:
    return {path: EXPECT.sub(lambda m: f"# noqa: {m.group('codes')}", body) for path, body in files.items()}


BLOCKING_VIEW = "import time\n\n\nasync def view(request):\n    time.sleep(1)\n"  # DPL110 on line 5, column 5


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


def invoke(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> CliResult:
    """The CLI in-process, run from `cwd`. A crash is returned as `exception` (CliRunner swallows tracebacks),
    so callers assert it is None as well as reading the output."""
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        runner = CliRunner()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        # The caller's environment must not choose the format or the colour behind a test's back.
        base: dict[str, str | None] = {"DJANGO_PROTOLINT_OUTPUT_FORMAT": None, "NO_COLOR": None}
        result = runner.invoke(main, args, env={**base, **(env or {})}, catch_exceptions=True)
    finally:
        os.chdir(previous)
    exception = None if isinstance(result.exception, SystemExit) else result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr, exception)
