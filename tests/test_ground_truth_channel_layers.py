"""DPL306 against real Channels: with no CHANNEL_LAYERS, `get_channel_layer()` is None and every use of the layer
fails the way the finding says; with an InMemoryChannelLayer the same code delivers a group message and the rule
is silent. The project runs in a subprocess (its own Django settings), through WebsocketCommunicator."""

from __future__ import annotations

import json
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
INSTALLED_APPS = ["django.contrib.contenttypes", "channels", "chat"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROOT_URLCONF = "proj.urls"
ASGI_APPLICATION = "proj.asgi.application"
"""
IN_MEMORY = 'CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}\n'
CONSUMERS = """
from channels.generic.websocket import AsyncWebsocketConsumer, WebsocketConsumer


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add("chat", self.channel_name)
        await self.accept()

    async def chat_message(self, event):
        await self.send(text_data=event["text"])


class LobbyConsumer(WebsocketConsumer):
    groups = ["lobby"]

    def connect(self):
        self.accept()
"""
TASKS = """
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def announce(text):
    async_to_sync(get_channel_layer().group_send)("chat", {"type": "chat.message", "text": text})


def announce_as_documented(text):
    channel_layer = get_channel_layer()
    async_to_sync(channel_layer.group_send)("chat", {"type": "chat.message", "text": text})
"""
# What a server and a Celery worker would do: connect both consumers, then send to the group from sync code.
SCRIPT = """
import asyncio, json
import django
django.setup()
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from chat.consumers import ChatConsumer, LobbyConsumer
from chat.tasks import announce, announce_as_documented

async def outcome(step):
    try:
        return {"ok": await step()}
    except Exception as error:
        return {"error": type(error).__name__, "message": str(error)}

async def main():
    results = {"layer_is_none": get_channel_layer() is None}
    chat = WebsocketCommunicator(ChatConsumer.as_asgi(), "/ws/chat/")
    results["chat_connect"] = await outcome(lambda: chat.connect())
    lobby = WebsocketCommunicator(LobbyConsumer.as_asgi(), "/ws/lobby/")
    results["lobby_connect"] = await outcome(lambda: lobby.connect())
    results["announce"] = await outcome(lambda: sync_to_async(announce)("hello"))
    results["announce_as_documented"] = await outcome(lambda: sync_to_async(announce_as_documented)("again"))
    if "ok" in results["chat_connect"] and "ok" in results["announce"]:
        results["received"] = [await chat.receive_from(), await chat.receive_from()]
    print(json.dumps(results, default=str))

asyncio.run(main())
"""


def build(tmp_path, settings: str):
    files = {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
        "proj/settings.py": settings,
        "proj/urls.py": "urlpatterns = []\n",
        "chat/consumers.py": CONSUMERS,
        "chat/tasks.py": TASKS,
    }
    return write_project(tmp_path, {path: textwrap.dedent(body).lstrip() for path, body in files.items()})


def run_channels(root) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"PYTHONPATH": str(root), "DJANGO_SETTINGS_MODULE": "proj.settings"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, env=env,
                            cwd=root)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def findings(root) -> set[tuple[str, int]]:
    return {(f.path, f.span.line) for f in lint([root], Config(select=("DPL306",)), cwd=root).findings}


def test_without_channel_layers_every_use_fails_and_we_say_so(tmp_path):
    root = build(tmp_path / "none", SETTINGS)
    results = run_channels(root)
    assert results["layer_is_none"] is True
    assert results["chat_connect"]["error"] == "AttributeError"
    assert "'NoneType' object has no attribute 'group_add'" in results["chat_connect"]["message"]
    assert results["lobby_connect"] == {
        "error": "InvalidChannelLayerError",
        "message": "BACKEND is unconfigured or doesn't support groups",
    }
    assert results["announce"]["error"] == "AttributeError"
    assert "'NoneType' object has no attribute 'group_send'" in results["announce"]["message"]
    assert results["announce_as_documented"]["error"] == "AttributeError"
    assert "'NoneType' object has no attribute 'group_send'" in results["announce_as_documented"]["message"]
    assert findings(root) == {("chat/consumers.py", 6), ("chat/consumers.py", 13), ("chat/tasks.py", 6),
                              ("chat/tasks.py", 11)}  # fmt: skip


def test_with_an_in_memory_layer_the_same_code_works_and_we_stay_silent(tmp_path):
    root = build(tmp_path / "in-memory", SETTINGS + IN_MEMORY)
    results = run_channels(root)
    assert results["layer_is_none"] is False
    assert "ok" in results["chat_connect"] and "ok" in results["lobby_connect"] and "ok" in results["announce"]
    assert "ok" in results["announce_as_documented"]
    assert results["received"] == ["hello", "again"]
    assert findings(root) == set()
