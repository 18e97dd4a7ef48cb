"""What an old or new Channels release really does with the shapes DPL301, DPL305 and the runserver verdict judge.

Run with the Python of a throwaway venv that has one Channels release installed (the releases need old
dependencies, so this is not part of the suite; the results are in knowledge/channels_api.py, `checked`):

    python -m venv /tmp/ch2 && /tmp/ch2/bin/pip install 'channels==2.4.0' 'Django<4'
    /tmp/ch2/bin/python tests/ground_truth/channels_releases.py

It writes a small project to a temporary directory and prints one JSON object:
- `router_adds_http`: `ProtocolTypeRouter({"websocket": ...})` has an "http" entry afterwards, and the warning
  it gave; `http_status`: an HTTP request through that router (a status, or the exception);
- `bare_class` / `as_asgi`: a websocket connection to a consumer routed as a class / with `as_asgi()`;
- `runserver_*`: the banner of `manage.py runserver` with `channels` in INSTALLED_APPS (and no daphne app), and
  the status line a websocket handshake to it gets (101: ASGI; 404: Django's WSGI runserver).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

FILES = {
    "proj/__init__.py": "",
    "proj/settings.py": """
SECRET_KEY = "ground-truth-only"
DEBUG = True
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.staticfiles", "channels",
                  "chat"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
ROOT_URLCONF = "proj.urls"
STATIC_URL = "/static/"
ASGI_APPLICATION = "proj.routing.application"
""",
    "proj/urls.py": """
from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("", lambda request: HttpResponse("ok"))]
""",
    "proj/routing.py": """
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

from chat.consumers import Chat

# the route each release supports: the class itself before 3.0, `as_asgi()` from 3.0
application = ProtocolTypeRouter({"websocket": URLRouter([path("ws/", getattr(Chat, "as_asgi", lambda: Chat)())])})
""",
    "chat/__init__.py": "",
    "chat/consumers.py": """
from channels.generic.websocket import WebsocketConsumer


class Chat(WebsocketConsumer):
    def connect(self):
        self.accept()
""",
    "manage.py": """
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
from django.core.management import execute_from_command_line

execute_from_command_line(sys.argv)
""",
}


def _outcome(coroutine_function) -> object:  # noqa: ANN001
    try:
        return asyncio.run(coroutine_function())
    except Exception as error:  # noqa: BLE001 - the point is to see what fails, and how
        return f"{type(error).__name__}: {error}"[:200]


def in_process(root: Path) -> dict[str, object]:
    sys.path.insert(0, str(root))
    os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
    import django

    django.setup()
    import channels
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.testing import HttpCommunicator, WebsocketCommunicator
    from chat.consumers import Chat
    from django.urls import path

    result: dict[str, object] = {"channels": channels.__version__, "django": django.get_version()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        router = ProtocolTypeRouter({"websocket": URLRouter([path("ws/", Chat)])})
    result["router_adds_http"] = "http" in router.application_mapping
    result["router_warning"] = [f"{w.category.__name__}" for w in caught]

    async def http() -> object:
        response = await HttpCommunicator(router, "GET", "/").get_response()
        return response["status"]

    result["http_status"] = _outcome(http)

    def connect(application) -> object:  # noqa: ANN001
        async def run() -> object:
            communicator = WebsocketCommunicator(application, "/ws/")
            connected, _ = await communicator.connect()
            await communicator.disconnect()
            return "connected" if connected else "refused"

        return _outcome(run)

    result["bare_class"] = connect(URLRouter([path("ws/", Chat)]))
    result["has_as_asgi"] = hasattr(Chat, "as_asgi")
    if hasattr(Chat, "as_asgi"):
        result["as_asgi"] = connect(URLRouter([path("ws/", Chat.as_asgi())]))
    return result


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _handshake(port: int) -> str:
    request = (
        f"GET /ws/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request.encode())
        return connection.recv(200).decode(errors="replace").splitlines()[0]


def runserver(root: Path, *options: str) -> dict[str, object]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", *options],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        status = "did not start"
        for _ in range(100):
            try:
                status = _handshake(port)
                break
            except OSError:
                time.sleep(0.1)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    banner = next((line.strip() for line in output.splitlines() if line.startswith("Starting")), output[-300:])
    return {"banner": banner, "websocket_handshake": status}


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, body in FILES.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(body.lstrip("\n"), encoding="utf-8")
        result = in_process(root)
        result["runserver"] = runserver(root)
        result["runserver_noasgi"] = runserver(root, "--noasgi") if not result["channels"].startswith("4") else None
    print(json.dumps(result))


if __name__ == "__main__":
    main()
