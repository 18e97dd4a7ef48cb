"""What the project model derives from one file's facts alone, kept while those facts live.

The model joins every file: its indexes (functions, calls by function, calls in async code, ...) are each a pass
over all the facts. Each file's share of such an index depends on that file's facts only, so an engine that keeps
the same FileFacts objects from one report to the next (engine.Workspace) need not derive the shares of the files
that did not change: only the join is redone. A cold run derives every share once, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django_protolint.source.facts import FileFacts

Share = TypeVar("Share")


class PerFile:
    def __init__(self) -> None:
        # (index name, id of the facts) -> (the facts, its share). The facts are held so that their id is not
        # reused by another object while the entry lives.
        self._shares: dict[tuple[str, int], tuple[FileFacts, Any]] = {}

    def share(self, index: str, facts: FileFacts, derive: Callable[[FileFacts], Share]) -> Share:
        entry = self._shares.get((index, id(facts)))
        if entry is not None and entry[0] is facts:
            found: Share = entry[1]
            return found
        value = derive(facts)
        self._shares[(index, id(facts))] = (facts, value)
        return value

    def keep_only(self, files: Iterable[FileFacts]) -> None:
        """Forget the shares of facts no longer in the project (a file's old content)."""
        alive = {id(facts) for facts in files}
        self._shares = {key: entry for key, entry in self._shares.items() if key[1] in alive}
