"""Ground truth for DPL510: a server pointed at a module or attribute the project lacks does not start.

Per case, a small Django project (async views, an asgi.py defining `application`) gets a Procfile whose `web:` line
is the case. Statically, the linter must report DPL510 on that line and call the fit `mismatch` exactly when the
case says the server cannot start. For real, the line is run (`sys.executable -m <server>`, cwd = the project,
127.0.0.1 only): a server we said cannot start must exit without ever accepting a connection (not always with a failure status:
hypercorn 0.18 logs `NoAppError` and exits 0); the near-misses
must start and answer GET /sync/ with 200. Servers run in their own session and are always stopped.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import expectations, found, write_project
from tests.test_ground_truth_servers import (  # the servers' common harness
    HOST,
    PLAIN_FILES,
    START_TIMEOUT,
    free_port,
    http_get,
    lint_case,
    server_env,
    stop,
)

pytest.importorskip("hypercorn", reason="the entrypoint ground-truth tests need the `test` extra")

WITHOUT_ASGI = {path: body for path, body in PLAIN_FILES.items() if path != "proj/asgi.py"}
OTHER_NAME = {**PLAIN_FILES, "proj/asgi.py": PLAIN_FILES["proj/asgi.py"] + "channel_app = application\n"}


@dataclass(frozen=True)
class Case:
    web: str  # the Procfile `web:` line, with `# expect: DPL510` when the linter must say it cannot start
    starts: bool  # what the real server does
    files: dict[str, str]


CASES = {
    "uvicorn-no-asgi-py": Case(f"uvicorn --host {HOST} --port $PORT proj.asgi:application  # expect: DPL510",
                               False, WITHOUT_ASGI),
    "gunicorn-misspelt-module": Case(f"gunicorn -k asgi --bind {HOST}:$PORT proj.asgii:application  # expect: DPL510",
                                     False, PLAIN_FILES),
    "daphne-missing-attribute": Case(f"daphne -b {HOST} -p $PORT proj.asgi:app  # expect: DPL510", False, PLAIN_FILES),
    "uvicorn-no-attribute": Case(f"uvicorn --host {HOST} --port $PORT proj.asgi  # expect: DPL510", False, PLAIN_FILES),
    "hypercorn-default-app": Case(f"hypercorn --bind {HOST}:$PORT proj.asgi  # expect: DPL510", False, PLAIN_FILES),
    # near-misses: they start
    "hypercorn-explicit-application": Case(f"hypercorn --bind {HOST}:$PORT proj.asgi:application", True, PLAIN_FILES),
    "gunicorn-default-application": Case(f"gunicorn -k asgi --bind {HOST}:$PORT proj.asgi", True, PLAIN_FILES),
    "daphne-other-name": Case(f"daphne -b {HOST} -p $PORT proj.asgi:channel_app", True, OTHER_NAME),
}  # fmt: skip


def files_for(case: Case) -> dict[str, str]:
    return {**case.files, "Procfile": f"web: {case.web}\n"}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("ground_truth_entrypoints")
    return {name: write_project(base / name, files_for(case)) for name, case in CASES.items()}


def start(root: Path, web: str) -> dict[str, object]:
    """Run the line until it accepts a connection (then GET /sync/) or exits; bounded by START_TIMEOUT."""
    port = free_port()
    argv = shlex.split(web.replace("$PORT", str(port)), comments=True)
    log = root / "server.log"
    with tempfile.TemporaryDirectory(prefix="dpl-gt-") as runtime_dir, log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", argv[0], *argv[1:]], cwd=root, env=server_env(root, port, runtime_dir),
            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    return {"started": False, "exit": process.returncode, "log": log.read_text(errors="replace")}
                try:
                    status, _ = http_get(port, "/sync/")
                    return {"started": True, "sync": status, "log": log.read_text(errors="replace")}
                except OSError:
                    time.sleep(0.1)
            return {"started": None, "log": log.read_text(errors="replace")}  # neither: a hung start
        finally:
            stop(process)


@pytest.mark.parametrize("name", CASES)
def test_linter_says_whether_it_starts(name: str, projects: dict[str, Path]):
    root = projects[name]
    report = lint_case(root)
    codes = {code for path, line, code in found(report) if path == "Procfile" and code == "DPL510"}
    assert codes == {code for path, _, code in expectations(root, files_for(CASES[name])) if code == "DPL510"}
    (verdict,) = report.model.verdicts.values()
    assert (verdict.fit == "mismatch") == (not CASES[name].starts), verdict.summary


@pytest.mark.parametrize("name", CASES)
def test_real_server_does_what_the_linter_says(name: str, projects: dict[str, Path]):
    root = projects[name]
    claim_fails = any(f.code == "DPL510" for f in lint_case(root).findings)
    real = start(root, CASES[name].web)
    if claim_fails:
        # exits without serving; hypercorn 0.18 exits with status 0 after its worker's NoAppError
        assert real["started"] is False, real
    else:
        assert real["started"] is True and real["sync"] == 200, real
