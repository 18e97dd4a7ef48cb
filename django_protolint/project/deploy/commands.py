"""One command line → the server it starts, the protocol, the app and the worker. Tokenised with shlex.

Normalised first: environment prefixes (`VAR=x`), `exec`/`env`, `poetry run`-style runners, venv paths
(`/venv/bin/gunicorn`), `python -m X`, one level of `sh -c "..."`; of `a && b; c` the last server command wins
(the long-running one: `migrate && gunicorn ...`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from django_protolint.knowledge.binds import UWSGI_SOCKET_KEYS
from django_protolint.knowledge.servers import (
    ASGI,
    COMMAND_PREFIXES,
    GRANIAN_INTERFACES,
    GUNICORN_ASGI_WORKERS,
    GUNICORN_OPTIONAL_VALUES,
    LAUNCHERS,
    MOD_WSGI_EXPRESS_FLAGS,
    MOD_WSGI_EXPRESS_PAIRS,
    MOD_WSGI_NOT_SERVING,
    MOD_WSGI_SUBCOMMANDS,
    PROCESS_RUNNERS,
    PYTHON_VALUE_OPTIONS,
    PYTHONS,
    RSGI,
    RUNNER_PREFIXES,
    SERVERS,
    UNKNOWN,
    USER_SWITCHERS,
    UWSGI_APP_OPTIONS,
    UWSGI_LOOP_ENGINES,
    WSGI,
)

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SEPARATORS = {"&&", "||", ";", "|", "&"}
_SHELL_C = re.compile(r"^-[a-z]*c[a-z]*$")  # -c, -ec, -lc, -xec


@dataclass(frozen=True)
class ServerCommand:
    server: str  # "gunicorn", "uvicorn", "daphne", "hypercorn", "granian", "uwsgi", "waitress", "mod_wsgi", "runserver"
    protocol: str  # "wsgi", "asgi", "rsgi", "unknown"
    app: str | None  # "proj.wsgi:application", "proj/wsgi.py"
    worker: str | None  # gunicorn worker class, granian interface
    command: str  # the normalised command, for evidence
    config_file: str | None = None  # gunicorn -c / uwsgi --ini
    environment: dict[str, str] = field(default_factory=dict)  # VAR=value prefixes
    notes: tuple[str, ...] = ()
    # A directory the server puts on sys.path before importing the app (`--chdir`, `--app-dir`, `--working-dir`,
    # uWSGI `chdir`), as written: module names in `app` are relative to it.
    app_dir: str | None = None
    # Where its configuration file makes it listen (uWSGI `socket`, `http`, ... in an ini/YAML/XML/JSON), as
    # written: a reverse proxy's target is matched against these and the command line's bind options.
    binds: tuple[str, ...] = ()

    def with_protocol(self, protocol: str, note: str) -> ServerCommand:
        return replace(self, protocol=protocol, notes=(*self.notes, note))


def split_shell(text: str) -> list[str] | None:
    """shlex tokens of a shell command, or None when it does not tokenise (an unclosed quote)."""
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        return list(lexer)
    except ValueError:
        return None


def commands_in(text: str) -> list[list[str]]:
    """`cd /app && python manage.py migrate && exec gunicorn x` → [["cd", "/app"], [...migrate], ["exec", ...]]."""
    tokens = split_shell(text.replace("\\\n", " "))
    if tokens is None:
        return []
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in _SEPARATORS:
            commands.append([])
        else:
            commands[-1].append(token)
    return [command for command in commands if command]


def parse_command(text: str, depth: int = 0) -> ServerCommand | None:
    """The last server command in a shell command line, if any."""
    found = None
    for argv in commands_in(text):
        parsed = parse_argv(argv, depth)
        if parsed is not None:
            found = parsed
    return found


def parse_argv(argv: list[str], depth: int = 0) -> ServerCommand | None:
    environment: dict[str, str] = {}
    tokens = list(argv)
    while tokens:
        head = tokens[0]
        if _ASSIGNMENT.match(head):
            name, _, value = head.partition("=")
            environment[name] = value
            tokens.pop(0)
        elif head.rsplit("/", 1)[-1] in COMMAND_PREFIXES:
            tokens.pop(0)
        elif head.rsplit("/", 1)[-1] in USER_SWITCHERS:
            tokens = tokens[2:]  # `gosu app gunicorn ...`: the user is not the program
        elif any(tokens[: len(prefix)] == list(prefix) for prefix in RUNNER_PREFIXES):
            tokens = tokens[2:]
            while tokens and tokens[0].startswith("-") and tokens[0] != "--":
                tokens.pop(0)  # `uv run --frozen gunicorn ...`
        else:
            break
    if not tokens:
        return None
    program = tokens[0].rsplit("/", 1)[-1]
    if program in LAUNCHERS and depth < 3:
        return parse_argv(_launched(tokens[1:], LAUNCHERS[program]), depth + 1)
    if program in PROCESS_RUNNERS and depth < 3:
        parts: list[list[str]] = [[]]
        for token in tokens[1:]:
            parts.append([]) if token in PROCESS_RUNNERS[program] else parts[-1].append(token)
        found = [parsed for part in parts if part and (parsed := parse_argv(part, depth + 1)) is not None]
        return found[-1] if found else None
    if program in ("sh", "bash", "ash", "dash", "zsh") and depth < 2:
        # `sh -c "..."`, and the combined flags entrypoints use: `sh -ec "..."`, `bash -lc "..."`
        index = 1
        while index < len(tokens) and tokens[index].startswith("-") and not _SHELL_C.match(tokens[index]):
            index += 1
        if index < len(tokens) and _SHELL_C.match(tokens[index]):
            return parse_command(tokens[index + 1], depth + 1) if index + 1 < len(tokens) else None
    if program.startswith(PYTHONS):
        index = 1
        while index < len(tokens) and tokens[index].startswith("-") and tokens[index] not in ("-m", "-c", "-"):
            index += 2 if tokens[index] in PYTHON_VALUE_OPTIONS else 1  # `python -u -m gunicorn`
        rest = tokens[index:]
        if len(rest) >= 2 and rest[0] == "-m":
            tokens = rest[1:]
            program = tokens[0]
            if program == "django":  # `python -m django runserver` is django-admin
                return _manage(tokens[1:], environment)
        elif rest and rest[0].rsplit("/", 1)[-1] == "manage.py":
            return _manage(rest[1:], environment)
        else:
            return None
    if program == "manage.py" or program.endswith("/manage.py"):
        return _manage(tokens[1:], environment)
    if program == "django-admin":
        return _manage(tokens[1:], environment)
    if program not in SERVERS or program == "runserver":
        return None
    return _server(program, tokens[1:], environment)


def _launched(arguments: list[str], value_options: frozenset[str]) -> list[str]:
    """The command a launcher starts: after `--` if there is one, else after the launcher's options (and a
    `host:port` operand, wait-for-it's)."""
    if "--" in arguments:
        return arguments[arguments.index("--") + 1 :]
    index = 0
    while index < len(arguments) and (
        arguments[index].startswith("-") or re.fullmatch(r"[\w.-]+:\d+", arguments[index])
    ):
        index += 2 if arguments[index] in value_options else 1
    return arguments[index:]


def _manage(arguments: list[str], environment: dict[str, str]) -> ServerCommand | None:
    if not arguments:
        return None
    command = " ".join(["manage.py", *arguments])
    if arguments[0] == "runserver":
        return ServerCommand("runserver", WSGI, None, None, command, environment=environment,
                             notes=("Django's development server",))  # fmt: skip
    if arguments[0] == "runmodwsgi":
        return ServerCommand("mod_wsgi", WSGI, None, None, command, environment=environment)
    return None


def _options(arguments: list[str], value_options: frozenset[str] | Callable[[str], bool],
             pairs: frozenset[str] = frozenset(),
             optional: Mapping[str, frozenset[str]] | None = None) -> tuple[dict[str, str], list[str]]:  # fmt: skip
    """Options and positional arguments. `value_options`: the options that take the next argument as their value
    (a set, or a test for option parsers where every `--name` does unless it is a flag); `pairs`: options that
    take two arguments, skipped; `optional`: options whose value is optional, taken only when it is one of theirs."""
    takes_value = value_options if callable(value_options) else value_options.__contains__
    options: dict[str, str] = {}
    positional: list[str] = []
    index = 0
    while index < len(arguments):
        token = arguments[index]
        if token.startswith("--") and "=" in token:
            name, _, value = token.partition("=")
            options[name] = value
        elif token in pairs:
            index += 2
        elif optional and token in optional:
            taken = index + 1 < len(arguments) and arguments[index + 1].lower() in optional[token]
            options[token] = arguments[index + 1] if taken else ""
            index += 1 if taken else 0
        elif takes_value(token) and index + 1 < len(arguments):
            options[token] = arguments[index + 1]
            index += 1
        elif token.startswith("-") and len(token) > 2 and not token.startswith("--") and takes_value(token[:2]):
            options[token[:2]] = token[2:]  # -kuvicorn.workers.UvicornWorker, -w4
        elif token.startswith("-"):
            options[token] = ""
        else:
            positional.append(token)
        index += 1
    return options, positional


def _first(options: dict[str, str], *names: str) -> str | None:
    for name in names:
        if name in options:
            return options[name]
    return None


def _server(program: str, arguments: list[str], environment: dict[str, str]) -> ServerCommand | None:
    server = SERVERS[program]
    optional = GUNICORN_OPTIONAL_VALUES if server.name == "gunicorn" else None
    options, positional = _options(arguments, server.value_options, optional=optional)
    command = " ".join([program, *arguments])
    app = positional[0] if positional else None
    app_dir = _first(options, *server.app_dir_options) if server.app_dir_options else None
    if server.name == "gunicorn":
        extra = environment.get("GUNICORN_CMD_ARGS")
        if extra:
            extra_options, _ = _options(split_shell(extra) or [], server.value_options, optional=optional)
            options = {**extra_options, **options}  # the command line beats GUNICORN_CMD_ARGS
        worker = _first(options, "-k", "--worker-class")
        threads = _first(options, "--threads")
        app_dir = _first(options, *server.app_dir_options)
        return replace(gunicorn_command(app, worker, threads, command, _first(options, "-c", "--config"), environment),
                       app_dir=app_dir)  # fmt: skip
    if server.name == "mod_wsgi":
        return _mod_wsgi_express(arguments, command, environment)
    if server.name == "uvicorn":
        interface = _first(options, "--interface")
        protocol = WSGI if interface == "wsgi" else ASGI
        return ServerCommand("uvicorn", protocol, app, None, command, environment=environment, app_dir=app_dir)
    if server.name == "hypercorn":
        return ServerCommand("hypercorn", _app_protocol(app), app, _first(options, "-k", "--worker-class"), command,
                             _first(options, "-c", "--config"), environment)  # fmt: skip
    if server.name == "granian":
        interface = _first(options, "--interface") or environment.get("GRANIAN_INTERFACE") or "rsgi"
        return ServerCommand("granian", GRANIAN_INTERFACES.get(interface, UNKNOWN), app, interface, command,
                             environment=environment, app_dir=app_dir)  # fmt: skip
    if server.name == "uwsgi":
        # `uwsgi uwsgi.ini`: uWSGI loads a lone argument with a config extension as its configuration
        config = _first(options, "--ini", "--yaml", "--xml", "--json") or next(
            (p for p in positional if p.endswith((".ini", ".yaml", ".yml", ".xml", ".json"))), None
        )
        named = {name.lstrip("-"): value for name, value in options.items()}
        if app is not None and app != config and not any(named.get(name) for name in UWSGI_APP_OPTIONS):
            named["module"] = app  # `uwsgi proj.wsgi`: not how uWSGI is usually started, but unambiguous
        return uwsgi_command(named, command, config, environment)
    if server.name == "waitress":
        # `--call` is a flag (waitress 3 adjustments.py): the app is the positional argument, a factory then
        return ServerCommand("waitress", WSGI, app, None, command, environment=environment)
    return ServerCommand(server.name, server.protocol, app, None, command, environment=environment)


def uwsgi_command(options: Mapping[str, str], command: str, config_file: str | None = None,
                  environment: dict[str, str] | None = None) -> ServerCommand:  # fmt: skip
    """uWSGI from its options, named as its config files name them (`module`, `wsgi-file`, `mount`, `gevent`):
    the same reading for a command line and for an ini, YAML, XML or JSON configuration."""
    app = next((options[name] for name in UWSGI_APP_OPTIONS if options.get(name)), None)
    if app is not None and options.get("mount") == app:
        app = app.split("=", 1)[-1]  # `mount = /app=proj/wsgi.py`, `mount = example.com|=proj/wsgi.py`
    engine = next((name for name in UWSGI_LOOP_ENGINES if options.get(name, "0").lower() not in ("0", "false")),
                  None)  # fmt: skip
    notes = (f"uWSGI's {engine} loop engine still calls the WSGI application",) if engine else ()
    binds = tuple(value for name in UWSGI_SOCKET_KEYS if (value := options.get(name)))
    return ServerCommand("uwsgi", WSGI, app, engine, command, config_file, dict(environment or {}), notes,
                         options.get("chdir") or None, binds)  # fmt: skip


def _mod_wsgi_express(arguments: list[str], command: str, environment: dict[str, str]) -> ServerCommand | None:
    """`mod_wsgi-express start-server [options] SCRIPT`: optparse options, so every `--name` takes a value
    unless it is a flag; `--entry-point` names the app as the positional argument does."""
    options, positional = _options(
        arguments, lambda token: token.startswith("--") and token not in MOD_WSGI_EXPRESS_FLAGS, MOD_WSGI_EXPRESS_PAIRS
    )
    if positional and positional[0] in MOD_WSGI_NOT_SERVING:
        return None
    scripts = [p for p in positional if p not in MOD_WSGI_SUBCOMMANDS]
    app = options.get("--entry-point") or (scripts[0] if scripts else None)
    return ServerCommand("mod_wsgi", WSGI, app, None, command, environment=environment)


def gunicorn_command(app: str | None, worker: str | None, threads: str | None, command: str,
                     config_file: str | None, environment: dict[str, str]) -> ServerCommand:  # fmt: skip
    worker_class = worker or "sync"
    if worker_class == "sync" and threads and threads.isdigit() and int(threads) > 1:
        worker_class = "gthread"  # gunicorn silently switches sync workers with --threads > 1 to gthread
    protocol = ASGI if worker_class in GUNICORN_ASGI_WORKERS else WSGI
    return ServerCommand("gunicorn", protocol, app, worker_class, command, config_file, environment)


def _app_protocol(app: str | None) -> str:
    """hypercorn picks the protocol from the app object: `asgi:`/`wsgi:` prefixes force it, else the module name."""
    if not app:
        return UNKNOWN
    if app.startswith(("asgi:", "wsgi:")):
        return app.split(":", 1)[0]
    module = app.split(":", 1)[0]
    if module.endswith(".asgi") or module == "asgi":
        return ASGI
    if module.endswith(".wsgi") or module == "wsgi":
        return WSGI
    return UNKNOWN


def app_protocol(app: str | None) -> str:
    """What an app path says about itself: `proj.asgi:application` is ASGI, `proj/wsgi.py` WSGI."""
    if not app:
        return UNKNOWN
    module = app.split(":", 1)[0].removesuffix(".py").replace("/", ".")
    tail = module.rsplit(".", 1)[-1]
    return {"asgi": ASGI, "wsgi": WSGI}.get(tail, UNKNOWN)


__all__ = [
    "ASGI",
    "RSGI",
    "UNKNOWN",
    "WSGI",
    "ServerCommand",
    "app_protocol",
    "parse_argv",
    "parse_command",
    "uwsgi_command",
]
