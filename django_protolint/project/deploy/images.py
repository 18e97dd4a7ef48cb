"""Helm values that run an image the repository builds with arguments only: `args: ["gunicorn-wsgi"]`.

Kubernetes `args` replace the image's CMD and keep its ENTRYPOINT ("If you supply only args for a Container, the
default Entrypoint defined in the Docker image is run with the args that you supplied",
kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/). baserow's chart runs its
backend image twice, `args: ["gunicorn"]` (ASGI) and `args: [gunicorn-wsgi, --timeout, "120"]` (WSGI): each is a
sub-command of the image's entrypoint script (deploy/dispatch.py), and together they split the traffic.

A chart's values name the image (`image: {repository: backend}`), not the Dockerfile: the image is the repository's
Dockerfile whose directory has the image's name (`backend/Dockerfile` for `backend`, `baserow/backend:1.2`), and
only when exactly one does. Anything less certain is no evidence.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace

from django_protolint.project.deploy.base import PRODUCTION, Deployment, ScriptLookup, basename, environment_of
from django_protolint.project.deploy.commands import ServerCommand
from django_protolint.project.deploy.dispatch import dispatched
from django_protolint.project.deploy.environment import settle
from django_protolint.project.deploy.formats.dockerfile import entrypoint_script, final_stage
from django_protolint.project.deploy.formats.yaml_manifests import _node_line, _yaml_documents

_VALUES = re.compile(r"^values[^/]*\.ya?ml$")


def image_arguments(texts: Mapping[str, str], scripts: ScriptLookup, top: str | None = None) -> Iterator[Deployment]:
    """The servers the Helm values of the tree start by handing arguments to an image the repository builds."""
    dockerfiles = [path for path in texts if basename(path).startswith(("Dockerfile", "Containerfile"))]
    for path, text in sorted(texts.items()):
        if not _VALUES.match(basename(path)) or posixpath.join(_directory(path), "Chart.yaml") not in texts:
            continue
        documents = _yaml_documents(path, text)
        if not isinstance(documents, list):
            continue
        for data, node in documents:
            if not isinstance(data, dict):
                continue
            for key, component in data.items():
                if not isinstance(component, dict) or "command" in component:
                    continue  # `command` replaces the ENTRYPOINT: not a sub-command of it
                arguments = component.get("args")
                image = _image_name(component.get("image"))
                if image is None or not isinstance(arguments, list) or not _words(arguments):
                    continue
                dockerfile = _dockerfile_of(image, dockerfiles)
                if dockerfile is None:
                    continue
                found = _served(dockerfile, texts[dockerfile], [str(word) for word in arguments], scripts)
                if found is None:
                    continue
                server, note = found
                line = _node_line(node, str(key), "args") or 1
                environment = environment_of(str(key))
                deployment = Deployment(replace(server, notes=(*server.notes, note)), path, line, environment,
                                        f"Helm values `{key}` (image of {dockerfile})")  # fmt: skip
                if environment == PRODUCTION:
                    deployment = settle(deployment, "", top)
                    # the image is matched to its Dockerfile by name: likely, not read
                    why = f"{deployment.why}; image `{image}` taken to be built by {dockerfile}"
                    deployment = replace(deployment, why=why.lstrip("; "), certain=False)
                yield deployment


def _words(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, (str, int)) for item in value)


def _image_name(image: object) -> str | None:
    """`{repository: backend}` or `baserow/backend:1.2` → `backend`."""
    if isinstance(image, dict):
        image = image.get("repository")
    if not isinstance(image, str) or not image or "{" in image or "$" in image:
        return None
    name = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return name.split(":", 1)[0] or None


def _directory(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else "."


def _dockerfile_of(image: str, dockerfiles: list[str]) -> str | None:
    matches = [path for path in dockerfiles if basename(_directory(path)) == image]
    return matches[0] if len(matches) == 1 else None


def _served(
    dockerfile: str, text: str, arguments: list[str], scripts: ScriptLookup
) -> tuple[ServerCommand, str] | None:
    entrypoint = final_stage(text).entrypoint
    if entrypoint is None or not isinstance(entrypoint[1], list):
        return None
    name, script = entrypoint_script(entrypoint[1], scripts)
    if script is None:
        return None
    sub = dispatched(script, arguments, scripts)
    if sub is None or sub.server is None:
        return None
    note = (f"`{arguments[0]}` is a sub-command of {dockerfile}'s ENTRYPOINT script `{basename(name or '')}`: "
            f"its `{sub.label})` arm (line {sub.line}) starts this")  # fmt: skip
    return sub.server, note
