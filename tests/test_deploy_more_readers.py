"""Process managers and deploy-time templates (issue 12 §2, §3): honcho/foreman alternate Procfiles, circus
watchers, and configuration templates (`.j2`, `.tmpl`, `.template`) read as the file they render to."""

from __future__ import annotations

from django_protolint.project.deploy.base import PRODUCTION
from django_protolint.project.deploy.formats import reader_for
from tests.helpers import deployments_in


def test_honcho_runs_every_process_of_an_alternate_procfile():
    found = deployments_in(
        "ProcfileMulti",
        """
        web: gunicorn shop.wsgi --bind 0.0.0.0:8000
        ws: daphne -b 0.0.0.0 -p 8001 shop.asgi:application
        worker: celery -A shop worker
    """,
    )
    assert [(d.line, d.command.server, d.where) for d in found] == [
        (1, "gunicorn", "ProcfileMulti process `web` (honcho/foreman)"),
        (2, "daphne", "ProcfileMulti process `ws` (honcho/foreman)"),
    ]
    # no platform reads it: production, but not for sure
    assert {(d.environment, d.certain) for d in found} == {(PRODUCTION, False)}


def test_the_platforms_procfile_serves_only_web():
    found = deployments_in("Procfile", "web: gunicorn shop.wsgi\nws: daphne shop.asgi:application\n")
    assert [(d.line, d.command.server, d.certain) for d in found] == [(1, "gunicorn", True)]


def test_a_circus_watcher_runs_its_cmd_with_its_args():
    found = deployments_in(
        "deploy/circus.ini",
        """
        [circus]
        check_delay = 5

        [watcher:web]
        cmd = gunicorn
        args = shop.wsgi:application -b 0.0.0.0:8000 -k uvicorn_worker.UvicornWorker
        numprocesses = 1

        [watcher:worker]
        cmd = celery -A shop worker
    """,
    )
    assert [(d.line, d.command.server, d.command.protocol, d.where) for d in found] == [
        (5, "gunicorn", "asgi", "circus [watcher:web]"),
    ]


def test_an_ini_without_a_circus_watcher_is_not_a_deployment():
    assert deployments_in("setup.ini", "[watcher]\ncmd = gunicorn shop.wsgi\n") == []


def test_a_deploy_time_template_is_read_as_the_file_it_renders():
    assert reader_for("deploy/gunicorn.service.j2") is reader_for("deploy/gunicorn.service")
    assert reader_for("deploy/uwsgi.ini.template") is reader_for("deploy/uwsgi.ini")
    [found] = deployments_in(
        "deploy/gunicorn.service.j2",
        """
        [Unit]
        Description=gunicorn for {{ project_name }}

        [Service]
        ExecStart={{ venv }}/bin/gunicorn shop.wsgi:application --bind unix:/run/{{ project_name }}.sock
    """,
    )
    assert (found.line, found.command.server, found.environment, found.certain) == (5, "gunicorn", PRODUCTION, False)
    assert "`gunicorn.service.j2` is a template, rendered at deploy time" in found.why


def test_other_templates_and_bare_suffixes_are_not_deployment_files():
    assert reader_for("templates/email.html.j2") is None
    assert reader_for("docs/notes.template") is None
    assert reader_for(".j2") is None
