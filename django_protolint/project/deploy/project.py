"""Joining deployment commands to the project: which project a command serves, and what gunicorn.conf.py adds.

Given the files it needs (by path, by module name), not the project model: the model builds its deployments
with these functions, and a module the model imports must not need the model back (issue 14 §4).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from django_protolint.project.deploy.base import DEVELOPMENT, PRODUCTION, directory_related
from django_protolint.project.deploy.commands import gunicorn_command
from django_protolint.project.deploy.files import Deployment, DeployProblem
from django_protolint.project.evaluate import evaluate_module
from django_protolint.project.modules import source_root

if TYPE_CHECKING:
    from django_protolint.project.django_project import DjangoProject
    from django_protolint.source.facts import FileFacts


def _directory(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else "."


def _app_module(app: str) -> str:
    module = app.split(":", 1)[0]
    if module.endswith(".py"):
        module = module[:-3].replace("/", ".")
    return module.strip(".")


def belongs_to(deployment: Deployment, project: DjangoProject, modules: Mapping[str, Sequence[FileFacts]],
               files: Sequence[FileFacts]) -> bool:  # fmt: skip
    """By the app it serves when we can find that module (`modules`: files by module name); else by where the
    deployment file sits."""
    directory = _directory(deployment.path)
    app = deployment.command.app
    if app:
        module = _app_module(app)
        candidates = list(modules.get(module, []))
        if not candidates:  # `src/proj/wsgi.py` given as a path: match on the last two parts
            tail = module.split(".")[-2:]
            candidates = [f for f in files if f.module.split(".")[-2:] == tail and len(tail) == 2]
        roots = {source_root(facts) for facts in candidates}
        if roots:
            # Two projects with the same module names (a monorepo): the deployment file's place decides.
            near = {root for root in roots if directory_related(directory, root)}
            return project.root in (near or roots)
    return directory_related(directory, project.root)


def _project_path(wanted: str, directory: str, paths: Collection[str]) -> str | None:
    """The project file a command names, relative to the directory of the deployment file (where the command
    runs in the usual layouts: the Dockerfile's context, the Procfile's app root). An absolute path inside the
    image (`/app/deploy/uwsgi.ini`) is matched by its tail."""
    parts = [part for part in wanted.split("/") if part not in ("", ".")]
    tails = [parts[index:] for index in range(len(parts))] if wanted.startswith("/") else [parts]
    for tail in tails:
        candidate = posixpath.normpath(posixpath.join(directory, *tail)) if tail else None
        if candidate in paths:
            return candidate
    return None


def _config_file(option: str | None, directory: str, by_path: Mapping[str, FileFacts]) -> FileFacts | None:
    """The file `-c` names (`PATH`, `file:PATH`, `python:MODULE`), else ./gunicorn.conf.py."""
    wanted = (option or "gunicorn.conf.py").removeprefix("file:")
    if wanted.startswith("python:"):
        wanted = wanted.removeprefix("python:").replace(".", "/") + ".py"
    found = _project_path(wanted, directory, by_path)
    return by_path[found] if found is not None else None


def _loaded_config(deployment: Deployment) -> bool:
    """A deployment read from a server's own configuration file (uwsgi.ini, uwsgi.yaml, ...), not a command."""
    return deployment.command.config_file == deployment.path


# `COPY deploy/uwsgi.ini /etc/app/uwsgi.ini`, `ADD --chown=x:y files/uwsgi.ini /etc/tower/` (one source, no
# template value): where an image puts a file of the repository.
_COPY = re.compile(r"^\s*(?:COPY|ADD)\s+(?:--\S+\s+)*([^\s\[{$]+)\s+(/[^\s{$]+)\s*$", re.I | re.M)


def image_copies(texts: Mapping[str, str]) -> dict[str, str]:
    """Absolute path in an image -> the repository file a Dockerfile (or a Dockerfile template) copies there. The
    build context is the Dockerfile's directory or one above it (`docker build -f tools/x/Dockerfile .`): the
    nearest one that holds the source, and only when the repository has that file."""
    copies: dict[str, str] = {}
    for path, text in texts.items():
        name = path.rsplit("/", 1)[-1]
        if not name.startswith(("Dockerfile", "Containerfile")) and not name.lower().endswith(".dockerfile"):
            continue
        for match in _COPY.finditer(text):
            source, destination = match.groups()
            if destination.endswith("/"):
                destination += source.rsplit("/", 1)[-1]
            context = _directory(path)
            while True:
                candidate = posixpath.normpath(posixpath.join(context, source))
                if candidate in texts:
                    copies.setdefault(destination, candidate)
                    break
                if context == ".":
                    break
                context = _directory(context)
    return copies


def merge_loaded_configs(entries: list[Deployment | DeployProblem],
                         copies: Mapping[str, str] | None = None) -> list[Deployment | DeployProblem]:  # fmt: skip
    """`uwsgi --ini uwsgi.ini` in a Dockerfile and uwsgi.ini itself are one server: the command (the line to
    change) completed by the file's app and loop engine, with the file as evidence. The file stays a deployment
    of its own only when no command of its environment loads it (a Makefile's dev target, say). `copies`: where
    the images put repository files (`uwsgi /etc/tower/uwsgi.ini` loads what a Dockerfile ADDs there)."""
    configs = {entry.path: entry for entry in entries if isinstance(entry, Deployment) and _loaded_config(entry)}
    absorbed: set[tuple[str, str]] = set()  # (config path, environment of a command that loads it)
    merged: list[Deployment | DeployProblem] = []
    for entry in entries:
        option = entry.command.config_file if isinstance(entry, Deployment) and not _loaded_config(entry) else None
        # `uwsgi --ini uwsgi.ini:prod` reads the [prod] section of uwsgi.ini
        wanted = re.sub(r"(\.(ini|ya?ml|xml|json)):[^/]*$", r"\1", option) if option else None
        found = _project_path(wanted, _directory(entry.path), configs) if wanted else None
        if found is None and wanted and (copied := (copies or {}).get(posixpath.normpath(wanted))) in configs:
            found = copied
        config = configs.get(found) if found else None
        if config is None or not isinstance(entry, Deployment) or config.command.server != entry.command.server:
            merged.append(entry)
            continue
        absorbed.add((config.path, entry.environment))
        command, loaded = entry.command, config.command
        completed = replace(command, app=command.app or loaded.app, worker=command.worker or loaded.worker,
                            binds=command.binds or loaded.binds,
                            notes=(*command.notes, *(n for n in loaded.notes if n not in command.notes)))  # fmt: skip
        merged.append(replace(entry, command=completed, config=(config.path, config.line)))
    kept = [
        entry for entry in merged
        if not (isinstance(entry, Deployment) and _loaded_config(entry) and (entry.path, entry.environment) in absorbed)
    ]  # fmt: skip
    return [_unloaded_config(entry, kept) if isinstance(entry, Deployment) else entry for entry in kept]


def _unloaded_config(entry: Deployment, entries: list[Deployment | DeployProblem]) -> Deployment:
    """A server's configuration file that no command in the repository loads (`etc/uwsgi.ini` kept as an example),
    beside production commands that do start a server, is not what runs: it is listed apart, not counted in
    `served`. Alone, it stays the (unsure) production evidence it is."""
    if not (_loaded_config(entry) and entry.environment == PRODUCTION and not entry.certain):
        return entry
    started = [
        other for other in entries
        if isinstance(other, Deployment) and other.environment == PRODUCTION and not _loaded_config(other)
        # not a daemon that a configuration attaches (`attach-daemon = daphne ...`): it runs only if that does
        and not other.where.startswith("uWSGI ")
    ]  # fmt: skip
    if not started:
        return entry
    first = started[0]
    why = (f"no command in the repository loads it, while {first.command.server} is started at "
           f"{first.path}:{first.line}: an example configuration, not what runs")  # fmt: skip
    return replace(entry, environment=DEVELOPMENT, why=why, certain=False)


def apply_gunicorn_config(deployment: Deployment, by_path: Mapping[str, FileFacts]) -> Deployment:
    """gunicorn reads ./gunicorn.conf.py (or `-c FILE`): its worker_class/wsgi_app/threads/bind count, the CLI
    wins (docs.gunicorn.org/en/stable/settings.html: "command line arguments ... override the configuration
    file"). `by_path`: the project's files by shown path."""
    command = deployment.command
    if command.server != "gunicorn":
        return deployment
    config = _config_file(command.config_file, _directory(deployment.path), by_path)
    if config is None:
        return deployment
    namespace = evaluate_module(config.path, config.statements, lambda module: None)
    worker = namespace.get("worker_class")
    app = namespace.get("wsgi_app")
    threads = namespace.get("threads")
    # `-k X`, `-kX`, `--worker-class[=]X`, on the command line or in GUNICORN_CMD_ARGS: both beat the file
    given = [*command.command.split()[1:], *command.environment.get("GUNICORN_CMD_ARGS", "").split()]
    explicit_worker = any(token.startswith(("-k", "--worker-class")) for token in given)
    new_worker = (
        command.worker if explicit_worker or worker is None or not isinstance(worker.value, str) else (worker.value)
    )
    new_app = command.app or (app.value if app is not None and isinstance(app.value, str) else None)
    new_threads = str(threads.value) if threads is not None and isinstance(threads.value, int) else None
    # `bind = "0.0.0.0:8000"` or a list of addresses: where a proxy finds this server (proxy/binds.py)
    bind = namespace.get("bind")
    explicit_bind = any(token.startswith(("-b", "--bind")) for token in given)
    binds = command.binds
    if not binds and not explicit_bind and bind is not None and not bind.uncertain:
        values = (
            [bind.value]
            if isinstance(bind.value, str)
            else list(bind.value)
            if isinstance(bind.value, (list, tuple))
            else []
        )
        binds = tuple(value for value in values if isinstance(value, str))
    # `chdir`/`pythonpath` in the file move where the app's module is imported from; the CLI's beat them.
    directory = namespace.get("chdir") or namespace.get("pythonpath")
    app_dir = command.app_dir or (None if directory is None else (
        directory.value if isinstance(directory.value, str) and not directory.uncertain else "$unknown"
    ))  # fmt: skip
    updated = gunicorn_command(new_app, new_worker if new_worker != "sync" else None, new_threads, command.command,
                               command.config_file, command.environment)  # fmt: skip
    if (updated.worker, updated.app) == (command.worker, command.app):
        if (app_dir, binds) == (command.app_dir, command.binds):
            return deployment
        return replace(deployment, command=replace(command, app_dir=app_dir, binds=binds))
    note = f"worker and app completed from {config.path}"
    return replace(deployment, command=replace(updated, notes=(*command.notes, note), app_dir=app_dir, binds=binds),
                   config=(config.path, 1))  # fmt: skip
