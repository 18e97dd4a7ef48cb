"""One command line → the server it starts: normalisation, then each server's options (../shared/facts.md §6.1-6.2).

Two tables, pyupgrade-style: commands that start a server, with what we must read from them, and commands that
start none. Every id reads like a line of the spec.
"""

from __future__ import annotations

import pytest

from django_protolint.project.deploy.commands import app_protocol, commands_in, parse_argv, parse_command


def case(spec: str, command: str, *expected: str | None) -> object:
    """One row: what the spec says, the command line, then (server, protocol, app, worker)."""
    return pytest.param(command, expected, id=spec)


SERVES = [
    # ------------------------------------------------------------------ normalisation
    case(
        "gunicorn with no worker class runs sync workers", "gunicorn proj.wsgi", "gunicorn", "wsgi", "proj.wsgi", "sync"
    ),
    case(
        "environment assignments before the program are dropped",
        "DJANGO_SETTINGS_MODULE=proj.settings PORT=8000 gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "env with assignments is dropped",
        "env DJANGO_DEBUG=0 gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case("exec is dropped", "exec gunicorn proj.wsgi:application", "gunicorn", "wsgi", "proj.wsgi:application", "sync"),
    case(
        "sh -c is unwrapped and the last server command wins",
        "sh -c 'python manage.py migrate && gunicorn proj.wsgi'",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case("bash -c is unwrapped", 'bash -c "gunicorn proj.wsgi"', "gunicorn", "wsgi", "proj.wsgi", "sync"),
    case(
        "a shell named by its absolute path is unwrapped",
        "/bin/sh -c 'exec daphne proj.asgi:application'",
        "daphne",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "sh -ec (combined flags) is unwrapped", "sh -ec 'gunicorn proj.wsgi'", "gunicorn", "wsgi", "proj.wsgi", "sync"
    ),
    case(
        "bash -e -c (separate flags) is unwrapped",
        "bash -e -c 'gunicorn proj.wsgi'",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "of a && b && c the server command is found",
        "python manage.py migrate --noinput && python manage.py collectstatic --noinput && gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    # ------------------------------------------------------------------ launchers that run the command after them
    case(
        "heroku's nginx buildpack launcher runs the command it is given (python.org's Procfile)",
        "bin/start-nginx gunicorn -c gunicorn.conf pydotorg.wsgi",
        "gunicorn",
        "wsgi",
        "pydotorg.wsgi",
        "sync",
    ),
    case(
        "start-nginx's -f flag is its own",
        "bin/start-nginx -f gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "wait-for-it runs what follows --",
        "./wait-for-it.sh db:5432 -t 30 -- uvicorn proj.asgi:app",
        "uvicorn",
        "asgi",
        "proj.asgi:app",
        None,
    ),
    case(
        "dockerize's options take values",
        "dockerize -wait tcp://db:5432 -timeout 20s gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "monofy runs `&&` steps then `|||` processes: the server is one of them (bugsink's CMD)",
        "monofy bugsink-manage migrate '&&' gunicorn --bind=0.0.0.0:8000 bugsink.wsgi '|||' bugsink-runsnappea",
        "gunicorn",
        "wsgi",
        "bugsink.wsgi",
        "sync",
    ),
    case(
        "of a ; b the server command is found",
        "python manage.py migrate; gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "|| separates commands too",
        "cd /app || exit 1; uvicorn proj.asgi:application",
        "uvicorn",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case("nohup and a trailing & are dropped", "nohup gunicorn proj.wsgi &", "gunicorn", "wsgi", "proj.wsgi", "sync"),
    case(
        "a virtualenv path to the program is its name",
        "/opt/venv/bin/gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "venv python -m gunicorn is gunicorn",
        ".venv/bin/python -m gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "python3.12 -m uvicorn is uvicorn",
        "python3.12 -m uvicorn proj.asgi:application",
        "uvicorn",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "interpreter flags before -m are skipped",
        "python -u -m gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "interpreter options with a value before -m are skipped",
        "python -W ignore -X dev -m daphne proj.asgi:application",
        "daphne",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case("poetry run is dropped", "poetry run gunicorn proj.wsgi", "gunicorn", "wsgi", "proj.wsgi", "sync"),
    case(
        "pipenv run is dropped",
        "pipenv run uvicorn proj.asgi:application",
        "uvicorn",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "uv run and its flags are dropped",
        "uv run --frozen gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case("doppler run -- is dropped", "doppler run -- gunicorn proj.wsgi", "gunicorn", "wsgi", "proj.wsgi", "sync"),
    case("tini -- is dropped", "tini -- gunicorn proj.wsgi", "gunicorn", "wsgi", "proj.wsgi", "sync"),
    case(
        "gosu USER is dropped, the user is not the program",
        "gosu app gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "su-exec USER is dropped",
        "su-exec www-data uvicorn proj.asgi:application",
        "uvicorn",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case("ddtrace-run is dropped", "ddtrace-run gunicorn proj.wsgi", "gunicorn", "wsgi", "proj.wsgi", "sync"),
    case(
        "newrelic-admin run-program is dropped",
        "newrelic-admin run-program gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "a trailing shell comment is not part of the command",
        "gunicorn proj.wsgi # gunicorn proj.asgi -k asgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "backslash continuations are joined",
        "gunicorn proj.wsgi:application \\\n  --bind 0.0.0.0:8000",
        "gunicorn",
        "wsgi",
        "proj.wsgi:application",
        "sync",
    ),
    # ------------------------------------------------------------------ gunicorn
    case(
        "gunicorn options with values (spaced and =) are not the app",
        "gunicorn --bind 0.0.0.0:$PORT --workers=3 --log-file - proj.wsgi:application",
        "gunicorn",
        "wsgi",
        "proj.wsgi:application",
        "sync",
    ),
    case(
        "gunicorn `-` values and flags are not the app",
        "gunicorn -b :8000 --access-logfile - --error-logfile - --preload proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "gunicorn -k uvicorn_worker.UvicornWorker is ASGI",
        "gunicorn -k uvicorn_worker.UvicornWorker proj.asgi:application",
        "gunicorn",
        "asgi",
        "proj.asgi:application",
        "uvicorn_worker.UvicornWorker",
    ),
    case(
        "gunicorn --worker-class=uvicorn.workers.UvicornWorker (deprecated) is ASGI",
        "gunicorn --worker-class=uvicorn.workers.UvicornWorker proj.asgi",
        "gunicorn",
        "asgi",
        "proj.asgi",
        "uvicorn.workers.UvicornWorker",
    ),
    case(
        "gunicorn --worker-class VALUE (spaced) is read",
        "gunicorn --worker-class uvicorn_worker.UvicornH11Worker proj.asgi",
        "gunicorn",
        "asgi",
        "proj.asgi",
        "uvicorn_worker.UvicornH11Worker",
    ),
    case(
        "gunicorn -kVALUE (attached) is read",
        "gunicorn -kuvicorn_worker.UvicornWorker proj.asgi",
        "gunicorn",
        "asgi",
        "proj.asgi",
        "uvicorn_worker.UvicornWorker",
    ),
    case("gunicorn's own asgi worker is ASGI", "gunicorn -k asgi proj.asgi", "gunicorn", "asgi", "proj.asgi", "asgi"),
    case("gunicorn -k gevent is WSGI", "gunicorn -k gevent proj.wsgi", "gunicorn", "wsgi", "proj.wsgi", "gevent"),
    case(
        "gunicorn --threads 4 turns sync workers into gthread",
        "gunicorn --threads 4 proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "gthread",
    ),
    case(
        "gunicorn -k sync --threads=4 is gthread too",
        "gunicorn --threads=4 -k sync proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "gthread",
    ),
    case("gunicorn --threads 1 stays sync", "gunicorn --threads 1 proj.wsgi", "gunicorn", "wsgi", "proj.wsgi", "sync"),
    case(
        "gunicorn --threads does not change a non-sync worker",
        "gunicorn --threads 4 -k gevent proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "gevent",
    ),
    case(
        "GUNICORN_CMD_ARGS sets the worker class",
        "GUNICORN_CMD_ARGS='-k uvicorn_worker.UvicornWorker --bind 0.0.0.0:8000' gunicorn proj.asgi",
        "gunicorn",
        "asgi",
        "proj.asgi",
        "uvicorn_worker.UvicornWorker",
    ),
    case(
        "GUNICORN_CMD_ARGS --threads makes sync gthread",
        "GUNICORN_CMD_ARGS='--threads 8' gunicorn proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "gthread",
    ),
    case(
        "the command line beats GUNICORN_CMD_ARGS",
        "GUNICORN_CMD_ARGS='-k gevent' gunicorn -k asgi proj.asgi",
        "gunicorn",
        "asgi",
        "proj.asgi",
        "asgi",
    ),
    # ------------------------------------------------------------------ uvicorn, daphne, hypercorn
    case(
        "uvicorn is ASGI",
        "uvicorn proj.asgi:application --host 0.0.0.0 --port 8000 --workers 4",
        "uvicorn",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "uvicorn flags and valued options are not the app",
        "uvicorn --proxy-headers --forwarded-allow-ips '*' --reload proj.asgi:application",
        "uvicorn",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "uvicorn --factory is a flag, not an option with a value",
        "uvicorn --factory proj.asgi:make_app",
        "uvicorn",
        "asgi",
        "proj.asgi:make_app",
        None,
    ),
    case(
        "uvicorn --interface wsgi is WSGI",
        "uvicorn --interface wsgi proj.wsgi:application",
        "uvicorn",
        "wsgi",
        "proj.wsgi:application",
        None,
    ),
    case(
        "uvicorn --interface=wsgi is WSGI",
        "uvicorn --interface=wsgi proj.wsgi:application",
        "uvicorn",
        "wsgi",
        "proj.wsgi:application",
        None,
    ),
    case(
        "uvicorn --interface asgi3 is ASGI",
        "uvicorn --interface asgi3 proj.asgi:application",
        "uvicorn",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "daphne is ASGI",
        "daphne -b 0.0.0.0 -p 8000 proj.asgi:application",
        "daphne",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "daphne as in Channels' supervisor recipe",
        "daphne -u /run/daphne/daphne%(process_num)d.sock --fd 0 --access-log - --proxy-headers "
        "mysite.asgi:application",
        "daphne",
        "asgi",
        "mysite.asgi:application",
        None,
    ),
    case(
        "python -m daphne is daphne",
        "python -m daphne proj.asgi:application",
        "daphne",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "hypercorn on an .asgi module is ASGI",
        "hypercorn proj.asgi:application",
        "hypercorn",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "hypercorn on a .wsgi module is WSGI",
        "hypercorn --bind 0.0.0.0:8000 proj.wsgi:application",
        "hypercorn",
        "wsgi",
        "proj.wsgi:application",
        None,
    ),
    case(
        "hypercorn's asgi: prefix forces ASGI",
        "hypercorn asgi:proj.app:application",
        "hypercorn",
        "asgi",
        "asgi:proj.app:application",
        None,
    ),
    case(
        "hypercorn's wsgi: prefix forces WSGI",
        "hypercorn wsgi:proj.app:application",
        "hypercorn",
        "wsgi",
        "wsgi:proj.app:application",
        None,
    ),
    case(
        "hypercorn on a module that names neither is unknown",
        "hypercorn proj.app:application",
        "hypercorn",
        "unknown",
        "proj.app:application",
        None,
    ),
    case(
        "hypercorn -k is its event loop",
        "hypercorn -k uvloop -w 4 proj.asgi:application",
        "hypercorn",
        "asgi",
        "proj.asgi:application",
        "uvloop",
    ),
    # ------------------------------------------------------------------ granian
    case(
        "granian without --interface speaks RSGI",
        "granian proj.asgi:application",
        "granian",
        "rsgi",
        "proj.asgi:application",
        "rsgi",
    ),
    case(
        "granian --interface asgi is ASGI",
        "granian --interface asgi proj.asgi:application",
        "granian",
        "asgi",
        "proj.asgi:application",
        "asgi",
    ),
    case(
        "granian --interface=wsgi is WSGI",
        "granian --interface=wsgi proj.wsgi:application",
        "granian",
        "wsgi",
        "proj.wsgi:application",
        "wsgi",
    ),
    case(
        "granian asginl is ASGI without lifespan",
        "granian --interface asginl --workers 4 proj.asgi:application",
        "granian",
        "asgi",
        "proj.asgi:application",
        "asginl",
    ),
    case(
        "GRANIAN_INTERFACE sets the interface",
        "GRANIAN_INTERFACE=asgi granian proj.asgi:application",
        "granian",
        "asgi",
        "proj.asgi:application",
        "asgi",
    ),
    case(
        "granian --interface beats GRANIAN_INTERFACE",
        "GRANIAN_INTERFACE=wsgi granian --interface asgi proj.asgi:application",
        "granian",
        "asgi",
        "proj.asgi:application",
        "asgi",
    ),
    # ------------------------------------------------------------------ uWSGI, waitress, mod_wsgi
    case(
        "uwsgi --module names the app",
        "uwsgi --module proj.wsgi:application --http :8000 --master",
        "uwsgi",
        "wsgi",
        "proj.wsgi:application",
        None,
    ),
    case("uwsgi --module= names the app", "uwsgi --http=:8000 --module=proj.wsgi", "uwsgi", "wsgi", "proj.wsgi", None),
    case("uwsgi -w names the app", "uwsgi --master -w proj.wsgi", "uwsgi", "wsgi", "proj.wsgi", None),
    case(
        "uwsgi --wsgi-file names the app by path",
        "uwsgi --wsgi-file proj/wsgi.py --http :8000",
        "uwsgi",
        "wsgi",
        "proj/wsgi.py",
        None,
    ),
    case("uwsgi --ini leaves the app to the ini", "uwsgi --ini uwsgi.ini", "uwsgi", "wsgi", None, None),
    case(
        "waitress-serve is WSGI",
        "waitress-serve --listen=*:8000 proj.wsgi:application",
        "waitress",
        "wsgi",
        "proj.wsgi:application",
        None,
    ),
    case(
        "waitress 3 --call is a flag: the factory is the positional argument",
        "waitress-serve --call --port 8000 proj.wsgi:make_app",
        "waitress",
        "wsgi",
        "proj.wsgi:make_app",
        None,
    ),
    case(
        "gunicorn 27 -k asgi is its native ASGI worker",
        "gunicorn -k asgi proj.asgi:application",
        "gunicorn",
        "asgi",
        "proj.asgi:application",
        "asgi",
    ),
    case(
        "gunicorn's ASGI worker by its dotted class",
        "gunicorn -k gunicorn.workers.gasgi.ASGIWorker proj.asgi:application",
        "gunicorn",
        "asgi",
        "proj.asgi:application",
        "gunicorn.workers.gasgi.ASGIWorker",
    ),
    case(
        "gunicorn --asgi-loop takes a value, which is not the app",
        "gunicorn -k asgi --asgi-loop uvloop --asgi-lifespan on proj.asgi:application",
        "gunicorn",
        "asgi",
        "proj.asgi:application",
        "asgi",
    ),
    case(
        "gunicorn --proxy-protocol takes its value only when it is one of its modes",
        "gunicorn --proxy-protocol v2 proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "gunicorn --proxy-protocol alone leaves the app alone",
        "gunicorn --proxy-protocol proj.wsgi",
        "gunicorn",
        "wsgi",
        "proj.wsgi",
        "sync",
    ),
    case(
        "uvicorn 0.55 --uds and --log-config take values",
        "uvicorn --uds /tmp/u.sock --log-config log.yaml --timeout-worker-healthcheck 5 proj.asgi:application",
        "uvicorn",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "daphne 4.2 --websocket-max-message-size takes a value",
        "daphne --websocket-max-message-size 1048576 -u /tmp/d.sock proj.asgi:application",
        "daphne",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "hypercorn 0.18 --keyfile-password and --read-timeout take values",
        "hypercorn --read-timeout 30 --keyfile-password x proj.asgi:application",
        "hypercorn",
        "asgi",
        "proj.asgi:application",
        None,
    ),
    case(
        "granian 2.8 --uds and --log-config take values",
        "granian --interface asgi --uds /tmp/g.sock --log-config log.json proj.asgi:application",
        "granian",
        "asgi",
        "proj.asgi:application",
        "asgi",
    ),
    case(
        "waitress-serve valued options are not the app",
        "waitress-serve --port 8000 --threads 8 proj.wsgi:application",
        "waitress",
        "wsgi",
        "proj.wsgi:application",
        None,
    ),
    case(
        "mod_wsgi-express start-server SCRIPT names the app",
        "mod_wsgi-express start-server proj/wsgi.py --port 8000",
        "mod_wsgi",
        "wsgi",
        "proj/wsgi.py",
        None,
    ),
    case(
        "mod_wsgi-express options before the script",
        "mod_wsgi-express start-server --port 8000 --processes 2 proj/wsgi.py",
        "mod_wsgi",
        "wsgi",
        "proj/wsgi.py",
        None,
    ),
    case("manage.py runmodwsgi is mod_wsgi", "python manage.py runmodwsgi --port 8000", "mod_wsgi", "wsgi", None, None),
    case(
        "uwsgi --gevent N is WSGI on the gevent loop engine, N is not the app",
        "uwsgi --gevent 100 --http :8000 --module proj.wsgi",
        "uwsgi",
        "wsgi",
        "proj.wsgi",
        "gevent",
    ),
    case(
        "uwsgi --asyncio N is still WSGI: the loop engine calls the WSGI app",
        "uwsgi --asyncio 10 --greenlet --wsgi-file proj/wsgi.py",
        "uwsgi",
        "wsgi",
        "proj/wsgi.py",
        "asyncio",
    ),
    case(
        "uwsgi --mount POINT=APP names the app", "uwsgi --mount /=proj/wsgi.py", "uwsgi", "wsgi", "proj/wsgi.py", None
    ),
    case(
        "mod_wsgi-express valued options are not the script, whatever they are",
        "mod_wsgi-express start-server --working-directory /srv --log-level info proj/wsgi.py",
        "mod_wsgi",
        "wsgi",
        "proj/wsgi.py",
        None,
    ),
    case(
        "mod_wsgi-express two-valued options (--url-alias URL PATH) are not the script",
        "mod_wsgi-express start-server --url-alias /static static --log-to-terminal proj/wsgi.py",
        "mod_wsgi",
        "wsgi",
        "proj/wsgi.py",
        None,
    ),
    case(
        "mod_wsgi-express --entry-point names the app (module type)",
        "mod_wsgi-express start-server --application-type module --entry-point proj.wsgi",
        "mod_wsgi",
        "wsgi",
        "proj.wsgi",
        None,
    ),
    case(
        "mod_wsgi-express setup-server writes the server apachectl starts",
        "mod_wsgi-express setup-server proj/wsgi.py --port=80 --user www-data --server-root=/etc/mod_wsgi-express-80",
        "mod_wsgi",
        "wsgi",
        "proj/wsgi.py",
        None,
    ),
    # ------------------------------------------------------------------ runserver
    case(
        "python manage.py runserver is the development server",
        "python manage.py runserver 0.0.0.0:8000",
        "runserver",
        "wsgi",
        None,
        None,
    ),
    case("./manage.py runserver", "./manage.py runserver", "runserver", "wsgi", None, None),
    case(
        "interpreter options before manage.py are skipped",
        "python -W ignore manage.py runserver",
        "runserver",
        "wsgi",
        None,
        None,
    ),
    case("django-admin runserver", "django-admin runserver --settings=proj.settings", "runserver", "wsgi", None, None),
    case("python -m django runserver", "python -m django runserver", "runserver", "wsgi", None, None),
]


@pytest.mark.parametrize(("command", "expected"), SERVES)
def test_command_starts_server(command: str, expected: tuple[str, str, str | None, str | None]):
    parsed = parse_command(command)
    assert parsed is not None
    assert (parsed.server, parsed.protocol, parsed.app, parsed.worker) == expected


NO_SERVER = [
    pytest.param("celery -A proj worker -l info", id="celery worker is not a server"),
    pytest.param("python -m celery -A proj beat", id="python -m celery is not a server"),
    pytest.param("python manage.py migrate --noinput", id="manage.py migrate is not a server"),
    pytest.param("python manage.py", id="manage.py without a command is not a server"),
    pytest.param("django-admin", id="django-admin without a command is not a server"),
    pytest.param("python -c 'import gunicorn'", id="python -c is not a server"),
    pytest.param("python worker.py", id="a python script we cannot follow is not a server"),
    pytest.param("npm start", id="npm start is not a server"),
    pytest.param("echo gunicorn proj.wsgi", id="a server name as an argument is not a server"),
    pytest.param("bin/start-nginx celery -A proj worker", id="a launcher of a non-server starts no server"),
    pytest.param("./wait-for-it.sh db:5432 -- python manage.py migrate", id="wait-for-it before a migration"),
    pytest.param("monofy bugsink-manage migrate '|||' bugsink-runsnappea", id="monofy without a server part"),
    pytest.param("pip install gunicorn uvicorn", id="installing servers is not starting one"),
    pytest.param("runserver", id="a bare `runserver` program is not Django's"),
    pytest.param("# gunicorn proj.wsgi", id="a commented-out command is not a server"),
    pytest.param("", id="an empty command is not a server"),
    pytest.param("gunicorn 'unclosed", id="a command that does not tokenise is not a server"),
    pytest.param("sh -c", id="sh -c without its command is not a server"),
    pytest.param("exec", id="exec alone is not a server"),
    pytest.param("env", id="env alone is not a server"),
    pytest.param("mod_wsgi-express module-config", id="mod_wsgi-express module-config prints Apache config"),
    pytest.param("mod_wsgi-express install-module", id="mod_wsgi-express install-module serves nothing"),
]


@pytest.mark.parametrize("command", NO_SERVER)
def test_command_starts_no_server(command: str):
    assert parse_command(command) is None


def test_exec_form_argv_keeps_arguments_with_spaces_as_one_token():
    parsed = parse_argv(["gunicorn", "--bind", "0.0.0.0:8000", "--access-logformat", "%(h)s %(r)s", "proj.wsgi"])
    assert parsed is not None
    assert (parsed.server, parsed.app) == ("gunicorn", "proj.wsgi")


def test_exec_form_argv_with_sh_c_is_unwrapped():
    parsed = parse_argv(["sh", "-c", "python manage.py migrate && exec uvicorn proj.asgi:application"])
    assert parsed is not None
    assert (parsed.server, parsed.protocol) == ("uvicorn", "asgi")


def test_nested_sh_c_is_unwrapped_two_levels_deep():
    parsed = parse_command("""sh -c "bash -c 'gunicorn proj.wsgi'" """)
    assert parsed is not None and parsed.server == "gunicorn"


def test_the_config_file_is_recorded():
    gunicorn = parse_command("gunicorn -c gunicorn.conf.py")
    uwsgi = parse_command("uwsgi --ini deploy/uwsgi.ini")
    positional = parse_command("uwsgi deploy/uwsgi.ini")
    assert gunicorn is not None and uwsgi is not None and positional is not None
    assert (gunicorn.config_file, gunicorn.app) == ("gunicorn.conf.py", None)
    assert (uwsgi.config_file, uwsgi.app) == ("deploy/uwsgi.ini", None)
    assert (positional.config_file, positional.app) == ("deploy/uwsgi.ini", None)


def test_environment_prefixes_are_kept_as_evidence():
    parsed = parse_command("WEB_CONCURRENCY=3 GUNICORN_CMD_ARGS='--threads 2' gunicorn proj.wsgi")
    assert parsed is not None
    assert parsed.environment == {"WEB_CONCURRENCY": "3", "GUNICORN_CMD_ARGS": "--threads 2"}


def test_the_normalised_command_drops_the_wrappers():
    parsed = parse_command("cd /app && exec /venv/bin/gunicorn proj.wsgi --workers 2")
    assert parsed is not None
    assert parsed.command == "gunicorn proj.wsgi --workers 2"


def test_runserver_is_noted_as_the_development_server():
    parsed = parse_command("python manage.py runserver")
    assert parsed is not None
    assert parsed.command == "manage.py runserver"
    assert parsed.notes == ("Django's development server",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "cd /app && python manage.py migrate && exec gunicorn x",
            [["cd", "/app"], ["python", "manage.py", "migrate"], ["exec", "gunicorn", "x"]],
            id="&& splits commands",
        ),  # fmt: skip
        pytest.param("a; b | c & d || e", [["a"], ["b"], ["c"], ["d"], ["e"]], id="; | & || split commands"),
        pytest.param("echo 'a && b'", [["echo", "a && b"]], id="a quoted && does not split"),
        pytest.param("gunicorn \\\n  proj.wsgi", [["gunicorn", "proj.wsgi"]], id="continuations are joined"),
        pytest.param("echo 'unclosed", [], id="an unclosed quote gives no commands"),
    ],
)
def test_commands_in(text: str, expected: list[list[str]]):
    assert commands_in(text) == expected


@pytest.mark.parametrize(
    ("app", "expected"),
    [
        pytest.param("proj.asgi:application", "asgi", id="module.asgi:var is ASGI"),
        pytest.param("proj.wsgi", "wsgi", id="module.wsgi is WSGI"),
        pytest.param("proj/wsgi.py", "wsgi", id="a path to wsgi.py is WSGI"),
        pytest.param("src/proj/asgi.py", "asgi", id="a path to asgi.py is ASGI"),
        pytest.param("wsgi", "wsgi", id="a top-level wsgi module is WSGI"),
        pytest.param("proj.app:application", "unknown", id="another module is unknown"),
        pytest.param("proj.asgi_helpers:app", "unknown", id="a module that only starts with asgi is unknown"),
        pytest.param(None, "unknown", id="no app is unknown"),
    ],
)
def test_app_protocol(app: str | None, expected: str):
    assert app_protocol(app) == expected
