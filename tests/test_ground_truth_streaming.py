"""Ground truth for DPL509 and knowledge/streaming.py: which streaming responses Django consumes whole under ASGI.

Per Django release, tests/ground_truth/run_streaming.py serves four views on loopback, with uvicorn (ASGI) and
with wsgiref (WSGI): `FileResponse(open(32 MiB file))`, `StreamingHttpResponse` over a sync generator and over an
async one, and `FileResponse` over an async generator reading the file in chunks. It reports how far each body's
source had got when the client saw the first body byte. Then, per protocol:
1. the knowledge rows for that release say "buffered" exactly where the source was at its end, and name the
   warning Django issued;
2. the linter, told the release and shown the same views served by uvicorn (or gunicorn), reports DPL509 on
   exactly the responses the run found buffered.

4.2, 5.2 and 6.1 are the releases the claim speaks about; 4.1 is the release before it changed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

from django_protolint.knowledge import streaming
from tests.django_versions import python_for, releases
from tests.helpers import expectations, found, run, write_project

SCRIPT = Path(__file__).parent / "ground_truth" / "run_streaming.py"

# The views of run_streaming.py as a project would write them; `{file}` etc. become `# expect: DPL509` where the
# release buffers that response.
VIEWS = """
import asyncio
import time

from asgiref.sync import sync_to_async
from django.http import FileResponse, StreamingHttpResponse

DATA_FILE = "/srv/big.bin"


def file(request):
    handle = open(DATA_FILE, "rb")
    return FileResponse(handle)  {file}


def sync_chunks():
    for number in range(5):
        yield f"chunk {{number}}\\n"
        time.sleep(0.2)


async def async_chunks():
    for number in range(5):
        yield f"chunk {{number}}\\n"
        await asyncio.sleep(0.2)


def sync_stream(request):
    return StreamingHttpResponse(sync_chunks())  {sync_stream}


async def async_stream(request):
    return StreamingHttpResponse(async_chunks())  {async_stream}


async def file_chunks():
    handle = await sync_to_async(open)(DATA_FILE, "rb")
    try:
        while chunk := await sync_to_async(handle.read)(64 * 1024):
            yield chunk
    finally:
        await sync_to_async(handle.close)()


async def async_file(request):
    return FileResponse(file_chunks())  {async_file}
"""
# (case, response class, what feeds it) as knowledge/streaming.py names them
CASES = (
    ("file", "FileResponse", streaming.FILE),
    ("sync_stream", "StreamingHttpResponse", streaming.SYNC),
    ("async_stream", "StreamingHttpResponse", streaming.ASYNC),
    ("async_file", "FileResponse", streaming.ASYNC),
)


@lru_cache(maxsize=None)
def measured(series: str) -> dict[str, object]:
    python = python_for(series, extras=("uvicorn",))
    work = Path(tempfile.mkdtemp(prefix=f"gt-streaming-{series}-"))
    completed = subprocess.run([python, str(SCRIPT), str(work)], capture_output=True, text=True, timeout=300)
    (work / "big.bin").unlink(missing_ok=True)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    print(f"Django {series}:", json.dumps(result), file=sys.stderr)
    return result


def buffered(result: dict[str, object], protocol: str, case: str) -> bool:
    """The source had been read to its end when the first body byte arrived."""
    outcome = result[protocol][case]
    assert isinstance(outcome, dict) and "error" not in outcome, outcome
    assert outcome["status"] == 200, outcome
    position = outcome["source_at_first_byte"]
    from_file = case in ("file", "async_file")
    end = result["file_size"] if from_file else result["chunks"]
    assert outcome["bytes"] == (result["file_size"] if from_file else sum(
        len(f"chunk {n}\n") for n in range(int(result["chunks"]))))  # fmt: skip
    return position == "closed" or position == end


def version_of(series: str) -> tuple[int, int]:
    major, minor = series.split(".")
    return int(major), int(minor)


SERVERS = {"asgi": "web: uvicorn proj.asgi:application\n", "wsgi": "web: gunicorn proj.wsgi:application\n"}
SERIES = releases("4.1", "4.2", "5.2", "6.1")
PROTOCOLS = pytest.mark.parametrize("protocol", ["asgi", "wsgi"])


@pytest.mark.parametrize("series", SERIES)
@PROTOCOLS
def test_knowledge_matches_a_real_run(series: str, protocol: str) -> None:
    result = measured(series)
    assert ".".join(str(result["django"]).split(".")[:2]) == series
    for case, response, source in CASES:
        if series == "4.1" and source == streaming.ASYNC:
            # 4.1 refuses async iterators outright (a 500); no row speaks of it
            assert result[protocol][case]["status"] == 500, result[protocol][case]
            continue
        row = streaming.behaviour(response, source, protocol, version_of(series))
        assert row is not None, (series, case)
        assert row.buffered == buffered(result, protocol, case), (series, case, result[protocol][case])
        warnings = result[protocol][case]["warnings"]
        assert any("must consume" in text for text in warnings) == (row.warning is not None), (series, case, warnings)
        assert row.warning is None or any(row.warning in text for text in warnings), (series, case, warnings)


@pytest.mark.parametrize("series", SERIES)
@PROTOCOLS
def test_linter_reports_what_the_server_does(series: str, protocol: str, tmp_path: Path) -> None:
    result = measured(series)
    marks = {
        # 4.1 cannot serve an async iterator at all (a 500): not what DPL509 speaks of
        case: "# expect: DPL509"
        if not (series == "4.1" and source == streaming.ASYNC) and buffered(result, protocol, case)
        else ""
        for case, _, source in CASES
    }  # fmt: skip
    files = {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
        "proj/settings.py": 'INSTALLED_APPS = ["app"]\nROOT_URLCONF = "proj.urls"\n',
        "proj/asgi.py": "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n",
        "proj/urls.py": "from django.urls import path\nfrom app import views\nurlpatterns = [\n"
        + "".join(f'    path("{case}/", views.{case}),\n' for case, _, _ in CASES)
        + "]\n",
        "app/__init__.py": "",
        "app/views.py": VIEWS.format(**marks).lstrip("\n"),
        "proj/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
        "Procfile": SERVERS[protocol],
    }
    root = write_project(tmp_path, files)
    report = run(root, select=("DPL509",), django_version=series)
    assert found(report) == expectations(root, files)


def test_every_row_names_its_source_and_ranges_do_not_overlap() -> None:
    seen: dict[tuple[str, str, str], list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    for row in streaming.STREAMING_BEHAVIOURS:
        assert row.upstream, row
        assert row.buffered == (row.warning is not None), row  # Django warns exactly when it consumes whole
        span = (row.since, row.until or (99, 0))
        for since, until in seen.setdefault((row.response, row.source, row.protocol), []):
            assert span[1] < since or until < span[0], (row, since, until)
        seen[(row.response, row.source, row.protocol)].append(span)


def test_unknown_version_means_the_current_release() -> None:
    assert streaming.behaviour("FileResponse", streaming.FILE, "asgi", None).buffered  # type: ignore[union-attr]
    assert not streaming.behaviour("FileResponse", streaming.FILE, "asgi", (4, 1)).buffered  # type: ignore[union-attr]
    # a FileResponse over an async generator is a StreamingHttpResponse over one
    assert not streaming.behaviour("FileResponse", streaming.ASYNC, "asgi", (5, 2)).buffered  # type: ignore[union-attr]
    assert streaming.behaviour("StreamingHttpResponse", streaming.ASYNC, "wsgi", (4, 1)) is None
