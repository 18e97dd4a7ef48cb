"""Joining deployment commands to the project: which project a command serves, and what gunicorn.conf.py adds."""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import TYPE_CHECKING

from django_protolint.project.deploy.commands import gunicorn_command
from django_protolint.project.deploy.files import Deployment
from django_protolint.project.evaluate import evaluate_module
from django_protolint.project.modules import source_root

if TYPE_CHECKING:
    from django_protolint.project.django_project import DjangoProject
    from django_protolint.project.model import ProjectModel
    from django_protolint.source.facts import FileFacts


def _directory(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else "."


def _app_module(app: str) -> str:
    module = app.split(":", 1)[0]
    if module.endswith(".py"):
        module = module[:-3].replace("/", ".")
    return module.strip(".")


def belongs_to(deployment: Deployment, project: DjangoProject, model: ProjectModel) -> bool:
    """By the app it serves when we can find that module; else by where the deployment file sits."""
    directory = _directory(deployment.path)
    app = deployment.command.app
    if app:
        module = _app_module(app)
        candidates = model.modules.by_name.get(module, [])
        if not candidates:  # `src/proj/wsgi.py` given as a path: match on the last two parts
            tail = module.split(".")[-2:]
            candidates = [f for f in model.files if f.module.split(".")[-2:] == tail and len(tail) == 2]
        roots = {source_root(facts) for facts in candidates}
        if roots:
            # Two projects with the same module names (a monorepo): the deployment file's place decides.
            near = {root for root in roots if _related(directory, root)}
            return project.root in (near or roots)
    return _related(directory, project.root)


def _related(directory: str, root: str) -> bool:
    """The deployment file sits above, in or below the project's root."""
    return directory == "." or root == "." or root == directory or root.startswith(directory + "/") or (
        directory.startswith(root + "/")
    )


def _config_file(option: str | None, directory: str, model: ProjectModel) -> FileFacts | None:
    """The file `-c` names (`PATH`, `file:PATH`, `python:MODULE`), else ./gunicorn.conf.py, relative to the
    directory of the deployment file (where the command runs in the usual layouts: the Dockerfile's context,
    the Procfile's app root). An absolute path inside the image is matched by its tail."""
    wanted = (option or "gunicorn.conf.py").removeprefix("file:")
    if wanted.startswith("python:"):
        wanted = wanted.removeprefix("python:").replace(".", "/") + ".py"
    parts = [part for part in wanted.split("/") if part not in ("", ".")]
    tails = [parts[index:] for index in range(len(parts))] if wanted.startswith("/") else [parts]
    by_path = {facts.path: facts for facts in model.files}
    for tail in tails:
        candidate = posixpath.normpath(posixpath.join(directory, *tail)) if tail else None
        if candidate in by_path:
            return by_path[candidate]
    return None


def apply_gunicorn_config(deployment: Deployment, model: ProjectModel) -> Deployment:
    """gunicorn reads ./gunicorn.conf.py (or `-c FILE`): its worker_class/wsgi_app/threads count, the CLI wins."""
    command = deployment.command
    if command.server != "gunicorn":
        return deployment
    config = _config_file(command.config_file, _directory(deployment.path), model)
    if config is None:
        return deployment
    namespace = evaluate_module(config.path, config.statements, lambda module: None)
    worker = namespace.get("worker_class")
    app = namespace.get("wsgi_app")
    threads = namespace.get("threads")
    # `-k X`, `-kX`, `--worker-class[=]X`, on the command line or in GUNICORN_CMD_ARGS: both beat the file
    given = [*command.command.split()[1:], *command.environment.get("GUNICORN_CMD_ARGS", "").split()]
    explicit_worker = any(token.startswith(("-k", "--worker-class")) for token in given)
    new_worker = command.worker if explicit_worker or worker is None or not isinstance(worker.value, str) else (
        worker.value
    )
    new_app = command.app or (app.value if app is not None and isinstance(app.value, str) else None)
    new_threads = str(threads.value) if threads is not None and isinstance(threads.value, int) else None
    updated = gunicorn_command(new_app, new_worker if new_worker != "sync" else None, new_threads, command.command,
                               command.config_file, command.environment)  # fmt: skip
    if (updated.worker, updated.app) == (command.worker, command.app):
        return deployment
    note = f"worker and app completed from {config.path}"
    return replace(deployment, command=replace(updated, notes=(*command.notes, note)))
