"""Real code never makes the linter fail, its output order never varies, and its columns are the ones an editor
counts (characters, 1-based) whatever the line endings, the indentation or the script of the text before them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import django
import pytest

from django_protolint.config import Config
from django_protolint.output import FORMATS
from django_protolint.runner import lint
from django_protolint.source.parse import CANNOT_PARSE, CANNOT_READ, INTERNAL_ERROR
from tests.helpers import invoke, write_project

SAMPLE_SIZE = 40
DJANGO_ROOT = Path(django.__file__).resolve().parent


def django_sample() -> list[Path]:
    """Every n-th file of the installed Django, in sorted order: the same 40 files on every run."""
    every = sorted(DJANGO_ROOT.rglob("*.py"), key=lambda path: path.relative_to(DJANGO_ROOT).as_posix())
    step = max(1, len(every) // SAMPLE_SIZE)
    return every[::step][:SAMPLE_SIZE]


def copy_sample(destination: Path, order: list[Path]) -> Path:
    for source in order:
        target = destination / "django" / source.relative_to(DJANGO_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return destination


def test_the_sample_is_real_and_stable():
    sample = django_sample()
    assert len(sample) == SAMPLE_SIZE
    assert len({path.parent for path in sample}) > 10  # spread over the package, not one directory
    assert sum(len(path.read_bytes()) for path in sample) > 20_000


def test_django_sample_lints_without_internal_errors(tmp_path):
    root = copy_sample(tmp_path / "tree", django_sample())
    report = lint([root], Config(), cwd=root)
    assert len([path for path in report.files if path.endswith(".py")]) == SAMPLE_SIZE
    problems = [(facts.path, facts.problem) for facts in report.files.values() if facts.problem is not None]
    assert problems == []  # Django's own source decodes and parses
    codes = {finding.code for finding in report.findings}
    assert not codes & {INTERNAL_ERROR, CANNOT_PARSE, CANNOT_READ}


def test_django_sample_through_the_cli_exits_cleanly(tmp_path):
    root = copy_sample(tmp_path / "tree", django_sample())
    result = invoke(["check", ".", "--no-config", "--format", "json", "--exit-zero", "--no-cache"], cwd=root)
    assert result.exception is None
    assert result.exit_code == 0
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    document = json.loads(result.stdout)
    assert [f for f in document["findings"] if f["code"] == INTERNAL_ERROR] == []


def test_output_order_does_not_depend_on_file_creation_order(tmp_path):
    sample = django_sample()
    views = {
        f"app/views_{n}.py": "import time\n\n\nasync def view(request):\n    time.sleep(1)\n    time.sleep(2)\n"
        for n in (3, 1, 2)
    }  # fmt: skip
    forward = write_project(copy_sample(tmp_path / "forward", sample), views)
    backward = write_project(copy_sample(tmp_path / "backward", list(reversed(sample))),
                             dict(reversed(list(views.items()))))  # fmt: skip
    first = lint([forward], Config(), cwd=forward)
    again = lint([forward], Config(), cwd=forward)
    other = lint([backward], Config(), cwd=backward)
    assert first.findings == again.findings == other.findings
    assert list(first.findings) == sorted(first.findings, key=lambda finding: finding.sort_key)
    for name in ("concise", "json", "sarif"):
        assert FORMATS[name](first, False) == FORMATS[name](other, False)
    # list(report.files) is the order of discovery: sorted, not the file system's order
    assert list(first.files) == list(other.files)


def _concise(root: Path) -> list[str]:
    result = invoke(["check", ".", "--no-config", "--format", "concise", "--exit-zero", "--no-cache"], cwd=root)
    assert result.exception is None and result.exit_code == 0
    return [line for line in result.stdout.splitlines() if ": DPL" in line]


def _locations(root: Path, code: str) -> set[str]:
    return {line.split(f": {code} ")[0] for line in _concise(root) if f": {code} " in line}


CASES = {
    # name: (file bytes, expected "line:column" of the DPL110 on `time.sleep`)
    "lf_spaces": (b"import time\n\n\nasync def view(request):\n    time.sleep(1)\n", "5:5"),
    "crlf_spaces": (b"import time\r\n\r\n\r\nasync def view(request):\r\n    time.sleep(1)\r\n", "5:5"),
    "lf_tab": (b"import time\n\n\nasync def view(request):\n\ttime.sleep(1)\n", "5:2"),
    "crlf_tab": (b"import time\r\n\r\n\r\nasync def view(request):\r\n\ttime.sleep(1)\r\n", "5:2"),
    "crlf_tab_then_tab_inside": (
        b"import time\r\n\r\n\r\nasync def view(request):\r\n\tx = 1;\ttime.sleep(1)\r\n",
        "5:9",
    ),
    "crlf_multiline_string_before": (
        b'import time\r\n\r\n\r\nasync def view(request):\r\n\t"""Doc\r\n\r\n\tmore."""\r\n\ttime.sleep(1)\r\n',
        "8:2",
    ),
    "cr_only": (b"import time\r\r\rasync def view(request):\r    time.sleep(1)\r", "5:5"),
    "bom_crlf": (b"\xef\xbb\xbfimport time\r\n\r\n\r\nasync def view(request):\r\n\ttime.sleep(1)\r\n", "5:2"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_line_endings_and_tabs_give_editor_columns(tmp_path, name):
    data, expected = CASES[name]
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_bytes(b"")
    (root / "app" / "views.py").write_bytes(data)
    assert _locations(root, "DPL110") == {f"app/views.py:{expected}"}


NON_ASCII = {
    # name: (text, expected "line:column"), columns counted in characters as an editor shows them
    "identifier": ("import time\n\n\nasync def vue(requête):\n    café = 1; time.sleep(1)\n", "5:15"),
    "string": ("import time\n\n\nasync def view(request):\n    s = 'héllo wörld'; time.sleep(1)\n", "5:24"),
    "cjk_string": ("import time\n\n\nasync def view(request):\n    s = '日本語のテキスト'; time.sleep(1)\n", "5:21"),
    "cyrillic_name": ("import time\n\n\nasync def вид(запрос):\n    данные = 0; time.sleep(данные)\n", "5:17"),
    "latin1_cookie": (
        "# -*- coding: latin-1 -*-\nimport time\n\n\nasync def view(request):\n    s = 'déjà'; time.sleep(1)\n",
        "6:17",
    ),  # fmt: skip
    "crlf_and_accents": (
        "import time\r\n\r\n\r\nasync def view(request):\r\n\tnaïve = 'ça'; time.sleep(1)\r\n",
        "5:16",
    ),  # fmt: skip
}


@pytest.mark.parametrize("name", sorted(NON_ASCII))
def test_non_ascii_text_before_a_finding_counts_characters(tmp_path, name):
    text, expected = NON_ASCII[name]
    encoding = "latin-1" if "coding: latin-1" in text else "utf-8"
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_bytes(b"")
    (root / "app" / "views.py").write_bytes(text.encode(encoding))
    assert _locations(root, "DPL110") == {f"app/views.py:{expected}"}
    line, column = (int(part) for part in expected.split(":"))
    source_line = text.replace("\r\n", "\n").splitlines()[line - 1]
    assert source_line[column - 1 :].startswith("time.sleep")  # the expectation itself counts characters


def test_json_columns_match_concise_columns_on_non_ascii_crlf(tmp_path):
    text, expected = NON_ASCII["crlf_and_accents"]
    root = write_project(tmp_path / "project", {"app/__init__.py": ""})
    (root / "app" / "views.py").write_bytes(text.encode("utf-8"))
    result = invoke(["check", ".", "--no-config", "--format", "json", "--exit-zero", "--no-cache"], cwd=root)
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "DPL110"]
    assert [f"{f['line']}:{f['column']}" for f in findings] == [expected]
    assert findings[0]["end_column"] == findings[0]["column"] + len("time.sleep(1)")


DEEP = {
    # CPython compiles every one of these. Before the per-file pass raised its recursion limit, those from ~139
    # brackets or ~324 operands in one chain on were DPL003 "Internal error" (a RecursionError in libcst's walk).
    "binary_chain_250": "x = " + " + ".join(["a"] * 250) + "\n",
    "binary_chain_324": "x = " + " + ".join(["a"] * 324) + "\n",
    "binary_chain_1900": "x = " + " + ".join(["a"] * 1900) + "\n",
    "boolean_chain_400": "x = " + " and ".join(["a"] * 400) + "\n",
    "nested_lists_110": "x = " + "[" * 110 + "1" + "]" * 110 + "\n",
    "nested_lists_139": "x = " + "[" * 139 + "1" + "]" * 139 + "\n",
    "nested_lists_199": "x = " + "[" * 199 + "1" + "]" * 199 + "\n",
    "nested_calls_150": "x = " + "f(" * 150 + "1" + ")" * 150 + "\n",
    "nested_dicts_150": "x = " + "{1: " * 150 + "1" + "}" * 150 + "\n",
    "attribute_chain_1900": "x = a" + ".b" * 1900 + "\n",
    "call_chain_900": "x = a" + "()" * 900 + "\n",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_but_valid_code_is_never_an_internal_error(name):
    from django_protolint.source.parse import build_facts

    source = DEEP[name]
    compile(source, "deep.py", "exec")  # CPython accepts it
    facts = build_facts(source.encode(), "deep.py", "deep", False)
    assert facts.problem is None or facts.problem.code == CANNOT_PARSE, facts.problem
