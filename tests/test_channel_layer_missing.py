"""DPL306 beyond its examples: when the settings are not certain, the rule stays silent."""

from __future__ import annotations

import pytest

from django_protolint.rules.channels import LAYER_CONSUMERS, LAYER_TASKS, channels_example
from tests.helpers import found, run, write_project

CONSUMERS = LAYER_CONSUMERS.replace("  # expect: DPL306", "")
TASKS = LAYER_TASKS.replace("  # expect: DPL306", "")


def lint_files(tmp_path, files: dict[str, str]) -> set[tuple[str, int, str]]:
    import textwrap

    root = write_project(tmp_path / "project", {p: textwrap.dedent(b).lstrip("\n") for p, b in files.items()})
    return found(run(root, select=("DPL306",)))


def test_empty_channel_layers_dict_counts_as_none(tmp_path):
    files = channels_example(consumers=CONSUMERS, settings="CHANNEL_LAYERS = {}\n")
    expected = {number for number, line in enumerate(LAYER_CONSUMERS.lstrip("\n").splitlines(), start=1)
                if "# expect: DPL306" in line}  # fmt: skip
    assert {line for _, line, _ in lint_files(tmp_path, files)} == expected


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param(
            {"proj/production.py": 'from .settings import *\nCHANNEL_LAYERS = {"default": {}}\n'},
            id="another-settings-module-defines-it",
        ),
        pytest.param({"proj/components.py": 'CHANNEL_LAYERS = {"default": {}}\n'}, id="any-module-assigns-it"),
        pytest.param({"proj/config.py": "class Prod:\n    CHANNEL_LAYERS = {}\n"}, id="class-based-settings"),
        pytest.param(
            {"run.py": "from django.conf import settings\nsettings.configure(DEBUG=True)\n"}, id="settings-configure"
        ),
        pytest.param(
            {"proj/split.py": 'from split_settings.tools import include\ninclude("base.py")\n'}, id="split-settings"
        ),
    ],
)
def test_silent_when_something_else_may_set_it(tmp_path, extra):
    assert lint_files(tmp_path, channels_example(consumers=CONSUMERS) | extra) == set()


def test_silent_when_the_settings_module_is_only_guessed(tmp_path):
    files = channels_example(consumers=CONSUMERS)
    del files["manage.py"]  # nothing names DJANGO_SETTINGS_MODULE: proj.settings is a guess
    files["proj/asgi.py"] = files["proj/asgi.py"].replace(
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")', ""
    )
    assert lint_files(tmp_path, files) == set()


def test_silent_when_only_pytest_names_the_settings(tmp_path):
    files = channels_example(consumers=CONSUMERS)
    del files["manage.py"]
    files["proj/asgi.py"] = files["proj/asgi.py"].replace(
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")', ""
    )
    files["pytest.ini"] = "[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings\n"
    assert lint_files(tmp_path, files) == set()


def test_only_uses_that_need_the_layer(tmp_path):
    consumers = """
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.consumer import AsyncConsumer
    from channels.layers import get_channel_layer


    class Chat(AsyncWebsocketConsumer):
        groups = []

        async def connect(self):
            def helper(other):
                return other.channel_layer.group_add("x", "y")
            await self.accept()


    class Worker(AsyncConsumer):
        groups = ["not-joined-by-plain-consumers"]


    def maybe():
        return get_channel_layer()


    class NotAConsumer:
        def run(self):
            self.channel_layer.group_send("x", {})
    """
    assert lint_files(tmp_path, channels_example(consumers=consumers)) == set()


def test_finding_names_the_settings_module_and_the_outcome(tmp_path):
    import textwrap

    files = channels_example(consumers=LAYER_CONSUMERS) | {"app/tasks.py": LAYER_TASKS}
    root = write_project(tmp_path / "p", {p: textwrap.dedent(b).lstrip("\n") for p, b in files.items()})
    messages = {f.message for f in run(root, select=("DPL306",)).findings}
    assert (
        "`self.channel_layer.group_add(...)` needs a channel layer, but proj.settings defines no CHANNEL_LAYERS: "
        "the layer is None and the call raises AttributeError" in messages
    )
    assert any("`LobbyConsumer.groups`" in m and "InvalidChannelLayerError" in m for m in messages)
