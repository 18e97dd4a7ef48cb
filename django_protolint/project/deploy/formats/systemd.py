"""systemd units: `ExecStart=`."""

from __future__ import annotations

import re

from django_protolint.project.deploy.base import (
    Deployment,
    DeploymentFormat,
    Found,
    ScriptLookup,
    basename,
    environment_of,
    logical_lines,
)
from django_protolint.project.deploy.commands import parse_command


def read_systemd(path: str, text: str, scripts: ScriptLookup) -> Found:
    for number, line in logical_lines(text):
        stripped = line.strip()
        # systemd ignores whitespace around `=`; `-`, `@`, `+`, `!`, `:` prefixes change how it runs, not what
        if (match := re.match(r"ExecStart\s*=\s*(.*)$", stripped)) is not None:
            command = match.group(1).lstrip("-@+!:")
            if (parsed := parse_command(command)) is not None:
                yield Deployment(parsed, path, number, environment_of(basename(path)), "systemd ExecStart")


FORMAT = DeploymentFormat("systemd unit", lambda path: path.lower().endswith(".service"), read_systemd)
