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
    # How the server names the app object when the command gives only a module: the attribute it looks up, or
    # None when `module:attribute` is required (the server exits otherwise). NO_DEFAULT_CHECKED: not checked.
    default_attribute: str | None = None
    # Options that add a directory to sys.path before the app is imported (`--chdir`, `--app-dir`).
    app_dir_options: tuple[str, ...] = ()
    source: str = ""  # where the rows above were read: the server's CLI source at a release tag


# The server's app lookup is not one we model (waitress's pkgutil.resolve_name takes `a.b.c` too; uWSGI's
# `callable` option): its attribute is never checked.
NO_DEFAULT_CHECKED = "?"

# Every value-taking option, read from each server's own option parser at the release named (a click/argparse
# introspection of the installed release, checked against the tag's source): an option's value is never the app.
# gunicorn 27.0.1 `gunicorn/config.py` (every Setting with `cli`, action not store_true/store_const; 27.0.1 is the
# PyPI release, the GitHub tags stop at 26.1.0, whose options are a subset). `--proxy-protocol` takes an optional
# value (nargs="?"): see GUNICORN_OPTIONAL_VALUES.
_GUNICORN_VALUES = frozenset(
    "--access-logfile --access-logformat --asgi-disconnect-grace-period --asgi-lifespan --asgi-loop --backlog "
    "--bind --ca-certs --cert-reqs --certfile --chdir --ciphers --config --control-socket --control-socket-mode "
    "--dirty-app --dirty-graceful-timeout --dirty-threads --dirty-timeout --dirty-workers --dogstatsd-tags --env "
    "--error-logfile --forwarded-allow-ips --forwarder-headers --graceful-timeout --group --header-map "
    "--http-parser --http-protocols --http2-cleartext --http2-initial-window-size --http2-max-concurrent-streams "
    "--http2-max-frame-size --http2-max-header-list-size --keep-alive --keyfile --limit-request-field_size "
    "--limit-request-fields --limit-request-line --log-config --log-config-json --log-file --log-level "
    "--log-syslog-facility --log-syslog-prefix --log-syslog-to --logger-class --max-requests "
    "--max-requests-jitter --name --paste --paste-global --paster --pid --protocol --proxy-allow-from "
    "--pythonpath --reload-engine --reload-extra-file --root-path --ssl-version --statsd-host --statsd-prefix "
    "--threads --timeout --umask --user --uwsgi-allow-from --websocket-max-message-size --worker-class "
    "--worker-connections --worker-tmp-dir --workers -b -c -e -g -k -m -n -p -t -u -w".split()
)
# gunicorn `--proxy-protocol [MODE]`: its value is taken only when it is one of these (gunicorn 27.0.1 config.py).
GUNICORN_OPTIONAL_VALUES = {"--proxy-protocol": frozenset({"off", "v1", "v2", "auto", "true", "false"})}
# uvicorn 0.55.0 `uvicorn/main.py` (click options of `main`, not flags).
_UVICORN_VALUES = frozenset(
    "--app-dir --backlog --env-file --fd --forwarded-allow-ips --h11-max-incomplete-event-size --header --host "
    "--http --interface --lifespan --limit-concurrency --limit-max-requests --limit-max-requests-jitter "
    "--log-config --log-level --loop --port --reload-delay --reload-dir --reload-exclude --reload-include "
    "--root-path --ssl-ca-certs --ssl-cert-reqs --ssl-certfile --ssl-ciphers --ssl-keyfile --ssl-keyfile-password "
    "--ssl-version --timeout-graceful-shutdown --timeout-keep-alive --timeout-worker-healthcheck --uds --workers "
    "--ws --ws-max-queue --ws-max-size --ws-per-message-deflate --ws-ping-interval --ws-ping-timeout".split()
)
# daphne 4.2.3 `daphne/cli.py` (CommandLineInterface's argparse parser; tag 4.2.2 on GitHub has the same).
_DAPHNE_VALUES = frozenset(
    "--access-log --application-close-timeout --bind --endpoint --fd --http-timeout --log-fmt --ping-interval "
    "--ping-timeout --port --proxy-headers-host --proxy-headers-port --root-path --server-name --unix-socket "
    "--verbosity --websocket-max-frame-size --websocket-max-message-size --websocket_connect_timeout "
    "--websocket_timeout -b -e -p -s -t -u -v".split()
)
# hypercorn 0.18.0 `src/hypercorn/__main__.py` (argparse).
_HYPERCORN_VALUES = frozenset(
    "--access-log --access-logfile --access-logformat --backlog --bind --ca-certs --cert-reqs --certfile --ciphers "
    "--config --error-log --error-logfile --graceful-timeout --group --insecure-bind --keep-alive --keyfile "
    "--keyfile-password --log-config --log-file --log-level --max-requests --max-requests-jitter --pid --quic-bind "
    "--read-timeout --root-path --server-name --statsd-host --statsd-prefix --umask --user --verify-mode "
    "--websocket-ping-interval --worker-class --workers -b -c -g -k -m -p -u -w".split()
)
# granian 2.8 `granian/cli.py` (click options; read on 2.8.9, tag v2.8.1 has the same app handling).
_GRANIAN_VALUES = frozenset(
    "--access-log-fmt --backlog --backpressure --blocking-threads --blocking-threads-idle-timeout --env-files "
    "--host --http --http1-buffer-size --http1-header-read-timeout --http2-initial-connection-window-size "
    "--http2-initial-stream-window-size --http2-keep-alive-interval --http2-keep-alive-timeout "
    "--http2-max-concurrent-streams --http2-max-frame-size --http2-max-headers-size --http2-max-send-buffer-size "
    "--interface --log-config --log-level --loop --metrics-address --metrics-port --metrics-scrape-interval "
    "--pid-file --port --process-name --reload-ignore-dirs --reload-ignore-paths --reload-ignore-patterns "
    "--reload-paths --reload-tick --respawn-interval --rss-sample-interval --rss-samples --runtime-blocking-threads "
    "--runtime-mode --runtime-threads --ssl-ca --ssl-certificate --ssl-crl --ssl-keyfile --ssl-keyfile-password "
    "--ssl-protocol-min --static-path-dir-to-file --static-path-expires --static-path-mount --static-path-route "
    "--task-impl --uds --uds-permissions --url-path-prefix --workers --workers-kill-timeout --workers-lifetime "
    "--workers-max-rss --working-dir --threads".split()
)
_UWSGI_VALUES = frozenset(
    "--module -w --wsgi-file --file --ini --yaml --xml --json --http --http-socket --socket -s --chdir "
    "--processes -p --workers --threads --master-fifo --env --callable --mount --home -H --virtualenv "
    "--venv --pythonpath --static-map --uid --gid --buffer-size --harakiri --max-requests "
    "--gevent --asyncio --tornado --async".split()
)
# waitress 3.0.2 `src/waitress/adjustments.py` `Adjustments.parse_args` (getopt): every non-boolean adjustment
# takes a value; `--call` and `--help` are flags (`long_opts = ["help", "call"]`).
_WAITRESS_VALUES = frozenset(
    "--asyncore-loop-timeout --backlog --channel-request-lookahead --channel-timeout --cleanup-interval "
    "--connection-limit --host --ident --inbuf-overflow --listen --max-request-body-size --max-request-header-size "
    "--outbuf-high-watermark --outbuf-overflow --port --recv-bytes --send-bytes --server-name --sockets --threads "
    "--trusted-proxy --trusted-proxy-count --trusted-proxy-headers --unix-socket --unix-socket-perms --url-prefix "
    "--url-scheme".split()
)

# default_attribute sources: gunicorn `gunicorn/util.py` `import_app` (`obj = "application"` when no `:`; the
# attribute may be a call, `create_app()`); uvicorn `uvicorn/importer.py` `import_from_string` (`Import string
# "..." must be in format "<module>:<attribute>".`); daphne `daphne/utils.py` `import_by_path`
# (`path.split(":", 1)` unpacked: no `:` raises); hypercorn `src/hypercorn/utils.py` `load_application`
# (`app_name = "app"`, an optional `asgi:`/`wsgi:` mode prefix); granian `granian/_internal.py` `load_target`
# (`name or 'app'`).
SERVERS: dict[str, Server] = {
    "gunicorn": Server("gunicorn", UNKNOWN, False, "gunicorn", _GUNICORN_VALUES, "application",
                       ("--chdir", "--pythonpath"), "benoitc/gunicorn 27.0.1 gunicorn/config.py, gunicorn/util.py"),
    "uvicorn": Server("uvicorn", ASGI, True, "uvicorn", _UVICORN_VALUES, None, ("--app-dir",),
                      "Kludex/uvicorn 0.55.0 uvicorn/main.py, uvicorn/importer.py"),
    "daphne": Server("daphne", ASGI, True, "daphne", _DAPHNE_VALUES, None, (),
                     "django/daphne 4.2.3 daphne/cli.py, daphne/utils.py"),
    "hypercorn": Server("hypercorn", UNKNOWN, True, "hypercorn", _HYPERCORN_VALUES, "app", (),
                        "pgjones/hypercorn 0.18.0 src/hypercorn/__main__.py, src/hypercorn/utils.py"),
    "granian": Server("granian", RSGI, True, "granian", _GRANIAN_VALUES, "app", ("--working-dir",),
                      "emmett-framework/granian v2.8.1 granian/cli.py, granian/_internal.py"),
    "uwsgi": Server("uwsgi", WSGI, False, "uwsgi", _UWSGI_VALUES, NO_DEFAULT_CHECKED, ("--chdir",),
                    "unbit/uwsgi plugins/python/python_plugin.c"),
    "waitress-serve": Server("waitress", WSGI, False, "waitress", _WAITRESS_VALUES, NO_DEFAULT_CHECKED, (),
                             "Pylons/waitress v3.0.2 src/waitress/runner.py, src/waitress/adjustments.py"),
    "mod_wsgi-express": Server("mod_wsgi", WSGI, False, "mod-wsgi", frozenset({"--port", "--host", "--processes",
                                                                               "--threads", "--user", "--group"}),
                               NO_DEFAULT_CHECKED, (), "GrahamDumpleton/mod_wsgi src/express/options.py"),
    "runserver": Server("runserver", WSGI, False, None, frozenset(), NO_DEFAULT_CHECKED),
}  # fmt: skip
SERVERS_BY_NAME = {server.name: server for server in SERVERS.values()}

# gunicorn `-k` values that make it an ASGI server; every other worker class is WSGI.
GUNICORN_ASGI_WORKERS = {
    "uvicorn.workers.UvicornWorker": "uvicorn",  # deprecated since uvicorn 0.30.0
    "uvicorn.workers.UvicornH11Worker": "uvicorn",
    "uvicorn_worker.UvicornWorker": "uvicorn-worker",
    "uvicorn_worker.UvicornH11Worker": "uvicorn-worker",
    # gunicorn's own ASGI worker: beta in 24.0.0, stable in 25.1.0; `asgi` is its SUPPORTED_WORKERS alias for the
    # dotted class (benoitc/gunicorn 26.1.0 and 27.0.1 gunicorn/workers/__init__.py).
    "asgi": "gunicorn",
    "gunicorn.workers.gasgi.ASGIWorker": "gunicorn",
}
GRANIAN_INTERFACES = {"asgi": ASGI, "asginl": ASGI, "rsgi": RSGI, "wsgi": WSGI}

# Servers whose project has stopped moving: said in `report` where they are found or recommended (a note, not a
# finding). uWSGI: "The project is in maintenance mode (only bugfixes and updates for new languages apis)"
# (unbit/uwsgi README, uwsgi-docs index). NGINX Unit: the nginx/unit repository was archived (read-only) in
# October 2025; FreeUnit (freeunitorg/freeunit) is the community fork (docs.freeunit.org/migration/).
SERVER_STATUS_NOTES = {
    "uwsgi": "uWSGI is in maintenance mode (bug fixes only, no new features): prefer gunicorn, or an ASGI server",
    "nginx-unit": "NGINX Unit was archived in October 2025 and is no longer developed (FreeUnit is a community fork): "
    "plan a move to another server",
}

# Wrappers in front of the real command: `exec`, `env`, init processes, APM launchers, runners of virtualenvs.
# s6-overlay's `with-contenv` runs its command with the container's environment (just-containers/s6-overlay
# README, "Container environment").
COMMAND_PREFIXES = frozenset({"exec", "env", "nohup", "time", "sudo", "dumb-init", "tini", "--", "ddtrace-run",
                              "opentelemetry-instrument", "with-contenv"})  # fmt: skip
# `gosu USER cmd`, `su-exec USER cmd` (Docker entrypoints dropping root), s6's `s6-setuidgid USER cmd` and
# `s6-envuidgid USER cmd` (skarnet.org/software/s6/s6-setuidgid.html): the user is not the program.
USER_SWITCHERS = frozenset({"gosu", "su-exec", "s6-setuidgid", "s6-envuidgid"})
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
