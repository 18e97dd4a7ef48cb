"""`NAME[key] = value` at module level in settings: applied when every key is known, otherwise the setting is
kept but marked uncertain (rules that need certainty then stay silent). Never a value made up."""

from __future__ import annotations

import textwrap

import pytest

from django_protolint.project.evaluate import UNKNOWN, evaluate_module
from django_protolint.source.parse import build_facts
from tests.helpers import found, run, write_project


def namespace(source: str, lookup=lambda module: None):  # noqa: ANN001, ANN201
    facts = build_facts(textwrap.dedent(source).encode(), "proj/settings.py", "proj.settings", False)
    assert facts.problem is None
    return evaluate_module(facts.path, facts.statements, lookup)


def test_nested_keys_are_applied():
    values = namespace("""
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "app"}}
        DATABASES["default"]["CONN_MAX_AGE"] = 60
        DATABASES["replica"] = {"ENGINE": "django.db.backends.postgresql"}
        CACHES = {}
        CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        MIDDLEWARE = ["a", "b"]
        MIDDLEWARE[1] = "c"
    """)
    databases = values.get("DATABASES")
    assert databases.value["default"] == {"ENGINE": "django.db.backends.postgresql", "NAME": "app", "CONN_MAX_AGE": 60}
    assert databases.value["replica"] == {"ENGINE": "django.db.backends.postgresql"}
    assert not databases.uncertain and databases.line == 4
    assert values.get("CACHES").value == {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert values.get("MIDDLEWARE").value == ["a", "c"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param('DATABASES[os.environ["DB_ALIAS"]] = {}', id="unknown-key"),
        pytest.param('DATABASES["default"]["OPTIONS"]["sslmode"] = "require"', id="missing-intermediate-key"),
        pytest.param('del DATABASES["default"]', id="del"),
        pytest.param('DATABASES["default"] |= {"CONN_MAX_AGE": 60}', id="augmented"),
        pytest.param('DATABASES["default"] = make_database()', id="unknown-value"),
        pytest.param('if os.environ.get("CI"):\n    DATABASES["default"] = {}', id="conditional"),
    ],
)
def test_what_cannot_be_followed_leaves_the_value_uncertain(change):
    values = namespace('import os\nDATABASES = {"default": {"NAME": "app"}}\n' + change + "\n")
    databases = values.get("DATABASES")
    assert databases.uncertain
    assert databases.value is not UNKNOWN  # what we knew is kept, flagged, not thrown away or invented


def test_a_star_imported_value_is_not_changed_in_the_module_it_came_from():
    base = namespace('CHANNEL_LAYERS = {"default": {"BACKEND": "x"}}\n')
    local = namespace('from .base import *\nCHANNEL_LAYERS["default"] = {"BACKEND": "y"}\n', lambda module: base)
    assert local.get("CHANNEL_LAYERS").value == {"default": {"BACKEND": "y"}}
    assert base.get("CHANNEL_LAYERS").value == {"default": {"BACKEND": "x"}}


def test_an_item_assignment_to_an_unknown_name_is_ignored():
    assert namespace('EXTRA["x"] = 1\n').get("EXTRA") is None


CONSUMER = """
from channels.generic.websocket import AsyncWebsocketConsumer


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add("chat", self.channel_name)
        await self.accept()
"""


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param("CHANNEL_LAYERS = {}\n", {("chat/consumers.py", 6, "DPL306")}, id="empty"),
        pytest.param('CHANNEL_LAYERS = {}\nCHANNEL_LAYERS["default"] = {"BACKEND": "channels.layers.InMemoryChannelLayer"}\n',
                     set(), id="filled-by-item-assignment"),
    ],
)  # fmt: skip
def test_a_layer_added_by_item_assignment_counts(tmp_path, settings, expected):
    files = {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
        "proj/__init__.py": "",
        "proj/settings.py": 'INSTALLED_APPS = ["channels", "chat"]\n' + settings,
        "chat/__init__.py": "",
        "chat/consumers.py": textwrap.dedent(CONSUMER).lstrip(),
    }
    root = write_project(tmp_path / "project", files)
    assert found(run(root, select=("DPL306",))) == expected


def test_a_removal_we_cannot_name_keeps_the_list_but_no_longer_vouches_for_it():
    values = namespace("""
        import os
        INSTALLED_APPS = ["daphne", "django.contrib.staticfiles", "monitoring", "check"]
        if os.environ.get("SAMPLE_APP"):
            for app in ["monitoring", "check"]:
                INSTALLED_APPS.remove(app)
            INSTALLED_APPS.append("sample_monitoring")
    """)
    apps = values.get("INSTALLED_APPS")
    assert apps.uncertain
    assert apps.value == ["daphne", "django.contrib.staticfiles", "monitoring", "check", "sample_monitoring"]


def test_removing_a_named_entry_that_is_not_there_is_unknown():
    values = namespace("""
        INSTALLED_APPS = ["a"]
        INSTALLED_APPS.remove("b")
    """)
    assert values.get("INSTALLED_APPS").value is UNKNOWN
