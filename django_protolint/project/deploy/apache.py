"""Apache with mod_wsgi: `WSGIScriptAlias /url /path/to/proj/wsgi.py` is the server's app; mod_wsgi is WSGI only.

- `WSGIScriptAlias URL-path file-path|directory-path [options]` and `WSGIScriptAliasMatch regex path`
  (context: server config, virtual host) mount the WSGI script; a directory target names no one app.
- `WSGIDaemonProcess name [processes=N threads=M ...]` defines a daemon process group; the app runs in it
  (daemon mode) when `WSGIProcessGroup name` or the alias's `process-group=name` selects it, else embedded.
- `.htaccess` cannot hold those; there `SetHandler`/`AddHandler wsgi-script` hands files to mod_wsgi.
Sources: modwsgi.readthedocs.io configuration-directives/WSGIScriptAlias, WSGIDaemonProcess,
WSGIProcessGroup; user-guides/configuration-guidelines. Directives are case-insensitive; lines continue at `\\`.
"""

from __future__ import annotations

import re
import shlex

from django_protolint.knowledge.servers import WSGI
from django_protolint.project.deploy.base import Deployment, Found, basename, environment_of, logical_lines
from django_protolint.project.deploy.commands import ServerCommand

# Enough to tell an Apache file that serves through mod_wsgi from any other `.conf` (nginx, supervisor, ...).
MOD_WSGI_DIRECTIVES = re.compile(
    r"^[ \t]*(WSGIScriptAlias(Match)?|WSGIDaemonProcess|(Set|Add)Handler[ \t]+wsgi-script)\b", re.I | re.M
)


def _arguments(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=False)
    except ValueError:  # an unbalanced quote: Apache would refuse it too, the words are still evidence
        return text.split()


def _options(words: list[str]) -> dict[str, str]:
    return dict(word.split("=", 1) for word in words if "=" in word)


def read_apache(path: str, text: str) -> Found:
    environment = environment_of(basename(path))
    aliases: list[tuple[int, str, list[str]]] = []  # (line, directive, arguments)
    handlers: list[tuple[int, str]] = []
    daemons: dict[str, dict[str, str]] = {}
    process_groups: list[str] = []
    for number, line in logical_lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        directive, *rest = stripped.split(None, 1)
        words = _arguments(rest[0]) if rest else []
        name = directive.lower()
        if name in ("wsgiscriptalias", "wsgiscriptaliasmatch") and len(words) >= 2:
            aliases.append((number, directive, words))
        elif name == "wsgidaemonprocess" and words:
            daemons[words[0]] = _options(words[1:])
        elif name == "wsgiprocessgroup" and words:
            process_groups.append(words[0])
        elif name in ("sethandler", "addhandler") and words and words[0].lower() == "wsgi-script":
            handlers.append((number, stripped))
    for number, directive, words in aliases:
        target = words[1]
        # A directory, or a regex back-reference (`/srv/apps/$1.wsgi`), names no single app.
        app = None if target.endswith("/") or "$" in target else target
        group = _options(words[2:]).get("process-group") or (process_groups[-1] if process_groups else None)
        notes: tuple[str, ...] = ()
        if group is not None and group in daemons:
            shown = " ".join(
                f"{key}={daemons[group][key]}" for key in ("processes", "threads") if key in daemons[group]
            )
            notes = (f"daemon mode: WSGIDaemonProcess {group}" + (f" ({shown})" if shown else ""),)
        command = ServerCommand("mod_wsgi", WSGI, app, "daemon" if notes else None, " ".join([directive, *words]),
                                notes=notes)  # fmt: skip
        yield Deployment(command, path, number, environment, f"Apache {directive}")
    if not aliases:
        for number, line in handlers[:1]:
            command = ServerCommand("mod_wsgi", WSGI, None, None, line)
            yield Deployment(command, path, number, environment, "Apache wsgi-script handler")
