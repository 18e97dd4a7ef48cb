"""Servers: which protocol each speaks, how its command line names the app and the worker.

Sources: benoitc/gunicorn `gunicorn/config.py` and its workers package; Kludex/uvicorn `uvicorn/main.py`;
Kludex/uvicorn-worker README; django/daphne `daphne/cli.py`; pgjones/hypercorn usage docs;
emmett-framework/granian `granian/cli.py`; unbit/uwsgi python plugin options; Pylons/waitress `runner.py`;
GrahamDumpleton/mod_wsgi-express; Django 6.1 docs/howto/deployment (see ../shared/facts.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass

WSGI, ASGI, RSGI, UNKNOWN = "wsgi", "asgi", "rsgi", "unknown"


@dataclass(frozen=True)
class Server:
    name: str
    protocol: str  # the fixed protocol, or UNKNOWN when options or the app decide
    websockets: bool
    package: str | None  # the distribution that provides it, for dependency checks
    # options that take a value (so the next token is not the app), short and long
    value_options: frozenset[str] = frozenset()


_GUNICORN_VALUES = frozenset(
    "-b --bind -w --workers -k --worker-class --threads -c --config -t --timeout --graceful-timeout --keep-alive "
    "--worker-connections --max-requests --max-requests-jitter -n --name --chdir --pythonpath -e --env "
    "--log-level --log-file --access-logfile --error-logfile --access-logformat --pid -p -u --user -g --group "
    "--umask --forwarded-allow-ips --limit-request-line --limit-request-fields --limit-request-field_size "
    "--worker-tmp-dir --log-config --statsd-host --statsd-prefix --certfile --keyfile --ca-certs --backlog "
    "--paste --paster --proxy-allow-from --worker-class=".split()
)
_UVICORN_VALUES = frozenset(
    "--host --port --uds --fd --workers --loop --http --ws --ws-max-size --lifespan --interface --env-file "
    "--log-config --log-level --root-path --limit-concurrency --backlog --limit-max-requests --timeout-keep-alive "
    "--ssl-keyfile --ssl-certfile --ssl-keyfile-password --ssl-version --ssl-cert-reqs --ssl-ca-certs "
    "--ssl-ciphers --header --forwarded-allow-ips --app-dir --h11-max-incomplete-event-size --reload-dir "
    "--reload-include --reload-exclude --reload-delay --timeout-graceful-shutdown --ws-ping-interval "
    "--ws-ping-timeout --ws-per-message-deflate --factory".split()
) - {"--factory"}
_DAPHNE_VALUES = frozenset(
    "-p --port -b --bind -u --unix-socket --fd -e --endpoint -v --verbosity -t --http-timeout --access-log "
    "--log-fmt --ping-interval --ping-timeout --application-close-timeout --root-path --websocket_timeout "
    "--websocket_connect_timeout --proxy-headers-host --proxy-headers-port -s --server-name".split()
)
_HYPERCORN_VALUES = frozenset(
    "-b --bind -w --workers -k --worker-class -c --config --access-logfile --error-logfile --log-level "
    "--root-path --keep-alive --certfile --keyfile --ca-certs --graceful-timeout -g --group -u --user "
    "--backlog --insecure-bind --quic-bind --pid --server-name --websocket-ping-interval".split()
)
_GRANIAN_VALUES = frozenset(
    "--interface --host --port --workers --threads --runtime-threads --blocking-threads --loop --http "
    "--backlog --log-level --ssl-keyfile --ssl-certificate --url-path-prefix --working-dir --env-files "
    "--workers-lifetime --respawn-interval --pid-file --task-impl --runtime-mode --backpressure".split()
)
_UWSGI_VALUES = frozenset(
    "--module -w --wsgi-file --file --ini --yaml --xml --json --http --http-socket --socket -s --chdir "
    "--processes -p --workers --threads --master-fifo --env --callable --mount --home -H --virtualenv "
    "--venv --pythonpath --static-map --uid --gid --buffer-size --harakiri --max-requests "
    "--gevent --asyncio --tornado --async".split()
)
_WAITRESS_VALUES = frozenset("--host --port --listen --unix-socket --threads --url-scheme --ident --call".split())

SERVERS: dict[str, Server] = {
    "gunicorn": Server("gunicorn", UNKNOWN, False, "gunicorn", _GUNICORN_VALUES),
    "uvicorn": Server("uvicorn", ASGI, True, "uvicorn", _UVICORN_VALUES),
    "daphne": Server("daphne", ASGI, True, "daphne", _DAPHNE_VALUES),
    "hypercorn": Server("hypercorn", UNKNOWN, True, "hypercorn", _HYPERCORN_VALUES),
    "granian": Server("granian", RSGI, True, "granian", _GRANIAN_VALUES),
    "uwsgi": Server("uwsgi", WSGI, False, "uwsgi", _UWSGI_VALUES),
    "waitress-serve": Server("waitress", WSGI, False, "waitress", _WAITRESS_VALUES),
    "mod_wsgi-express": Server("mod_wsgi", WSGI, False, "mod-wsgi", frozenset({"--port", "--host", "--processes",
                                                                               "--threads", "--user", "--group"})),
    "runserver": Server("runserver", WSGI, False, None, frozenset()),
}

# gunicorn `-k` values that make it an ASGI server; every other worker class is WSGI.
GUNICORN_ASGI_WORKERS = {
    "uvicorn.workers.UvicornWorker": "uvicorn",  # deprecated since uvicorn 0.30.0
    "uvicorn.workers.UvicornH11Worker": "uvicorn",
    "uvicorn_worker.UvicornWorker": "uvicorn-worker",
    "uvicorn_worker.UvicornH11Worker": "uvicorn-worker",
    "asgi": "gunicorn",  # gunicorn's own ASGI worker: beta in 24.0.0, stable in 25.1.0
}
GRANIAN_INTERFACES = {"asgi": ASGI, "asginl": ASGI, "rsgi": RSGI, "wsgi": WSGI}

# Wrappers in front of the real command: `exec`, `env`, init processes, APM launchers, runners of virtualenvs.
COMMAND_PREFIXES = frozenset({"exec", "env", "nohup", "time", "sudo", "dumb-init", "tini", "--", "ddtrace-run",
                              "opentelemetry-instrument"})  # fmt: skip
# `gosu USER cmd`, `su-exec USER cmd` (Docker entrypoints dropping root): the user is not the program.
USER_SWITCHERS = frozenset({"gosu", "su-exec"})
# Their options (`uv run --frozen`, `doppler run --`) come before the command and are skipped.
RUNNER_PREFIXES = (("poetry", "run"), ("pipenv", "run"), ("uv", "run"), ("pdm", "run"), ("hatch", "run"),
                   ("rye", "run"), ("newrelic-admin", "run-program"), ("doppler", "run"))  # fmt: skip
# Launchers that start the command given after their own options, and what separates their options from it.
# heroku-buildpack-nginx `bin/start-nginx [-f] CMD...` (and -debug/-solo; heroku/heroku-buildpack-nginx bin/),
# heroku-buildpack-pgbouncer `bin/start-pgbouncer CMD...`, wait-for-it `host:port [-t N] -- CMD...`
# (vishnubob/wait-for-it README), dockerize `[-wait URL] [-timeout T] CMD...` (jwilder/dockerize README).
# Value: the options that take a value; a `--` always ends the launcher's own arguments.
LAUNCHERS: dict[str, frozenset[str]] = {
    "start-nginx": frozenset(), "start-nginx-debug": frozenset(), "start-nginx-solo": frozenset(),
    "start-pgbouncer": frozenset(), "start-pgbouncer-stunnel": frozenset(),
    "wait-for-it": frozenset({"-t", "-h", "-p"}), "wait-for-it.sh": frozenset({"-t", "-h", "-p"}),
    "dockerize": frozenset({"-wait", "-timeout", "-template", "-stdout", "-stderr", "-wait-retry-interval",
                            "-env", "-delims"}),
}  # fmt: skip
# monofy (bugsink's process runner, pypi.org/project/monofy): `monofy PRE && PRE && SERVER ||| OTHER`: `&&` runs
# steps in turn, `|||` runs processes side by side; each part is a command of its own.
PROCESS_RUNNERS = {"monofy": ("&&", "|||")}
PYTHONS = ("python", "python3", "pypy", "pypy3")
# Interpreter options that take a value: `python -W ignore -m gunicorn`, `python -X dev manage.py`.
PYTHON_VALUE_OPTIONS = frozenset({"-W", "-X"})
# mod_wsgi-express's subcommand comes before the script: `mod_wsgi-express start-server proj/wsgi.py`.
# `setup-server` writes an apachectl that starts the same server later; `module-config`/`install-module` serve
# nothing. Its options are optparse's: every `--name` takes one value except these flags and the pairs
# (`--url-alias /static static`). Source: GrahamDumpleton/mod_wsgi `src/express/options.py`.
MOD_WSGI_SUBCOMMANDS = frozenset({"start-server", "setup-server"})
MOD_WSGI_NOT_SERVING = frozenset({"module-config", "install-module"})
MOD_WSGI_EXPRESS_FLAGS = frozenset(
    "--http2 --ssl-environment --https-only --allow-localhost --enable-sendfile --disable-reloading "
    "--reload-on-changes --directory-listing --error-override --compress-responses --server-metrics "
    "--enable-telemetry --free-threading --server-status --access-log --startup-log --verbose-debugging "
    "--log-to-terminal --rotate-logs --chunked-request --with-php5 --with-cgi --orphan-interpreter --embedded-mode "
    "--enable-docs --debug-mode --enable-debugger --debugger-startup --enable-coverage --enable-profiler "
    "--enable-recorder --enable-gdb --setup-only".split()
)
MOD_WSGI_EXPRESS_PAIRS = frozenset(
    "--url-alias --error-document --proxy-mount-point --proxy-url-alias --proxy-virtual-host --setenv --add-handler "
    "--service-script --service-user --service-group --service-log-file".split()
)

# uWSGI options, the same on the command line (`--module`) and in ini/yaml/xml/json configs (`module =`).
# Source: unbit/uwsgi `plugins/python/python_plugin.c` (module/wsgi/-w, wsgi-file/file, callable, mount) and the
# loop-engine plugins. Every loop engine still calls Django's WSGI handler: none makes uWSGI an ASGI server.
UWSGI_APP_OPTIONS = ("module", "wsgi", "w", "wsgi-file", "file", "mount")
UWSGI_LOOP_ENGINES = ("gevent", "asyncio", "tornado", "greenlet", "ugreen")

# NGINX Unit: a Python application is `{"type": "python[ 3.x]", "module": ..., "callable": ..., "protocol": ...}`
# under `applications` (nginx/unit-docs `source/configuration/index.rst`). Without `protocol` Unit inspects the
# callable: a coroutine function, or an object whose `__call__` is one (Django's ASGIHandler), or a one-argument
# callable (legacy ASGI 2) is ASGI, anything else WSGI (nginx/unit `src/python/nxt_python_asgi.c`,
# `nxt_python_asgi_check`).
UNIT_SERVER = "nginx-unit"


# Servers started from Python (`uvicorn.run("proj.asgi:application")` in a run.py): callee -> (server, protocol).
PROGRAMMATIC_STARTS = {
    "uvicorn.run": ("uvicorn", ASGI),
    "daphne.server.Server": ("daphne", ASGI),
    "hypercorn.asyncio.serve": ("hypercorn", ASGI),
    "waitress.serve": ("waitress", WSGI),
    "bjoern.run": ("bjoern", WSGI),
    "granian.Granian": ("granian", RSGI),
    "granian.server.Server": ("granian", RSGI),
}
