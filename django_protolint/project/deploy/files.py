"""Deployment files → the server commands they start, each with its file, line and whether it is production.

Every format is read with a real parser where one exists (YAML: `yaml.compose`/`safe_load`, TOML, INI:
configparser, JSON, shell: shlex). Commented-out lines are never evidence. A file that fails to parse becomes a
problem (reported, then skipped), never an exception.
"""

from __future__ import annotations

import configparser
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import yaml

from django_protolint.config import load_toml_text
from django_protolint.project.deploy.commands import ServerCommand, parse_argv, parse_command

PRODUCTION, DEVELOPMENT = "production", "development"
_DEV_WORDS = re.compile(r"(^|[^a-z])(dev|develop|development|local|test|tests|testing|debug|ci)([^a-z]|$)", re.I)


@dataclass(frozen=True)
class Deployment:
    command: ServerCommand
    path: str
    line: int
    environment: str  # PRODUCTION or DEVELOPMENT
    where: str  # "Procfile process `web`", "Dockerfile CMD", "compose service `web`"


@dataclass(frozen=True)
class DeployProblem:
    kind: str  # "procfile" (a malformed Procfile line) or "parse" (a file we could not read)
    path: str
    line: int
    message: str


Found = Iterator[Deployment | DeployProblem]


def _environment(*names: str) -> str:
    return DEVELOPMENT if any(_DEV_WORDS.search(name) for name in names if name) else PRODUCTION


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Physical lines joined at trailing backslashes; yields (first line number, joined text)."""
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not buffer:
            start = number
        if raw.rstrip().endswith("\\"):
            buffer.append(raw.rstrip()[:-1])
            continue
        buffer.append(raw)
        yield start, " ".join(part.strip() for part in buffer)
        buffer = []
    if buffer:
        yield start, " ".join(part.strip() for part in buffer)


# ----------------------------------------------------------------------------- Procfile

_PROCESS = re.compile(r"^([A-Za-z0-9_-]+):\s*(.*)$")


def read_procfile(path: str, text: str, scripts: ScriptLookup) -> Found:
    environment = _environment(_basename(path).removeprefix("Procfile"))
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _PROCESS.match(stripped)
        if match is None or not match.group(2).strip():
            yield DeployProblem("procfile", path, number, f"not a `name: command` line: {stripped[:60]!r}")
            continue
        name, command = match.group(1), match.group(2)
        if name != "web":
            continue  # only `web` receives HTTP traffic on Heroku-style platforms
        parsed = parse_command(command) or _via_script(command, scripts)
        if parsed is not None:
            yield Deployment(parsed, path, number, environment, f"Procfile process `{name}`")


# ----------------------------------------------------------------------------- Dockerfile


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


def read_dockerfile(path: str, text: str, scripts: ScriptLookup) -> Found:
    environment = _environment(_basename(path).removeprefix("Dockerfile"), path.rsplit("/", 1)[0])
    env: dict[str, str] = {}
    cmd: tuple[int, list[str] | str] | None = None
    entrypoint: tuple[int, list[str] | str] | None = None
    for number, line in _logical_lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        instruction, _, arguments = stripped.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":  # a new stage: only the last one runs
            env, cmd, entrypoint = {}, None, None
        elif instruction == "ENV":
            env.update(_env_pairs(arguments))
        elif instruction == "CMD":
            cmd = (number, _instruction_argv(arguments))
        elif instruction == "ENTRYPOINT":
            entrypoint = (number, _instruction_argv(arguments))
    prefix = [f"{name}={value}" for name, value in env.items() if name in ("GUNICORN_CMD_ARGS", "GRANIAN_INTERFACE")]
    candidates: list[tuple[int, str, ServerCommand | None]] = []
    if entrypoint is not None:
        parsed = _run(entrypoint[1], prefix, scripts, cmd[1] if cmd else None)
        candidates.append((entrypoint[0], "ENTRYPOINT", parsed))
    if cmd is not None:
        candidates.append((cmd[0], "CMD", _run(cmd[1], prefix, scripts, None)))
    for number, where, parsed in candidates:
        if parsed is not None:
            yield Deployment(parsed, path, number, environment, f"Dockerfile {where}")
            return


def _env_pairs(arguments: str) -> dict[str, str]:
    from django_protolint.project.deploy.commands import split_shell

    tokens = split_shell(arguments) or []
    if len(tokens) >= 2 and "=" not in tokens[0]:
        return {tokens[0]: " ".join(tokens[1:])}  # legacy `ENV NAME value`
    return dict(token.split("=", 1) for token in tokens if "=" in token)


def _run(command: list[str] | str, prefix: list[str], scripts: ScriptLookup,
         arguments: list[str] | str | None) -> ServerCommand | None:  # fmt: skip
    if isinstance(command, list):
        parsed = parse_argv([*prefix, *command])
        if parsed is None and command:
            script = scripts(command[0])
            if script is not None:
                parsed = _script_command(script, arguments)
        return parsed
    text = " ".join([*prefix, command]) if prefix else command
    return parse_command(text) or _via_script(command, scripts)


def _via_script(command: str, scripts: ScriptLookup) -> ServerCommand | None:
    """`./bin/start.sh` or `sh entrypoint.sh`: follow the script if the project has it."""
    from django_protolint.project.deploy.commands import commands_in

    for argv in commands_in(command):
        candidate = argv[1] if argv[0] in ("sh", "bash") and len(argv) > 1 else argv[0]
        script = scripts(candidate)
        if script is not None:
            return _script_command(script, None)
    return None


def _script_command(script: str, arguments: list[str] | str | None) -> ServerCommand | None:
    found = None
    for _, line in _logical_lines(script):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if re.match(r'^exec\s+"?\$@"?\s*$', stripped) and arguments is not None:
            return parse_argv(arguments) if isinstance(arguments, list) else parse_command(arguments)
        parsed = parse_command(stripped)
        if parsed is not None:
            found = parsed
    return found


# ----------------------------------------------------------------------------- shell scripts, Makefile, systemd


def read_shell_script(path: str, text: str, scripts: ScriptLookup) -> Found:
    environment = _environment(_basename(path))
    last: tuple[int, ServerCommand] | None = None
    for number, line in _logical_lines(text):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and (parsed := parse_command(stripped)) is not None:
            last = (number, parsed)
    if last is not None:
        yield Deployment(last[1], path, last[0], environment, "shell script")


def read_makefile(path: str, text: str, scripts: ScriptLookup) -> Found:
    target = ""
    for number, line in _logical_lines(text):
        if line.startswith("\t"):
            recipe = line.strip().lstrip("@-+")
            if (parsed := parse_command(recipe)) is not None:
                # Make targets are developer tooling unless named for production.
                environment = PRODUCTION if re.search(r"prod|deploy|release", target, re.I) else DEVELOPMENT
                yield Deployment(parsed, path, number, environment, f"Makefile target `{target}`")
        elif (match := re.match(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", line)) is not None:
            target = match.group(1)


def read_systemd(path: str, text: str, scripts: ScriptLookup) -> Found:
    for number, line in _logical_lines(text):
        stripped = line.strip()
        if stripped.startswith("ExecStart="):
            command = stripped.removeprefix("ExecStart=").lstrip("-@+!:")
            if (parsed := parse_command(command)) is not None:
                yield Deployment(parsed, path, number, _environment(_basename(path)), "systemd ExecStart")


# ----------------------------------------------------------------------------- INI: supervisor, uWSGI


def _ini(path: str, text: str) -> configparser.ConfigParser | DeployProblem:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as error:
        return DeployProblem("parse", path, getattr(error, "lineno", 1) or 1, f"cannot parse: {error.message}")
    return parser


def _line_of(text: str, pattern: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line.strip()):
            return number
    return 1


def read_ini(path: str, text: str, scripts: ScriptLookup) -> Found:
    if not re.search(r"^\s*\[(program:|fcgi-program:|uwsgi\])", text, re.M):
        return  # tox.ini, pytest.ini, nginx.conf...: not deployment files of ours
    parser = _ini(path, text)
    if isinstance(parser, DeployProblem):
        yield parser
        return
    for section in parser.sections():
        if section.startswith(("program:", "fcgi-program:")) and parser.has_option(section, "command"):
            parsed = parse_command(parser.get(section, "command"))
            if parsed is not None:
                yield Deployment(parsed, path, _line_of(text, r"command\s*="), _environment(section, _basename(path)),
                                 f"supervisor [{section}]")  # fmt: skip
        if section == "uwsgi":
            app = next((parser.get(section, key) for key in ("module", "wsgi", "wsgi-file", "file", "mount")
                        if parser.has_option(section, key)), None)  # fmt: skip
            command = ServerCommand("uwsgi", "wsgi", app, None, f"uwsgi --ini {_basename(path)}")
            yield Deployment(command, path, _line_of(text, r"\[uwsgi\]"), _environment(_basename(path)), "uWSGI ini")


# ----------------------------------------------------------------------------- YAML: compose, render, app.yaml, k8s


def _yaml_documents(path: str, text: str) -> list[tuple[object, yaml.Node | None]] | DeployProblem:
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        values = list(yaml.safe_load_all(text))
    except yaml.YAMLError as error:
        # The context mark is where the broken construct starts (an unclosed `[`); the problem mark is often EOF.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        return DeployProblem("parse", path, (mark.line + 1) if mark else 1, f"invalid YAML: {error}".splitlines()[0])
    return list(zip(values, nodes)) if len(values) == len(nodes) else [(v, None) for v in values]


def _node_line(node: yaml.Node | None, *keys: str) -> int | None:
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((value for name, value in node.value if getattr(name, "value", None) == key), None)
    return node.start_mark.line + 1 if node is not None else None


def _as_command(value: object) -> ServerCommand | None:
    if isinstance(value, str):
        return parse_command(value)
    if isinstance(value, list) and all(isinstance(item, (str, int)) for item in value):
        return parse_argv([str(item) for item in value])
    return None


def read_yaml(path: str, text: str, scripts: ScriptLookup) -> Found:
    documents = _yaml_documents(path, text)
    if isinstance(documents, DeployProblem):
        yield documents
        return
    name = _basename(path)
    for data, node in documents:
        if not isinstance(data, dict):
            continue
        if isinstance(data.get("services"), dict):  # docker compose
            for service, spec in data["services"].items():
                if not isinstance(spec, dict):
                    continue
                for key in ("command", "entrypoint"):
                    parsed = _as_command(spec.get(key))
                    if parsed is not None:
                        line = _node_line(node, "services", str(service), key) or _node_line(node, "services") or 1
                        environment = _environment(str(service), name.replace("override", "dev"))
                        yield Deployment(parsed, path, line, environment, f"compose service `{service}`")
                        break
        elif isinstance(data.get("services"), list):  # render.yaml
            for index, spec in enumerate(data["services"]):
                if isinstance(spec, dict) and (parsed := _as_command(spec.get("startCommand"))) is not None:
                    yield Deployment(parsed, path, _line_of(text, r"-?\s*startCommand:"), PRODUCTION,
                                     f"render service `{spec.get('name', index)}`")  # fmt: skip
        elif "entrypoint" in data and isinstance(data.get("entrypoint"), str):  # App Engine app.yaml
            if (parsed := parse_command(data["entrypoint"])) is not None:
                yield Deployment(parsed, path, _node_line(node, "entrypoint") or 1, PRODUCTION, "App Engine entrypoint")
        elif data.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "Pod", "ReplicaSet"):
            yield from _kubernetes(path, text, data)


def _kubernetes(path: str, text: str, data: dict) -> Found:
    spec = data.get("spec", {}) if isinstance(data.get("spec"), dict) else {}
    template = spec.get("template", {}).get("spec", {}) if data.get("kind") != "Pod" else spec
    for container in template.get("containers", []) if isinstance(template, dict) else []:
        if not isinstance(container, dict):
            continue
        command = [*(container.get("command") or []), *(container.get("args") or [])]
        parsed = _as_command(command) if command else None
        if parsed is not None:
            yield Deployment(parsed, path, _line_of(text, r"-?\s*command:"), PRODUCTION,
                             f"Kubernetes container `{container.get('name', '?')}`")  # fmt: skip


# ----------------------------------------------------------------------------- TOML / JSON


def read_fly_toml(path: str, text: str, scripts: ScriptLookup) -> Found:
    data = load_toml_text(text)
    if data is None:
        yield DeployProblem("parse", path, 1, "invalid TOML")
        return
    processes = data.get("processes") if isinstance(data.get("processes"), dict) else {}
    for name, command in processes.items():
        if (parsed := _as_command(command)) is not None:
            yield Deployment(parsed, path, _line_of(text, rf"{re.escape(str(name))}\s*="), _environment(str(name)),
                             f"fly process `{name}`")  # fmt: skip
    experimental = data.get("experimental") if isinstance(data.get("experimental"), dict) else {}
    if (parsed := _as_command(experimental.get("cmd"))) is not None:
        yield Deployment(parsed, path, _line_of(text, r"cmd\s*="), PRODUCTION, "fly [experimental] cmd")


def read_package_json(path: str, text: str, scripts: ScriptLookup) -> Found:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        yield DeployProblem("parse", path, error.lineno, f"invalid JSON: {error.msg}")
        return
    for name, command in (data.get("scripts") or {}).items() if isinstance(data, dict) else ():
        if isinstance(command, str) and (parsed := parse_command(command)) is not None:
            environment = PRODUCTION if re.search(r"prod", name, re.I) else DEVELOPMENT
            yield Deployment(parsed, path, _line_of(text, rf'"{re.escape(name)}"\s*:'), environment,
                             f"package.json script `{name}`")  # fmt: skip


# YAML is everywhere (CI workflows, mkdocs, OpenAPI): only these names and directories are deployment files.
_DEPLOYMENT_YAML = re.compile(r"^((docker-)?compose[^/]*|render|app|fly|heroku)\.ya?ml$")
_MANIFEST_DIRECTORY = re.compile(r"(^|/)(k8s|kube|kubernetes|manifests|deploy|deployment|helm|charts|openshift)/")

ScriptLookup = Callable[[str], "str | None"]
Reader = Callable[[str, str, ScriptLookup], Found]


def reader_for(path: str) -> Reader | None:
    name = _basename(path)
    lowered = name.lower()
    if name == "Procfile" or name.startswith("Procfile."):
        return read_procfile
    if name.startswith(("Dockerfile", "Containerfile")) or lowered.endswith((".dockerfile", ".containerfile")):
        return read_dockerfile
    if lowered.endswith((".yml", ".yaml")) and (
        _DEPLOYMENT_YAML.match(lowered) or _MANIFEST_DIRECTORY.search(path.lower())
    ):
        return read_yaml
    if lowered.endswith(".sh") or lowered in ("entrypoint", "docker-entrypoint", "start", "run"):
        return read_shell_script
    if name in ("Makefile", "makefile", "GNUmakefile"):
        return read_makefile
    if lowered.endswith(".service"):
        return read_systemd
    if lowered.endswith((".ini", ".conf")):
        return read_ini
    if lowered == "fly.toml":
        return read_fly_toml
    if lowered == "package.json":
        return read_package_json
    return None


def read_deployment(path: str, text: str, scripts: ScriptLookup) -> list[Deployment | DeployProblem]:
    reader = reader_for(path)
    if reader is None:
        return []
    try:
        return list(reader(path, text, scripts))
    except Exception as error:  # noqa: BLE001 - one garbled file must not stop the run
        return [DeployProblem("parse", path, 1, f"cannot read this file ({type(error).__name__}: {error})")]
