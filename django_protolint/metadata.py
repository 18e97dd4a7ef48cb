"""Where the project lives: the URLs of pyproject's `[project.urls]`, read from the installed metadata once."""

from __future__ import annotations

from importlib import metadata

# A source tree run without installing has no metadata: its users get the words, not a link.
_FALLBACK = "https://github.com/django-protolint/django-protolint"


def project_urls() -> dict[str, str]:
    """The `[project.urls]` entries by lowercased label (empty when the package is not installed)."""
    try:
        entries = metadata.metadata("django-protolint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return {}
    found = {}
    for entry in entries:
        name, _, url = entry.partition(",")
        found[name.strip().lower()] = url.strip()
    return found


_URLS = project_urls()  # one read of the metadata per process: every rule's URL is made from it
REPOSITORY = _URLS.get("repository") or _FALLBACK
ISSUES = _URLS.get("issues") or f"{REPOSITORY}/issues"
DOCUMENTATION = _URLS.get("documentation") or f"{REPOSITORY}/blob/main/docs/rules.md"
