"""Issue 13 §5: which expressions are `pathlib.Path` objects (so their I/O methods are DPL113/DPL114 in async
code), which are not (pure paths, strings, in-memory buffers), and transitive chains the author already covered
with `sync_to_async` (DPL130/DPL131 at `info`)."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import run, write_project

SETTINGS_PATH = """
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
MEDIA_ROOT = BASE_DIR / "media"
INSTALLED_APPS = ["app"]
"""
SETTINGS_STRING = """
import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
INSTALLED_APPS = ["app"]
"""


def lint_views(tmp_path, views: str, settings: str | None = None, select=("DPL113", "DPL114")):
    files = {"app/views.py": textwrap.dedent(views).lstrip("\n")}
    if settings is not None:
        files["app/settings.py"] = textwrap.dedent(settings).lstrip("\n")
    root = write_project(tmp_path / "project", files)
    return run(root, select=select)


def flagged(report) -> set[tuple[int, str]]:
    return {(finding.span.line, finding.code) for finding in report.findings}


HEADER = "from pathlib import Path, PurePath, PurePosixPath\nfrom django.conf import settings\nimport io\n\n"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param('(Path("a") / "b").read_text()', "DPL113", id="Path(...) / str"),
        pytest.param('("a" / Path("b")).touch()', "DPL114", id="str / Path (rtruediv)"),
        pytest.param('(Path("a") / "b" / "c").stat()', "DPL114", id="chained joins"),
        pytest.param('Path("a").parent.rmdir()', "DPL114", id=".parent"),
        pytest.param('Path("a").parents[1].glob("*")', "DPL114", id=".parents[i]"),
        pytest.param('Path.cwd().joinpath("x").unlink()', "DPL114", id="joinpath keeps a Path"),
        pytest.param('(Path("a") / "b").open()', "DPL113", id="open on a joined path"),
        pytest.param('(settings.BASE_DIR / "x").rename("y")', "DPL114", id="settings path joined"),
        pytest.param("settings.MEDIA_ROOT.is_file()", "DPL114", id="settings path, derived in settings"),
        pytest.param("settings.BASE_DIR.parent.exists()", "DPL114", id="settings path .parent"),
    ],
)
def test_path_io_is_reported(tmp_path, body, code):
    report = lint_views(tmp_path, HEADER + f"async def view(request):\n    {body}\n", SETTINGS_PATH)
    assert flagged(report) == {(6, code)}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('(PurePath("a") / "b").name', id="PurePath join"),
        pytest.param('PurePosixPath("a").parent.match("*.py")', id="PurePosixPath"),
        pytest.param('(Path("a") / "b").with_suffix(".txt").name', id="pure operations on a Path"),
        pytest.param('str(Path("a") / "b")', id="str() of a path"),
        pytest.param('(Path("a") / "b").joinpath("c").as_posix()', id="joinpath and as_posix"),
        pytest.param('buffer = io.BytesIO(b"x"); buffer.seek(0); buffer.read(); buffer.close()', id="BytesIO"),
        pytest.param('text = io.StringIO("x"); text.read(); text.getvalue()', id="StringIO"),
        pytest.param('settings.MEDIA_ROOT.replace("a", "b")', id="unknown setting: maybe str.replace"),
        pytest.param('(x / "y").exists() if (x := request.path) else None', id="division of an untyped name"),
        pytest.param("(2 / Path('a')).exists()", id="number on the left: not a str, not a path"),
    ],
)
def test_pure_and_in_memory_are_not_reported(tmp_path, body):
    report = lint_views(tmp_path, HEADER + f"async def view(request):\n    {body}\n", SETTINGS_STRING)
    assert flagged(report) == set()


def test_string_settings_are_not_paths(tmp_path):
    views = (
        HEADER
        + "async def view(request):\n    settings.MEDIA_ROOT.replace('a', 'b')\n    settings.BASE_DIR.replace('/', '')\n"
    )
    assert flagged(lint_views(tmp_path, views, SETTINGS_STRING)) == set()
    # The same call with settings that assign Paths is `Path.replace`, a rename on disk.
    assert flagged(lint_views(tmp_path / "paths", views, SETTINGS_PATH)) == {(6, "DPL114"), (7, "DPL114")}


def test_no_settings_module_means_no_settings_path(tmp_path):
    report = lint_views(tmp_path, HEADER + "async def view(request):\n    settings.BASE_DIR.exists()\n")
    assert flagged(report) == set()


def test_setting_overridden_with_a_string_is_not_a_path(tmp_path):
    files = {
        "app/settings/__init__.py": "",
        "app/settings/base.py": textwrap.dedent(SETTINGS_PATH),
        "app/settings/production.py": 'from .base import *\n\nimport os\n\nMEDIA_ROOT = os.path.join(str(BASE_DIR), "m")\n',
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings.production")\n',
        "app/views.py": HEADER
        + "async def view(request):\n    settings.MEDIA_ROOT.replace('a', 'b')\n    settings.BASE_DIR.exists()\n",
    }
    report = run(write_project(tmp_path / "project", files), select=("DPL113", "DPL114"))
    # BASE_DIR comes from base.py through the star import, still a Path; MEDIA_ROOT is a str in production.
    assert {(f.path, f.span.line) for f in report.findings} == {("app/views.py", 7)}


@pytest.mark.parametrize(
    "views",
    [
        pytest.param("async def view(request, folder: Path):\n    folder.iterdir()\n", id="annotated parameter"),
        pytest.param("async def view(request, folder: Path | None = None):\n    folder.iterdir()\n", id="optional"),
        pytest.param("async def view(request):\n    folder = Path('a') / 'b'\n    folder.iterdir()\n", id="local"),
        pytest.param(
            "ROOT = Path(__file__).resolve().parent\n\nasync def view(request):\n    ROOT.iterdir()\n",
            id="module constant",
        ),
    ],
)
def test_names_bound_to_paths(tmp_path, views):
    report = lint_views(tmp_path, HEADER + views)
    assert [finding.code for finding in report.findings] == ["DPL114"]


def test_paths_in_sync_code_and_nested_defs_are_not_async(tmp_path):
    views = HEADER + textwrap.dedent(
        """
        def sync_view(request):
            (Path("a") / "b").read_text()

        async def view(request):
            def helper():
                return (Path("a") / "b").read_text()
            return helper
        """
    )
    assert flagged(lint_views(tmp_path, views)) == set()


def test_message_shows_the_joined_path(tmp_path):
    report = lint_views(tmp_path, HEADER + 'async def view(request, d: Path):\n    (d / "x.txt").read_text()\n')
    assert [finding.message for finding in report.findings] == [
        '`(d / "x.txt").read_text()` blocks the event loop inside async function `view`'
    ]


# ----------------------------------------------------------------------------------- transitive, covered


TRANSITIVE = """
import asyncio
import time
from asgiref.sync import sync_to_async

def helper():
    time.sleep(1)

def other():
    time.sleep(1)

async def branches(request):
    if request.GET:
        await sync_to_async(helper)()
    else:
        helper()
    other()

async def to_thread_elsewhere(request):
    await asyncio.to_thread(helper)
    helper()

async def not_covered(request):
    helper()

async def other_function_offloads(request):
    await sync_to_async(other)()
    helper()
"""


def test_chain_the_function_also_offloads_is_info(tmp_path):
    report = lint_views(tmp_path, TRANSITIVE, select=("DPL131",))
    severities = {finding.span.line: finding.severity for finding in report.findings}
    assert severities == {15: "info", 16: "warning", 20: "info", 23: "warning", 27: "warning"}
    covered = next(finding for finding in report.findings if finding.span.line == 15)
    assert "line 13 of this function runs `helper` in a worker thread" in covered.help


def test_orm_chain_the_function_also_offloads_is_info(tmp_path):
    files = {
        "app/services.py": "from .models import Article\n\ndef count():\n    return Article.objects.count()\n",
        "app/views.py": textwrap.dedent(
            """
            from asgiref.sync import sync_to_async
            from .services import count

            async def stats(request):
                if request.GET:
                    return count()
                return await sync_to_async(count)()

            async def plain(request):
                return count()
            """
        ).lstrip("\n"),
    }
    report = run(write_project(tmp_path / "project", files), select=("DPL130",))
    assert {(finding.span.line, finding.severity) for finding in report.findings} == {(6, "info"), (10, "error")}


def test_the_typing_matches_pathlib():
    """What the per-file pass assumes, checked on the running Python's pathlib."""
    import pathlib

    from django_protolint.knowledge.blocking import PATH_PROPERTIES, PATH_SEQUENCE_PROPERTIES, lookup

    path = pathlib.Path("a")
    assert isinstance(path / "b", pathlib.Path) and isinstance("b" / path, pathlib.Path)
    assert all(isinstance(getattr(path, name), pathlib.Path) for name in PATH_PROPERTIES)
    assert all(isinstance(getattr(path, name)[0], pathlib.Path) for name in PATH_SEQUENCE_PROPERTIES)
    # A pure path stays pure whatever it is joined with, and has none of the methods that touch the disk.
    assert not isinstance(pathlib.PurePath("a") / path, pathlib.Path)
    io_methods = [name for name in dir(pathlib.Path) if lookup(f"pathlib.Path.{name}") is not None]
    assert {"exists", "read_text", "mkdir", "iterdir", "open"} <= set(io_methods)
    assert not [name for name in io_methods if hasattr(pathlib.PurePath, name)]
