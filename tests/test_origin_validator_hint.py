"""DPL302's advice follows ALLOWED_HOSTS: with '*' in it, `AllowedHostsOriginValidator` accepts every origin
(`OriginValidator.valid_origin`: `pattern == "*"` matches anything, and a handshake without an Origin header is let
through too; channels/security/websocket.py, unchanged from 3.0.5 to 4.3.2), so the help names `OriginValidator`
with explicit origins. The shapes are django-backend-youtube's (`ALLOWED_HOSTS = ['*']`), dragan's (an
environment variable whose default is '*') and tabbycat's ('*' in one deployment's settings module)."""

from __future__ import annotations

from pathlib import Path

from django_protolint.config import Config
from django_protolint.rules.channels import AUTH_STACK_ASGI, channels_example
from django_protolint.runner import lint
from tests.helpers import run, write_project


def help_of(tmp_path, settings: str, **files: str) -> str:
    project = channels_example(asgi=AUTH_STACK_ASGI, settings=settings) | files
    (finding,) = run(write_project(tmp_path / "project", project), select=("DPL302",)).findings
    return finding.help


def test_wildcard_hosts_point_at_origin_validator(tmp_path):
    help = help_of(tmp_path, 'ALLOWED_HOSTS = ["*"]\n')
    assert "OriginValidator(AuthMiddlewareStack(URLRouter(...)), " in help
    assert "ALLOWED_HOSTS contains '*' in proj.settings" in help


def test_wildcard_default_of_an_environment_variable_counts(tmp_path):
    help = help_of(tmp_path, 'import os\nALLOWED_HOSTS = [os.getenv("ALLOWED_HOSTS", "*")]\n')
    assert "ALLOWED_HOSTS contains '*'" in help


def test_explicit_hosts_keep_allowed_hosts_origin_validator(tmp_path):
    help = help_of(tmp_path, 'ALLOWED_HOSTS = ["chat.example.com", "127.0.0.1"]\n')
    assert help.startswith("wrap the websocket app: `AllowedHostsOriginValidator(")


def test_wildcard_only_in_test_settings_is_not_the_deployment(tmp_path):
    help = help_of(
        tmp_path,
        'ALLOWED_HOSTS = ["chat.example.com"]\n',
        **{"proj/test_settings.py": 'from proj.settings import *\nALLOWED_HOSTS = ["*"]\n'},
    )
    assert "AllowedHostsOriginValidator(" in help and "'*'" not in help


def test_fixture_route_gets_origin_validator_advice():
    root = Path(__file__).resolve().parent.parent / "fixtures" / "channels_stale_entry_point"
    report = lint([root], Config(), cwd=root)
    helps = {(f.path, f.severity): f.help for f in report.findings if f.code == "DPL302"}
    assert set(helps) == {("app/route.py", "warning"), ("app/asgi.py", "info")}
    assert "OriginValidator(AuthMiddlewareStack(URLRouter(...)), " in helps[("app/route.py", "warning")]
    assert "ALLOWED_HOSTS contains '*' in app.settings" in helps[("app/route.py", "warning")]
