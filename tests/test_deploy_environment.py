"""Production or development, and why: each shape below was found in a real application of the field corpus
(field/review/), each beside a near-miss that must keep its classification."""

from __future__ import annotations

import textwrap

import pytest

from django_protolint.project.deploy.base import DEVELOPMENT, PRODUCTION
from django_protolint.project.deploy.environment import header_signal, path_signal
from tests.helpers import deployments_in, run, write_project


def one(path: str, text: str, top: str | None = "") -> tuple[str, bool, str]:
    [deployment] = deployments_in(path, text, top)
    return deployment.environment, deployment.certain, deployment.why


# ---------------------------------------------------------------------------------------------- compose services

DEV_COMPOSE = """
services:
  web:
    build: .
    command: python manage.py runserver 0.0.0.0:8000
    volumes:
      - .:/app
"""


def test_a_compose_service_that_bind_mounts_the_source_is_development():
    # styleguide-example, pythondotorg, dragan, channels-examples: `.:/app` over the image, runserver
    environment, certain, why = one("docker-compose.yml", DEV_COMPOSE)
    assert (environment, certain) == (DEVELOPMENT, True)
    assert "bind-mounts the source (`.`)" in why


def test_a_compose_service_with_a_data_volume_and_gunicorn_stays_production_unsure():
    text = "services:\n  web:\n    command: gunicorn shop.wsgi\n    volumes:\n      - ./media:/app/media\n      - db:/var/lib\n"
    assert one("docker-compose.yml", text)[:2] == (PRODUCTION, False)


def test_a_compose_service_that_sets_debug_on_is_development():
    text = "services:\n  web:\n    command: gunicorn shop.wsgi\n    environment:\n      - DEBUG=1\n"
    assert one("docker-compose.yml", text)[:2] == (DEVELOPMENT, True)
    text_off = "services:\n  web:\n    command: gunicorn shop.wsgi\n    environment:\n      DEBUG: 'False'\n"
    assert one("docker-compose.yml", text_off)[0] == PRODUCTION


def test_runserver_in_a_compose_file_named_for_production_stays_production():
    text = "services:\n  web:\n    command: python manage.py runserver 0.0.0.0:8000\n"
    assert one("docker-compose.yml", text)[0] == DEVELOPMENT  # the service runs runserver: the dev stack
    assert one("docker-compose.prod.yml", text)[:2] == (PRODUCTION, True)  # DPL503's case


# ---------------------------------------------------------------------------------------------- the file's own words


def test_a_dockerfile_whose_header_says_local_development_is_development():
    # misago's Dockerfile: "This Dockerfile is intended solely for local development of Misago"
    text = """
    # This Dockerfile is intended solely for local development of Misago.
    # For production, see misago-docker.
    FROM python:3.12
    CMD python manage.py runserver 0.0.0.0:8000
    """
    environment, certain, why = one("Dockerfile", text)
    assert (environment, certain) == (DEVELOPMENT, True)
    assert why.startswith("its header says so: `# This Dockerfile is intended solely for local development")


def test_a_header_that_names_production_first_is_production():
    text = """
    # Production image. For development use docker-compose.dev.yml instead.
    FROM python:3.12
    CMD gunicorn shop.wsgi
    """
    assert one("Dockerfile", text)[:2] == (PRODUCTION, True)


def test_not_meant_for_production_is_development():
    assert header_signal("# This compose file is only meant for local development\nservices: {}\n")[0] == DEVELOPMENT
    assert header_signal("# NOT for production use\n")[0] == DEVELOPMENT
    assert header_signal("# Do not use this in production\n")[0] == DEVELOPMENT
    assert header_signal("FROM python\nRUN echo production\n") is None  # not a comment


def test_a_script_that_announces_a_development_server_is_development():
    # Django-CRM docker/backend/entrypoint.sh
    text = """
    #!/bin/sh
    python manage.py migrate
    echo "Starting development server..."
    python manage.py runserver 0.0.0.0:8000
    """
    assert one("docker/backend/entrypoint.sh", text)[:2] == (DEVELOPMENT, True)
    assert one("docker/backend/entrypoint.sh", text.replace("development server", "the server"))[:2] == (
        PRODUCTION,
        False,
    )


# ---------------------------------------------------------------------------------------------- where it sits


@pytest.mark.parametrize(
    "path",
    ["tests/docker-entrypoint.sh", "example/start.sh", "sandbox/Procfile", "dev/Dockerfile", "docker/local/Dockerfile"],
)
def test_files_under_development_directories_are_development(path: str):
    text = (
        "web: gunicorn shop.wsgi\n"
        if "Procfile" in path
        else "FROM python\nCMD gunicorn shop.wsgi\n"
        if ("Dockerfile" in path)
        else "gunicorn shop.wsgi\n"
    )
    environment, certain, why = one(path, text)
    assert (environment, certain) == (DEVELOPMENT, True)
    assert "sits under" in why


def test_directories_above_the_linted_tree_are_the_users():
    assert path_signal("dev/shop/Dockerfile", top="dev/shop") is None  # linting ~/dev/shop from ~
    assert path_signal("dev/shop/Dockerfile", top="") is not None
    assert path_signal("projects/tests/Dockerfile", top=None) is not None  # alone: its own directory counts
    assert path_signal("tests/shop/Dockerfile", top=None) is None


def test_reload_is_development():
    assert one("start.sh", "uvicorn shop.asgi:application --reload\n")[:2] == (DEVELOPMENT, True)
    assert one("start.sh", "uvicorn shop.asgi:application --workers 4\n")[:2] == (PRODUCTION, False)


def test_platform_manifests_are_production_for_sure():
    assert one("Procfile", "web: gunicorn shop.wsgi\n")[:2] == (PRODUCTION, True)
    assert one("deploy/shop.service", "[Service]\nExecStart=/venv/bin/gunicorn shop.wsgi\n")[:2] == (PRODUCTION, True)


# ---------------------------------------------------------------------------------------------- what the rules do

PROJECT = {
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
    "shop/__init__.py": "",
    "shop/settings.py": "ROOT_URLCONF = 'shop.urls'\nINSTALLED_APPS = []\n",
    "shop/urls.py": "urlpatterns = []\n",
}


def _runserver_findings(tmp_path, files: dict[str, str]) -> list[tuple[str, str]]:
    report = run(write_project(tmp_path, {**PROJECT, **files}))
    return [(f.path, f.severity) for f in report.findings if f.code == "DPL503"]


def test_runserver_in_a_dev_compose_file_is_not_reported(tmp_path):
    assert _runserver_findings(tmp_path, {"docker-compose.yml": textwrap.dedent(DEV_COMPOSE)}) == []


def test_runserver_on_an_unsure_production_file_is_info_and_on_a_platform_an_error(tmp_path):
    found = _runserver_findings(tmp_path, {
        "Dockerfile": "FROM python:3.12\nCMD python manage.py runserver 0.0.0.0:8000\n",
        "Procfile": "web: python manage.py runserver 0.0.0.0:$PORT\n",
    })  # fmt: skip
    assert sorted(found) == [("Dockerfile", "info"), ("Procfile", "error")]
