"""DPL510 and the verdict: a server command whose app the project does not have cannot start (issue 12 §5).

Near-misses first: everything we cannot be sure of (an installed package, a variable, a template, a module whose
globals are dynamic, a file a Dockerfile copies into place) is silent. Then the shapes the servers refuse, each
verified for real in test_ground_truth_entrypoints.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.output.verdict import render_text
from django_protolint.rules.base import django_project
from django_protolint.runner import lint
from tests.helpers import expectations, found, write_project

ASGI = "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n"
WSGI = "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"


def project(**files: str) -> dict[str, str]:
    return django_project("", proj__wsgi_py=WSGI, **files)


def check(tmp_path: Path, files: dict[str, str]):
    root = write_project(tmp_path, files)
    report = lint([root], Config(select=("DPL510", "DPL405", "DPL508")), cwd=root)
    assert found(report) == expectations(root, files)
    return report


def fit(report) -> str:
    (verdict,) = report.model.verdicts.values()
    return verdict.fit


SILENT = [
    pytest.param(project(Procfile="web: gunicorn myservice.wsgi\n"), id="a package outside the tree is installed"),
    pytest.param(project(Procfile="web: uvicorn $APP_MODULE\n"), id="an app from the environment"),
    pytest.param(project(Procfile="web: uvicorn ${PROJECT}.asgi:application\n"), id="a module built from a variable"),
    pytest.param(project(Procfile="web: gunicorn {{ project_name }}.wsgi\n"), id="a template expression"),
    pytest.param(
        project(Procfile="web: gunicorn --chdir $APP_DIR proj.wsgi:app\n"), id="a working directory from a variable"
    ),
    pytest.param(
        project(proj__asgi_py="from proj.base_asgi import *\n", Procfile="web: daphne proj.asgi:application\n"),
        id="a star import may define anything",
    ),
    pytest.param(
        project(
            proj__asgi_py="def __getattr__(name):\n    return None\n", Procfile="web: daphne proj.asgi:application\n"
        ),
        id="a module __getattr__",
    ),
    pytest.param(
        project(proj__asgi_py="globals()['application'] = object()\n", Procfile="web: daphne proj.asgi:application\n"),
        id="globals() assignment",
    ),
    pytest.param(
        project(
            proj__asgi_py="import os\napplication, other = os.sep, 2\n", Procfile="web: daphne proj.asgi:application\n"
        ),
        id="a tuple assignment binds it",
    ),
    pytest.param(
        project(
            proj__asgi_py="try:\n    from proj.real import application\nexcept ImportError:\n    application = None\n",
            Procfile="web: daphne proj.asgi:application\n",
        ),
        id="an import under try binds it",
    ),
    pytest.param(
        project(
            proj__app_py="def create_app():\n    return None\n", Procfile="web: gunicorn 'proj.app:create_app()'\n"
        ),
        id="a gunicorn factory call",
    ),
    pytest.param(
        project(Dockerfile="FROM python:3.12\nCOPY deploy/asgi.py proj/asgi.py\nCMD uvicorn proj.asgi:application\n"),
        id="a Dockerfile copies the module into place",
    ),
    pytest.param(
        project(proj__asgi_py="def broken(:\n", Procfile="web: daphne proj.asgi:application\n"),
        id="a module that does not parse",
    ),
    pytest.param(
        project(proj__asgi_py=ASGI, Procfile="web: hypercorn asgi:proj.asgi:application\n"),
        id="hypercorn's asgi: mode prefix",
    ),
    pytest.param(
        project(proj__asgi_py=ASGI + "channel_layer = application\n", Procfile="web: daphne proj.asgi:channel_layer\n"),
        id="any attribute the module defines",
    ),
    pytest.param(
        project(proj__asgi_py=ASGI, Procfile="web: uvicorn proj.asgi:application.inner\n"),
        id="uvicorn's dotted attribute: its first part is defined",
    ),
    pytest.param(
        project(proj__asgi_py=ASGI, Procfile="web: waitress-serve proj.wsgi.application\n"),
        id="waitress resolves dotted names its own way: unchecked",
    ),
    pytest.param(
        django_project(
            "",
            src__proj__wsgi_py=WSGI,
            src__proj__settings_py="",
            Procfile="web: gunicorn --chdir src proj.wsgi:application\n",
        ),
        id="a src layout with --chdir",
    ),
    pytest.param(
        project(
            Procfile="web: gunicorn -c gunicorn.conf.py proj.wsgi:app\n",
            **{"gunicorn.conf.py": "import os\nchdir = os.environ['APP_DIR']\n"},
        ),
        id="gunicorn.conf.py moves the import directory somewhere unknown",
    ),
    pytest.param(
        project(run_py="import uvicorn\n\nuvicorn.run('proj.asgi:application', app_dir=BASE)\n"),
        id="uvicorn.run from another app_dir",
    ),
]


@pytest.mark.parametrize("files", SILENT)
def test_silent(files: dict[str, str], tmp_path: Path):
    check(tmp_path, files)


REPORTED = [
    pytest.param(
        project(Procfile="web: uvicorn proj.asgi:application  # expect: DPL510\n"),
        id="no asgi.py: a project started before Django 3.0",
    ),
    pytest.param(project(Procfile="web: gunicorn proj.wsgii  # expect: DPL510\n"), id="a misspelt module"),
    pytest.param(
        project(proj__asgi_py=ASGI, Procfile="web: hypercorn proj.asgi  # expect: DPL510\n"),
        id="hypercorn looks for app",
    ),
    pytest.param(
        project(proj__asgi_py=ASGI, Procfile="web: granian --interface asgi proj.asgi  # expect: DPL510\n"),
        id="granian looks for app",
    ),
    pytest.param(
        project(proj__asgi_py=ASGI, Procfile="web: uvicorn proj.asgi  # expect: DPL510\n"),
        id="uvicorn needs module:attribute",
    ),
    pytest.param(
        project(proj__asgi_py=ASGI, Procfile="web: daphne proj.asgi:app  # expect: DPL510\n"),
        id="daphne on an attribute the module lacks",
    ),
    pytest.param(
        project(run_py="import uvicorn\n\nuvicorn.run('proj.asgi:application')  # expect: DPL510\n"),
        id="uvicorn.run in a launcher script",
    ),
    pytest.param(
        django_project("", proj__wsgi_py="app = None\n", Procfile="web: gunicorn proj.wsgi  # expect: DPL510\n"),
        id="gunicorn looks for application",
    ),
    pytest.param(
        project(Procfile="web: gunicorn 'proj.wsgi:make_app()'  # expect: DPL510\n"),
        id="a gunicorn factory the module lacks",
    ),
    pytest.param(
        project(
            Procfile="web: gunicorn -c gunicorn.conf.py  # expect: DPL510\n",
            **{"gunicorn.conf.py": "workers = 2\nwsgi_app = 'proj.wsgi:app'\n"},
        ),
        id="gunicorn.conf.py's wsgi_app",
    ),
    pytest.param(
        django_project(
            "",
            src__proj__wsgi_py=WSGI,
            src__proj__settings_py="",
            Procfile="web: gunicorn --chdir src proj.wsgi:app  # expect: DPL510\n",
        ),
        id="a src layout, the attribute missing",
    ),
]


@pytest.mark.parametrize("files", REPORTED)
def test_reported_and_the_verdict_is_a_mismatch(files: dict[str, str], tmp_path: Path):
    report = check(tmp_path, files)
    assert fit(report) == "mismatch"
    assert "cannot start" in render_text(report.model)


def test_a_development_server_is_reported_but_leaves_the_verdict_alone(tmp_path: Path):
    files = project(
        **{
            "docker-compose.dev.yml": "services:\n  web:\n"
            "    command: uvicorn proj.asgi:application  # expect: DPL510\n"
        }
    )
    report = check(tmp_path, files)
    assert fit(report) == "unknown"


def test_the_near_miss_fits(tmp_path: Path):
    report = check(tmp_path, project(proj__asgi_py=ASGI, Procfile="web: uvicorn proj.asgi:application\n"))
    assert fit(report) == "fit"


def test_uwsgi_flags_without_a_value_are_read(tmp_path: Path):
    ini = "[uwsgi]\nstrict\nmaster\ndie-on-term\nmodule = proj.wsgi:application\nhttp = :8000\n"
    report = check(tmp_path, project(**{"uwsgi.ini": ini}))
    (verdict,) = report.model.verdicts.values()
    assert [d.command.app for d in verdict.servers] == ["proj.wsgi:application"]
    assert "uWSGI is in maintenance mode" in render_text(report.model)


def test_dpl405_accepts_the_app_asgi_application_names(tmp_path: Path):
    consumers = (
        "from channels.generic.websocket import AsyncWebsocketConsumer\n\n"
        "class Chat(AsyncWebsocketConsumer):\n    async def connect(self):\n        await self.accept()\n"
    )
    files = project(
        app__consumers_py=consumers,
        proj__routing_py="from channels.routing import ProtocolTypeRouter\n\nws_app = ProtocolTypeRouter({})\n",
    )
    files["proj/settings.py"] += 'ASGI_APPLICATION = "proj.routing.ws_app"\n'
    check(tmp_path, files)
