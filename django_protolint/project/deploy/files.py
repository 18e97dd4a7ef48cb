"""Deployment files → the server commands they start, each with its file, line and whether it is production.

Every format is read with a real parser where one exists (YAML: `yaml.compose`/`safe_load`, TOML, INI:
configparser, JSON, shell: shlex). Commented-out lines are never evidence. A file that fails to parse becomes a
problem (reported, then skipped), never an exception.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, replace

import yaml

from django_protolint.config import load_toml_text
from django_protolint.knowledge.servers import GRANIAN_INTERFACES, PROGRAMMATIC_STARTS, UNKNOWN
from django_protolint.project.deploy import apache, unit, uwsgi
from django_protolint.project.deploy.base import (
    DEVELOPMENT,
    PRODUCTION,
    TEMPLATE_SUFFIX,
    TEMPLATE_TAG_LINE,
    Deployment,
    DeployProblem,
    Found,
    Reader,
    ScriptLookup,
    basename,
    environment_of,
    line_of,
    logical_lines,
    template_stem,
    unknown_template_values,
)
from django_protolint.project.deploy.commands import ServerCommand, parse_argv, parse_command
from django_protolint.project.deploy.environment import compose_service_signal, settle
from django_protolint.project.deploy.shell import expanded_lines
from django_protolint.project.deploy.templated import is_templated, read_templated
from django_protolint.source.facts import FileFacts


# ----------------------------------------------------------------------------- Procfile

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
        parsed = parse_command(command) or _via_script(command, scripts)
        if parsed is not None and not platform:
            # `honcho -f ProcfileMulti start` (or foreman) runs every process of an alternate Procfile: a server
            # under any name serves (`web:` gunicorn beside `ws:` daphne); no platform vouches for production.
            yield Deployment(parsed, path, number, environment, f"{basename(path)} process `{name}` (honcho/foreman)")
            continue
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
            parent = next((stages[word.lower()] for word in words if word.lower() in stages), None)
            stage = _Stage(dict(parent.env), parent.cmd, parent.entrypoint) if parent else _Stage({})
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
            parsed, from_arguments = _script_command(script, cmd_argv)
            if parsed is not None and from_arguments and cmd is not None:
                return cmd[0], "CMD", _with_prefix(parsed, cmd_argv, prefix)
            if parsed is not None:
                return entrypoint[0], "ENTRYPOINT", parsed
        elif cmd_argv is not None and (parsed := parse_argv([*prefix, *entrypoint[1], *cmd_argv])) is not None:
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
        if parsed is None and command and (target := _make_target(command, scripts)) is not None:
            return target
        if parsed is None and command:
            # `["bash", "./bin/start", "run"]` runs the script as much as `["./bin/start"]` does
            shell = command[0].rsplit("/", 1)[-1] in ("sh", "bash") and len(command) > 1
            script = scripts(command[1] if shell else command[0])
            if script is not None:
                parsed = _script_command(script, None)[0]
        return parsed
    # Quoted: `ENV GUNICORN_CMD_ARGS "-k uvicorn_worker.UvicornWorker"` is one value, not three words.
    prefix = " ".join(f"{name}={shlex.quote(value)}" for name, value in env.items())
    return parse_command(f"{prefix} {command}" if prefix else command) or _via_script(command, scripts)


def _via_script(command: str, scripts: ScriptLookup) -> ServerCommand | None:
    """`./bin/start.sh` or `sh entrypoint.sh`: follow the script if the project has it."""
    from django_protolint.project.deploy.commands import commands_in

    for argv in commands_in(command):
        if (target := _make_target(argv, scripts)) is not None:
            return target
        candidate = argv[1] if argv[0] in ("sh", "bash") and len(argv) > 1 else argv[0]
        script = scripts(candidate)
        if script is not None:
            return _script_command(script, None)[0]
    return None


def _script_command(script: str, arguments: list[str] | str | None) -> tuple[ServerCommand | None, bool]:
    """The server a script starts, and whether it is the one handed in as arguments (`exec "$@"`)."""
    found = None
    for _, line in expanded_lines(script):
        stripped = line.strip()
        if re.match(r'^exec\s+"?\$@"?\s*$', stripped) and arguments is not None:
            parsed = parse_argv(arguments) if isinstance(arguments, list) else parse_command(arguments)
            return parsed, True
        parsed = parse_command(stripped)
        if parsed is not None:
            found = parsed
    return found, False


# ----------------------------------------------------------------------------- shell scripts, Makefile, systemd


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


_MAKE_VALUE_OPTIONS = frozenset({"-f", "--file", "--makefile", "-C", "--directory", "-j", "--jobs", "-I", "-o", "-W"})


def _make_target(argv: list[str], scripts: ScriptLookup) -> ServerCommand | None:
    """`make serve` (`CMD ["make", "serve"]`, a Procfile's `web: make run`): the server the target's recipe
    starts, read from the Makefile `-f` names (else `Makefile`)."""
    if not argv or argv[0].rsplit("/", 1)[-1] not in ("make", "gmake"):
        return None
    makefile, target, index = "Makefile", None, 1
    while index < len(argv):
        word = argv[index]
        if word in _MAKE_VALUE_OPTIONS:
            makefile = argv[index + 1] if word in ("-f", "--file", "--makefile") and index + 1 < len(argv) else makefile
            index += 2
            continue
        if not word.startswith("-") and "=" not in word:
            target = word
            break
        index += 1
    text = scripts(makefile)
    if text is None:
        return None
    found = None
    for recipe_target, _, parsed in _recipes(text):
        if recipe_target == target or (target is None and found is None and recipe_target):
            found = parsed if recipe_target == target or target is None else found
    return found


def _recipes(text: str) -> Iterator[tuple[str, int, ServerCommand]]:
    """(target, line, server) for every recipe line of a Makefile that starts a server."""
    target = ""
    for number, line in logical_lines(text):
        if line.startswith("\t"):
            recipe = line.strip().lstrip("@-+")
            if (parsed := parse_command(recipe)) is not None:
                yield target, number, parsed
        elif (match := re.match(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", line)) is not None:
            target = match.group(1)


def read_makefile(path: str, text: str, scripts: ScriptLookup) -> Found:
    for target, number, parsed in _recipes(text):
        # Make targets are developer tooling unless named for production (or run by a production file, which
        # then reports the server at its own line: `CMD ["make", "serve"]`).
        environment = PRODUCTION if re.search(r"prod|deploy|release", target, re.I) else DEVELOPMENT
        yield Deployment(parsed, path, number, environment, f"Makefile target `{target}`")


def read_systemd(path: str, text: str, scripts: ScriptLookup) -> Found:
    for number, line in logical_lines(text):
        stripped = line.strip()
        # systemd ignores whitespace around `=`; `-`, `@`, `+`, `!`, `:` prefixes change how it runs, not what
        if (match := re.match(r"ExecStart\s*=\s*(.*)$", stripped)) is not None:
            command = match.group(1).lstrip("-@+!:")
            if (parsed := parse_command(command)) is not None:
                yield Deployment(parsed, path, number, environment_of(basename(path)), "systemd ExecStart")


# ----------------------------------------------------------------------------- INI: supervisor, uWSGI


def _ini(path: str, text: str) -> configparser.ConfigParser | DeployProblem:
    # uWSGI options without a value (`master`, `strict`, `die-on-term`) are flags: valid ini for uWSGI, whose
    # reader gives a key alone on its line an empty value, which turns a flag on (unbit/uwsgi core/ini.c); the keys after them must be read.
    parser = configparser.ConfigParser(interpolation=None, strict=False, allow_no_value=True)
    try:
        parser.read_string(text)
    except configparser.Error as error:
        # ParsingError keeps (line, text) pairs in `errors`; MissingSectionHeaderError has `lineno`
        errors = getattr(error, "errors", None) or [(getattr(error, "lineno", 1) or 1, "")]
        line, _ = errors[0]
        return DeployProblem("parse", path, line, f"cannot parse line {line} as INI")
    return parser


def read_ini(path: str, text: str, scripts: ScriptLookup) -> Found:
    if not re.search(r"^\s*\[(program:|fcgi-program:|watcher:|uwsgi\])", text, re.M):
        return  # tox.ini, pytest.ini, nginx.conf...: not deployment files of ours
    parser = _ini(path, text)
    if isinstance(parser, DeployProblem):
        yield parser
        return
    for section in parser.sections():
        if section.startswith(("program:", "fcgi-program:")) and parser.get(section, "command", fallback=None):
            parsed = parse_command(parser.get(section, "command"))
            if parsed is not None:
                line = line_of(text, r"command\s*[=:]", after=rf"\[{re.escape(section)}\]")
                yield Deployment(parsed, path, line, environment_of(section, basename(path)), f"supervisor [{section}]")
        if section.startswith("watcher:") and parser.get(section, "cmd", fallback=None):
            # circus: `cmd` is the program, `args` its arguments (circus docs, configuration.rst `[watcher:NAME]`)
            command = f"{parser.get(section, 'cmd')} {parser.get(section, 'args', fallback='') or ''}".strip()
            if (parsed := parse_command(command)) is not None:
                line = line_of(text, r"cmd\s*[=:]", after=rf"\[{re.escape(section)}\]")
                yield Deployment(parsed, path, line, environment_of(section, basename(path)), f"circus [{section}]")
        if section == "uwsgi":
            options = {name: "1" if value is None else value for name, value in parser.items(section)}
            yield uwsgi.deployment(path, options, line_of(text, r"\[uwsgi\]"))
            yield from _uwsgi_daemons(path, text)


# uWSGI starts and watches other processes for its master: `attach-daemon = daphne proj.asgi:application` runs a
# second server beside the WSGI workers (a split deployment in one file). `smart-attach-daemon` takes a pidfile
# first. The option may repeat, which configparser folds: read the section's lines. uwsgi-docs AttachingDaemons.rst
_UWSGI_DAEMON = re.compile(r"^(attach-daemon|attach-control-daemon|smart-attach-daemon2?)\s*[=:]\s*(.+)$")


def _uwsgi_daemons(path: str, text: str) -> Found:
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        elif section == "[uwsgi]" and (match := _UWSGI_DAEMON.match(stripped)) is not None:
            command = match.group(2)
            if match.group(1).startswith("smart-attach-daemon"):
                command = command.split(None, 1)[1] if " " in command else ""
            if (parsed := parse_command(command)) is not None:
                yield Deployment(parsed, path, number, environment_of(basename(path)), f"uWSGI {match.group(1)}")


def read_conf(path: str, text: str, scripts: ScriptLookup) -> Found:
    """`.conf` is Apache's (mod_wsgi), supervisor's and uWSGI's (INI), nginx's...: the content decides."""
    if apache.MOD_WSGI_DIRECTIVES.search(text):
        return apache.read_apache(path, text)
    return read_ini(path, text, scripts)


def read_apache(path: str, text: str, scripts: ScriptLookup) -> Found:
    return apache.read_apache(path, text)


def read_uwsgi_xml(path: str, text: str, scripts: ScriptLookup) -> Found:
    return uwsgi.read_xml(path, text)


# ----------------------------------------------------------------------------- YAML: compose, render, app.yaml, k8s


class _ComposeLoader(yaml.SafeLoader):
    """YAML as Docker Compose reads it: `!reset` (drop an inherited value) and `!override` (replace it whole) are
    its merge tags (Compose 2.24, docs.docker.com/reference/compose-file/merge/). Their value is kept as written;
    `!reset` makes it empty."""


_ComposeLoader.add_constructor("!reset", lambda loader, node: None)
_ComposeLoader.add_constructor(
    "!override",
    lambda loader, node: (loader.construct_mapping(node) if isinstance(node, yaml.MappingNode) else
                          loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else
                          loader.construct_scalar(node)),
)  # fmt: skip


def _yaml_documents(path: str, text: str) -> list[tuple[object, yaml.Node | None]] | DeployProblem:
    try:
        nodes = list(yaml.compose_all(text, Loader=_ComposeLoader))
        values = list(yaml.load_all(text, Loader=_ComposeLoader))  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        # The context mark is where the broken construct starts (an unclosed `[`); the problem mark is often EOF.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        return DeployProblem("parse", path, (mark.line + 1) if mark else 1, f"invalid YAML: {error}".splitlines()[0])
    return list(zip(values, nodes)) if len(values) == len(nodes) else [(v, None) for v in values]


def _child(node: yaml.Node | None, key: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    """One step down a composed YAML tree: (the key's node, the value's node). A mapping key also looks
    through `<<: *anchor` merges, so an inherited command is found where the anchor writes it."""
    if isinstance(key, int):
        if isinstance(node, yaml.SequenceNode) and key < len(node.value):
            return node.value[key], node.value[key]
        return None, None
    if not isinstance(node, yaml.MappingNode):
        return None, None
    merged: list[yaml.Node] = []
    for name, value in node.value:
        if getattr(name, "value", None) == key:
            return name, value
        if getattr(name, "tag", None) == "tag:yaml.org,2002:merge":
            merged.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
    return next((found for base in merged if (found := _child(base, key))[1] is not None), (None, None))


def _node_line(node: yaml.Node | None, *keys: str | int) -> int | None:
    """The line of the last key (`command:`, not the first item of the block list under it)."""
    name: yaml.Node | None = None
    for key in keys:
        name, node = _child(node, key)
    return name.start_mark.line + 1 if name is not None else None


def _as_command(value: object, scripts: ScriptLookup | None = None) -> ServerCommand | None:
    if isinstance(value, str):
        return parse_command(value) or (_via_script(value, scripts) if scripts else None)
    if isinstance(value, list) and value and all(isinstance(item, (str, int)) for item in value):
        argv = [str(item) for item in value]
        parsed = parse_argv(argv)
        if parsed is None and scripts is not None and (script := scripts(argv[0])) is not None:
            parsed = _script_command(script, None)[0]  # cookiecutter-django's `command: /start`
        return parsed
    return None


# Render service types that receive HTTP; `worker` and `cron` do not.
_RENDER_HTTP_TYPES = ("web", "pserv", None)


# A line that holds only Go-template actions (`{{- if .Values.ingress.enabled }}`, `{{- toYaml . | nindent 12 }}`,
# `{{- end }}`) and an action inside a line (`image: {{ .Values.image }}`): Helm's `templates/*.yaml`.
_GO_ACTIONS_LINE = re.compile(r"^\s*(\{\{-?.*?-?\}\}\s*)+$")
_GO_ACTION = re.compile(r"\{\{-?.*?-?\}\}")


_GO_OPEN = re.compile(r"^\{\{-?\s*(if|with|range|define|block)\b")
_GO_ELSE = re.compile(r"^\{\{-?\s*else\b")
_GO_END = re.compile(r"^\{\{-?\s*end\b")


def _go_template_as_yaml(text: str) -> str:
    """A Helm template read as YAML, line for line: action-only lines blanked, the first arm of each
    `if`/`else` kept for the file (which arm a rendering keeps is unknown), each inline action an unknown value."""
    lines: list[str] = []
    arms: list[bool] = []  # per open block: are we past its first arm?
    for line in text.split("\n"):
        stripped = line.strip()
        if _GO_ACTIONS_LINE.match(line):
            if _GO_OPEN.match(stripped):
                arms.append(False)
            elif _GO_ELSE.match(stripped) and arms:
                arms[-1] = True
            elif _GO_END.match(stripped) and arms:
                arms.pop()
            lines.append("")
        elif any(arms):
            lines.append("")
        else:
            lines.append(_GO_ACTION.sub("TEMPLATE_VALUE", line))
    return "\n".join(lines)


def read_yaml(path: str, text: str, scripts: ScriptLookup) -> Found:
    documents = _yaml_documents(path, text)
    if isinstance(documents, DeployProblem):
        if "{{" not in text:
            yield documents
            return
        # Helm and other Go templates are not YAML until rendered: read them with their values unknown, and when
        # even that is no YAML, they are no evidence (and no problem of the project's)
        rendered = _go_template_as_yaml(text)
        documents = _yaml_documents(path, rendered)
        if isinstance(documents, DeployProblem):
            return
        for entry in _yaml_deployments(path, rendered, documents, scripts):
            if isinstance(entry, Deployment):
                entry = replace(entry, certain=False, why=f"`{basename(path)}` is a Helm/Go template: its values "
                                "and the arms a rendering keeps are unknown")  # fmt: skip
            yield entry
        return
    yield from _yaml_deployments(path, text, documents, scripts)


def _yaml_deployments(path: str, text: str, documents: list[tuple[object, yaml.Node | None]],
                      scripts: ScriptLookup) -> Found:  # fmt: skip
    name = basename(path)
    for data, node in documents:
        if not isinstance(data, dict):
            continue
        if isinstance(data.get("uwsgi"), dict) and "uwsgi" in name:  # `uwsgi --yaml uwsgi.yaml`
            yield uwsgi.deployment(path, uwsgi.from_mapping(data["uwsgi"]), _node_line(node, "uwsgi") or 1)
        elif isinstance(data.get("services"), dict):  # docker compose
            for service, spec in data["services"].items():
                if not isinstance(spec, dict):
                    continue
                for key in ("command", "entrypoint"):
                    parsed = _as_command(spec.get(key), scripts)
                    if parsed is not None:
                        line = (_node_line(node, "services", str(service), key)
                                or _node_line(node, "services", str(service)) or 1)  # fmt: skip
                        environment = environment_of(str(service), name.replace("override", "dev"))
                        found = Deployment(parsed, path, line, environment, f"compose service `{service}`")
                        signal = compose_service_signal(spec, parsed.command, path)
                        if environment_of(str(service)) == DEVELOPMENT:
                            found = replace(found, why=f"the service name `{service}` marks development")
                        elif signal is not None:
                            found = replace(found, environment=DEVELOPMENT, why=signal)
                        yield found
                        break
        elif isinstance(data.get("services"), list):  # render.yaml
            for index, spec in enumerate(data["services"]):
                if not isinstance(spec, dict) or spec.get("type") not in _RENDER_HTTP_TYPES:
                    continue
                if (parsed := _as_command(spec.get("startCommand"), scripts)) is not None:
                    line = _node_line(node, "services", index, "startCommand") or 1
                    yield Deployment(parsed, path, line, PRODUCTION, f"render service `{spec.get('name', index)}`")
        elif "entrypoint" in data and isinstance(data.get("entrypoint"), str):  # App Engine app.yaml
            if (parsed := _as_command(data["entrypoint"], scripts)) is not None:
                yield Deployment(parsed, path, _node_line(node, "entrypoint") or 1, PRODUCTION, "App Engine entrypoint")
        elif isinstance(data.get("run"), dict) and name.startswith("heroku."):  # heroku.yml
            web = data["run"].get("web")
            command = web.get("command") if isinstance(web, dict) else web
            if (parsed := _as_command(command, scripts)) is not None:
                line = _node_line(node, "run", "web") or 1
                yield Deployment(parsed, path, line, PRODUCTION, "heroku.yml process `web`")
        elif data.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "Pod", "ReplicaSet"):
            yield from _kubernetes(path, data, node)


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _kubernetes(path: str, data: dict, node: yaml.Node | None) -> Found:
    spec = data.get("spec", {}) if isinstance(data.get("spec"), dict) else {}
    pod = ("spec",) if data.get("kind") == "Pod" else ("spec", "template", "spec")
    template = spec if data.get("kind") == "Pod" else spec.get("template")
    template = template.get("spec") if isinstance(template, dict) and data.get("kind") != "Pod" else template
    containers = template.get("containers", []) if isinstance(template, dict) else []
    for index, container in enumerate(containers if isinstance(containers, list) else []):
        if not isinstance(container, dict):
            continue
        # `command` replaces the image's ENTRYPOINT, `args` its CMD
        command = [*_list(container.get("command")), *_list(container.get("args"))]
        parsed = _as_command(command) if command else None
        if parsed is not None:
            where = (*pod, "containers", index)
            line = _node_line(node, *where, "command") or _node_line(node, *where, "args") or 1
            yield Deployment(parsed, path, line, PRODUCTION, f"Kubernetes container `{container.get('name', '?')}`")


# ----------------------------------------------------------------------------- TOML / JSON


def read_fly_toml(path: str, text: str, scripts: ScriptLookup) -> Found:
    data = load_toml_text(text)
    if data is None:
        yield DeployProblem("parse", path, 1, "invalid TOML")
        return
    processes = data.get("processes") if isinstance(data.get("processes"), dict) else {}
    for name, command in processes.items():
        if (parsed := _as_command(command)) is not None:
            line = line_of(text, rf"[\"']?{re.escape(str(name))}[\"']?\s*=", after=r"\[processes\]")
            yield Deployment(parsed, path, line, environment_of(str(name)), f"fly process `{name}`")
    experimental = data.get("experimental") if isinstance(data.get("experimental"), dict) else {}
    if (parsed := _as_command(experimental.get("cmd"))) is not None:
        line = line_of(text, r"cmd\s*=", after=r"\[experimental\]")
        yield Deployment(parsed, path, line, PRODUCTION, "fly [experimental] cmd")


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


# YAML is everywhere (CI workflows, mkdocs, OpenAPI): only these names and directories are deployment files.
_DEPLOYMENT_YAML = re.compile(r"^((docker-)?compose[^/]*|render|app|fly|heroku|[^/]*uwsgi[^/]*)\.ya?ml$")
_MANIFEST_DIRECTORY = re.compile(r"(^|/)(k8s|kube|kubernetes|manifests|deploy|deployment|helm|charts|openshift)/")

# Apache's configuration directories; NGINX Unit's Docker image loads every `*.json` in /docker-entrypoint.d/.
_APACHE_DIRECTORY = re.compile(r"(^|/)(apache2?|httpd|sites-available|sites-enabled|vhosts?)/")
_UNIT_DIRECTORY = re.compile(r"(^|/)docker-entrypoint\.d/[^/]+$")

# `Procfile.md` explains a Procfile; `Procfile.dev`, `Procfile.worker` are Procfiles.
_DOCUMENTS = (".md", ".rst", ".txt", ".html")


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
        command = ServerCommand(server, protocol, start.app, options.get("interface") if server == "granian" else None,
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


def reader_for(path: str) -> Reader | None:
    name = basename(path)
    if TEMPLATE_SUFFIX.search(name) and template_stem(name):
        return reader_for(template_stem(path))
    lowered = name.lower()
    if name.startswith("Procfile") and re.fullmatch(r"Procfile([._-]?\w+)*", name) and not lowered.endswith(_DOCUMENTS):
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
    if lowered.endswith(".ini"):
        return read_ini
    if lowered.endswith(".conf"):
        return read_conf
    if lowered == ".htaccess" or _APACHE_DIRECTORY.search(path) and "." not in name:
        return read_apache  # Debian's sites-available/ files had no extension before Apache 2.4
    if lowered.endswith(".xml") and "uwsgi" in lowered:
        return read_uwsgi_xml
    if lowered.endswith(".json") and (lowered in ("app.json", "config.json") or _OWN_JSON.search(lowered)
                                      or _UNIT_DIRECTORY.search(path)):  # fmt: skip
        return read_json
    if lowered == "fly.toml":
        return read_fly_toml
    if lowered == "package.json":
        return read_package_json
    return None


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
        found = [settle(entry, text, top) if isinstance(entry, Deployment) else entry for entry in reader(path, text, scripts)]
        if TEMPLATE_SUFFIX.search(basename(path)):
            found = [_rendered_later(entry, path) if isinstance(entry, Deployment) else entry for entry in found]
        return found
    except Exception as error:  # noqa: BLE001 - one garbled file must not stop the run
        return [DeployProblem("parse", path, 1, f"cannot read this file ({type(error).__name__}: {error})")]
