"""Joining deployment commands to the project: which project a command serves, and what gunicorn.conf.py adds."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django_protolint.project.deploy.commands import gunicorn_command
from django_protolint.project.deploy.files import Deployment
from django_protolint.project.evaluate import evaluate_module
from django_protolint.project.modules import source_root

if TYPE_CHECKING:
    from django_protolint.project.django_project import DjangoProject
    from django_protolint.project.model import ProjectModel


def _directory(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else "."


def _app_module(app: str) -> str:
    module = app.split(":", 1)[0]
    if module.endswith(".py"):
        module = module[:-3].replace("/", ".")
    return module.strip(".")


def belongs_to(deployment: Deployment, project: DjangoProject, model: ProjectModel) -> bool:
    """By the app it serves when we can find that module; else by where the deployment file sits."""
    app = deployment.command.app
    if app:
        module = _app_module(app)
        candidates = model.modules.by_name.get(module, [])
        if candidates:
            return any(source_root(facts) == project.root for facts in candidates)
        tail = module.split(".")[-2:]
        matching = [f for f in model.files if f.module.split(".")[-2:] == tail and len(tail) == 2]
        if matching:  # `src/proj/wsgi.py` given as a path: match on the last two parts
            return any(source_root(facts) == project.root for facts in matching)
    directory = _directory(deployment.path)
    root = project.root
    return directory == "." or root == "." or root == directory or root.startswith(directory + "/") or (
        directory.startswith(root + "/")
    )


def apply_gunicorn_config(deployment: Deployment, model: ProjectModel) -> Deployment:
    """gunicorn reads ./gunicorn.conf.py (or `-c FILE`): its worker_class/wsgi_app/threads count, the CLI wins."""
    command = deployment.command
    if command.server != "gunicorn":
        return deployment
    wanted = (command.config_file or "gunicorn.conf.py").removeprefix("file:")
    directory = _directory(deployment.path)
    config = next(
        (
            facts
            for facts in model.files
            if facts.path.rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1] and _directory(facts.path) == directory
        ),
        None,
    )
    if config is None:
        return deployment
    namespace = evaluate_module(config.path, config.statements, lambda module: None)
    worker = namespace.get("worker_class")
    app = namespace.get("wsgi_app")
    threads = namespace.get("threads")
    explicit_worker = any(flag in command.command.split() for flag in ("-k", "--worker-class")) or (
        "--worker-class=" in command.command or "-k" in command.environment.get("GUNICORN_CMD_ARGS", "")
    )
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
