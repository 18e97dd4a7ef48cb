"""What every deployment-file reader yields, and the small helpers they share.

A reader is `(path, text, scripts) -> Iterator[Deployment | DeployProblem]`: the servers a file starts, each
with the line to change, or a problem when the file cannot be read. Readers never raise for bad input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django_protolint.project.deploy.commands import ServerCommand

PRODUCTION, DEVELOPMENT = "production", "development"
_DEV_WORDS = re.compile(r"(^|[^a-z])(dev|develop|development|local|test|tests|testing|debug|ci)([^a-z]|$)", re.I)


@dataclass(frozen=True)
class Deployment:
    command: ServerCommand
    path: str
    line: int
    environment: str  # PRODUCTION or DEVELOPMENT
    where: str  # "Procfile process `web`", "Dockerfile CMD", "compose service `web`"
    # The configuration file the server loads (`uwsgi --ini uwsgi.ini`, gunicorn.conf.py), as (path, line),
    # when its settings completed the command: evidence next to the line that starts the server.
    config: tuple[str, int] | None = None
    # Why it counts as production or development (shown by `report`), and whether that is sure: a finding that
    # depends on an unsure production classification is `info` (see deploy/environment.py).
    why: str = ""
    certain: bool = True
    # A server only a template arm the defaults do not select starts (`cookiecutter.use_async == 'y'`): an
    # alternative rendering of the file, listed by the verdict, never counted nor reported (deploy/templated.py).
    alternative: str = ""


@dataclass(frozen=True)
class DeployProblem:
    kind: str  # "procfile" (a malformed Procfile line) or "parse" (a file we could not read)
    path: str
    line: int
    message: str


Found = Iterator[Deployment | DeployProblem]
ScriptLookup = Callable[[str], "str | None"]
Reader = Callable[[str, str, ScriptLookup], Found]


@dataclass(frozen=True)
class DeploymentFormat:
    """One kind of deployment file: which paths are one (`matches` sees the '/'-separated path relative to the
    linted tree) and how to read it. Each format lives in its own module under deploy/formats/."""

    name: str
    matches: Callable[[str], bool]
    read: Reader


# A line that is only a template tag (`{%- if cookiecutter.use_async == "y" %}`, `{# note #}`): Jinja, Django
# templates, cookiecutter. It is no content of the rendered file; the lines between tags are alternatives.
TEMPLATE_TAG_LINE = re.compile(r"^\s*\{[%#].*[%#]\}\s*$", re.M)
# A configuration template rendered at deploy time (Ansible's `.j2`, `gunicorn.service.tmpl`, nginx's official image
# `*.conf.template` for envsubst): read as the file it renders to, its `{{ ... }}` values unknown.
TEMPLATE_SUFFIX = re.compile(r"\.(j2|jinja2?|tmpl|tpl|template)$", re.I)
_TEMPLATE_VALUE = re.compile(r"\{\{[^\n]*?\}\}")


def template_stem(name: str) -> str:
    """`gunicorn.service.j2` → `gunicorn.service`; other names as they are."""
    return TEMPLATE_SUFFIX.sub("", name)


def unknown_template_values(text: str) -> str:
    """Each `{{ ... }}` written as a variable the readers already treat as an unknown value."""
    return _TEMPLATE_VALUE.sub("${TEMPLATE_VALUE}", text)


def environment_of(*names: str) -> str:
    return DEVELOPMENT if any(_DEV_WORDS.search(name) for name in names if name) else PRODUCTION


def directory_related(directory: str, root: str) -> bool:
    """A file in `directory` (a deployment or proxy configuration) sits above, in or below the project's root."""
    return (
        directory == "."
        or root == "."
        or root == directory
        or root.startswith(directory + "/")
        or directory.startswith(root + "/")
    )


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def line_of(text: str, pattern: str, after: str | None = None) -> int:
    """The first line matching `pattern`; with `after`, the first one below the line matching `after`."""
    start = line_of(text, after) if after is not None else 0
    for number, line in enumerate(text.splitlines(), start=1):
        if number > start and re.match(pattern, line.strip()):
            return number
    return 1


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Physical lines joined at trailing backslashes; yields (first line number, joined text).

    The first line keeps its indentation: a Makefile recipe is a line that starts with a tab."""
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not buffer:
            start = number
        if raw.rstrip().endswith("\\"):
            buffer.append(raw.rstrip()[:-1])
            continue
        buffer.append(raw)
        yield start, join_continued(buffer)
        buffer = []
    if buffer:
        yield start, join_continued(buffer)


def join_continued(parts: list[str]) -> str:
    return " ".join([parts[0].rstrip(), *(part.strip() for part in parts[1:])])
