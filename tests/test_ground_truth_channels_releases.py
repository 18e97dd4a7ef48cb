"""DPL301, DPL305 and runserver's protocol against real Channels.

tests/ground_truth/channels_releases.py ran once on 2.4.0 and 3.0.5 in throwaway venvs (their results are the
`checked` text of knowledge/channels_api.py); here it runs on the release this suite installs (4.x), and the linter
must say, about the same project pinned to each release, what those runs showed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.runner import lint
from tests.helpers import write_project

channels = pytest.importorskip("channels")

SCRIPT = Path(__file__).resolve().parent / "ground_truth" / "channels_releases.py"
_spec = importlib.util.spec_from_file_location("channels_releases", SCRIPT)
assert _spec is not None and _spec.loader is not None
releases_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(releases_script)

# The script's project in the shape of Channels 2: a router without "http", a consumer class routed bare, and
# runserver started by the Procfile.
BARE_ROUTING = """
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

from chat.consumers import Chat

application = ProtocolTypeRouter({"websocket": URLRouter([path("ws/", Chat)])})
"""


def channels_2_shape(tmp_path: Path, pin: str) -> Path:
    files = dict(releases_script.FILES)
    files["proj/routing.py"] = BARE_ROUTING
    files["requirements.txt"] = f"Django>=3.2\nchannels=={pin}\n"
    files["Procfile"] = "web: python manage.py runserver 0.0.0.0:$PORT\n"
    return write_project(tmp_path, {path: body.lstrip("\n") for path, body in files.items()})


def test_the_installed_release_behaves_as_the_knowledge_rows_say():
    assert int(channels.__version__.split(".")[0]) >= 4
    completed = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=180)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["router_adds_http"] is False
    assert "No application configured for scope type 'http'" in result["http_status"]
    assert result["bare_class"].startswith("TypeError")
    assert result["as_asgi"] == "connected"
    # `channels` in INSTALLED_APPS, no daphne app: Django's own runserver, which has no websockets
    assert result["runserver"]["banner"].startswith("Starting development server")
    assert result["runserver"]["websocket_handshake"].split()[1] == "404"


@pytest.mark.parametrize(
    ("pin", "codes", "runserver"),
    [
        # run on 2.4.0: GET / answered 200, the bare class connects, runserver is Channels' (handshake 101)
        ("2.4.0", set(), "asgi"),
        # run on 3.0.5: GET / answered 200 (DeprecationWarning), the bare class fails, runserver 101
        ("3.0.5", {"DPL305"}, "asgi"),
        # the installed release (test above): all three fail, and runserver is WSGI
        (channels.__version__, {"DPL301", "DPL305", "DPL501"}, "wsgi"),
    ],
    ids=["channels-2.4.0", "channels-3.0.5", "channels-installed"],
)
def test_the_linter_says_what_the_release_does(tmp_path, pin, codes, runserver):
    root = channels_2_shape(tmp_path, pin)
    report = lint([root], Config(select=("DPL301", "DPL305", "DPL501")), cwd=root)
    assert {f.code for f in report.findings} == codes
    [verdict] = report.model.verdicts.values()
    assert [(d.command.server, d.command.protocol) for d in verdict.servers] == [("runserver", runserver)]
