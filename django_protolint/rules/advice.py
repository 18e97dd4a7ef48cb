"""Advice the rules write for an async twin: never an API the Django of the code may not have.

The model says which Django the code at a path runs on (`ProjectModel.django_version_at`) and whether a twin
exists there (`twin_available`); the words are the rules'.
"""

from __future__ import annotations

from django_protolint.knowledge import django_api
from django_protolint.project.model import ProjectModel


def twin_advice(model: ProjectModel, row: django_api.AsyncTwin, async_form: str, path: str = "") -> str:
    """`use `await x.aget()``, or `sync_to_async` with the reason, for the Django of the code at `path`."""
    version = model.django_version_at(path)[0] if path else model.django_version
    available = django_api.is_available(row, version)
    if available:
        return f"use `{async_form}`"
    if available is None and row.since is not None:
        return (
            f"use `{async_form}` (Django ≥ {django_api.version_label(row.since)}), or wrap the call in `sync_to_async`"
        )
    if row.since is not None and version is not None:
        have = django_api.version_label(version)
        need = django_api.version_label(row.since)
        origin = (
            "the configured Django version is"
            if model.django_version_configured
            else "the project's requirements allow"
        )
        return f"wrap the sync code in `sync_to_async` (`{async_form}` needs Django ≥ {need}; {origin} {have})"
    return "wrap the sync code in `sync_to_async` (Django has no async form of it)"
