"""Shell scripts (`start.sh`, `docker-entrypoint`, s6-overlay `run` files): the last server they start."""

from __future__ import annotations

import re

from django_protolint.project.deploy.base import (
    Deployment,
    DeploymentFormat,
    Found,
    ScriptLookup,
    basename,
    environment_of,
)
from django_protolint.project.deploy.commands import ServerCommand, parse_command
from django_protolint.project.deploy.shell import expanded_lines


def read_shell_script(path: str, text: str, scripts: ScriptLookup) -> Found:
    environment = environment_of(basename(path))
    last: tuple[int, ServerCommand] | None = None
    for number, line in expanded_lines(text):
        if (parsed := parse_command(line.strip())) is not None:
            last = (number, parsed)
    if last is not None:
        # s6-overlay runs `s6-rc.d/<service>/run` (v3) and `services.d/<service>/run` (v2) as long-lived services
        service = re.search(r"(?:^|/)(?:s6-rc\.d|services\.d)/([^/]+)/run$", path)
        where = f"s6-overlay service `{service.group(1)}`" if service else "shell script"
        yield Deployment(last[1], path, last[0], environment, where)


def _is_script(path: str) -> bool:
    lowered = basename(path).lower()
    return lowered.endswith(".sh") or lowered in ("entrypoint", "docker-entrypoint", "start", "run")


FORMAT = DeploymentFormat("shell script", _is_script, read_shell_script)
