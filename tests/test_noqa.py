"""`# noqa` on a line, in a multi-line statement, and for a whole file; read from real comments only."""

from __future__ import annotations

import textwrap

import pytest

from django_protolint.source.noqa import noqa_lines
from tests.helpers import found, run, write_project

HEADER = "import time\n\nimport requests\n\n\nasync def view(request):\n"  # the body starts on line 7


def lint_body(tmp_path, body: str) -> set[tuple[int, str]]:
    """Findings (line, code) of HEADER + body in app/views.py."""
    source = HEADER + textwrap.indent(textwrap.dedent(body).lstrip("\n"), "    ")
    root = write_project(tmp_path / "project", {"app/views.py": source})
    # DPL004 (a directive that suppresses nothing) is tests/test_noqa_directives.py's: here, what is suppressed.
    return {(line, code) for _, line, code in found(run(root, ignore=("DPL004",)))}


# (id, body, findings left) — the body's first line is line 7
CASES = [
    ("unsuppressed", "time.sleep(1)\n", {(7, "DPL110")}),
    ("code", "time.sleep(1)  # noqa: DPL110\n", set()),
    ("bare", "time.sleep(1); requests.get('x')  # noqa\n", set()),
    ("case-insensitive", "time.sleep(1)  # NOQA:dpl110\n", set()),
    ("no-space-after-hash", "time.sleep(1)  #noqa:DPL110\n", set()),
    ("several-codes", "time.sleep(1); requests.get('x')  # noqa: DPL101, DPL110, DPL111\n", set()),
    ("several-codes-no-space", "time.sleep(1); requests.get('x')  # noqa:DPL110,DPL111\n", set()),
    ("only-the-named-code", "time.sleep(1); requests.get('x')  # noqa: DPL110\n", {(7, "DPL111")}),
    ("text-after-codes", "time.sleep(1)  # noqa: DPL110 sleeping on purpose\n", set()),
    ("comment-after-codes", "time.sleep(1)  # noqa: DPL110  # we want the delay\n", set()),
    ("after-another-comment", "time.sleep(1)  # slow on purpose # noqa: DPL110\n", set()),
    ("prefix", "time.sleep(1)  # noqa: DPL11\n", set()),
    ("another-code", "time.sleep(1)  # noqa: DPL111\n", {(7, "DPL110")}),
    ("another-tool", "time.sleep(1)  # noqa: E501\n", {(7, "DPL110")}),
    ("only-its-line", "time.sleep(1)  # noqa: DPL110\ntime.sleep(2)\n", {(8, "DPL110")}),
    ("line-above-does-not-count", "# noqa: DPL110\ntime.sleep(1)\n", {(8, "DPL110")}),
    ("inside-a-string", "time.sleep(1); x = '# noqa'\n", {(7, "DPL110")}),
    ("inside-an-f-string", "time.sleep(1); x = f'{request} # noqa: DPL110'\n", {(7, "DPL110")}),
    ("inside-a-multiline-string", 'x = """\n# noqa\n"""; time.sleep(1)\n', {(9, "DPL110")}),
    ("noqa-not-after-the-hash", "time.sleep(1)  # do not noqa: DPL110\n", {(7, "DPL110")}),
    ("multi-line-call-last-line", "requests.get(\n    'https://example.com',\n)  # noqa: DPL111\n", set()),
    ("multi-line-call-first-line", "requests.get(  # noqa: DPL111\n    'https://example.com',\n)\n", set()),
    ("multi-line-call-other-code", "requests.get(\n    'https://example.com',\n)  # noqa: DPL110\n",
     {(7, "DPL111")}),
    # black puts the comment after the closing bracket, away from the inner call: the statement counts.
    ("multi-line-statement", "x = [\n    time.sleep(1),\n]  # noqa: DPL110\n", set()),
    ("next-statement-not-covered", "requests.get(\n    'x',\n)  # noqa\ntime.sleep(1)\n", {(10, "DPL110")}),
]  # fmt: skip


@pytest.mark.parametrize(("body", "left"), [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_line_noqa(tmp_path, body, left):
    assert lint_body(tmp_path, body) == left


def test_bare_noqa_in_words_is_still_a_bare_noqa(tmp_path):
    """flake8's shape: `# noqa` followed by something that is not `: CODES` silences the whole line."""
    assert lint_body(tmp_path, "time.sleep(1); requests.get('x')  # noqa because reasons\n") == set()


FILE_BODY = "import time\nimport requests\n\n\nasync def view(request):\n    time.sleep(1)\n    requests.get('x')\n"
FILE_CASES = [
    ("file-level", "# django-protolint: noqa\n", "", set()),
    ("file-level-code", "# django-protolint: noqa: DPL110\n", "", {"DPL111"}),
    ("file-level-case", "# DJANGO-PROTOLINT: NOQA: dpl110, DPL111\n", "", set()),
    ("file-level-at-the-end", "", "# django-protolint: noqa: DPL111\n", {"DPL110"}),
    ("ruff-style-is-not-ours", "# ruff: noqa\n", "", {"DPL110", "DPL111"}),
    ("file-level-in-a-string", 'DOC = """\n# django-protolint: noqa\n"""\n', "", {"DPL110", "DPL111"}),
]


@pytest.mark.parametrize(("before", "after", "left"), [pytest.param(*case[1:], id=case[0]) for case in FILE_CASES])
def test_file_noqa(tmp_path, before, after, left):
    root = write_project(tmp_path / "project", {"app/views.py": before + FILE_BODY + after, "app/other.py": FILE_BODY})
    report = found(run(root))
    assert {code for path, _, code in report if path == "app/views.py"} == left
    # A file-level noqa is about its own file only.
    assert {code for path, _, code in report if path == "app/other.py"} == {"DPL110", "DPL111"}


def test_noqa_on_a_syntax_error_line(tmp_path):
    root = write_project(tmp_path / "project", {"app/bad.py": "def broken(:  # noqa: DPL001\n    pass\n"})
    assert found(run(root)) == set()
    root = write_project(tmp_path / "other", {"app/bad.py": "def broken(:  # noqa: DPL110\n    pass\n"})
    assert found(run(root)) == {("app/bad.py", 1, "DPL001")}


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def broken(:  # noqa\n    pass\n", id="bare-line"),
        pytest.param("# django-protolint: noqa\ndef broken(:\n    pass\n", id="bare-file"),
        pytest.param("def broken(:  # noqa: DPL110\n    pass\n", id="other-code"),
    ],
)
def test_a_bare_noqa_does_not_hide_an_unparsable_file(tmp_path, source):
    """Django's tests/test_runner_apps/tagged/tests_syntax_error.py has a bare `# noqa` on its syntax error: it was
    written for flake8, and honouring it would silently drop the whole file from the analysis."""
    root = write_project(tmp_path / "project", {"app/bad.py": source})
    assert {code for _, _, code in found(run(root))} == {"DPL001"}


@pytest.mark.parametrize("noqa", ["# noqa: DPL001", "# noqa:DPL0", "# django-protolint: noqa: DPL001"])
def test_naming_the_code_still_silences_an_unparsable_file(tmp_path, noqa):
    root = write_project(tmp_path / "project", {"app/bad.py": f"{noqa}\ndef broken(:  {noqa}\n    pass\n"})
    assert found(run(root)) == set()


def test_noqa_lines_reads_only_comments():
    text = 's = "# noqa"\nt = 1  # noqa: dpl110,DPL111 why\n# django-protolint: noqa: DPL2\n'
    assert noqa_lines(text) == {2: frozenset({"DPL110", "DPL111"}), 0: frozenset({"DPL2"})}


def test_noqa_lines_survives_a_tokenizer_error():
    assert noqa_lines("x = 1  # noqa: DPL110\ny = (\n") == {1: frozenset({"DPL110"})}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_noqa_lines_agree_with_finding_lines_whatever_the_line_endings(tmp_path, newline):
    lines = ["import time", "", "", "async def view(request):", "    time.sleep(1)", "    time.sleep(2)  # noqa"]
    root = tmp_path / "project"
    root.mkdir()
    (root / "views.py").write_bytes(newline.join([*lines, ""]).encode())
    assert found(run(root)) == {("views.py", 5, "DPL110")}
