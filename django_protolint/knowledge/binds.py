"""Where each server listens: the options that give its bind address, port or socket, and its default.

A reverse proxy's target (`proxy_pass http://127.0.0.1:8001`, `uwsgi_pass unix:/run/app.sock`) is joined to the
server that listens there (project/proxy/join.py). Sources, at the releases named in ../shared/facts.md §0:
- benoitc/gunicorn `gunicorn/config.py` class Bind: `-b/--bind ADDRESS` (repeatable; `HOST:PORT`, `unix:PATH`,
  `fd://N`); default `['127.0.0.1:8000']`, or `['0.0.0.0:$PORT']` when PORT is set in the environment.
- Kludex/uvicorn `uvicorn/main.py`: `--host` (127.0.0.1), `--port` (8000), `--uds PATH`, `--fd N`.
- django/daphne `daphne/cli.py`: `-b/--bind HOST` (127.0.0.1 when only a port is given), `-p/--port` (8000),
  `-u/--unix-socket PATH`, `--fd`, `-e/--endpoint` (a Twisted endpoint: `tcp:port=8000:interface=0.0.0.0`,
  `unix:/path`).
- pgjones/hypercorn `hypercorn/__main__.py`, `config.py`: `-b/--bind` (repeatable, `HOST:PORT`, `unix:PATH`);
  default `127.0.0.1:8000`.
- emmett-framework/granian `granian/cli.py`: `--host` (127.0.0.1), `--port` (8000), `--uds PATH`.
- unbit/uwsgi `core/uwsgi.c` options: `--http`, `--http-socket`, `--socket/-s`, `--uwsgi-socket`, and the same
  keys in its configuration files; no default (it needs one of them to serve anything).
- Pylons/waitress `waitress/adjustments.py`: `--listen=HOST:PORT` (repeatable), `--host` (0.0.0.0),
  `--port` (8080), `--unix-socket PATH`.
- django/django `core/management/commands/runserver.py`: positional `addrport`; default 127.0.0.1:8000.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BindOptions:
    addresses: frozenset[str] = frozenset()  # options whose value is `HOST:PORT` or `unix:PATH`
    hosts: frozenset[str] = frozenset()
    ports: frozenset[str] = frozenset()
    sockets: frozenset[str] = frozenset()  # options whose value is a unix socket path
    endpoints: frozenset[str] = frozenset()  # Twisted endpoint strings (daphne)
    default_host: str | None = "127.0.0.1"
    default_port: int | None = 8000
    port_from_environment: str | None = None  # gunicorn binds 0.0.0.0:$PORT when PORT is set


def _options(text: str) -> frozenset[str]:
    return frozenset(text.split())


BINDS: dict[str, BindOptions] = {
    "gunicorn": BindOptions(addresses=_options("-b --bind"), port_from_environment="PORT"),
    "uvicorn": BindOptions(hosts=_options("--host"), ports=_options("--port"), sockets=_options("--uds")),
    "daphne": BindOptions(
        hosts=_options("-b --bind"),
        ports=_options("-p --port"),
        sockets=_options("-u --unix-socket"),
        endpoints=_options("-e --endpoint"),
    ),  # fmt: skip
    "hypercorn": BindOptions(addresses=_options("-b --bind --insecure-bind")),
    "granian": BindOptions(hosts=_options("--host"), ports=_options("--port"), sockets=_options("--uds")),
    "uwsgi": BindOptions(
        addresses=_options("--http --http-socket --socket -s --uwsgi-socket --http11-socket"),
        default_host=None,
        default_port=None,
    ),  # fmt: skip
    "waitress": BindOptions(
        addresses=_options("--listen"),
        hosts=_options("--host"),
        ports=_options("--port"),
        sockets=_options("--unix-socket"),
        default_host="0.0.0.0",
        default_port=8080,
    ),  # fmt: skip
    "runserver": BindOptions(),
}

# uWSGI configuration-file keys that open a listening socket (the command-line options without dashes).
UWSGI_SOCKET_KEYS = ("http", "http-socket", "socket", "uwsgi-socket", "http11-socket")
