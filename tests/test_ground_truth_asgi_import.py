"""DPL304 against real Django and Channels: an asgi.py that imports model-defining routing before
get_asgi_application() really fails at import, and the near-miss (import after the call) really loads."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from django_protolint.config import Config
from django_protolint.runner import lint
from tests.helpers import write_project

pytest.importorskip("django")
pytest.importorskip("channels")

SETTINGS = """
SECRET_KEY = "ground-truth-only"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "channels", "chat"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROOT_URLCONF = "proj.urls"
ASGI_APPLICATION = "proj.asgi.application"
"""
MODELS = """
from django.db import models


class Message(models.Model):
    text = models.TextField()
"""
CONSUMERS = """
from channels.generic.websocket import AsyncWebsocketConsumer

from .models import Message


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
"""
ROUTING = """
from django.urls import path

from .consumers import ChatConsumer

websocket_urlpatterns = [path("ws/chat/", ChatConsumer.as_asgi())]
"""
EARLY = """
import os

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

from chat.routing import websocket_urlpatterns  # expect: DPL304

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
application = ProtocolTypeRouter(
    {
        "http": get_asgi_application(),
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
"""
LATE = """
import os

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
django_asgi_app = get_asgi_application()

from chat.routing import websocket_urlpatterns

application = ProtocolTypeRouter(
    {"http": django_asgi_app, "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns))}
)
"""


def build(tmp_path, asgi: str):
    files = {
        "proj/settings.py": SETTINGS,
        "proj/urls.py": "urlpatterns = []\n",
        "proj/asgi.py": asgi,
        "chat/models.py": MODELS,
        "chat/consumers.py": CONSUMERS,
        "chat/routing.py": ROUTING,
    }
    return write_project(tmp_path, {path: textwrap.dedent(body).lstrip() for path, body in files.items()})


def import_asgi(root, settings_in_environment: bool) -> subprocess.CompletedProcess[str]:
    """Import proj.asgi the way a server does: daphne has DJANGO_SETTINGS_MODULE set, uvicorn may not."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(root)
    if settings_in_environment:
        env["DJANGO_SETTINGS_MODULE"] = "proj.settings"
    script = "import importlib; importlib.import_module('proj.asgi'); print('loaded')"
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env,
                          cwd=root)  # fmt: skip


@pytest.mark.parametrize(
    ("settings_in_environment", "error"),
    [(True, "AppRegistryNotReady"), (False, "ImproperlyConfigured")],
    ids=["settings-in-environment", "settings-set-later-in-asgi-py"],
)
def test_early_import_really_fails_and_we_say_so(tmp_path, settings_in_environment, error):
    root = build(tmp_path / "early", EARLY)
    found = {(f.path, f.span.line, f.code) for f in lint([root], Config(select=("DPL304",)), cwd=root).findings}
    assert found == {("proj/asgi.py", 7, "DPL304")}
    result = import_asgi(root, settings_in_environment)
    assert result.returncode != 0 and error in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize("settings_in_environment", [True, False], ids=["settings-in-environment", "setdefault"])
def test_late_import_really_loads_and_we_stay_silent(tmp_path, settings_in_environment):
    root = build(tmp_path / "late", LATE)
    assert lint([root], Config(select=("DPL304",)), cwd=root).findings == ()
    result = import_asgi(root, settings_in_environment)
    assert result.returncode == 0 and "loaded" in result.stdout, result.stderr[-2000:]
