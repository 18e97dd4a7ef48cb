"""Dockerfiles and Containerfiles: the last stage's ENTRYPOINT and CMD, with the ENV they see."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, replace

from django_protolint.knowledge.servers import COMMAND_PREFIXES, LAUNCHERS, UNKNOWN
from django_protolint.project.deploy.base import (
    Deployment,
    DeploymentFormat,
    Found,
    ScriptLookup,
    basename,
    environment_of,
    logical_lines,
)
from django_protolint.project.deploy.commands import ServerCommand, parse_argv, parse_command, split_shell
from django_protolint.project.deploy.dispatch import dispatched
from django_protolint.project.deploy.formats.follow import make_target, script_command, via_script

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})


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
class Stage:
    env: dict[str, str]
    cmd: tuple[int, list[str] | str] | None = None
    entrypoint: tuple[int, list[str] | str] | None = None


def read_dockerfile(path: str, text: str, scripts: ScriptLookup) -> Found:
    # Only the directory the file sits in (`docker/dev/Dockerfile`): the path above the project is the user's
    # (`~/dev/shop/Dockerfile`, `/tmp/ci/...`) and says nothing about this image.
    parent = basename(path.rsplit("/", 1)[0]) if "/" in path else ""
    environment = environment_of(basename(path).removeprefix("Dockerfile"), parent)
    stage = final_stage(text)
    env = {name: value for name, value in stage.env.items() if name in ("GUNICORN_CMD_ARGS", "GRANIAN_INTERFACE")}
    found = _docker_command(stage, env, scripts)
    if found is not None:
        number, where, parsed = found
        yield Deployment(parsed, path, number, environment, f"Dockerfile {where}")


def final_stage(text: str) -> Stage:
    """The last stage (the one that runs): its ENV, CMD and ENTRYPOINT, inherited from the stage it is `FROM`."""
    stages: dict[str, Stage] = {}
    stage = Stage({})
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
            stage = Stage(dict(base.env), base.cmd, base.entrypoint) if base else Stage({})
            if len(words) >= 3 and words[-2].upper() == "AS":
                stages[words[-1].lower()] = stage
        elif instruction == "ENV":
            stage.env.update(_env_pairs(arguments))
        elif instruction == "CMD":
            stage.cmd = (number, _instruction_argv(arguments))
        elif instruction == "ENTRYPOINT":
            stage.entrypoint = (number, _instruction_argv(arguments))
    return stage


def _docker_command(stage: Stage, env: dict[str, str],
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
        name, script = entrypoint_script(entrypoint[1], scripts)
        if script is not None and cmd is not None and cmd_argv is not None:
            # `CMD ["gunicorn"]` naming an arm of the script's `case "$1" in`: what that arm runs serves
            sub = dispatched(script, cmd_argv, scripts)
            if sub is not None:
                if sub.server is None:
                    return None  # a sub-command that starts no server we can read (a worker, a shell)
                note = (f"`{cmd_argv[0]}` is a sub-command of the ENTRYPOINT script `{basename(name or '')}`: "
                        f"its `{sub.label})` arm (line {sub.line}) starts this")  # fmt: skip
                server = _with_prefix_text(sub.server, prefix)
                return cmd[0], "CMD", replace(server, notes=(*server.notes, note))
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
        unread = _unread_script(entrypoint[1] if entrypoint is not None else None, scripts)
        if unread is not None and parsed.app is None and parsed.config_file is None:
            # `CMD ["gunicorn"]` handed to an entrypoint script the repository does not hold: a sub-command of it
            # as likely as a command (baserow's starts gunicorn with the uvicorn worker), so no protocol
            note = (f"`{parsed.server}` names no app and is an argument of the ENTRYPOINT script `{unread}`, "
                    "which the repository does not hold: what it starts is unknown")  # fmt: skip
            parsed = parsed.with_protocol(UNKNOWN, note)
        return cmd[0], "CMD", parsed
    return None


def entrypoint_script(argv: list[str], scripts: ScriptLookup) -> tuple[str | None, str | None]:
    """(the word, the text) of the script an exec-form ENTRYPOINT runs, through init processes and a shell:
    `["/usr/bin/tini", "--", "/bin/bash", "/app/docker-entrypoint.sh"]`. (None, None) when it names none."""
    for word in argv:
        program = word.rsplit("/", 1)[-1]
        if program in COMMAND_PREFIXES or program in _SHELLS or word.startswith("-"):
            continue
        return word, scripts(word)
    return None, None


def _unread_script(entrypoint: list[str] | str | None, scripts: ScriptLookup) -> str | None:
    """The script an exec-form ENTRYPOINT runs when the repository does not hold it; None for anything else (no
    entrypoint, a launcher or server of ours, a script we read)."""
    if not isinstance(entrypoint, list):
        return None
    name, text = entrypoint_script(entrypoint, scripts)
    if name is None or text is not None or name.rsplit("/", 1)[-1] in LAUNCHERS or parse_argv([name]) is not None:
        return None
    return basename(name)


def _with_prefix_text(parsed: ServerCommand, prefix: list[str]) -> ServerCommand:
    """A server a script starts still sees the image's ENV (`GUNICORN_CMD_ARGS`)."""
    words = split_shell(parsed.command) if prefix else None
    return (parse_argv([*prefix, *words]) or parsed) if words else parsed


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
