"""Which Channels release a project runs on (project/channels_release.py), and what depends on it: runserver's
protocol in the verdict (DPL501). DPL301 and DPL305 have their cases among their rule examples."""

from __future__ import annotations

import pytest

from django_protolint.knowledge import channels_api
from django_protolint.project.channels_release import ChannelsRelease, MarkerFound
from django_protolint.project.dependencies import version_range
from django_protolint.rules.base import django_project
from django_protolint.rules.serving import websocket_project
from tests.helpers import found, run, write_project

AS_ASGI = MarkerFound(channels_api.MARKER_AS_ASGI, "app/routing.py", 5)
DAPHNE_APP = MarkerFound(channels_api.MARKER_DAPHNE_APP, "proj/settings.py", 1)
HTTP_HANDLER = MarkerFound(channels_api.MARKER_HTTP_HANDLER, "proj/routing.py", 0)


def release(requirements: str | None, *markers: MarkerFound) -> ChannelsRelease:
    texts = {"requirements.txt": requirements} if requirements is not None else {}
    return ChannelsRelease(version_range(texts, "channels"), markers)


@pytest.mark.parametrize(
    ("requirements", "markers", "at_least_3", "at_least_4"),
    [
        pytest.param("channels==2.4.0", (), False, False, id="pinned-2"),
        pytest.param("channels~=2.0,>=2.0.2", (), False, False, id="compatible-2"),
        pytest.param("channels==3.0.5", (), True, False, id="pinned-3"),
        pytest.param("channels<4", (), None, False, id="below-4-only"),
        pytest.param("channels[daphne]>=4.1", (), True, True, id="at-least-4-with-extra"),
        pytest.param("channels>=2.0", (), None, None, id="open-range-no-code-sign"),
        pytest.param("channels", (), None, None, id="unpinned"),
        pytest.param(None, (), None, None, id="not-named"),
        pytest.param("channels>=2.0", (AS_ASGI,), True, None, id="open-range-as-asgi"),
        pytest.param(None, (AS_ASGI, DAPHNE_APP), True, True, id="daphne-app"),
        pytest.param(None, (HTTP_HANDLER,), None, False, id="asgi-handler-means-before-4"),
        pytest.param(None, (DAPHNE_APP, HTTP_HANDLER), True, None, id="signs-both-ways-decide-nothing"),
        pytest.param("channels==2.4.0", (AS_ASGI, DAPHNE_APP), False, False, id="the-pin-beats-the-code"),
    ],
)
def test_at_least(requirements, markers, at_least_3, at_least_4):
    found_release = release(requirements, *markers)
    assert found_release.at_least("3.0") is at_least_3
    assert found_release.at_least("4.0") is at_least_4


def test_why_names_the_pin_or_the_code():
    assert release("channels==2.4.0").why("4.0") == "`channels==2.4.0` (requirements.txt)"
    assert release("channels>=2.0", AS_ASGI).why("3.0") == (
        "`Consumer.as_asgi()` (app/routing.py:5); `channels>=2.0` (requirements.txt) allows either"
    )
    assert release("channels>=2.0").why("4.0") == (
        "`channels>=2.0` (requirements.txt) allows releases on both sides of 4.0"
    )
    assert release(None).why("4.0") == "no dependency file names channels"


# ------------------------------------------------------------------------------------------ runserver's protocol


def runserver_project(apps: str, requirements: str | None,
                      command: str = "python manage.py runserver") -> dict[str, str]:  # fmt: skip
    files = websocket_project(f"web: {command}\n")
    files["proj/settings.py"] = files["proj/settings.py"].replace('["django.contrib.auth", "app"]', apps)
    if requirements is not None:
        files["requirements.txt"] = f"Django>=3.2\n{requirements}\n"
    return files


@pytest.mark.parametrize(
    ("apps", "requirements", "command", "protocol"),
    [
        pytest.param('["channels", "app"]', "channels==2.4.0", "python manage.py runserver", "asgi", id="channels-2"),
        pytest.param('["django.contrib.staticfiles", "channels", "app"]', "channels==3.0.5",
                     "python manage.py runserver", "asgi", id="channels-3-after-staticfiles"),
        pytest.param('["channels", "app"]', "channels==2.4.0", "python manage.py runserver --noasgi", "wsgi",
                     id="channels-2-noasgi"),
        pytest.param('["channels", "app"]', "channels==4.0.0", "python manage.py runserver", "wsgi", id="channels-4"),
        pytest.param('["daphne", "channels", "app"]', "channels==4.0.0", "python manage.py runserver", "asgi",
                     id="channels-4-daphne-app"),
        pytest.param('["channels", "app"]', "channels", "python manage.py runserver", "unknown",
                     id="channels-release-unknown"),
        pytest.param('["app"]', "channels==2.4.0", "python manage.py runserver", "wsgi", id="channels-not-installed"),
        pytest.param("INSTALLED_APPS_FROM_ELSEWHERE", "channels==4.0.0", "python manage.py runserver", "unknown",
                     id="apps-unreadable-with-channels"),
    ],
)  # fmt: skip
def test_runserver_protocol(tmp_path, apps, requirements, command, protocol):
    root = write_project(tmp_path, runserver_project(apps, requirements, command))
    report = run(root, select=("DPL501",))
    [verdict] = report.model.verdicts.values()
    assert [d.command.protocol for d in verdict.servers] == [protocol]
    # DPL501 says "WSGI" only when runserver is Django's own
    assert bool(found(report)) is (protocol == "wsgi")


def test_runserver_reads_the_settings_it_is_started_with(tmp_path):
    files = runserver_project('["app"]', "channels==2.4.0", "python manage.py runserver --settings=proj.dev")
    files["proj/dev.py"] = 'from proj.settings import *\nINSTALLED_APPS = ["channels", "app"]\n'
    files["pytest.ini"] = "[pytest]\nDJANGO_SETTINGS_MODULE = proj.dev\n"  # loads it, below manage.py's
    root = write_project(tmp_path, files)
    [project] = run(root).model.django_projects
    assert project.primary.reference.module == "proj.settings"
    [verdict] = run(root).model.verdicts.values()
    assert [d.command.protocol for d in verdict.servers] == ["asgi"]
    (root / "Procfile").write_text("web: python manage.py runserver\n", encoding="utf-8")
    [verdict] = run(root).model.verdicts.values()
    assert [d.command.protocol for d in verdict.servers] == ["wsgi"]


def test_a_project_without_channels_keeps_a_wsgi_runserver_when_its_apps_cannot_be_read(tmp_path):
    files = django_project("", Procfile="web: python manage.py runserver\n")
    apps = '["django.contrib.auth", "app"]'
    files["proj/settings.py"] = files["proj/settings.py"].replace(apps, "APPS_FROM_ELSEWHERE")
    [verdict] = run(write_project(tmp_path, files)).model.verdicts.values()
    assert [d.command.protocol for d in verdict.servers] == ["wsgi"]
