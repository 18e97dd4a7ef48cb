"""DPL004 (a `# noqa` that suppresses nothing) and DPL005 (an unknown code), and `--add-noqa`, the baseline."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import BLOCKING_VIEW, found, invoke, run, write_project

HEADER = "import time\n\n\nasync def view(request):\n"  # the body starts on line 5


def lint(tmp_path, body: str, **config: object) -> set[tuple[int, str]]:
    source = HEADER + textwrap.indent(textwrap.dedent(body).lstrip("\n"), "    ")
    root = write_project(tmp_path / "project", {"app/views.py": source})
    return {(line, code) for _, line, code in found(run(root, **config))}


@pytest.mark.parametrize(
    ("body", "config", "left"),
    [
        ("time.sleep(1)  # noqa: DPL110\n", {}, set()),
        ("x = 1  # noqa: DPL110\n", {}, {(5, "DPL004")}),
        ("time.sleep(1)  # noqa: DPL110, DPL111\n", {}, {(5, "DPL004")}),
        ("time.sleep(1)  # noqa: DPL11\n", {}, set()),
        ("x = 1  # noqa: E501\n", {}, set()),
        ("x = 1  # noqa\n", {}, set()),
        ("x = 1  # noqa: e501, W291\n", {}, set()),
        # The rule is left out of the run: the directive is still needed, and still judged.
        ("time.sleep(1)  # noqa: DPL110\n", {"ignore": ("DPL110",)}, set()),
        ("time.sleep(1)  # noqa: DPL110\n", {"select": ("DPL004",)}, set()),
        ("x = 1  # noqa: DPL110\n", {"select": ("DPL004",)}, {(5, "DPL004")}),
        ("time.sleep(1)  # noqa: DPL110\n", {"per_file_ignores": {"app/*": ("DPL110",)}}, set()),
        # DPL004 not selected: nothing about directives.
        ("x = 1  # noqa: DPL110\n", {"select": ("DPL1",)}, set()),
        ("x = 1  # noqa: DPL110\n", {"ignore": ("DPL004",)}, set()),
        # A statement over several lines: the directive covers all of it.
        ("time.sleep(\n    1,\n)  # noqa: DPL110\n", {}, set()),
        # Suppressing DPL004 itself, with another tool's directive in the same comment.
        ("x = 1  # noqa: DPL110  # noqa: DPL004\n", {}, set()),
        ("x = 1  # noqa: DPL999\n", {}, {(5, "DPL005")}),
        ("x = 1  # noqa: DPL999, DPL110\n", {}, {(5, "DPL004"), (5, "DPL005")}),
    ],
    ids=["used", "unused", "partly-used", "prefix", "other-tool", "bare", "other-tool-lowercase",
         "rule-ignored", "only-dpl004-selected", "only-dpl004-selected-unused", "per-file-ignored",
         "dpl004-not-selected", "dpl004-ignored", "multi-line-statement", "dpl004-suppressed", "unknown",
         "unknown-and-unused"],
)  # fmt: skip
def test_directives(tmp_path, body, config, left):
    assert lint(tmp_path, body, **config) == left


def test_a_file_that_does_not_parse_keeps_its_directives_quiet(tmp_path):
    root = write_project(tmp_path / "p", {"app/views.py": "def broken(:\n    x = 1  # noqa: DPL110\n"})
    assert {code for _, _, code in found(run(root))} == {"DPL001"}


def test_file_level_directive(tmp_path):
    root = write_project(tmp_path / "p", {"app/views.py": "# django-protolint: noqa: DPL110\n" + BLOCKING_VIEW})
    assert found(run(root)) == set()
    root = write_project(tmp_path / "q", {"app/views.py": "# django-protolint: noqa: DPL101\n" + BLOCKING_VIEW})
    assert {(line, code) for _, line, code in found(run(root))} == {(1, "DPL004"), (6, "DPL110")}


def test_unknown_code_in_a_deployment_file(tmp_path):
    root = write_project(tmp_path / "p", {"app/views.py": "x = 1\n",
                                          "Procfile": "web: gunicorn proj.wsgi  # noqa: DPL599\n"})  # fmt: skip
    assert ("Procfile", 1, "DPL005") in found(run(root))


def test_the_position_is_the_directive(tmp_path):
    root = write_project(tmp_path / "p", {"app/views.py": "x = 1  # keep  # noqa: DPL110\n"})
    (finding,) = run(root).findings
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (1, 15, 29)
    assert finding.message == "Unused `noqa` directive (unused: `DPL110`)"
    assert finding.fix is None, "the comment says more than the directive: left to its author"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = 1  # noqa: DPL110\n", "x = 1\n"),
        ("    # noqa: DPL110\nx = 1\n", "\nx = 1\n"),
        ("import time\n\n\nasync def view(request):\n    time.sleep(1)  # noqa: DPL110, DPL111\n",
         "import time\n\n\nasync def view(request):\n    time.sleep(1)  # noqa: DPL110\n"),
    ],
    ids=["whole-comment", "own-line", "some-codes"],
)  # fmt: skip
def test_fix_removes_the_unused_codes(tmp_path, before, after):
    root = write_project(tmp_path / "p", {"app/views.py": before})
    result = invoke(["check", "--no-cache", "--fix", "--select", "DPL004"], cwd=root)
    assert result.exception is None
    assert (root / "app" / "views.py").read_text(encoding="utf-8") == after
    assert result.exit_code == 0


# ------------------------------------------------------------------ --add-noqa


def test_add_noqa_is_a_baseline(tmp_path):
    body = (
        "import time\n\nimport requests\n\n\nasync def view(request):\n"
        "    time.sleep(1)\n"
        "    requests.get('x'); time.sleep(2)  # noqa: DPL111\n"
        "    text = f'''\n    {request}'''; time.sleep(3)\n"
        "    time.sleep(4); note = '''\n    '''\n"
    )
    root = write_project(tmp_path / "p", {"app/views.py": body, "Procfile": "web: gunicorn proj.wsgi\n"})
    result = invoke(["check", "--no-cache", "--add-noqa"], cwd=root)
    assert result.exception is None and result.exit_code == 0
    after = (root / "app" / "views.py").read_text(encoding="utf-8")
    assert "    time.sleep(1)  # noqa: DPL110\n" in after
    assert "    requests.get('x'); time.sleep(2)  # noqa: DPL111, DPL110\n" in after, "merged with the directive there"
    assert "    {request}'''; time.sleep(3)  # noqa: DPL110\n" in after
    # The end of this line is inside a string: a comment there would change the program.
    assert "    time.sleep(4); note = '''\n" in after
    assert "app/views.py:11: a comment cannot go at the end of this line" in result.stderr
    assert "Added 3 noqa directives." in result.stderr
    again = invoke(["check", "--no-cache", "--format", "concise"], cwd=root)
    codes = [line.split(": ")[1].split()[0] for line in again.stdout.splitlines() if ": DPL" in line]
    assert codes == ["DPL110"], "only the line that could not take a comment is left"
