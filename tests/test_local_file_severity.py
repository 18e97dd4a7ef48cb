"""Blocking that only touches local files is `info` (field class `negligible-blocking`): DPL114 always, DPL131 when
its chain ends only in DPL113/DPL114 work. The shapes are khoj's (an async route calls a telemetry helper that reads
a server id with `path.exists()` + `open().read()`) and umap's (`stat()`/`touch()`/`unlink()` in an async view).
Each output format shows the finding's own severity, and only `--fail-level info` makes an info finding fail."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.helpers import invoke, run, write_project

SERVER_ID = """\
import uuid
from os import path

ENV_FILE = "~/.app/env"


def get_server_id():
    filename = path.expanduser(ENV_FILE)
    if path.exists(filename):
        with open(filename, "r") as handle:
            for line in handle.readlines():
                key, value = line.strip().split("=")
                if key == "server_id":
                    return value
    return str(uuid.uuid4())


def log_telemetry(event):
    return {"event": event, "server_id": get_server_id()}


def update_telemetry_state(request, event):
    request.state.telemetry = [log_telemetry(event)]
"""

NETWORK = """\
import requests


def send_telemetry(event):
    return requests.get("https://telemetry.example.com", params={"event": event}).ok
"""

BOTH = """\
import requests

from .telemetry import log_telemetry


def report(event):
    payload = log_telemetry(event)
    requests.post("https://telemetry.example.com", json=payload)
"""

VIEWS = """\
from pathlib import Path

from .both import report
from .network import send_telemetry
from .telemetry import update_telemetry_state

CACHE = Path("/var/cache/app")


async def search(request):
    update_telemetry_state(request, "search")
    send_telemetry("search")
    report("search")
    cached = CACHE / request.GET["q"]
    if cached.exists():
        cached.touch()
    with open(cached, "rb") as handle:
        return handle.read()
"""

FILES = {"app/telemetry.py": SERVER_ID, "app/network.py": NETWORK, "app/both.py": BOTH, "app/views.py": VIEWS}


def severities(root: Path) -> dict[tuple[int, str], str]:
    report = run(root, select=("DPL113", "DPL114", "DPL131"))
    return {(f.span.line, f.code): f.severity for f in report.findings if f.path == "app/views.py"}


def test_severity_follows_what_the_chain_reaches(tmp_path):
    root = write_project(tmp_path / "project", FILES)
    assert severities(root) == {
        (11, "DPL131"): "info",  # update_telemetry_state → ... → path.exists / open: local file work only
        (12, "DPL131"): "warning",  # send_telemetry → requests.get
        (13, "DPL131"): "warning",  # report reads the server id and posts it: the HTTP call decides
        (15, "DPL114"): "info",  # Path.exists
        (16, "DPL114"): "info",  # Path.touch
        (17, "DPL113"): "warning",  # open() in the async function itself stays a warning
    }


def test_the_chain_named_is_the_one_that_reaches_the_network(tmp_path):
    root = write_project(tmp_path / "project", FILES)
    report = run(root, select=("DPL131",))
    (both,) = [f for f in report.findings if f.span.line == 13]
    assert "requests.post" in both.message and "get_server_id" not in both.message


def test_a_deeper_network_call_outweighs_a_nearer_file_read(tmp_path):
    helpers = (
        "import requests\nfrom pathlib import Path\n\n\ndef fetch():\n    return requests.get('https://example.com').text"
        "\n\n\ndef refresh():\n    Path('/tmp/marker').exists()\n    return fetch()\n"
    )
    views = "from .helpers import refresh\n\n\nasync def view(request):\n    return refresh()\n"
    root = write_project(tmp_path / "project", {"app/helpers.py": helpers, "app/views.py": views})
    (finding,) = run(root, select=("DPL131",)).findings
    assert finding.severity == "warning" and "refresh → fetch → requests.get" in finding.message


INFO_VIEWS = """\
from .telemetry import update_telemetry_state


async def search(request):
    update_telemetry_state(request, "search")
"""
INFO_ONLY = {"app/telemetry.py": SERVER_ID, "app/views.py": INFO_VIEWS}


@pytest.fixture
def info_project(tmp_path) -> Path:
    root = write_project(tmp_path / "project", INFO_ONLY)
    (root / ".git").mkdir()  # a repository root, for SARIF's %SRCROOT%
    return root


def check(root: Path, *args: str) -> tuple[int, str]:
    result = invoke(["check", "--no-config", "--no-cache", "--select", "DPL131", *args, "."], cwd=root)
    assert result.exception is None, result.exception
    return result.exit_code, result.stdout


def test_an_info_chain_does_not_fail_a_commit_by_default(info_project):
    assert check(info_project)[0] == 0
    assert check(info_project, "--fail-level", "info")[0] == 1


@pytest.mark.parametrize(
    ("output_format", "shown"),
    [
        ("full", lambda out: " DPL131 info: " in out),
        ("concise", lambda out: " DPL131 info: " in out),
        ("json", lambda out: [f["severity"] for f in json.loads(out)["findings"]] == ["info"]),
        ("sarif", lambda out: [r["level"] for r in json.loads(out)["runs"][0]["results"]] == ["note"]),
        ("github", lambda out: out.startswith("::notice ")),
        ("gitlab", lambda out: [issue["severity"] for issue in json.loads(out)] == ["info"]),
        ("junit", lambda out: " DPL131 info: " in ElementTree.fromstring(out).find(".//failure").text),
    ],
)
def test_every_format_shows_the_finding_s_own_severity(info_project, output_format, shown):
    status, out = check(info_project, "--format", output_format)
    assert status == 0
    assert shown(out), out
