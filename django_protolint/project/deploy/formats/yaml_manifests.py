"""YAML deployment files: Docker Compose, render.yaml, App Engine app.yaml, heroku.yml, uWSGI YAML, Kubernetes
workloads and Helm templates."""

from __future__ import annotations

import re
from dataclasses import replace

import yaml

from django_protolint.project.deploy import uwsgi
from django_protolint.project.deploy.base import (
    DEVELOPMENT,
    PRODUCTION,
    Deployment,
    DeploymentFormat,
    DeployProblem,
    Found,
    ScriptLookup,
    basename,
    environment_of,
)
from django_protolint.project.deploy.environment import compose_service_signal
from django_protolint.project.deploy.formats.follow import as_command


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
                    parsed = as_command(spec.get(key), scripts)
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
                if (parsed := as_command(spec.get("startCommand"), scripts)) is not None:
                    line = _node_line(node, "services", index, "startCommand") or 1
                    yield Deployment(parsed, path, line, PRODUCTION, f"render service `{spec.get('name', index)}`")
        elif "entrypoint" in data and isinstance(data.get("entrypoint"), str):  # App Engine app.yaml
            if (parsed := as_command(data["entrypoint"], scripts)) is not None:
                yield Deployment(parsed, path, _node_line(node, "entrypoint") or 1, PRODUCTION, "App Engine entrypoint")
        elif isinstance(data.get("run"), dict) and name.startswith("heroku."):  # heroku.yml
            web = data["run"].get("web")
            command = web.get("command") if isinstance(web, dict) else web
            if (parsed := as_command(command, scripts)) is not None:
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
        parsed = as_command(command) if command else None
        if parsed is not None:
            where = (*pod, "containers", index)
            line = _node_line(node, *where, "command") or _node_line(node, *where, "args") or 1
            yield Deployment(parsed, path, line, PRODUCTION, f"Kubernetes container `{container.get('name', '?')}`")


# YAML is everywhere (CI workflows, mkdocs, OpenAPI): only these names and directories are deployment files.
_DEPLOYMENT_YAML = re.compile(r"^((docker-)?compose[^/]*|render|app|fly|heroku|[^/]*uwsgi[^/]*)\.ya?ml$")
_MANIFEST_DIRECTORY = re.compile(r"(^|/)(k8s|kube|kubernetes|manifests|deploy|deployment|helm|charts|openshift)/")


def _is_deployment_yaml(path: str) -> bool:
    lowered = basename(path).lower()
    return lowered.endswith((".yml", ".yaml")) and bool(
        _DEPLOYMENT_YAML.match(lowered) or _MANIFEST_DIRECTORY.search(path.lower())
    )


FORMAT = DeploymentFormat("YAML (compose, render, app.yaml, heroku.yml, Kubernetes)", _is_deployment_yaml, read_yaml)
