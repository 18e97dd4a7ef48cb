"""JSON deployment files by content: uWSGI's `{"uwsgi": {...}}`, NGINX Unit's configuration, Heroku's app.json."""

from __future__ import annotations

import json
import re

from django_protolint.project.deploy import unit, uwsgi
from django_protolint.project.deploy.base import (
    DEVELOPMENT,
    Deployment,
    DeploymentFormat,
    DeployProblem,
    Found,
    ScriptLookup,
    basename,
    line_of,
)
from django_protolint.project.deploy.commands import parse_command


# Heroku app.json: `scripts` (postdeploy, pr-predestroy) and each `environments.<name>.scripts` run once, around a
# deploy or in CI; none is the web process (the Procfile's `web:` is). `formation` sizes processes without
# commands, and `buildpacks` name none: the Python buildpack adds no default web process (heroku/
# heroku-buildpack-python#309). A server in a script is evidence, never production. devcenter.heroku.com/articles/
# app-json-schema
def _heroku_app_json(path: str, text: str, data: dict) -> Found:
    tables: list[tuple[str | None, object]] = [(None, data.get("scripts"))]
    environments = data.get("environments")
    for name, spec in environments.items() if isinstance(environments, dict) else ():
        if isinstance(spec, dict):
            tables.append((str(name), spec.get("scripts")))
    for environment, table in tables:
        for name, command in table.items() if isinstance(table, dict) else ():
            if isinstance(command, str) and (parsed := parse_command(command)) is not None:
                after = rf'"{re.escape(environment)}"\s*:' if environment else None
                line = line_of(text, rf'"{re.escape(str(name))}"\s*:\s*"', after=after)
                label = f"{environment}.{name}" if environment else str(name)
                yield Deployment(parsed, path, line, DEVELOPMENT, f"app.json script `{label}`")


# Names that are deployment files whatever they hold; `config.json` and `app.json` (Expo's app config too) may be
# anything, so their parse errors are not ours to report.
_OWN_JSON = re.compile(r"uwsgi|(^|[^a-z])unit([^a-z]|$)")


def read_json(path: str, text: str, scripts: ScriptLookup) -> Found:
    """uWSGI's `{"uwsgi": {...}}`, NGINX Unit's `{"applications": {...}}`, Heroku's app.json: by content."""
    name = basename(path).lower()
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        if _OWN_JSON.search(name):
            line = getattr(error, "lineno", 1)
            yield DeployProblem("parse", path, line, f"invalid JSON: {getattr(error, 'msg', 'nested too deeply')}")
        return
    if not isinstance(data, dict):
        return
    if isinstance(data.get("uwsgi"), dict) and "uwsgi" in name:
        yield uwsgi.deployment(path, uwsgi.from_mapping(data["uwsgi"]), line_of(text, r'"uwsgi"\s*:'))
    elif unit.is_unit_config(data):
        yield from unit.read_unit(path, text, data)
    elif name == "app.json":
        yield from _heroku_app_json(path, text, data)


# NGINX Unit's Docker image loads every `*.json` in /docker-entrypoint.d/.
_UNIT_DIRECTORY = re.compile(r"(^|/)docker-entrypoint\.d/[^/]+$")


def _is_json_config(path: str) -> bool:
    lowered = basename(path).lower()
    return lowered.endswith(".json") and bool(
        lowered in ("app.json", "config.json") or _OWN_JSON.search(lowered) or _UNIT_DIRECTORY.search(path)
    )


FORMAT = DeploymentFormat("JSON (uWSGI, NGINX Unit, app.json)", _is_json_config, read_json)
