"""An incremental engine: one project kept analysed while its files change (an editor, a language server).

    workspace = Workspace(root, config)
    workspace.update(root / "blog/views.py", unsaved_text)   # an editor buffer; None re-reads the disk
    report = workspace.report()                               # always what a cold `runner.lint` reports

`report()` equals `runner.lint([root], config, cwd=root)`: findings, verdicts, every file's facts. What an edit
costs:

- **its facts**: only the files whose input changed are parsed again. Facts are kept by the same key as the
  on-disk cache (content digest, shown path, module name, template), so a file renamed as a module by a manage.py
  (project/launch.py) or re-rendered by a changed cookiecutter.json is analysed again, and nothing else is;
- **the project model**: rebuilt from the facts the files have now. Every part of it (settings, URLconf,
  deployment, call graph, transitive chains) is derived from facts and texts alone, so a model made from the
  current facts is the cold run's model by construction. Each file's share of the model's indexes (functions,
  calls by function, calls in async code: project/per_file.py) is kept with its facts, so only the changed
  file's share is derived again and the indexes are only joined; `benchmarks/profile_phases.py edit` measures
  what the rest costs;
- **nothing, when nothing changed**: the last report is returned as it is.

A path the engine has not seen (a new file) or one that is gone from the disk makes it walk the tree again, as a
cold run would; the files it knew keep their facts. An unsaved buffer of a Python file that is not on disk yet (an
editor's new file) is part of the project where the walk would take the saved file, named as the walk would name
it: the report is then that of `runner.lint([root], config, cwd=root, named=Named(stdin=(path, text)))`. Told
None for it (the buffer closed unsaved), the engine forgets it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from django_protolint.cache import FactsCache, content_digest
from django_protolint.config import Config
from django_protolint.discovery import Discovery, SourceFile, walk_takes
from django_protolint.gc_pause import paused_gc
from django_protolint.project.per_file import PerFile
from django_protolint.runner import (
    Inputs,
    Report,
    _discover,
    _other_texts,
    _read_source,
    project_pass,
    read_facts,
    read_inputs,
    unsaved_source,
)


class _MemoryStore:
    """The facts of the last report, by cache key, in this process. The first report reads and fills the on-disk
    cache, if any; later ones do not touch it (a miss there would load the whole pack, a write rewrite it: each
    costs more than parsing the one file an edit changed)."""

    def __init__(self, disk: FactsCache | None) -> None:
        self.disk = disk
        self.first = True  # until the first report is made
        self.kept: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.analysed = 0  # files parsed again since the engine started: what tests and benchmarks read

    def get(self, key: str) -> Any:
        found = self.kept.get(key)
        if found is None and self.disk is not None and self.first:
            found = self.disk.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: str, facts: object, pickled: bytes | None = None) -> None:
        self.analysed += 1
        self.used[key] = facts
        if self.disk is not None and self.first:
            self.disk.put(key, facts, pickled)

    def known_digest(self, path: str, stat: os.stat_result) -> bytes | None:
        return self.disk.known_digest(path, stat) if self.disk is not None else None

    def record_digest(self, path: str, stat: os.stat_result, digest: bytes) -> None:
        if self.disk is not None:
            self.disk.record_digest(path, stat, digest)

    def keep_used(self) -> None:
        """Only what the last report used stays: facts of a file's old content go."""
        self.kept, self.used = self.used, {}
        if self.first and self.disk is not None:
            self.disk.save()
        self.first = False


class Workspace:
    def __init__(self, root: Path, config: Config, cache: FactsCache | None = None, jobs: int = 1) -> None:
        self.root = Path(os.path.abspath(root))
        self.config = config
        self.jobs = jobs
        self._store = _MemoryStore(cache)
        self._buffers: dict[str, bytes] = {}  # absolute path -> unsaved editor text, as UTF-8
        self._report: Report | None = None
        self._per_file = PerFile()
        self._rediscover()

    # ------------------------------------------------------------------ what the files are

    def _rediscover(self) -> None:
        cache = self._store.disk
        discovery, self._config_root = _discover([self.root], self.config, self.root, cache)
        discovery = self._with_unsaved(discovery)
        previous = getattr(self, "_inputs", None)
        self._discovery: Discovery = discovery
        self._python: dict[str, SourceFile] = {os.path.abspath(source.path): source for source in discovery.python}
        self._other: dict[str, str] = {os.path.abspath(path): display for path, display in discovery.other}
        inputs = read_inputs(discovery, cache) if previous is None else self._inputs_again(previous)
        self._inputs: Inputs = inputs
        for absolute, data in self._buffers.items():
            self._apply_buffer(absolute, data)

    def _with_unsaved(self, discovery: Discovery) -> Discovery:
        """The walk's files, and the buffers of new Python files not saved yet where the walk would take them."""
        found = {os.path.abspath(source.path) for source in discovery.python}
        unsaved = [unsaved_source(Path(path), self.root) for path in self._buffers
                   if path not in found and self._takes_unsaved(path)]  # fmt: skip
        if not unsaved:
            return discovery
        python = sorted((*discovery.python, *unsaved), key=lambda source: source.display)
        return replace(discovery, python=tuple(python))

    def _takes_unsaved(self, absolute: str) -> bool:
        exclude = self.config.exclude + self.config.extend_exclude
        return not os.path.lexists(absolute) and walk_takes(Path(absolute), self.root, exclude, self._config_root)

    def _inputs_again(self, previous: Inputs) -> Inputs:
        """After a walk: the files known before keep what was read of them; new ones are read."""
        python: dict[str, tuple[bytes, bytes | None] | str] = {}
        for source in self._discovery.python:
            known = previous.python.get(source.display)
            python[source.display] = known if known is not None else _read_source(source, self._store.disk)
        texts = {display: previous.other_texts[display] for _, display in self._discovery.other
                 if display in previous.other_texts}  # fmt: skip
        unread = tuple((path, display) for path, display in self._discovery.other if display not in texts)
        if unread:
            texts.update(_other_texts(Discovery(python=(), other=unread, missing=())))
        return Inputs(python, texts)

    def _apply_buffer(self, absolute: str, data: bytes) -> bool:
        source = self._python.get(absolute)
        if source is not None:
            self._inputs.python[source.display] = (content_digest(data), data)
            return True
        display = self._other.get(absolute)
        if display is not None:
            self._inputs.other_texts[display] = data.decode("utf-8", errors="replace")
            return True
        return False

    # ------------------------------------------------------------------ the API

    def update(self, path: Path, text: str | None) -> None:
        """The file at `path` now holds `text` (an unsaved buffer), or what the disk holds when `text` is None."""
        absolute = os.path.abspath(path)
        if not absolute.startswith(os.path.join(str(self.root), "")):
            return  # outside the project: no part of its report
        self._report = None
        if text is not None:
            data = text.encode("utf-8", errors="surrogatepass")
            self._buffers[absolute] = data
            if not self._apply_buffer(absolute, data) and (os.path.lexists(absolute) or self._takes_unsaved(absolute)):
                self._rediscover()  # a file the walk has not seen yet, or a new one not saved yet
            return
        self._buffers.pop(absolute, None)
        source = self._python.get(absolute)
        if source is not None and os.path.isfile(absolute):
            self._inputs.python[source.display] = _read_source(source, None)
            return
        display = self._other.get(absolute)
        if display is not None and os.path.isfile(absolute):
            texts = _other_texts(Discovery(python=(), other=((Path(absolute), display),), missing=()))
            if display in texts:
                self._inputs.other_texts[display] = texts[display]
                return
        self._rediscover()  # new, deleted, or no longer readable: the walk decides what the project holds

    def refresh(self) -> None:
        """Catch up with the disk: files edited, added or removed since the last report without `update` being
        told (a resident engine serving the command line: daemon.py). Walks the tree and reads the stat signature
        of every file; a file whose signature is new is read and its digest compared. Editor buffers still win."""
        cache = self._store.disk
        discovery, self._config_root = _discover([self.root], self.config, self.root, cache)
        discovery = self._with_unsaved(discovery)
        inputs = read_inputs(discovery, cache)  # an unsaved new file cannot be read: its buffer is applied below
        same_files = (discovery.python == self._discovery.python and discovery.other == self._discovery.other
                      and discovery.missing == self._discovery.missing
                      and discovery.unreadable == self._discovery.unreadable)  # fmt: skip
        if not same_files:
            self._discovery = discovery
            self._python = {os.path.abspath(source.path): source for source in discovery.python}
            self._other = {os.path.abspath(path): display for path, display in discovery.other}
            self._report = None
        for display, state in inputs.python.items():
            known = self._inputs.python.get(display)
            if isinstance(state, tuple) and isinstance(known, tuple) and state[0] == known[0]:
                inputs.python[display] = known  # the same content: keep what was read of it (bytes or not)
            else:
                self._report = None
        if inputs.other_texts != self._inputs.other_texts:
            self._report = None
        self._inputs = inputs
        for absolute, data in self._buffers.items():
            self._report = None
            self._apply_buffer(absolute, data)
        if cache is not None:
            cache.save()

    @paused_gc()
    def report(self) -> Report:
        """The report a cold `runner.lint([root], config, cwd=root)` would give now."""
        if self._report is None:
            files = read_facts(self._discovery, self._store, self.jobs, None, self._inputs)
            self._store.keep_used()
            self._inputs.release_sources(keep=frozenset(self._python[path].display for path in self._buffers
                                                        if path in self._python))  # fmt: skip
            self._per_file.keep_only(files)
            self._report = project_pass(self._discovery, self._config_root, self.config, files,
                                        self._inputs.other_texts, self._per_file)  # fmt: skip
        return self._report

    @property
    def files_analysed(self) -> int:
        """How many files the per-file pass has parsed since the workspace was made (cold start included)."""
        return self._store.analysed
