"""Several workspace folders: each is its own project, with its own analysis and configuration (as `check` run in
that folder), and each file's diagnostics come from the deepest folder that holds it.

Folders may nest (`repo/` and `repo/backend/`): the outer one's analysis covers the inner files too, as `check`
run in `repo/` does, and its findings there may differ (another `pyproject.toml`, other requirements). The editor
shows one set per file, the inner folder's: the project the user opened closest to the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

from django_protolint.rules.base import Finding


@dataclass
class Shown:
    """What one folder's last analysis gives the editor, by document URI (files of nested folders included)."""

    diagnostics: dict[str, list[types.Diagnostic]] = field(default_factory=dict)
    findings: dict[str, list[tuple[Finding, types.Diagnostic]]] = field(default_factory=dict)
    verdict_hovers: dict[str, list[tuple[types.Range, str]]] = field(default_factory=dict)  # (span, its markdown)
    texts: dict[str, str] = field(default_factory=dict)  # the text each file's positions refer to


def holds(root: Path, path: Path) -> bool:
    return path == root or path.is_relative_to(root)


def owner(path: Path, roots: Iterable[Path]) -> Path | None:
    """The deepest folder holding `path`, or None outside them all."""
    holding = [root for root in roots if holds(root, path)]
    return max(holding, key=lambda root: len(root.parts), default=None)


def merged(shown: Mapping[Path, Shown], path_of: Callable[[str], Path | None]) -> Shown:
    """One view over the folders: each file from the folder that owns it; a file outside every folder (a
    deployment file above the folder, say) from the first folder that reports on it."""
    roots = list(shown)
    together = Shown()
    taken: set[str] = set()
    for root, one in shown.items():
        for uri in sorted({*one.diagnostics, *one.verdict_hovers, *one.texts} - taken):
            path = path_of(uri)
            if (owner(path, roots) if path is not None else None) not in (root, None):
                continue
            taken.add(uri)
            if uri in one.diagnostics:
                together.diagnostics[uri] = one.diagnostics[uri]
            if uri in one.findings:
                together.findings[uri] = one.findings[uri]
            if uri in one.verdict_hovers:
                together.verdict_hovers[uri] = one.verdict_hovers[uri]
            if uri in one.texts:
                together.texts[uri] = one.texts[uri]
    return together
