"""Dockerfiles and Containerfiles: the last stage's ENTRYPOINT and CMD, with the ENV they see."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

from django_protolint.project.deploy.base import (
    Deployment,
    DeploymentFormat,
    Found,
    ScriptLookup,
    basename,
    environment_of,
    logical_lines,
)
from django_protolint.project.deploy.commands import ServerCommand, parse_argv, parse_command
from django_protolint.project.deploy.formats.follow import make_target, script_command, via_script


def _instruction_argv(arguments: str) -> list[str] | str:
    """Exec form (a JSON array) as argv, shell form as text."""
    stripped = arguments.strip()
    if stripped.startswith("["):
        try:
            value = json.loads(stripped)
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                return value
        except json.JSONDecodeError:
            pass
    return stripped


@dataclass
class _Stage:
    env: dict[str, str]
    cmd: tuple[int, list[str] | str] | None = None
    entrypoint: tuple[int, list[str] | str] | None = None


def read_dockerfile(path: str, text: str, scripts: ScriptLookup) -> Found:
    # Only the directory the file sits in (`docker/dev/Dockerfile`): the path above the project is the user's
    # (`~/dev/shop/Dockerfile`, `/tmp/ci/...`) and says nothing about this image.
    parent = basename(path.rsplit("/", 1)[0]) if "/" in path else ""
    environment = environment_of(basename(path).removeprefix("Dockerfile"), parent)
    stages: dict[str, _Stage] = {}
    stage = _Stage({})
    for number, line in logical_lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        instruction, *rest = stripped.split(None, 1)
        instruction, arguments = instruction.upper(), rest[0] if rest else ""
        if instruction == "FROM":  # a new stage: only the last one runs
            words = arguments.split()
            # `FROM base AS prod` inherits ENV, CMD and ENTRYPOINT from an earlier stage named `base`
            base = next((stages[word.lower()] for word in words if word.lower() in stages), None)
            stage = _Stage(dict(base.env), base.cmd, base.entrypoint) if base else _Stage({})
            if len(words) >= 3 and words[-2].upper() == "AS":
                stages[words[-1].lower()] = stage
        elif instruction == "ENV":
            stage.env.update(_env_pairs(arguments))
        elif instruction == "CMD":
            stage.cmd = (number, _instruction_argv(arguments))
        elif instruction == "ENTRYPOINT":
            stage.entrypoint = (number, _instruction_argv(arguments))
    env = {name: value for name, value in stage.env.items() if name in ("GUNICORN_CMD_ARGS", "GRANIAN_INTERFACE")}
    found = _docker_command(stage, env, scripts)
    if found is not None:
        number, where, parsed = found
        yield Deployment(parsed, path, number, environment, f"Dockerfile {where}")


def _docker_command(stage: _Stage, env: dict[str, str],
                    scripts: ScriptLookup) -> tuple[int, str, ServerCommand] | None:  # fmt: skip
    """The server the container starts, and the instruction to change: with an exec-form ENTRYPOINT, CMD is its
    arguments (`ENTRYPOINT ["gunicorn"]` + `CMD ["proj.wsgi"]`); through `tini --` or a script ending in
    `exec "$@"` the server is CMD's. A shell-form ENTRYPOINT ignores CMD."""
    prefix = [f"{name}={value}" for name, value in env.items()]
    cmd, entrypoint = stage.cmd, stage.entrypoint
    cmd_argv = None if cmd is None else cmd[1] if isinstance(cmd[1], list) else ["/bin/sh", "-c", cmd[1]]
    if entrypoint is not None and isinstance(entrypoint[1], list) and entrypoint[1]:
        alone = parse_argv([*prefix, *entrypoint[1]])
        if alone is not None:
            if cmd_argv is not None:
                alone = parse_argv([*prefix, *entrypoint[1], *cmd_argv]) or alone
            return entrypoint[0], "ENTRYPOINT", alone
        script = scripts(entrypoint[1][0])
        if script is not None:
            parsed, from_arguments = script_command(script, cmd_argv)
            if parsed is not None and from_arguments and cmd is not None:
                return cmd[0], "CMD", _with_prefix(parsed, cmd_argv, prefix)
            if parsed is not None:
                return entrypoint[0], "ENTRYPOINT", parsed
        elif cmd is not None and cmd_argv is not None and (parsed := parse_argv([*prefix, *entrypoint[1], *cmd_argv])):
            return cmd[0], "CMD", parsed  # `ENTRYPOINT ["tini", "--"]`
    elif entrypoint is not None and isinstance(entrypoint[1], str):
        if (parsed := _run(entrypoint[1], env, scripts)) is not None:
            return entrypoint[0], "ENTRYPOINT", parsed
    if cmd is not None and (parsed := _run(cmd[1], env, scripts)) is not None:
        return cmd[0], "CMD", parsed
    return None


def _with_prefix(parsed: ServerCommand, argv: list[str] | None, prefix: list[str]) -> ServerCommand:
    """CMD reached through an entrypoint script still sees the image's ENV."""
    return (parse_argv([*prefix, *argv]) or parsed) if argv is not None and prefix else parsed


def _env_pairs(arguments: str) -> dict[str, str]:
    from django_protolint.project.deploy.commands import split_shell

    tokens = split_shell(arguments) or []
    if len(tokens) >= 2 and "=" not in tokens[0]:
        return {tokens[0]: " ".join(tokens[1:])}  # legacy `ENV NAME value`
    return dict(token.split("=", 1) for token in tokens if "=" in token)


def _run(command: list[str] | str, env: dict[str, str], scripts: ScriptLookup) -> ServerCommand | None:
    if isinstance(command, list):
        parsed = parse_argv([*(f"{name}={value}" for name, value in env.items()), *command])
        if parsed is None and command and (target := make_target(command, scripts)) is not None:
            return target
        if parsed is None and command:
            # `["bash", "./bin/start", "run"]` runs the script as much as `["./bin/start"]` does
            shell = command[0].rsplit("/", 1)[-1] in ("sh", "bash") and len(command) > 1
            script = scripts(command[1] if shell else command[0])
            if script is not None:
                parsed = script_command(script, None)[0]
        return parsed
    # Quoted: `ENV GUNICORN_CMD_ARGS "-k uvicorn_worker.UvicornWorker"` is one value, not three words.
    prefix = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
    return parse_command(f"{prefix} {command}" if prefix else command) or via_script(command, scripts)


def _is_dockerfile(path: str) -> bool:
    name = basename(path)
    return name.startswith(("Dockerfile", "Containerfile")) or name.lower().endswith((".dockerfile", ".containerfile"))


FORMAT = DeploymentFormat("Dockerfile", _is_dockerfile, read_dockerfile)
