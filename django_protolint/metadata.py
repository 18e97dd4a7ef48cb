"""Where the project lives: the URLs of pyproject's `[project.urls]`, read from the installed metadata."""

from __future__ import annotations

from importlib import metadata

# A source tree run without installing has no metadata: its users get the words, not a link.
_FALLBACK = "https://github.com/django-protolint/django-protolint"


def project_url(label: str) -> str | None:
    """The `[project.urls]` entry called `label` (case-insensitive), or None."""
    try:
        entries = metadata.metadata("django-protolint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in entries:
        name, _, url = entry.partition(",")
        if name.strip().lower() == label.lower():
            return url.strip()
    return None


REPOSITORY = project_url("Repository") or _FALLBACK
ISSUES = project_url("Issues") or f"{REPOSITORY}/issues"
DOCUMENTATION = project_url("Documentation") or f"{REPOSITORY}/blob/main/docs/rules.md"
