"""Procfiles: Heroku-style platforms run `web:`; honcho/foreman run every process of an alternate Procfile."""

from __future__ import annotations

import re

from django_protolint.project.deploy.base import (
    TEMPLATE_TAG_LINE,
    Deployment,
    DeploymentFormat,
    DeployProblem,
    Found,
    ScriptLookup,
    basename,
    environment_of,
)
from django_protolint.project.deploy.commands import parse_command
from django_protolint.project.deploy.formats.follow import via_script

_PROCESS = re.compile(r"^([A-Za-z0-9_-]+):\s*(.*)$")


def read_procfile(path: str, text: str, scripts: ScriptLookup) -> Found:
    environment = environment_of(basename(path).removeprefix("Procfile"))
    platform = basename(path) == "Procfile"  # what Heroku-style platforms read; other names are run by honcho
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or TEMPLATE_TAG_LINE.match(stripped):
            continue
        match = _PROCESS.match(stripped)
        if match is None or not match.group(2).strip():
            # DPL504's message already says what is wrong: the problem is the line itself
            yield DeployProblem("procfile", path, number, repr(stripped[:60]))
            continue
        name, command = match.group(1), match.group(2)
        if name != "web" and platform:
            continue  # only `web` receives HTTP traffic on Heroku-style platforms
        parsed = parse_command(command) or via_script(command, scripts)
        if parsed is not None and not platform:
            # `honcho -f ProcfileMulti start` (or foreman) runs every process of an alternate Procfile: a server
            # under any name serves (`web:` gunicorn beside `ws:` daphne); no platform vouches for production.
            yield Deployment(parsed, path, number, environment, f"{basename(path)} process `{name}` (honcho/foreman)")
            continue
        if parsed is not None:
            yield Deployment(parsed, path, number, environment, f"Procfile process `{name}`")


# `Procfile.md` explains a Procfile; `Procfile.dev`, `Procfile.worker` are Procfiles.
_DOCUMENTS = (".md", ".rst", ".txt", ".html")


def _is_procfile(path: str) -> bool:
    name = basename(path)
    return bool(re.fullmatch(r"Procfile([._-]?\w+)*", name)) and not name.lower().endswith(_DOCUMENTS)


FORMAT = DeploymentFormat("Procfile", _is_procfile, read_procfile)
