"""Deployment files → the server commands they start, with file, line and environment (../shared/facts.md §6.3).

Each reader gets the messy shapes real projects have, and one file that is not a deployment file of ours
(nothing found, no problem). Rows are compared whole:
    (line, environment, server, protocol, app, worker) for a server,
    ("problem", kind, line)                            for a file we could not read.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from django_protolint.project.deploy.files import Deployment, read_deployment
from django_protolint.project.deploy.formats import reader_for
from django_protolint.project.deploy.formats.dockerfile import read_dockerfile
from django_protolint.project.deploy.formats.fly import read_fly_toml
from django_protolint.project.deploy.formats.ini import read_conf, read_ini
from django_protolint.project.deploy.formats.makefile import read_makefile
from django_protolint.project.deploy.formats.package_json import read_package_json
from django_protolint.project.deploy.formats.procfile import read_procfile
from django_protolint.project.deploy.formats.shell_script import read_shell_script
from django_protolint.project.deploy.formats.systemd import read_systemd
from django_protolint.project.deploy.formats.yaml_manifests import read_yaml
from tests.helpers import deployments_in, found, run, write_project

P, D = "production", "development"


def rows(path: str, text: str, scripts: dict[str, str] | None = None) -> list[tuple[object, ...]]:
    known = scripts or {}

    def lookup(reference: str) -> str | None:
        return known.get(reference.lstrip("./")) or known.get(reference.rsplit("/", 1)[-1])

    result: list[tuple[object, ...]] = []
    for entry in read_deployment(path, textwrap.dedent(text).lstrip("\n"), lookup):
        if isinstance(entry, Deployment):
            c = entry.command
            result.append((entry.line, entry.environment, c.server, c.protocol, c.app, c.worker))
        else:
            result.append(("problem", entry.kind, entry.line))
    return result


GUNICORN_WSGI = ("gunicorn", "wsgi", "proj.wsgi:application", "sync")

# ============================================================================================ which files we read

READERS = [
    pytest.param("Procfile", read_procfile, id="Procfile"),
    pytest.param("Procfile.dev", read_procfile, id="Procfile.dev"),
    pytest.param("Procfile.md", None, id="Procfile.md documents a Procfile, it is not one"),
    pytest.param("Dockerfile", read_dockerfile, id="Dockerfile"),
    pytest.param("docker/Dockerfile.prod", read_dockerfile, id="Dockerfile.prod in a directory"),
    pytest.param("web.dockerfile", read_dockerfile, id="*.dockerfile"),
    pytest.param("Containerfile", read_dockerfile, id="Containerfile"),
    pytest.param("docker-compose.yml", read_yaml, id="docker-compose.yml"),
    pytest.param("docker-compose.override.yml", read_yaml, id="docker-compose.override.yml"),
    pytest.param("compose.yaml", read_yaml, id="compose.yaml"),
    pytest.param("render.yaml", read_yaml, id="render.yaml"),
    pytest.param("app.yaml", read_yaml, id="App Engine app.yaml"),
    pytest.param("heroku.yml", read_yaml, id="heroku.yml"),
    pytest.param("k8s/deployment.yaml", read_yaml, id="YAML under k8s/"),
    pytest.param("deploy/kubernetes/web.yml", read_yaml, id="YAML under deploy/"),
    pytest.param(".github/workflows/ci.yml", None, id="a GitHub workflow is not read"),
    pytest.param("mkdocs.yml", None, id="mkdocs.yml is not read"),
    pytest.param("openapi.yaml", None, id="openapi.yaml is not read"),
    pytest.param("bin/start.sh", read_shell_script, id="*.sh"),
    pytest.param("docker-entrypoint", read_shell_script, id="docker-entrypoint"),
    pytest.param("Makefile", read_makefile, id="Makefile"),
    pytest.param("deploy/gunicorn.service", read_systemd, id="systemd *.service"),
    pytest.param("uwsgi.ini", read_ini, id="*.ini"),
    pytest.param("supervisor/web.conf", read_conf, id="*.conf (INI or Apache, by content)"),
    pytest.param("fly.toml", read_fly_toml, id="fly.toml"),
    pytest.param("pyproject.toml", None, id="pyproject.toml is not a deployment file"),
    pytest.param("frontend/package.json", read_package_json, id="package.json"),
    pytest.param("README.md", None, id="README.md is not read"),
]


@pytest.mark.parametrize(("path", "reader"), READERS)
def test_reader_for(path: str, reader: object):
    assert reader_for(path) is reader


# ============================================================================================ Procfile

PROCFILE = """
# Heroku
release: python manage.py migrate --noinput
web: gunicorn proj.wsgi:application --log-file -
worker: celery -A proj worker -l info
clock: python manage.py runserver
"""


def test_procfile_web_line_is_the_server_release_and_worker_lines_are_ignored():
    assert rows("Procfile", PROCFILE) == [(3, P, *GUNICORN_WSGI)]


def test_procfile_where_names_the_process():
    [deployment] = deployments_in("Procfile", PROCFILE)
    assert deployment.where == "Procfile process `web`"


def test_procfile_dev_is_development():
    assert rows("Procfile.dev", "web: python manage.py runserver 0.0.0.0:$PORT\n") == [
        (1, D, "runserver", "wsgi", None, None)
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("web: gunicorn proj.wsgi\ngunicorn proj.wsgi\n", 2, id="a line without `name:` is malformed"),
        pytest.param("web:\n", 1, id="a process without a command is malformed"),
        pytest.param("web gunicorn: proj.wsgi\n", 1, id="a name with a space is malformed"),
    ],
)
def test_procfile_malformed_line_is_a_problem(text: str, line: int):
    assert ("problem", "procfile", line) in rows("Procfile", text)


def test_procfile_web_line_through_a_script_of_the_project():
    scripts = {"bin/start.sh": "#!/bin/sh\npython manage.py migrate\nexec daphne proj.asgi:application\n"}
    assert rows("Procfile", "web: bin/start.sh\n", scripts) == [(1, P, "daphne", "asgi", "proj.asgi:application", None)]
    assert rows("Procfile", "web: bash bin/start.sh\n", scripts) == [
        (1, P, "daphne", "asgi", "proj.asgi:application", None)
    ]


def test_procfile_not_ours_yields_nothing():
    assert rows("Procfile", "# only background work here\nworker: celery -A proj worker\nrelease: ./migrate.sh\n") == []


# ============================================================================================ Dockerfile


def test_dockerfile_multi_stage_only_the_last_stage_counts():
    text = """
    FROM python:3.12 AS build
    RUN pip wheel -r requirements.txt
    CMD ["daphne", "proj.asgi:application"]

    FROM python:3.12-slim
    COPY --from=build /wheels /wheels
    CMD ["gunicorn", "proj.wsgi:application"]
    """
    assert rows("Dockerfile", text) == [(7, P, *GUNICORN_WSGI)]


def test_dockerfile_last_stage_without_cmd_starts_nothing():
    text = """
    FROM python:3.12 AS app
    CMD ["gunicorn", "proj.wsgi:application"]
    FROM nginx:1.27
    COPY --from=app /app/static /usr/share/nginx/html
    """
    assert rows("Dockerfile", text) == []


def test_dockerfile_stage_built_from_an_earlier_stage_inherits_its_cmd_and_env():
    text = """
    FROM python:3.12 AS base
    ENV GUNICORN_CMD_ARGS="--threads 4"
    CMD ["gunicorn", "proj.wsgi:application"]

    FROM base AS production
    RUN pip install gunicorn
    """
    assert rows("Dockerfile", text) == [(3, P, "gunicorn", "wsgi", "proj.wsgi:application", "gthread")]


@pytest.mark.parametrize(
    "cmd",
    [
        pytest.param('CMD ["gunicorn", "proj.wsgi:application"]', id="exec form"),
        pytest.param('CMD [ "gunicorn" , "proj.wsgi:application" ]', id="exec form with spaces"),
        pytest.param("CMD gunicorn proj.wsgi:application", id="shell form"),
        pytest.param("cmd gunicorn proj.wsgi:application", id="lower-case instruction"),
        pytest.param("CMD\tgunicorn proj.wsgi:application", id="tab after the instruction"),
        pytest.param(
            'CMD ["sh", "-c", "python manage.py migrate && gunicorn proj.wsgi:application"]',
            id="exec form through sh -c",
        ),  # fmt: skip
    ],
)
def test_dockerfile_cmd_forms(cmd: str):
    assert rows("Dockerfile", f"FROM python:3.12\n{cmd}\n") == [(2, P, *GUNICORN_WSGI)]


def test_dockerfile_multi_line_cmd_with_backslashes_reports_its_first_line():
    text = """
    FROM python:3.12
    # CMD ["uvicorn", "proj.asgi:application"]
    CMD gunicorn proj.wsgi:application \\
        --bind 0.0.0.0:8000 \\
        --workers 3
    """
    assert rows("Dockerfile", text) == [(3, P, *GUNICORN_WSGI)]


def test_dockerfile_multi_line_exec_form():
    text = """
    FROM python:3.12
    CMD ["gunicorn", \\
         "-k", "uvicorn_worker.UvicornWorker", \\
         "proj.asgi:application"]
    """
    assert rows("Dockerfile", text) == [
        (2, P, "gunicorn", "asgi", "proj.asgi:application", "uvicorn_worker.UvicornWorker")
    ]


def test_dockerfile_commented_out_cmd_is_never_evidence():
    text = 'FROM python:3.12\n# CMD gunicorn proj.wsgi\n#CMD ["daphne", "x.asgi:application"]\n'
    assert rows("Dockerfile", text) == []


@pytest.mark.parametrize(
    "env",
    [
        pytest.param(
            'ENV GUNICORN_CMD_ARGS="-k uvicorn_worker.UvicornWorker --bind 0.0.0.0:8000"', id="ENV NAME=value"
        ),  # fmt: skip
        pytest.param('ENV GUNICORN_CMD_ARGS "-k uvicorn_worker.UvicornWorker"', id="legacy ENV NAME value"),
        pytest.param(
            "ENV PYTHONUNBUFFERED=1 GUNICORN_CMD_ARGS='-k uvicorn_worker.UvicornWorker'",
            id="several assignments on one ENV",
        ),  # fmt: skip
    ],
)
@pytest.mark.parametrize(
    "cmd",
    [
        pytest.param('CMD ["gunicorn", "proj.asgi:application"]', id="exec-form CMD"),
        pytest.param("CMD gunicorn proj.asgi:application", id="shell-form CMD"),
    ],
)
def test_dockerfile_env_gunicorn_cmd_args_sets_the_worker(env: str, cmd: str):
    assert rows("Dockerfile", f"FROM python:3.12\n{env}\n{cmd}\n") == [
        (3, P, "gunicorn", "asgi", "proj.asgi:application", "uvicorn_worker.UvicornWorker")
    ]


def test_dockerfile_env_granian_interface():
    text = "FROM python:3.12\nENV GRANIAN_INTERFACE=asgi\nCMD granian proj.asgi:application\n"
    assert rows("Dockerfile", text) == [(3, P, "granian", "asgi", "proj.asgi:application", "asgi")]


def test_dockerfile_env_of_an_earlier_stage_does_not_leak():
    text = "FROM python AS a\nENV GRANIAN_INTERFACE=asgi\nFROM python:3.12\nCMD granian proj.asgi:application\n"
    assert rows("Dockerfile", text) == [(4, P, "granian", "rsgi", "proj.asgi:application", "rsgi")]


ENTRYPOINT_SCRIPT = '#!/bin/sh\nset -e\npython manage.py migrate --noinput\nexec "$@"\n'


def test_dockerfile_entrypoint_script_ending_in_exec_args_runs_cmd():
    text = """
    FROM python:3.12
    COPY docker-entrypoint.sh /usr/local/bin/
    ENTRYPOINT ["docker-entrypoint.sh"]
    CMD ["uvicorn", "proj.asgi:application", "--host", "0.0.0.0"]
    """
    assert rows("Dockerfile", text, {"docker-entrypoint.sh": ENTRYPOINT_SCRIPT}) == [
        (4, P, "uvicorn", "asgi", "proj.asgi:application", None)
    ]


def test_dockerfile_entrypoint_script_that_execs_the_server_itself():
    script = "#!/bin/sh\npython manage.py migrate\nexec gunicorn proj.wsgi:application --bind 0.0.0.0:8000\n"
    text = 'FROM python:3.12\nENTRYPOINT ["/app/entrypoint.sh"]\n'
    assert rows("Dockerfile", text, {"entrypoint.sh": script}) == [(2, P, *GUNICORN_WSGI)]


def test_dockerfile_exec_entrypoint_takes_cmd_as_its_arguments():
    text = """
    FROM python:3.12
    ENTRYPOINT ["gunicorn", "-k", "uvicorn_worker.UvicornWorker"]
    CMD ["proj.asgi:application"]
    """
    assert rows("Dockerfile", text) == [
        (2, P, "gunicorn", "asgi", "proj.asgi:application", "uvicorn_worker.UvicornWorker")
    ]


def test_dockerfile_tini_entrypoint_runs_cmd():
    text = 'FROM python:3.12\nENTRYPOINT ["tini", "--"]\nCMD gunicorn proj.wsgi:application -k gevent\n'
    assert rows("Dockerfile", text) == [(3, P, "gunicorn", "wsgi", "proj.wsgi:application", "gevent")]


def test_dockerfile_unknown_entrypoint_falls_back_to_cmd():
    text = """
    FROM python:3.12
    ENTRYPOINT ["./wait-for-it.sh", "db:5432", "--"]
    CMD ["gunicorn", "proj.wsgi:application"]
    """
    assert rows("Dockerfile", text) == [(3, P, *GUNICORN_WSGI)]


def test_dockerfile_shell_form_entrypoint_ignores_cmd():
    text = 'FROM python:3.12\nENTRYPOINT gunicorn proj.wsgi:application\nCMD ["daphne", "proj.asgi:application"]\n'
    assert rows("Dockerfile", text) == [(2, P, *GUNICORN_WSGI)]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("Dockerfile.dev", id="Dockerfile.dev"),
        pytest.param("dev.Dockerfile", id="dev.Dockerfile"),
        pytest.param("docker/local/Dockerfile", id="a Dockerfile in a local/ directory"),
    ],
)
def test_dockerfile_for_development(path: str):
    assert rows(path, "FROM python:3.12\nCMD python manage.py runserver 0.0.0.0:8000\n") == [
        (2, D, "runserver", "wsgi", None, None)
    ]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("Dockerfile", id="at the root"),
        pytest.param("dev/shop/Dockerfile", id="a project kept under ~/dev"),
        pytest.param("/tmp/ci-runs/shop/Dockerfile", id="an absolute path through a ci directory"),
        pytest.param("Dockerfile.prod", id="Dockerfile.prod"),
    ],
)
def test_dockerfile_for_production(path: str):
    assert rows(path, "FROM python:3.12\nCMD python manage.py runserver 0.0.0.0:8000\n") == [
        (2, P, "runserver", "wsgi", None, None)
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\x00\x01 garbage ][ {{{\nCMD [unclosed\nFROM\n", id="garbage"),
        pytest.param("FROM python\nCMD\n", id="CMD without arguments"),
        pytest.param('FROM python\nCMD ["gunicorn", 1]\n', id="exec form with a number"),
        pytest.param("FROM python\nENTRYPOINT []\n", id="empty exec-form ENTRYPOINT"),
        pytest.param("", id="empty file"),
    ],
)
def test_dockerfile_garbage_does_not_crash(text: str):
    assert rows("Dockerfile", text) == []


def test_dockerfile_not_ours_yields_nothing():
    text = 'FROM node:20\nWORKDIR /app\nRUN npm ci\nCMD ["node", "server.js"]\n'
    assert rows("Dockerfile", text) == []


# ============================================================================================ compose

COMPOSE = """
version: "3.9"
x-app: &app
  build: .
  env_file: .env
  command: gunicorn proj.wsgi:application --bind 0.0.0.0:8000

services:
  web:
    <<: *app
    ports: ["8000:8000"]
  ws:
    <<: *app
    command: >
      daphne -b 0.0.0.0 -p 8001
      proj.asgi:application
  migrate:
    <<: *app
    command: ["python", "manage.py", "migrate"]
  worker:
    <<: *app
    command: celery -A proj worker
  dev:
    <<: *app
    command: python manage.py runserver 0.0.0.0:8000
  app:
    image: proj
    command: sh -c "python manage.py migrate && gunicorn proj.wsgi:application -k gevent"
  api:
    image: proj
    command:
      - uvicorn
      - proj.asgi:application
      - --port
      - "8000"
  db:
    image: postgres:16
"""


def test_compose_services():
    assert rows("docker-compose.yml", COMPOSE) == [
        # inherited through `<<: *app`: reported where the anchor's command is written
        (5, P, *GUNICORN_WSGI),
        (13, P, "daphne", "asgi", "proj.asgi:application", None),  # folded `>` command
        (24, D, "runserver", "wsgi", None, None),  # a `dev` service
        (27, P, "gunicorn", "wsgi", "proj.wsgi:application", "gevent"),  # sh -c "migrate && gunicorn"
        (30, P, "uvicorn", "asgi", "proj.asgi:application", None),  # list command
    ]


def test_compose_where_names_the_service():
    assert [d.where for d in deployments_in("docker-compose.yml", COMPOSE)] == [
        "compose service `web`", "compose service `ws`", "compose service `dev`", "compose service `app`",
        "compose service `api`",
    ]  # fmt: skip


def test_compose_literal_block_with_a_multi_line_sh_c():
    text = """
    services:
      web:
        command: |
          sh -c "python manage.py collectstatic --noinput &&
                 gunicorn proj.wsgi:application"
    """
    assert rows("compose.yaml", text) == [(3, P, *GUNICORN_WSGI)]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("docker-compose.override.yml", id="docker-compose.override.yml"),
        pytest.param("docker-compose.dev.yml", id="docker-compose.dev.yml"),
        pytest.param("compose.local.yaml", id="compose.local.yaml"),
    ],
)
def test_compose_development_files(path: str):
    text = "services:\n  web:\n    command: python manage.py runserver 0.0.0.0:8000\n"
    assert rows(path, text) == [(3, D, "runserver", "wsgi", None, None)]


def test_compose_prod_file_is_production():
    text = "services:\n  web:\n    command: python manage.py runserver 0.0.0.0:8000\n"
    assert rows("docker-compose.prod.yml", text) == [(3, P, "runserver", "wsgi", None, None)]


def test_compose_command_through_a_project_script():
    text = "services:\n  django:\n    command: /start\n"
    scripts = {"start": "#!/bin/bash\nset -o errexit\npython manage.py migrate\nexec gunicorn proj.wsgi:application\n"}
    assert rows("docker-compose.production.yml", text, scripts) == [(3, P, *GUNICORN_WSGI)]


def test_compose_entrypoint_script_with_exec_args_and_command():
    text = 'services:\n  web:\n    entrypoint: ["/entrypoint.sh"]\n    command: gunicorn proj.wsgi:application\n'
    assert rows("compose.yaml", text, {"entrypoint.sh": ENTRYPOINT_SCRIPT}) == [(4, P, *GUNICORN_WSGI)]


def test_compose_invalid_yaml_is_a_problem_with_the_line_where_it_breaks():
    text = "services:\n  web:\n    command: [unclosed\n  db:\n    image: postgres\n"
    assert rows("docker-compose.yml", text) == [("problem", "parse", 3)]


def test_compose_not_ours_yields_nothing():
    text = "services:\n  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n"
    assert rows("docker-compose.yml", text) == []


# ============================================================================================ shell scripts

START_SCRIPT = """
#!/usr/bin/env bash
set -euo pipefail
# gunicorn proj.wsgi
python manage.py migrate --noinput
python manage.py collectstatic --noinput
exec gunicorn proj.asgi:application \\
    -k uvicorn_worker.UvicornWorker \\
    --bind "0.0.0.0:${PORT:-8000}"
"""


def test_shell_script_last_server_command_with_continuations():
    assert rows("bin/start.sh", START_SCRIPT) == [
        (6, P, "gunicorn", "asgi", "proj.asgi:application", "uvicorn_worker.UvicornWorker")
    ]


def test_shell_script_named_for_development():
    assert rows("scripts/dev.sh", "#!/bin/sh\npython manage.py runserver\n") == [
        (2, D, "runserver", "wsgi", None, None)
    ]


def test_shell_script_not_ours_yields_nothing():
    assert rows("scripts/lint.sh", "#!/bin/sh\nruff check .\nmypy proj\n# gunicorn proj.wsgi\n") == []


# ============================================================================================ Makefile

MAKEFILE = """
.PHONY: run serve-prod deploy test
PORT := 8000

run:
\tpython manage.py runserver 0.0.0.0:$(PORT)

serve-prod: migrate
\t@gunicorn proj.wsgi:application \\
\t\t-k gevent

deploy:
\t-uvicorn proj.asgi:application

test:
\tpytest
"""


def test_makefile_targets():
    assert rows("Makefile", MAKEFILE) == [
        (5, D, "runserver", "wsgi", None, None),  # a Make target is developer tooling...
        (8, P, "gunicorn", "wsgi", "proj.wsgi:application", "gevent"),  # ...unless named for production
        (12, P, "uvicorn", "asgi", "proj.asgi:application", None),
    ]


def test_makefile_where_names_the_target():
    assert [d.where for d in deployments_in("Makefile", MAKEFILE)] == [
        "Makefile target `run`", "Makefile target `serve-prod`", "Makefile target `deploy`",
    ]  # fmt: skip


def test_makefile_not_ours_yields_nothing():
    assert rows("Makefile", "lint:\n\truff check .\n\ntest:\n\tpytest\n# serve:\n#\tgunicorn proj.wsgi\n") == []


# ============================================================================================ systemd

GUNICORN_SERVICE = """
[Unit]
Description=gunicorn daemon
Requires=gunicorn.socket

[Service]
User=www
WorkingDirectory=/srv/app
ExecStartPre=/srv/venv/bin/python manage.py migrate
ExecStart=-/srv/venv/bin/gunicorn \\
          --access-logfile - \\
          --workers 3 \\
          --bind unix:/run/gunicorn.sock \\
          proj.wsgi:application
ExecReload=/bin/kill -s HUP $MAINPID
"""


def test_systemd_exec_start_with_a_dash_prefix_and_continuations():
    assert rows("deploy/gunicorn.service", GUNICORN_SERVICE) == [(9, P, *GUNICORN_WSGI)]


def test_systemd_exec_start_with_spaces_around_the_equals_sign():
    assert rows("daphne.service", "[Service]\nExecStart = /srv/venv/bin/daphne proj.asgi:application\n") == [
        (2, P, "daphne", "asgi", "proj.asgi:application", None)
    ]


def test_systemd_not_ours_yields_nothing():
    text = "[Service]\nExecStart=/srv/venv/bin/celery -A proj worker\n# ExecStart=gunicorn proj.wsgi\n"
    assert rows("celery.service", text) == []


# ============================================================================================ INI: supervisor, uWSGI

SUPERVISOR = """
[supervisord]
nodaemon=true

[program:celery]
command=celery -A proj worker

[program:web]
command=/srv/venv/bin/gunicorn proj.wsgi:application --bind unix:/run/gunicorn.sock
autostart=true
"""

# Channels' docs/deploying.rst recipe, comments included.
CHANNELS_FCGI = """
[fcgi-program:asgi]
# TCP socket used by Nginx backend upstream
socket=tcp://localhost:8000

# Directory where your site's project files are located
directory=/my/app/path

# Each process needs to have a separate socket file, so we use process_num
# Make sure to update "mysite.asgi" to match your project name
command=daphne -u /run/daphne/daphne%(process_num)d.sock --fd 0 --access-log - --proxy-headers mysite.asgi:application

# Number of processes to startup, roughly the number of CPUs you have
numprocs=4

# Give each process a unique name so they can be told apart
process_name=asgi%(process_num)d
"""


def test_supervisor_program_reports_its_own_command_line():
    assert rows("deploy/supervisord.conf", SUPERVISOR) == [(8, P, *GUNICORN_WSGI)]


def test_supervisor_channels_fcgi_program_daphne_recipe():
    assert rows("supervisor/asgi.conf", CHANNELS_FCGI) == [(10, P, "daphne", "asgi", "mysite.asgi:application", None)]


@pytest.mark.parametrize(
    ("text", "app"),
    [
        pytest.param(
            "[uwsgi]\nchdir = /srv/app\nmodule = proj.wsgi:application\nmaster = true\nprocesses = 4\n",
            "proj.wsgi:application",
            id="module",
        ),  # fmt: skip
        pytest.param("[uwsgi]\nwsgi-file = proj/wsgi.py\n", "proj/wsgi.py", id="wsgi-file"),
        pytest.param("[uwsgi]\nmount = /app=proj/wsgi.py\n", "proj/wsgi.py", id="mount POINT=APP"),
        pytest.param("[uwsgi]\nhttp = :8000\n", None, id="no app"),
    ],
)
def test_uwsgi_ini(text: str, app: str | None):
    assert rows("deploy/uwsgi.ini", text) == [(1, P, "uwsgi", "wsgi", app, None)]


def test_uwsgi_ini_that_does_not_parse_is_a_problem_with_its_line():
    assert rows("uwsgi.ini", "module = proj.wsgi\n[uwsgi]\nhttp = :8000\n") == [("problem", "parse", 1)]


def test_uwsgi_ini_options_without_a_value_are_flags_and_what_follows_is_read():
    # uWSGI's ini reader gives a key alone an empty value: a flag (unbit/uwsgi core/ini.c)
    text = "[uwsgi]\nstrict\nmaster\ndie-on-term\nmodule = proj.wsgi:application\n"
    assert rows("uwsgi.ini", text) == [(1, P, "uwsgi", "wsgi", "proj.wsgi:application", None)]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param(
            "nginx.conf", "server {\n  listen 80;\n  location / { proxy_pass http://app:8000; }\n}\n", id="nginx.conf"
        ),  # fmt: skip
        pytest.param(
            "tox.ini", "[tox]\nenvlist = py312\n[testenv]\ncommands = gunicorn --check-config proj.wsgi\n", id="tox.ini"
        ),  # fmt: skip
        pytest.param("pytest.ini", "[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings\n", id="pytest.ini"),
        pytest.param(
            "supervisord.conf",
            "[supervisord]\nnodaemon=true\n[program:celery]\ncommand=celery -A p worker\n",
            id="supervisor running no server",
        ),  # fmt: skip
    ],
)
def test_ini_not_ours_yields_nothing(path: str, text: str):
    assert rows(path, text) == []


# ============================================================================================ fly.toml

FLY = """
app = "myapp"
primary_region = "ams"

[processes]
  app = "gunicorn proj.wsgi:application --bind :8000"
  ws = "daphne -b 0.0.0.0 -p 8001 proj.asgi:application"
  worker = "celery -A proj worker"

[http_service]
  internal_port = 8000
  processes = ["app"]
"""


def test_fly_processes_report_their_own_lines():
    assert rows("fly.toml", FLY) == [(5, P, *GUNICORN_WSGI), (6, P, "daphne", "asgi", "proj.asgi:application", None)]


def test_fly_experimental_cmd():
    text = 'app = "x"\n\n[experimental]\n  cmd = ["uvicorn", "proj.asgi:application"]\n'
    assert rows("fly.toml", text) == [(4, P, "uvicorn", "asgi", "proj.asgi:application", None)]


def test_fly_invalid_toml_is_a_problem():
    assert rows("fly.toml", 'app = "x"\n[build\n') == [("problem", "parse", 1)]


def test_fly_not_ours_yields_nothing():
    text = 'app = "myapp"\n[build]\n  dockerfile = "Dockerfile"\n[http_service]\n  internal_port = 8000\n'
    assert rows("fly.toml", text) == []


# ============================================================================================ render.yaml

RENDER = """
databases:
  - name: db
services:
  - type: web
    name: api
    runtime: python
    buildCommand: pip install -r requirements.txt
    startCommand: gunicorn proj.wsgi:application
  - type: pserv
    name: ws
    runtime: python
    startCommand: "daphne proj.asgi:application"
  - type: worker
    name: queue
    startCommand: uvicorn proj.asgi:application
"""


def test_render_start_commands_report_their_own_lines_and_workers_are_not_served():
    assert rows("render.yaml", RENDER) == [
        (8, P, *GUNICORN_WSGI),
        (12, P, "daphne", "asgi", "proj.asgi:application", None),
    ]


def test_render_not_ours_yields_nothing():
    assert rows("render.yaml", "services:\n  - type: redis\n    name: cache\n    ipAllowList: []\n") == []


# ============================================================================================ App Engine, heroku.yml


def test_app_engine_entrypoint():
    text = "runtime: python312\nentrypoint: gunicorn -b :$PORT proj.wsgi:application\ninstance_class: F2\n"
    assert rows("app.yaml", text) == [(2, P, "gunicorn", "wsgi", "proj.wsgi:application", "sync")]


def test_app_engine_without_entrypoint_yields_nothing():
    assert rows("app.yaml", "runtime: python312\nhandlers:\n  - url: /static\n    static_dir: static\n") == []


def test_heroku_yml_run_web():
    text = """
    build:
      docker:
        web: Dockerfile
    run:
      web: gunicorn proj.wsgi:application
      worker: celery -A proj worker
    """
    assert rows("heroku.yml", text) == [(5, P, *GUNICORN_WSGI)]


# ============================================================================================ Kubernetes

KUBERNETES = """
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          command: ["python", "manage.py", "migrate"]
      containers:
        - name: web
          image: proj
          command: ["gunicorn"]
          args: ["proj.wsgi:application", "--bind", "0.0.0.0:8000"]
        - name: ws
          image: proj
          args:
            - daphne
            - proj.asgi:application
"""


def test_kubernetes_deployment_command_and_args_in_a_multi_document_file():
    assert rows("k8s/deployment.yaml", KUBERNETES) == [
        (22, P, *GUNICORN_WSGI),  # `command` + `args`, on the container's command line
        (26, P, "daphne", "asgi", "proj.asgi:application", None),  # `args` only
    ]


def test_kubernetes_pod():
    text = """
    apiVersion: v1
    kind: Pod
    spec:
      containers:
        - name: web
          command: [uvicorn, proj.asgi:application]
    """
    assert rows("k8s/pod.yaml", text) == [(6, P, "uvicorn", "asgi", "proj.asgi:application", None)]


def test_kubernetes_helm_template_is_not_a_problem():
    text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n{{- if .Values.x }}\n"
    assert rows("charts/web/templates/deployment.yaml", text) == []


def test_kubernetes_not_ours_yields_nothing():
    text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  START: gunicorn proj.wsgi\n---\napiVersion: v1\nkind: Service\n"
    assert rows("k8s/config.yaml", text) == []


def test_yaml_github_workflow_read_directly_yields_nothing():
    text = """
    on: push
    jobs:
      test:
        runs-on: ubuntu-latest
        services:
          postgres:
            image: postgres
        steps:
          - run: gunicorn proj.wsgi --check-config
    """
    assert rows(".github/workflows/ci.yml", text) == []  # not read at all
    assert list(read_yaml("deploy/ci.yml", textwrap.dedent(text), lambda r: None)) == []  # nor a deployment if read


def test_yaml_mkdocs_read_directly_yields_nothing():
    assert list(read_yaml("deploy/mkdocs.yml", "site_name: Docs\nnav:\n  - index.md\n", lambda r: None)) == []


# ============================================================================================ package.json

PACKAGE_JSON = """
{
  "name": "frontend",
  "scripts": {
    "dev": "python manage.py runserver",
    "start:prod": "gunicorn proj.wsgi:application",
    "build": "vite build"
  }
}
"""


def test_package_json_scripts():
    assert rows("package.json", PACKAGE_JSON) == [(4, D, "runserver", "wsgi", None, None), (5, P, *GUNICORN_WSGI)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"name": "frontend", "scripts": {"build": "vite build", "dev": "vite"}}', id="frontend scripts"),
        pytest.param('{"name": "x", "scripts": "not a table"}', id="scripts that is not an object"),
        pytest.param("[1, 2, 3]", id="not an object at all"),
    ],
)
def test_package_json_not_ours_yields_nothing(text: str):
    assert rows("package.json", text) == []


def test_package_json_invalid_json_is_a_problem_with_its_line():
    # A missing comma: every Python's json names line 3 (for a trailing comma, 3.13 names the comma's line, 2).
    assert rows("package.json", '{\n  "name": "x"\n  "scripts": {}\n}\n') == [("problem", "parse", 3)]


# ============================================================================================ gunicorn.conf.py (lint)

ASYNC_VIEWS = "import asyncio\n\n\nasync def index(request):\n    await asyncio.sleep(0)\n"
PROJECT = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
    "proj/settings.py": 'INSTALLED_APPS = ["app"]\nROOT_URLCONF = "proj.urls"\n',
    "proj/urls.py": 'from django.urls import path\n\nfrom app import views\n\nurlpatterns = [path("", views.index)]\n',
    "proj/wsgi.py": "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n",
    "proj/asgi.py": "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n",
    "app/views.py": ASYNC_VIEWS,
    "requirements.txt": "Django>=5.0\ngunicorn\nuvicorn-worker\n",
}


Served = tuple[tuple[str | None, str | None, str], str, set[tuple[str, int, str]]]


def served(tmp_path: Path, files: dict[str, str]) -> Served:
    """((app, worker, protocol) of the one deployment, the verdict's fit, the findings)."""
    report = run(write_project(tmp_path, PROJECT | files))
    [deployment] = report.model.deployments
    command = deployment.command
    verdict = report.model.verdicts["."]
    return (command.app, command.worker, command.protocol), verdict.fit, found(report)


ASGI_CONF = 'wsgi_app = "proj.asgi:application"\nworker_class = "uvicorn_worker.UvicornWorker"\nworkers = 4\n'


def test_gunicorn_conf_py_completes_worker_and_app(tmp_path: Path):
    result = served(tmp_path, {"Procfile": "web: gunicorn -c gunicorn.conf.py\n", "gunicorn.conf.py": ASGI_CONF})
    assert result == (("proj.asgi:application", "uvicorn_worker.UvicornWorker", "asgi"), "fit", set())


def test_gunicorn_conf_py_is_read_without_c(tmp_path: Path):
    result = served(tmp_path, {"Procfile": "web: gunicorn\n", "gunicorn.conf.py": ASGI_CONF})
    assert result == (("proj.asgi:application", "uvicorn_worker.UvicornWorker", "asgi"), "fit", set())


def test_gunicorn_conf_py_notes_where_the_worker_came_from(tmp_path: Path):
    report = run(write_project(tmp_path, PROJECT | {"Procfile": "web: gunicorn\n", "gunicorn.conf.py": ASGI_CONF}))
    [deployment] = report.model.deployments
    assert deployment.command.notes == ("worker and app completed from gunicorn.conf.py",)
    assert deployment.config == ("gunicorn.conf.py", 1)  # the file is evidence, as uwsgi.ini is for uwsgi --ini


def test_gunicorn_command_line_app_beats_wsgi_app(tmp_path: Path):
    result = served(tmp_path, {"Procfile": "web: gunicorn proj.wsgi:application\n", "gunicorn.conf.py": ASGI_CONF})
    # the worker comes from the file, the app from the command line: an ASGI worker on wsgi.py fails every request
    assert result == (("proj.wsgi:application", "uvicorn_worker.UvicornWorker", "asgi"), "mismatch",
                      {("Procfile", 1, "DPL506")})  # fmt: skip


@pytest.mark.parametrize(
    "flag",
    [
        pytest.param("-k gevent", id="-k VALUE"),
        pytest.param("-kgevent", id="-kVALUE"),
        pytest.param("--worker-class=gevent", id="--worker-class=VALUE"),
        pytest.param("--worker-class gevent", id="--worker-class VALUE"),
    ],
)
def test_gunicorn_command_line_worker_beats_worker_class(tmp_path: Path, flag: str):
    procfile = f"web: gunicorn {flag} proj.wsgi:application\n"
    result = served(tmp_path, {"Procfile": procfile, "gunicorn.conf.py": ASGI_CONF})
    assert result == (("proj.wsgi:application", "gevent", "wsgi"), "suboptimal", {("Procfile", 1, "DPL502")})


def test_gunicorn_cmd_args_worker_beats_worker_class(tmp_path: Path):
    procfile = "web: GUNICORN_CMD_ARGS='-k gevent' gunicorn proj.wsgi:application\n"
    result = served(tmp_path, {"Procfile": procfile, "gunicorn.conf.py": ASGI_CONF})
    assert result == (("proj.wsgi:application", "gevent", "wsgi"), "suboptimal", {("Procfile", 1, "DPL502")})


def test_gunicorn_conf_threads_make_sync_gthread(tmp_path: Path):
    result = served(tmp_path, {"Procfile": "web: gunicorn proj.wsgi\n", "gunicorn.conf.py": "threads = 4\n"})
    assert result == (("proj.wsgi", "gthread", "wsgi"), "suboptimal", {("Procfile", 1, "DPL502")})


@pytest.mark.parametrize(
    ("option", "config_path"),
    [
        pytest.param("-c config/gunicorn.py", "config/gunicorn.py", id="-c a path in a subdirectory"),
        pytest.param("--config=file:config/gunicorn.py", "config/gunicorn.py", id="--config=file:PATH"),
        pytest.param("-c python:config.gunicorn", "config/gunicorn.py", id="-c python:MODULE"),
        pytest.param("-c /app/config/gunicorn.py", "config/gunicorn.py", id="-c an absolute path in the image"),
    ],
)
def test_gunicorn_c_finds_the_config_file(tmp_path: Path, option: str, config_path: str):
    result = served(tmp_path, {"Procfile": f"web: gunicorn {option}\n", config_path: ASGI_CONF})
    assert result == (("proj.asgi:application", "uvicorn_worker.UvicornWorker", "asgi"), "fit", set())


def test_gunicorn_conf_of_another_directory_is_not_read(tmp_path: Path):
    files = {"Procfile": "web: gunicorn proj.wsgi\n", "other/gunicorn.conf.py": ASGI_CONF}
    result = served(tmp_path, files)
    assert result == (("proj.wsgi", "sync", "wsgi"), "suboptimal", {("Procfile", 1, "DPL502")})


def test_gunicorn_conf_with_computed_values_keeps_what_it_can_read(tmp_path: Path):
    conf = 'import multiprocessing\n\nworkers = multiprocessing.cpu_count() * 2 + 1\nworker_class = "gevent"\n'
    result = served(tmp_path, {"Procfile": "web: gunicorn proj.wsgi\n", "gunicorn.conf.py": conf})
    assert result == (("proj.wsgi", "gevent", "wsgi"), "suboptimal", {("Procfile", 1, "DPL502")})


# ----------------------------------------------------------------------------- servers started from Python


@pytest.mark.parametrize(
    ("script", "server", "protocol", "environment"),
    [
        pytest.param('import uvicorn\n\nuvicorn.run("proj.asgi:application", host="0.0.0.0")\n', "uvicorn", "asgi",
                     "production", id="uvicorn.run in run.py is production"),
        pytest.param('import uvicorn\n\nif __name__ == "__main__":\n    uvicorn.run("proj.asgi:application", reload=True)\n',
                     "uvicorn", "asgi", "development", id="reload=True is development"),
        pytest.param("from waitress import serve\nfrom proj.wsgi import application\n\nserve(application, port=8080)\n",
                     "waitress", "wsgi", "production", id="waitress.serve is WSGI"),
        pytest.param('from granian import Granian\n\nGranian("proj.asgi:application").serve()\n', "granian", "rsgi",
                     "production", id="granian without an interface is RSGI"),
        pytest.param('from granian import Granian\nfrom granian.constants import Interfaces\n\n'
                     'Granian("proj.asgi:application", interface=Interfaces.ASGI).serve()\n', "granian", "asgi",
                     "production", id="granian's Interfaces.ASGI enum member is ASGI (fiduswriter)"),
        pytest.param('from granian import Granian\n\nGranian("proj.asgi:application", interface=choice).serve()\n',
                     "granian", "unknown", "production", id="an interface we cannot read is unknown, not RSGI"),
    ],
)  # fmt: skip
def test_servers_started_from_python(tmp_path, script, server, protocol, environment):
    from django_protolint.config import Config
    from django_protolint.runner import lint
    from tests.helpers import write_project

    root = write_project(tmp_path / "p", {"run.py": script})
    (deployment,) = lint([root], Config(), cwd=root).model.deployments
    assert (deployment.command.server, deployment.command.protocol, deployment.environment) == (
        server, protocol, environment,
    )  # fmt: skip
    assert deployment.path == "run.py"


def test_granian_started_from_python_without_interface_is_reported(tmp_path):
    from django_protolint.config import Config
    from django_protolint.runner import lint
    from tests.helpers import write_project

    root = write_project(
        tmp_path / "p", {"run.py": 'from granian import Granian\n\nGranian("proj.asgi:application").serve()\n'}
    )
    assert [(f.code, f.span.line) for f in lint([root], Config(), cwd=root).findings] == [("DPL507", 3)]


@pytest.mark.parametrize(
    ("procfile", "conf", "expected"),
    [
        pytest.param("web: gunicorn proj.wsgi\n", 'bind = "0.0.0.0:8080"\n', [("0.0.0.0", 8080, None, False)],
                     id="bind in gunicorn.conf.py"),
        pytest.param("web: gunicorn proj.wsgi\n", 'bind = ["127.0.0.1:8080", "unix:/run/g.sock"]\n',
                     [("127.0.0.1", 8080, None, False), (None, None, "/run/g.sock", False)], id="a list of binds"),
        pytest.param("web: gunicorn -b 0.0.0.0:9000 proj.wsgi\n", 'bind = "0.0.0.0:8080"\n',
                     [("0.0.0.0", 9000, None, False)], id="near-miss: the command line's bind wins"),
        pytest.param("web: gunicorn proj.wsgi\n", 'import os\nbind = os.environ["BIND"]\n',
                     [("127.0.0.1", 8000, None, True)], id="near-miss: a bind the file does not fix"),
    ],
)  # fmt: skip
def test_gunicorn_conf_py_bind_is_where_the_server_listens(tmp_path: Path, procfile: str, conf: str, expected):
    from django_protolint.project.proxy.binds import listeners

    report = run(write_project(tmp_path, PROJECT | {"Procfile": procfile, "gunicorn.conf.py": conf}))
    [deployment] = report.model.deployments
    found = [(each.target.host, each.target.port, each.target.socket, each.default) for each in listeners(deployment)]
    assert found == expected
