"""Deployment files → the server commands they start, each with its file, line and whether it is production.

Each format's reader is a module of deploy/formats/; this module settles what they find (production or
development, templates) and reads the servers a project's Python code starts.

Every format is read with a real parser where one exists (YAML: `yaml.compose`/`safe_load`, TOML, INI:
configparser, JSON, shell: shlex). Commented-out lines are never evidence. A file that fails to parse becomes a
problem (reported, then skipped), never an exception.
"""

from __future__ import annotations

from dataclasses import replace

from django_protolint.knowledge.servers import GRANIAN_INTERFACES, PROGRAMMATIC_STARTS, UNKNOWN
from django_protolint.project.deploy.base import (
    DEVELOPMENT,
    PRODUCTION,
    TEMPLATE_SUFFIX,
    Deployment,
    DeployProblem,
    Found,
    ScriptLookup,
    basename,
    environment_of,
    unknown_template_values,
)
from django_protolint.project.deploy.commands import ServerCommand, parse_argv
from django_protolint.project.deploy.environment import settle
from django_protolint.project.deploy.formats import reader_for
from django_protolint.project.deploy.templated import is_templated, read_templated
from django_protolint.source.facts import FileFacts


def python_starts(facts: FileFacts) -> Found:
    """Servers a project script starts from Python; `reload=True` or `debug=True` marks development."""
    for start in facts.server_starts:
        server, protocol = PROGRAMMATIC_STARTS[start.callee]
        options = dict(start.options)
        if server == "granian":
            # `interface="asgi"` or `Interfaces.ASGI`; a value we cannot read leaves the protocol unknown
            interface = str(options.get("interface", "rsgi")).rsplit(".", 1)[-1].lower()
            protocol = GRANIAN_INTERFACES.get(interface, UNKNOWN)
        if server == "uvicorn" and options.get("interface") == "wsgi":
            protocol = "wsgi"
        development = bool(options.get("reload") or options.get("debug")) or environment_of(basename(facts.path)) == (
            DEVELOPMENT
        )
        rendered = ", ".join(([repr(start.app)] if start.app else []) + [f"{k}={v!r}" for k, v in start.options])
        # `uvicorn.run(..., app_dir=BASE)`, `Granian(..., working_dir=...)`: the app is imported from elsewhere, and
        # a keyword's value here may be a name rather than the path: the app's place is unknown
        app_dir = "$unknown" if any(name in options for name in ("app_dir", "working_dir")) else None
        granian_interface = options.get("interface") if server == "granian" else None
        command = ServerCommand(server, protocol, start.app,
                                granian_interface if isinstance(granian_interface, str) else None,
                                f"{start.callee}({rendered})", app_dir=app_dir)  # fmt: skip
        found = Deployment(command, facts.path, start.span.line, DEVELOPMENT if development else PRODUCTION,
                           f"Python script `{basename(facts.path)}`")  # fmt: skip
        if options.get("reload") or options.get("debug"):
            found = replace(found, why="`reload=True` or `debug=True`: a development start")
        yield settle(found, "")
    # A command list built in Python (zentral's entrypoint table, a management command that Popen()s granian,
    # archivebox's supervisord program): one alternative the code may start, so never sure production.
    for argv in facts.server_argvs:
        parsed = parse_argv(list(argv.argv))
        if parsed is None:
            continue
        found = Deployment(parsed, facts.path, argv.span.line, PRODUCTION, f"command list in `{basename(facts.path)}`")
        if parsed.server == "runserver":
            found = replace(found, environment=DEVELOPMENT, why="runserver in a table of commands: the development one")
        found = settle(found, "")
        yield replace(found, certain=False) if found.environment == PRODUCTION else found


def read_deployment(path: str, text: str, scripts: ScriptLookup, top: str | None = None,
                    template: str | None = None) -> list[Deployment | DeployProblem]:  # fmt: skip
    """The file's deployments, each settled production or development (`top`: the top of the linted tree).
    `template`: the cookiecutter.json of the template tree the file lies in (its defaults choose the arms)."""
    if is_templated(text, template):
        return read_templated(path, text, scripts, top, template, _read_plain)
    return _read_plain(path, text, scripts, top)


def _rendered_later(entry: Deployment, path: str) -> Deployment:
    """A template's server is what a deploy tool renders: production only as far as its values say, never sure."""
    if entry.environment != PRODUCTION:
        return entry
    return replace(entry, certain=False, why=f"{entry.why}; `{basename(path)}` is a template, rendered at deploy time")


def _read_plain(path: str, text: str, scripts: ScriptLookup, top: str | None) -> list[Deployment | DeployProblem]:
    reader = reader_for(path)
    if reader is None:
        return []
    try:
        if TEMPLATE_SUFFIX.search(basename(path)):
            text = unknown_template_values(text)  # `{{ venv }}/bin/gunicorn`
        found = [
            settle(entry, text, top) if isinstance(entry, Deployment) else entry
            for entry in reader(path, text, scripts)
        ]
        if TEMPLATE_SUFFIX.search(basename(path)):
            found = [_rendered_later(entry, path) if isinstance(entry, Deployment) else entry for entry in found]
        return found
    except Exception as error:  # noqa: BLE001 - one garbled file must not stop the run
        return [DeployProblem("parse", path, 1, f"cannot read this file ({type(error).__name__}: {error})")]
