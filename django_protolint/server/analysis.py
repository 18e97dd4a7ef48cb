"""What the server asks of the pipeline: take an editor's buffers, give a report. The language server speaks only to
this protocol: `EngineAnalysis` (incremental, what the server uses) or `PipelineAnalysis` (the whole pipeline each
time, kept as the reference the engine's tests compare with)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from django_protolint.cache import FactsCache
from django_protolint.config import Config, find_pyproject, load_config
from django_protolint.engine import Workspace
from django_protolint.runner import Named, Report, lint


class Analysis(Protocol):
    root: Path

    def update(self, path: Path, text: str | None) -> None:
        """The unsaved text of `path` (an open editor buffer), or None to read the disk again."""

    def run(self) -> Report:
        """Findings, files and model of the project under `root`, with the buffers in place of the disk.
        Raises ConfigError for a configuration the user must fix."""


class PipelineAnalysis:
    """The whole pipeline again at each run, as `check` runs it from the project's top, with the same
    `pyproject.toml` (read afresh each time: an edit to it applies at the next run). The facts cache keeps the
    per-file pass to the files that changed; the project pass and the rules run whole."""

    def __init__(self, root: Path, cache: FactsCache | None = None) -> None:
        self.root = Path(os.path.abspath(root))
        self._cache = cache
        self._buffers: dict[Path, bytes] = {}

    def update(self, path: Path, text: str | None) -> None:
        key = Path(os.path.abspath(path))
        if text is None:
            self._buffers.pop(key, None)
        else:
            self._buffers[key] = text.encode("utf-8", "surrogatepass")

    def configuration(self) -> Config:
        pyproject = find_pyproject(self.root)
        return load_config(pyproject) if pyproject is not None else Config()

    def run(self) -> Report:
        named = Named(buffers=tuple(sorted(self._buffers.items())))
        # One process: worker processes forked from a server's threads are not safe, and after the first run only
        # the edited files are parsed again.
        return lint([self.root], self.configuration(), cwd=self.root, cache=self._cache, jobs=1, named=named)


class EngineAnalysis:
    """The incremental engine (engine.Workspace): after an edit only the edited file's facts and its share of the
    model's indexes are made again, and discovery is kept until a file appears or goes. `pyproject.toml` is read
    at each run as the CLI reads it; a changed configuration starts a new workspace (the buffers carried over)."""

    def __init__(self, root: Path, cache: FactsCache | None = None) -> None:
        self.root = Path(os.path.abspath(root))
        self._cache = cache
        self._buffers: dict[Path, str | None] = {}
        self._workspace: Workspace | None = None
        self._config: Config | None = None

    def update(self, path: Path, text: str | None) -> None:
        key = Path(os.path.abspath(path))
        self._buffers[key] = text
        if self._workspace is not None:
            self._workspace.update(key, text)
        if text is None:
            self._buffers.pop(key, None)

    def run(self) -> Report:
        pyproject = find_pyproject(self.root)
        config = load_config(pyproject) if pyproject is not None else Config()
        if self._workspace is None or config != self._config:
            self._workspace, self._config = Workspace(self.root, config, self._cache), config
            for path, text in self._buffers.items():
                self._workspace.update(path, text)
        return self._workspace.report()


def located(root: Path, shown: str) -> Path:
    """A report's path (relative to `root` when inside it: the analysis runs from there) as an absolute path."""
    return Path(shown) if os.path.isabs(shown) else root / shown
