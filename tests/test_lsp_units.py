"""The language server's pure parts, without a client: positions, edits, the analysis seam, the missing extra."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lsprotocol import types

from django_protolint.cli import main
from django_protolint.server.analysis import PipelineAnalysis
from django_protolint.server.folders import Shown, merged, owner
from django_protolint.server.positions import Lines, text_edits
from tests.helpers import write_project


@pytest.mark.parametrize(
    "encoding, expected",
    [
        pytest.param(types.PositionEncodingKind.Utf16, 15, id="utf-16: the emoji is a surrogate pair"),
        pytest.param(types.PositionEncodingKind.Utf8, 18, id="utf-8: bytes (é two, the emoji four)"),
        pytest.param(types.PositionEncodingKind.Utf32, 14, id="utf-32: code points, as our columns"),
    ],
)
def test_columns_follow_the_negotiated_encoding(encoding: str, expected: int):
    lines = Lines.of('x = 1\nlabel = "é😀"; time.sleep(1)\n', encoding)
    assert lines.position(2, 14) == types.Position(1, expected)


def test_lines_count_only_the_line_breaks_lsp_counts():
    # A form feed is a line break for str.splitlines, not for LSP.
    lines = Lines.of("a\r\nb\x0cc\rd\n")
    assert [lines.line_text(index) for index in range(4)] == ["a", "b\x0cc", "d", ""]
    assert lines.end() == types.Position(3, 0)


def apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = Lines.of(text, types.PositionEncodingKind.Utf32)

    def offset(position: types.Position) -> int:
        return lines.starts[position.line] + position.character if position.line < len(lines.starts) else len(text)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


@pytest.mark.parametrize(
    "before, after, count",
    [
        pytest.param("a\nb\nc\n", "a\nb\nc\n", 0, id="unchanged: no edit"),
        pytest.param("a\nb\nc", "import x\na\nb\nC\n", 2, id="an import at the top and a change far below: two"),
        pytest.param("a\r\nb\r\n", "a\r\nB\r\n", 1, id="CRLF kept"),
        pytest.param("a\nb", "a\nb  # noqa: DPL101", 1, id="last line without a line break"),
    ],
)
def test_text_edits_turn_before_into_after(before: str, after: str, count: int):
    edits = text_edits(before, after, types.PositionEncodingKind.Utf32)
    assert len(edits) == count
    assert apply(before, edits) == after


VIEWS = """\
import time


async def slow(request):
    time.sleep(1)
"""


def test_an_unsaved_buffer_replaces_the_disk_and_none_reads_it_again(tmp_path: Path):
    root = write_project(tmp_path, {"manage.py": "", "app/views.py": VIEWS})
    analysis = PipelineAnalysis(root)
    assert [f.code for f in analysis.run().findings if f.path == "app/views.py"] == ["DPL110"]
    analysis.update(root / "app/views.py", VIEWS.replace("time.sleep(1)", "pass"))
    assert [f.code for f in analysis.run().findings if f.path == "app/views.py"] == []
    assert (root / "app/views.py").read_text(encoding="utf-8") == VIEWS
    analysis.update(root / "app/views.py", None)
    assert [f.code for f in analysis.run().findings if f.path == "app/views.py"] == ["DPL110"]


def test_a_buffer_adds_no_file_the_configuration_excludes(tmp_path: Path):
    root = write_project(tmp_path, {
        "manage.py": "", "pyproject.toml": '[tool.django-protolint]\nexclude = ["scratch"]\n',
        "app/views.py": "", "scratch/views.py": "",
    })  # fmt: skip
    analysis = PipelineAnalysis(root)
    analysis.update(root / "scratch/views.py", VIEWS)
    analysis.update(root / "scratch/new_unsaved.py", VIEWS)  # not on disk yet, where the walk does not go
    report = analysis.run()
    assert not any(path.startswith("scratch/") for path in report.files)


def test_a_new_file_not_saved_yet_joins_its_project_as_once_saved(tmp_path: Path):
    root = write_project(tmp_path, {"manage.py": "", "app/__init__.py": "", "app/views.py": ""})
    analysis = PipelineAnalysis(root)
    analysis.update(root / "app/new_unsaved.py", VIEWS)
    report = analysis.run()
    assert [f.code for f in report.findings if f.path == "app/new_unsaved.py"] == ["DPL110"]
    assert report.files["app/new_unsaved.py"].module == "app.new_unsaved"
    analysis.update(root / "app/new_unsaved.py", None)  # closed without saving: forgotten
    assert "app/new_unsaved.py" not in analysis.run().files


def test_server_without_pygls_is_one_line(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "django_protolint.server.lsp", None)
    result = CliRunner().invoke(main, ["server"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "pip install 'django-protolint[lsp]'" in lines[0]


@pytest.mark.parametrize(
    "relative, read",
    [
        ("app/views.py", True),
        ("requirements/production.txt", True),
        ("Procfile", True),
        ("docker-compose.yml", True),
        ("pyproject.toml", True),
        ("README.md", False),
        ("static/app.js", False),
    ],
)
def test_only_file_events_the_analysis_reads_start_one(tmp_path: Path, relative: str, read: bool):
    from django_protolint.server.lsp import _read_by_analysis

    assert _read_by_analysis(tmp_path / relative, tmp_path) is read


def test_a_byte_order_mark_is_counted_where_the_client_counts_it(tmp_path: Path):
    from django_protolint.server.actions import fixed_text, line_actions

    # get_object_or_404 -> aget_object_or_404 is a safe fix (DPL106) on a Django that has the twin (5.0+)
    views = "from django.shortcuts import get_object_or_404\n\n\nasync def show(request):\n    get_object_or_404(Article, pk=1)\n"
    text = "\ufeff" + views
    root = write_project(tmp_path, {"manage.py": "", "requirements.txt": "Django>=5.0\n"})
    (root / "app").mkdir()
    (root / "app/views.py").write_text(text, encoding="utf-8")
    [finding] = [f for f in PipelineAnalysis(root).run().findings if f.path == "app/views.py"]
    assert (finding.code, finding.span.line, finding.span.column) == ("DPL106", 5, 4)
    # Line 1 only: the mark is the first character of the text, counted by a client that keeps it.
    assert Lines.of(text).position(1, 6) == types.Position(0, 7)
    assert Lines.of(text).position(5, 4) == types.Position(4, 4)
    after, count = fixed_text(text, [finding])
    assert count == 1 and after.startswith("\ufefffrom django.shortcuts import aget_object_or_404")
    assert "    await aget_object_or_404(Article, pk=1)" in after
    requested = types.Range(types.Position(4, 4), types.Position(4, 4))
    actions = line_actions("file:///views.py", text, [finding], requested, {}, types.PositionEncodingKind.Utf16, True)
    assert [action.title.split(":")[0] for action in actions] == ["Fix DPL106", "Ignore DPL106 on this line (`# noqa"]


def test_an_unsafe_fix_is_offered_as_a_quick_fix_never_preferred_nor_in_fix_all(tmp_path: Path):
    from django_protolint.server.actions import fix_all_action, line_actions

    root = write_project(tmp_path, {"manage.py": "", "app/views.py": VIEWS})
    [finding] = [f for f in PipelineAnalysis(root).run().findings if f.path == "app/views.py"]
    assert (finding.code, finding.fix is not None and finding.fix.applicability) == ("DPL110", "unsafe")
    requested = types.Range(types.Position(4, 4), types.Position(4, 4))
    actions = line_actions("file:///views.py", VIEWS, [finding], requested, {}, types.PositionEncodingKind.Utf16, True)
    fix, silence = actions
    assert fix.title.startswith("Fix DPL110 (unsafe): ") and not fix.is_preferred
    assert silence.title.startswith("Ignore DPL110")
    assert fix.edit is not None and fix.edit.changes is not None
    assert any("await asyncio.sleep(1)" in edit.new_text for edit in fix.edit.changes["file:///views.py"])
    # `check --fix` leaves it to --unsafe-fixes: so does "fix all"
    assert fix_all_action("file:///views.py", VIEWS, [finding], types.PositionEncodingKind.Utf16) is None


def _shown(*uris: str, code: str) -> Shown:
    diagnostic = types.Diagnostic(range=types.Range(types.Position(0, 0), types.Position(0, 1)), message="", code=code)
    return Shown(diagnostics={uri: [diagnostic] for uri in uris}, texts={uri: "" for uri in uris})


def test_each_file_is_shown_from_the_deepest_folder_holding_it():
    outer, inner = Path("/work/repo"), Path("/work/repo/backend")
    shown = {
        outer: _shown("file:///work/repo/a.py", "file:///work/repo/backend/b.py", "file:///srv/Procfile", code="outer"),
        inner: _shown("file:///work/repo/backend/b.py", "file:///srv/Procfile", code="inner"),
    }
    together = merged(shown, lambda uri: Path(uri.removeprefix("file://")))
    assert {uri: [d.code for d in found] for uri, found in together.diagnostics.items()} == {
        "file:///work/repo/a.py": ["outer"],
        "file:///work/repo/backend/b.py": ["inner"],  # the inner folder is the project opened closest to it
        "file:///srv/Procfile": ["outer"],  # in no folder: the first folder that reports on it
    }
    assert owner(Path("/work/repo/backend/b.py"), shown) == inner
    assert owner(Path("/work/repository/c.py"), shown) is None  # a sibling whose name starts alike is outside
