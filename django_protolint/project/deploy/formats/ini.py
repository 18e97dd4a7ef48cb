"""INI files: supervisor `[program:]`, circus `[watcher:]`, uWSGI `[uwsgi]` (with its attached daemons); `.conf` files
by content (Apache mod_wsgi or INI)."""

from __future__ import annotations

import configparser
import re

from django_protolint.project.deploy import apache, uwsgi
from django_protolint.project.deploy.base import (
    Deployment,
    DeploymentFormat,
    DeployProblem,
    Found,
    ScriptLookup,
    basename,
    environment_of,
    line_of,
)
from django_protolint.project.deploy.commands import parse_command


def _ini(path: str, text: str) -> configparser.ConfigParser | DeployProblem:
    # uWSGI options without a value (`master`, `strict`, `die-on-term`) are flags: valid ini for uWSGI, whose
    # reader gives a key alone on its line an empty value, which turns a flag on (unbit/uwsgi core/ini.c); the keys after them must be read.
    parser = configparser.ConfigParser(interpolation=None, strict=False, allow_no_value=True)
    try:
        parser.read_string(text)
    except configparser.Error as error:
        # ParsingError keeps (line, text) pairs in `errors`; MissingSectionHeaderError has `lineno`
        errors = getattr(error, "errors", None) or [(getattr(error, "lineno", 1) or 1, "")]
        line, _ = errors[0]
        return DeployProblem("parse", path, line, f"cannot parse line {line} as INI")
    return parser


def read_ini(path: str, text: str, scripts: ScriptLookup) -> Found:
    if not re.search(r"^\s*\[(program:|fcgi-program:|watcher:|uwsgi\])", text, re.M):
        return  # tox.ini, pytest.ini, nginx.conf...: not deployment files of ours
    parser = _ini(path, text)
    if isinstance(parser, DeployProblem):
        yield parser
        return
    for section in parser.sections():
        if (
            section.startswith(("program:", "fcgi-program:"))
            and parser.has_option(section, "command")
            and parser.get(section, "command")
        ):
            parsed = parse_command(parser.get(section, "command"))
            if parsed is not None:
                line = line_of(text, r"command\s*[=:]", after=rf"\[{re.escape(section)}\]")
                yield Deployment(parsed, path, line, environment_of(section, basename(path)), f"supervisor [{section}]")
        if section.startswith("watcher:") and parser.has_option(section, "cmd") and parser.get(section, "cmd"):
            # circus: `cmd` is the program, `args` its arguments (circus docs, configuration.rst `[watcher:NAME]`)
            command = f"{parser.get(section, 'cmd')} {parser.get(section, 'args', fallback='') or ''}".strip()
            if (parsed := parse_command(command)) is not None:
                line = line_of(text, r"cmd\s*[=:]", after=rf"\[{re.escape(section)}\]")
                yield Deployment(parsed, path, line, environment_of(section, basename(path)), f"circus [{section}]")
        if section == "uwsgi":
            options = {name: "1" if value is None else value for name, value in parser.items(section)}
            yield uwsgi.deployment(path, options, line_of(text, r"\[uwsgi\]"))
            yield from _uwsgi_daemons(path, text)


# uWSGI starts and watches other processes for its master: `attach-daemon = daphne proj.asgi:application` runs a
# second server beside the WSGI workers (a split deployment in one file). `smart-attach-daemon` takes a pidfile
# first. The option may repeat, which configparser folds: read the section's lines. uwsgi-docs AttachingDaemons.rst
_UWSGI_DAEMON = re.compile(r"^(attach-daemon|attach-control-daemon|smart-attach-daemon2?)\s*[=:]\s*(.+)$")


def _uwsgi_daemons(path: str, text: str) -> Found:
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        elif section == "[uwsgi]" and (match := _UWSGI_DAEMON.match(stripped)) is not None:
            command = match.group(2)
            if match.group(1).startswith("smart-attach-daemon"):
                command = command.split(None, 1)[1] if " " in command else ""
            if (parsed := parse_command(command)) is not None:
                yield Deployment(parsed, path, number, environment_of(basename(path)), f"uWSGI {match.group(1)}")


def read_conf(path: str, text: str, scripts: ScriptLookup) -> Found:
    """`.conf` is Apache's (mod_wsgi), supervisor's and uWSGI's (INI), nginx's...: the content decides."""
    if apache.MOD_WSGI_DIRECTIVES.search(text):
        return apache.read_apache(path, text)
    return read_ini(path, text, scripts)


INI_FORMAT = DeploymentFormat("INI (supervisor, circus, uWSGI)", lambda path: path.lower().endswith(".ini"), read_ini)
CONF_FORMAT = DeploymentFormat("`.conf` (Apache or INI)", lambda path: path.lower().endswith(".conf"), read_conf)
