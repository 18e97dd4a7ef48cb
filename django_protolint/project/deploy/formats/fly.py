"""fly.toml: `[processes]` and `[experimental] cmd`."""

from __future__ import annotations

import re

from django_protolint.config import load_toml_text
from django_protolint.project.deploy.base import (
    PRODUCTION,
    Deployment,
    DeploymentFormat,
    DeployProblem,
    Found,
    ScriptLookup,
    basename,
    environment_of,
    line_of,
)
from django_protolint.project.deploy.formats.follow import as_command


def read_fly_toml(path: str, text: str, scripts: ScriptLookup) -> Found:
    data = load_toml_text(text)
    if data is None:
        yield DeployProblem("parse", path, 1, "invalid TOML")
        return
    processes = data.get("processes")
    if not isinstance(processes, dict):
        processes = {}
    for name, command in processes.items():
        if (parsed := as_command(command)) is not None:
            line = line_of(text, rf"[\"']?{re.escape(str(name))}[\"']?\s*=", after=r"\[processes\]")
            yield Deployment(parsed, path, line, environment_of(str(name)), f"fly process `{name}`")
    experimental = data.get("experimental")
    if not isinstance(experimental, dict):
        experimental = {}
    if (parsed := as_command(experimental.get("cmd"))) is not None:
        line = line_of(text, r"cmd\s*=", after=r"\[experimental\]")
        yield Deployment(parsed, path, line, PRODUCTION, "fly [experimental] cmd")


FORMAT = DeploymentFormat("fly.toml", lambda path: basename(path).lower() == "fly.toml", read_fly_toml)
