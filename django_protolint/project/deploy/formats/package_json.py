"""package.json scripts that start a Python server."""

from __future__ import annotations

import json
import re

from django_protolint.project.deploy.base import (
    DEVELOPMENT,
    PRODUCTION,
    Deployment,
    DeploymentFormat,
    DeployProblem,
    Found,
    ScriptLookup,
    basename,
    line_of,
)
from django_protolint.project.deploy.commands import parse_command


def read_package_json(path: str, text: str, scripts: ScriptLookup) -> Found:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        yield DeployProblem("parse", path, error.lineno, f"invalid JSON: {error.msg}")
        return
    scripts_table = data.get("scripts") if isinstance(data, dict) else None
    for name, command in scripts_table.items() if isinstance(scripts_table, dict) else ():
        if isinstance(command, str) and (parsed := parse_command(command)) is not None:
            environment = PRODUCTION if re.search(r"prod", name, re.I) else DEVELOPMENT
            yield Deployment(parsed, path, line_of(text, rf'"{re.escape(name)}"\s*:'), environment,
                             f"package.json script `{name}`")  # fmt: skip


FORMAT = DeploymentFormat("package.json", lambda path: basename(path).lower() == "package.json", read_package_json)
