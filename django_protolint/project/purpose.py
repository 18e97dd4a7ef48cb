"""What a Django project in the tree is for: the application, or a project kept for tests or as an example.

A reusable app's repository often holds one project, and it is there to run the app's tests (`tests/testproj/`,
`tests/fixtures/proj/`) or to show the app (`example/`, `sandbox/`, `demo/`, a `devproject/` harness). It is started
by developers, never deployed: whatever serves it is development evidence. The place says so: the project's root
or its settings module lies in such a directory, or nothing but pytest's configuration names its settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django_protolint.project.settings import SettingsModule
from django_protolint.project.tree import below_top

APPLICATION, TEST, EXAMPLE = "application", "test", "example"

# Directory names, whole: `tests/`, `testproject/`, `tests/fixtures/`; `example_project/`, `sandbox/`, `demo/`,
# and a development harness such as Misago's `devproject/`.
_TEST_DIRECTORY = re.compile(r"(tests?|testing|fixtures|test_?(project|proj|prj|app|site)s?)")
_EXAMPLE_DIRECTORY = re.compile(
    r"(examples?|sandbox|demos?|samples?|(example|demo|sample|dev)_?(project|proj|prj|app|site)s?)"
)


@dataclass(frozen=True)
class Purpose:
    kind: str  # APPLICATION, TEST or EXAMPLE
    evidence: str  # why, in one line ("" for an application: nothing says otherwise)


def _directory_kind(path: str) -> tuple[str, str] | None:
    """(kind, the path down to the directory that says so)."""
    parts = path.split("/")
    for index, part in enumerate(parts):
        for kind, pattern in ((TEST, _TEST_DIRECTORY), (EXAMPLE, _EXAMPLE_DIRECTORY)):
            if pattern.fullmatch(part):
                return kind, "/".join(parts[: index + 1])
    return None


def project_purpose(root: str, settings: list[SettingsModule], top: str = "") -> Purpose:
    """`top`: the top of the linted tree; directories above it are the user's (`~/tests/shop` is no test)."""
    root = below_top(root, top)
    found = _directory_kind(root) if root != "." else None
    if found is not None:
        return Purpose(found[0], f"the project lives under {found[1]}/")
    primary = next((module for module in settings if module.facts is not None), None)
    settings_path = below_top(primary.facts.path, top) if primary is not None and primary.facts is not None else ""
    if primary is not None and primary.facts is not None and "/" in settings_path:
        found = _directory_kind(settings_path.rsplit("/", 1)[0])
        if found is not None:
            return Purpose(found[0], f"its settings module {primary.facts.path} lives under {found[1]}/")
    if settings and all(module.reference.is_test_configuration for module in settings):
        return Purpose(TEST, f"only pytest's configuration names its settings ({settings[0].reference.evidence})")
    return Purpose(APPLICATION, "")
