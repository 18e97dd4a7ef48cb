"""Ground truth for DPL511: a task an async view schedules is cancelled under WSGI and runs on under ASGI.

One small project whose async views schedule a task (`asyncio.create_task`, `asyncio.ensure_future`,
`get_event_loop().create_task`) that notes in a file when it starts, finishes or is cancelled, then returns.
Per server (the Procfile `web:` line, started on 127.0.0.1 as in tests/test_ground_truth_servers.py):
1. the linter reports DPL511 on each scheduling line exactly when the case says the project is served by WSGI;
2. the real server, asked for each view, does what the report claims: with DPL511 on the line the task is
   cancelled and never finishes; without it (ASGI) the task finishes.
"""

from __future__ import annotations

import subprocess
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from tests.helpers import expectations, found, write_project
from tests.test_ground_truth_servers import (
    HOST,
    MANAGE,
    PLAIN_ASGI,
    SETTINGS,
    WSGI,
    free_port,
    http_get,
    lint_case,
    server_argv,
    server_env,
    stop,
    wait_until_accepting,
)

TASK_SECONDS = 0.3  # what each task awaits before it notes "finished"
SETTLE = TASK_SECONDS * 5  # how long to wait after the last response before reading the notes

VIEWS = """
import asyncio
import os

from django.http import HttpResponse

NOTES = os.environ["GT_NOTES"]


def note(text):
    with open(NOTES, "a") as notes:
        notes.write(text + "\\n")


async def work(tag):
    note(f"{tag} started")
    try:
        await asyncio.sleep(TASK_SECONDS)
    except asyncio.CancelledError:
        note(f"{tag} cancelled")
        raise
    note(f"{tag} finished")


async def create_task(request):
    asyncio.create_task(work("create_task"))  {expect}
    return HttpResponse("ok")


async def ensure_future(request):
    asyncio.ensure_future(work("ensure_future"))  {expect}
    return HttpResponse("ok")


async def loop_create_task(request):
    asyncio.get_event_loop().create_task(work("loop_create_task"))  {expect}
    return HttpResponse("ok")
""".replace("TASK_SECONDS", repr(TASK_SECONDS))

URLS = """
from django.urls import path

from chat import views

urlpatterns = [
    path("create_task/", views.create_task),
    path("ensure_future/", views.ensure_future),
    path("loop_create_task/", views.loop_create_task),
]
"""
TAGS = ("create_task", "ensure_future", "loop_create_task")

CASES = {
    "gunicorn-sync-wsgi": (f"gunicorn --bind {HOST}:$PORT proj.wsgi:application", "# expect: DPL511"),
    "uvicorn-asgi": (f"uvicorn --host {HOST} --port $PORT proj.asgi:application", ""),
}


def files_for(web: str, expect: str) -> dict[str, str]:
    files = {
        "manage.py": MANAGE,
        "proj/settings.py": SETTINGS.replace("{apps}", repr(["chat"])),
        "proj/urls.py": URLS,
        "proj/wsgi.py": WSGI,
        "proj/asgi.py": PLAIN_ASGI,
        "chat/views.py": VIEWS.replace("{expect}", expect),
        "Procfile": f"web: {web}\n",
    }
    return {path: textwrap.dedent(body).lstrip("\n") for path, body in files.items()}


def task_fates(root: Path, web: str) -> dict[str, set[str]]:
    """Start the server, ask each view once, wait for the tasks, stop it: tag -> what the task noted."""
    notes = root / "notes.txt"
    notes.unlink(missing_ok=True)
    port = free_port()
    log = root / "server.log"
    runtime_dir = tempfile.TemporaryDirectory(prefix="dpl-gt-")
    env = server_env(root, port, runtime_dir.name) | {"GT_NOTES": str(notes)}
    with log.open("wb") as output:
        process = subprocess.Popen(server_argv(web, port), cwd=root, env=env, stdin=subprocess.DEVNULL,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        wait_until_accepting(process, port, log)
        for tag in TAGS:
            assert http_get(port, f"/{tag}/") == (200, b"ok"), log.read_text(errors="replace")
        time.sleep(SETTLE)
    finally:
        stop(process)
        runtime_dir.cleanup()
    fates: dict[str, set[str]] = {tag: set() for tag in TAGS}
    for line in notes.read_text().splitlines() if notes.exists() else []:
        tag, fate = line.split()
        fates[tag].add(fate)
    return fates


@pytest.mark.parametrize("name", CASES)
def test_background_tasks_die_exactly_where_the_linter_says(name: str, tmp_path: Path):
    pytest.importorskip("django")
    pytest.importorskip("gunicorn")
    pytest.importorskip("uvicorn")
    web, expect = CASES[name]
    files = files_for(web, expect)
    root = write_project(tmp_path / name, files)
    report = lint_case(root)
    # The notes are written with open() from async code (DPL131): true, and beside the point here.
    assert {f for f in found(report) if f[2] != "DPL131"} == expectations(root, files)
    flagged = {f.span.line for f in report.findings if f.code == "DPL511"}
    fates = task_fates(root, web)
    lines = {tag: n for n, line in enumerate(files["chat/views.py"].splitlines(), 1) for tag in TAGS
             if f'work("{tag}")' in line}  # fmt: skip
    for tag in TAGS:
        if lines[tag] in flagged:  # "cancelled when the view returns"
            assert "cancelled" in fates[tag] and "finished" not in fates[tag], (tag, fates)
        else:
            assert fates[tag] == {"started", "finished"}, (tag, fates)
