"""The command line as users and tools see it: exit codes, output formats, selection options, colour, `rule(s)`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django_protolint.rules import load_rules
from tests.helpers import invoke, write_project

CONCISE = re.compile(r"^(.+?):(\d+):(\d+): ([A-Z]{2,4}\d{3}) (.*)$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

VIEWS = """\
import time

import requests

from .models import Article


async def detail(request, pk):
    time.sleep(1)
    requests.get("https://example.com")
    return Article.objects.get(pk=pk)
"""
MODELS = """\
from django.db import models


class Article(models.Model):
    title = models.CharField(max_length=100)
"""
CLEAN_VIEWS = """\
import asyncio


async def detail(request, pk):
    await asyncio.sleep(1)
"""
# (line, column, code) of VIEWS' findings, 1-based
EXPECTED = [(9, 5, "DPL110"), (10, 5, "DPL111"), (11, 12, "DPL101")]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", {"app/views.py": VIEWS, "app/models.py": MODELS})


@pytest.fixture
def clean_project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "clean", {"app/views.py": CLEAN_VIEWS})


def run(cwd: Path, *args: str, env: dict[str, str] | None = None):
    result = invoke(list(args), cwd=cwd, env=env)
    assert result.exception is None, f"crashed: {result.exception!r}"
    assert "Traceback" not in result.stdout + result.stderr
    return result


def concise_findings(stdout: str) -> list[tuple[str, int, int, str]]:
    return [
        (m.group(1), int(m.group(2)), int(m.group(3)), m.group(4))
        for line in stdout.splitlines()
        if (m := CONCISE.match(line))
    ]


# ------------------------------------------------------------------ exit codes


def test_exit_0_when_clean(clean_project):
    result = run(clean_project, "check")
    assert result.exit_code == 0
    assert result.stdout.strip().splitlines()[-1] == "All checks passed!"


def test_exit_1_with_findings(project):
    assert run(project, "check").exit_code == 1


def test_exit_zero_flag(project):
    result = run(project, "check", "--exit-zero", "--format", "concise")
    assert result.exit_code == 0
    assert len(concise_findings(result.stdout)) == 3, "--exit-zero changes the exit code, not the report"


@pytest.mark.parametrize(
    "args",
    [["check", "--bogus"], ["check", "--format", "xml"], ["nonsense-command"], ["check", "--select", "ZZZ1"]],
    ids=["unknown-option", "bad-format", "unknown-command", "unknown-selector"],
)
def test_exit_2_on_usage_errors(project, args):
    result = run(project, *args)
    assert result.exit_code == 2
    assert "DPL110" not in result.stdout


def test_exit_zero_does_not_hide_usage_errors(project):
    assert run(project, "check", "--exit-zero", "--select", "ZZZ1").exit_code == 2


# ------------------------------------------------------------------ formats


def test_concise_lines_match_the_editor_regex(project):
    result = run(project, "check", "--format", "concise")
    lines = result.stdout.splitlines()
    # The sleep fix is unsafe (other tasks run during `await asyncio.sleep()`): ruff's "hidden fix" wording.
    assert lines[-2:] == [
        "Found 3 problems (1 error, 2 warnings).",
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).",
    ]
    for line in lines[:-2]:
        assert CONCISE.match(line), line
    assert concise_findings(result.stdout) == [("app/views.py", *where) for where in EXPECTED]


def test_concise_summary_singular(project):
    result = run(project, "check", "--format", "concise", "--select", "DPL110")
    assert result.stdout.splitlines()[-2:] == [
        "Found 1 problem (1 warning).",
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).",
    ]


def test_full_format_shows_the_line_and_help(project):
    result = run(project, "check", "--format", "full", "--select", "DPL110")
    lines = result.stdout.splitlines()
    # No [*]: ruff's marker is for safe fixes, and the sleep fix is unsafe.
    assert lines[0] == (
        "app/views.py:9:5: DPL110 warning: `time.sleep()` blocks the event loop inside async function `detail`"
    )
    # Two lines of context on each side, as ruff shows them.
    assert lines[1:8] == [
        "   |",
        " 7 |",
        " 8 | async def detail(request, pk):",
        " 9 |     time.sleep(1)",
        "   |     ^^^^^^^^^^^^^",
        '10 |     requests.get("https://example.com")',
        "11 |     return Article.objects.get(pk=pk)",
    ]
    assert "  = help: use `await asyncio.sleep(...)`" in lines


def test_full_is_the_default(project):
    assert run(project, "check").stdout == run(project, "check", "--format", "full").stdout


def test_json_contract(project):
    result = run(project, "check", "--format", "json")
    document = json.loads(result.stdout)
    assert {"version", "findings", "projects"} <= set(document)
    assert isinstance(document["version"], str) and document["version"]
    assert [(f["line"], f["column"], f["code"]) for f in document["findings"]] == EXPECTED
    required = {"code", "severity", "path", "line", "column", "end_line", "end_column", "message", "fix", "url"}
    for finding in document["findings"]:
        assert required <= set(finding), required - set(finding)
        assert finding["path"] == "app/views.py"
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["url"].startswith("https://")
        assert isinstance(finding["message"], str) and finding["message"]
    assert document["projects"] and "django_version" in document["projects"][0]


def test_json_columns_are_1_based_and_end_exclusive(project):
    document = json.loads(run(project, "check", "--format", "json", "--select", "DPL110").stdout)
    (finding,) = document["findings"]
    source_line = VIEWS.splitlines()[finding["line"] - 1]
    assert finding["end_line"] == finding["line"]
    assert source_line[finding["column"] - 1 : finding["end_column"] - 1] == "time.sleep(1)"


def test_json_format_from_the_environment(project):
    result = run(project, "check", env={"DJANGO_PROTOLINT_OUTPUT_FORMAT": "json"})
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == [code for _, _, code in EXPECTED]


def test_format_option_beats_the_environment(project):
    result = run(project, "check", "--format", "concise", env={"DJANGO_PROTOLINT_OUTPUT_FORMAT": "json"})
    assert CONCISE.match(result.stdout.splitlines()[0])


def test_output_file(project, tmp_path):
    target = tmp_path / "report.json"
    result = run(project, "check", "--format", "json", "--output-file", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))["findings"]) == 3


def test_output_file_is_never_coloured(project, tmp_path):
    target = tmp_path / "report.txt"
    run(project, "check", "--format", "concise", "--color", "-o", str(target))
    text = target.read_text(encoding="utf-8")
    assert "DPL110" in text and not ANSI.search(text)


def test_statistics(project):
    result = run(project, "check", "--statistics")
    assert result.exit_code == 1
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert sorted(rows) == [
        ["1", "DPL101", "sync-orm-query-in-async"],
        ["1", "DPL110", "blocking-sleep-in-async"],  # its fix is unsafe: no [*]
        ["1", "DPL111", "blocking-http-in-async"],
    ]


def test_statistics_counts(tmp_path):
    root = write_project(
        tmp_path / "p", {"app/views.py": VIEWS.replace("    time.sleep(1)\n", "    time.sleep(1)\n" * 3)}
    )
    rows = [line.split("\t") for line in run(root, "check", "--statistics").stdout.splitlines()]
    assert rows[0] == ["3", "DPL110", "blocking-sleep-in-async"]  # its fix is unsafe: no [*]


# ------------------------------------------------------------------ selection


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        ([], {"DPL101", "DPL110", "DPL111"}),
        (["--select", "DPL11"], {"DPL110", "DPL111"}),
        (["--select", "DPL110,DPL101"], {"DPL101", "DPL110"}),
        (["--select", "DPL110", "--select", "DPL101"], {"DPL101", "DPL110"}),
        (["--select", "dpl11"], {"DPL110", "DPL111"}),
        (["--select", "ALL", "--ignore", "DPL1"], set()),
        (["--ignore", "DPL11"], {"DPL101"}),
        (["--ignore", "DPL1", "--extend-select", "DPL111"], {"DPL111"}),
        (["--select", "DPL101", "--extend-select", "DPL110"], {"DPL101", "DPL110"}),
        (["--select", "DPL11", "--ignore", "DPL111"], {"DPL110"}),
        (["--select", "DPL111", "--ignore", "DPL11"], {"DPL111"}),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_selection_options(project, args, codes):
    result = run(project, "check", "--format", "concise", *args)
    assert {code for *_, code in concise_findings(result.stdout)} == codes
    assert result.exit_code == (1 if codes else 0)


# ------------------------------------------------------------------ colour


def test_no_color_by_default_when_not_a_terminal(project):
    assert not ANSI.search(run(project, "check").stdout)


def test_color_flag_forces_ansi(project):
    result = run(project, "check", "--color", "--format", "concise")
    assert ANSI.search(result.stdout)
    assert CONCISE.match(ANSI.sub("", result.stdout.splitlines()[0]))


def test_no_color_flag_and_no_color_env(project):
    assert not ANSI.search(run(project, "check", "--no-color").stdout)
    assert not ANSI.search(run(project, "check", env={"NO_COLOR": "1"}).stdout)


def test_json_is_never_coloured(project):
    json.loads(run(project, "check", "--format", "json", "--color").stdout)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(
    ("extra_args", "env", "coloured"),
    [([], {}, True), (["--no-color"], {}, False), ([], {"NO_COLOR": "1"}, False)],
    ids=["terminal", "--no-color", "NO_COLOR"],
)
def test_terminal_colour(project, extra_args, env, coloured):
    """On a real terminal the default is colour, unless --no-color or NO_COLOR says otherwise."""
    import pty

    leader, follower = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "django_protolint", "check", "--format", "concise", *extra_args],
            cwd=project, env={**environment, **env}, stdout=follower, stderr=subprocess.PIPE, timeout=120,
        )  # fmt: skip
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(leader)
    assert completed.returncode == 1
    assert b"DPL110" in output
    assert bool(ANSI.search(output.decode())) is coloured


# ------------------------------------------------------------------ paths


def test_paths_relative_to_the_working_directory(project):
    outside = project.parent
    result = run(outside, "check", "--format", "concise", "project")
    assert {path for path, *_ in concise_findings(result.stdout)} == {"project/app/views.py"}
    result = run(project / "app", "check", "--format", "concise", ".")
    assert {path for path, *_ in concise_findings(result.stdout)} == {"views.py"}


def test_paths_outside_the_working_directory_are_absolute(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run(elsewhere, "check", "--format", "concise", str(project))
    assert {path for path, *_ in concise_findings(result.stdout)} == {(project / "app" / "views.py").as_posix()}


# ------------------------------------------------------------------ rule, rules, version


def test_rule_prints_markdown(project):
    result = run(project, "rule", "DPL101")
    assert result.exit_code == 0
    assert result.stdout.startswith("# DPL101 `sync-orm-query-in-async`")
    assert "## What it does" in result.stdout and "## Why is this bad?" in result.stdout


def test_rule_is_case_insensitive(project):
    assert run(project, "rule", "dpl110").stdout == run(project, "rule", "DPL110").stdout


def test_unknown_rule_exits_2(project):
    result = run(project, "rule", "NOPE")
    assert result.exit_code == 2
    assert "NOPE" in result.stderr and result.stdout == ""


def test_rules_lists_every_registered_code(project):
    result = run(project, "rules")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == sorted(load_rules())
    assert "DPL110" in listed and "DPL001" in listed


def test_version(project):
    from django_protolint import __version__

    result = run(project, "--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_python_dash_m(project):
    completed = subprocess.run(
        [sys.executable, "-m", "django_protolint", "check", "--format", "concise", "--select", "DPL110"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 1
    assert completed.stdout.splitlines()[0].startswith("app/views.py:9:5: DPL110 ")
