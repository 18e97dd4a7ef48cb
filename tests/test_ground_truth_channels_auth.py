"""DPL304 and `channels.auth` against real Channels: 3.0.3 (the last release whose auth module imports a model at
module level) and 3.0.4 (the first that does not), each in a virtualenv with Django 3.2 (tests/django_versions.py).

The same project is imported for real (`import proj.asgi` with DJANGO_SETTINGS_MODULE set, as daphne does) and
linted pinned to that release: DPL304 is reported exactly where the import fails. A last case, on the installed
Django and Channels: a model import under `if TYPE_CHECKING:` never runs, so it loads nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.django_versions import python_for
from tests.helpers import run, write_project

FILES = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
    "proj/settings.py": 'SECRET_KEY = "ground-truth-only"\nINSTALLED_APPS = ["django.contrib.auth", '
    '"django.contrib.contenttypes", "django.contrib.sessions", "channels"]\nROOT_URLCONF = "proj.urls"\n'
    'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}\n',
    "proj/urls.py": "urlpatterns = []\n",
    "proj/asgi.py": """import os

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
application = ProtocolTypeRouter(
    {"http": get_asgi_application(), "websocket": AuthMiddlewareStack(URLRouter([]))}
)
""",
}
PROBE = """
try:
    import proj.asgi
except Exception as error:
    print("raised", type(error).__name__)
else:
    print("imported")
"""


@pytest.mark.parametrize(
    ("pin", "fails"), [("3.0.3", True), ("3.0.4", False)], ids=["channels-3.0.3", "channels-3.0.4"]
)
def test_channels_auth_above_setup(pin, fails, tmp_path):
    python = python_for("3.2", extras=(f"channels=={pin}",))
    root = write_project(tmp_path / "project", {**FILES, "requirements.txt": f"Django>=3.2,<4\nchannels=={pin}\n"})
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "proj.settings", "PYTHONPATH": str(root)}
    completed = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, timeout=120, cwd=root,
                               env=environment)  # fmt: skip
    outcome = completed.stdout.strip().splitlines()[-1]
    assert outcome == ("raised AppRegistryNotReady" if fails else "imported"), completed.stderr[-2000:]
    report = run(Path(root), select=("DPL304",))
    lines = {(finding.path, finding.span.line) for finding in report.findings}
    assert lines == ({("proj/asgi.py", 3)} if fails else set())


TYPED_CONSUMERS = """from typing import TYPE_CHECKING

from channels.generic.websocket import AsyncWebsocketConsumer

if TYPE_CHECKING:
    from .models import Message


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
"""


def test_a_type_checking_import_never_runs(tmp_path):
    """The installed Django and Channels: a consumer that imports its models only under `if TYPE_CHECKING:`,
    reached from routing imported above `get_asgi_application()`, loads; DPL304 stays silent."""
    pytest.importorskip("channels")
    files = {
        **FILES,
        "proj/settings.py": FILES["proj/settings.py"].replace('"channels"]', '"channels", "chat"]'),
        "proj/asgi.py": FILES["proj/asgi.py"]
        .replace("from channels.auth import AuthMiddlewareStack\n", "from chat.routing import websocket_urlpatterns\n")
        .replace("AuthMiddlewareStack(URLRouter([]))", "URLRouter(websocket_urlpatterns)"),
        "chat/models.py": "from django.db import models\n\n\nclass Message(models.Model):\n    text = models.TextField()\n",
        "chat/consumers.py": TYPED_CONSUMERS,
        "chat/routing.py": "from django.urls import path\n\nfrom .consumers import ChatConsumer\n\n"
        'websocket_urlpatterns = [path("ws/", ChatConsumer.as_asgi())]\n',
    }
    root = write_project(tmp_path / "project", files)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "proj.settings", "PYTHONPATH": str(root)}
    completed = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, cwd=root,
                               env=environment)  # fmt: skip
    assert completed.stdout.strip().splitlines()[-1] == "imported", completed.stderr[-2000:]
    assert run(Path(root), select=("DPL304",)).findings == ()
    # The same consumer with the import outside the block really fails, and is reported.
    (root / "chat" / "consumers.py").write_text(TYPED_CONSUMERS.replace("if TYPE_CHECKING:\n    ", ""))
    completed = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, cwd=root,
                               env=environment)  # fmt: skip
    assert completed.stdout.strip().splitlines()[-1] == "raised AppRegistryNotReady", completed.stderr[-2000:]
    assert {(f.path, f.span.line) for f in run(Path(root), select=("DPL304",)).findings} == {("proj/asgi.py", 3)}


USER_MODEL_CONSUMERS = """from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth import get_user_model

User = get_user_model()


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
"""


def test_get_user_model_at_module_level(tmp_path):
    """The installed Django and Channels: `User = get_user_model()` in a consumer reached from routing imported
    above `get_asgi_application()` fails like a model import, and is reported; called in a method, it loads."""
    pytest.importorskip("channels")
    files = {
        **FILES,
        "proj/settings.py": FILES["proj/settings.py"].replace('"channels"]', '"channels", "chat"]'),
        "proj/asgi.py": FILES["proj/asgi.py"]
        .replace("from channels.auth import AuthMiddlewareStack\n", "from chat.routing import websocket_urlpatterns\n")
        .replace("AuthMiddlewareStack(URLRouter([]))", "URLRouter(websocket_urlpatterns)"),
        "chat/consumers.py": USER_MODEL_CONSUMERS,
        "chat/routing.py": "from django.urls import path\n\nfrom .consumers import ChatConsumer\n\n"
        'websocket_urlpatterns = [path("ws/", ChatConsumer.as_asgi())]\n',
    }
    root = write_project(tmp_path / "project", files)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "proj.settings", "PYTHONPATH": str(root)}
    completed = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, cwd=root,
                               env=environment)  # fmt: skip
    assert completed.stdout.strip().splitlines()[-1] == "raised AppRegistryNotReady", completed.stderr[-2000:]
    assert {(f.path, f.span.line) for f in run(Path(root), select=("DPL304",)).findings} == {("proj/asgi.py", 3)}
    moved = USER_MODEL_CONSUMERS.replace("User = get_user_model()\n", "").replace(
        "        await self.accept()", "        self.user_model = get_user_model()\n        await self.accept()"
    )
    (root / "chat" / "consumers.py").write_text(moved)
    completed = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, cwd=root,
                               env=environment)  # fmt: skip
    assert completed.stdout.strip().splitlines()[-1] == "imported", completed.stderr[-2000:]
    assert run(Path(root), select=("DPL304",)).findings == ()
