"""Module names as the project runs: `python manage.py` puts manage.py's directory first on sys.path.

Discovery names a file by walking up through packages, as an import from the top of the tree would. A test or
example project whose own directory is a package (`tests/fixtures/proj/__init__.py` beside
`tests/fixtures/proj/manage.py`) is run from that directory instead: Django imports its settings as
`proj.settings`, never as `proj.proj.settings`. For the files below such a manage.py the names change to the ones
Python gives them there, and the per-file pass runs again with those names (relative imports resolve against
them).

The walk's names stay when the tree shows it is imported from above as well: manage.py's settings module also
resolves from the top, or some file or pytest's configuration names a settings module below that directory by
its long name (a package that ships a developer's manage.py but sets `pkg.core.settings` itself; a test runner
that sets `tests.settings` beside `tests/manage.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django_protolint.project.modules import source_root
from django_protolint.project.settings import SETTINGS_VARIABLE, text_references
from django_protolint.source.facts import FileFacts


def _settings_named(facts: FileFacts) -> list[str]:
    return [default.value for default in facts.environment_defaults if default.name == SETTINGS_VARIABLE]


def launch_names(files: Iterable[FileFacts], texts: dict[str, str] | None = None) -> dict[str, str]:
    """Shown path -> module name under its manage.py's directory, for the files whose name changes."""
    files = [facts for facts in files if facts.module]
    # Only a manage.py inside a package can be named differently from its own directory; the deepest first, so
    # that a file belongs to the nearest directory that runs it.
    launchers = sorted((f for f in files if f.path.rsplit("/", 1)[-1] == "manage.py" and "." in f.module),
                       key=lambda f: (-f.path.count("/"), f.path))  # fmt: skip
    if not launchers:
        return {}
    modules = {(source_root(facts), facts.module) for facts in files}
    referenced = {name for facts in files for name in _settings_named(facts)}
    referenced |= {reference.module for reference in text_references(texts or {})}
    renamed: dict[str, str] = {}
    for manage in launchers:
        package = manage.module.rsplit(".", 1)[0]  # manage.py's own directory, as the walk named it
        root = source_root(manage)
        prefix = f"{package}."
        runs_from_here = any(
            (root, f"{prefix}{settings}") in modules and (root, settings) not in modules
            for settings in _settings_named(manage)
        )
        # A settings module named by its long name, and found under it, shows the top is on sys.path too.
        imported_from_above = any(name.startswith(prefix) and (root, name) in modules for name in referenced)
        if not runs_from_here or imported_from_above:
            continue
        for facts in files:
            if facts.path not in renamed and facts.module.startswith(prefix) and source_root(facts) == root:
                renamed[facts.path] = facts.module[len(prefix) :]
    return renamed
