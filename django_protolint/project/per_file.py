"""What the project model derives from one file's facts alone, kept while those facts live; and what it derives
from every file, kept while the parts of the files it reads stay the same.

The model joins every file: its indexes (functions, queries by function, calls in async code, ...) are each a pass
over all the facts. Each file's share of such an index depends on that file's facts only, so an engine that keeps
the same FileFacts objects from one report to the next (engine.Workspace) need not derive the shares of the files
that did not change: only the join is redone. A cold run derives every share once, as before.

Some of what the model and the rules derive needs every file at once (each class's method-resolution order, which
calls make a coroutine): an edit to one file rarely changes what they read of it (a class's bases, a function's
name and kind). `memo` keeps such a value with a projection of its inputs, one share per file, and gives the value
again while the projection is equal (an early cutoff); `share_in` keeps a file's share that also depends on such a
project-wide value, while both the file's facts and that value are the same. A memo's value must not hold facts:
a file's old facts would then be read after an edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django_protolint.source.facts import FileFacts

Share = TypeVar("Share")
Key = TypeVar("Key")
Value = TypeVar("Value")


class PerFile:
    def __init__(self) -> None:
        # index name -> id of the facts -> (the facts, its share). The facts are held so that their id is not
        # reused by another object while the entry lives. Nested, not keyed by pairs: a large project has a
        # hundred thousand shares, and a pair for each was 5 MB of the 100 MB a model takes at that size.
        self._shares: dict[str, dict[int, tuple[FileFacts, Any]]] = {}
        # (name, id of the facts) -> (the facts, the context it was derived in, its share)
        self._in_context: dict[tuple[str, int], tuple[FileFacts, object, Any]] = {}
        self._memos: dict[str, tuple[tuple[object, ...], Any]] = {}  # name -> (inputs, value)
        # name -> (the files, their shares, the union, the keys several files give) of the last `joined`
        self._joins: dict[str, tuple[tuple[FileFacts, ...], list[Any], dict[Any, Any], set[Any]]] = {}

    def share(self, index: str, facts: FileFacts, derive: Callable[[FileFacts], Share]) -> Share:
        shares = self._shares.get(index)
        if shares is None:
            shares = self._shares[index] = {}
        entry = shares.get(id(facts))
        if entry is not None and entry[0] is facts:
            found: Share = entry[1]
            return found
        value = derive(facts)
        shares[id(facts)] = (facts, value)
        return value

    def shares(self, index: str, files: Iterable[FileFacts], derive: Callable[[FileFacts], Share]) -> tuple[Share, ...]:
        """Every file's share, in the files' order: the projection a `memo` compares."""
        return tuple(self.share(index, facts, derive) for facts in files)

    def memo(self, name: str, inputs: tuple[object, ...], compute: Callable[[], Share]) -> Share:
        """`compute()`, or the value it gave last time when `inputs` equal last time's. Shares kept for files that
        did not change are the same objects, so comparing is one identity test per file for them."""
        entry = self._memos.get(name)
        if entry is not None and entry[0] == inputs:
            found: Share = entry[1]
            return found
        value = compute()
        self._memos[name] = (inputs, value)
        return value

    def token(self, name: str, inputs: tuple[object, ...]) -> object:
        """An object that stays the same while `inputs` do: the context of `share_in`."""
        return self.memo(name, inputs, object)

    def share_in(self, name: str, facts: FileFacts, context: object,
                 derive: Callable[[FileFacts], Share]) -> Share:  # fmt: skip
        """This file's share when it depends on the whole project too, through `context` (compared by identity:
        a `token`, or a memo's value)."""
        entry = self._in_context.get((name, id(facts)))
        if entry is not None and entry[0] is facts and entry[1] is context:
            found: Share = entry[2]
            return found
        value = derive(facts)
        self._in_context[(name, id(facts))] = (facts, context, value)
        return value

    def joined(self, name: str, files: tuple[FileFacts, ...], derive: Callable[[FileFacts], dict[Key, Value]],
               merge: Callable[[Value, Value], Value] | None = None) -> dict[Key, Value]:  # fmt: skip
        """The union of every file's share (a dict), in the files' order: for a key several files give, the first
        file's value, or `merge(earlier, later)`. Kept from one model to the next: when the files are the last
        join's but for a few replaced by new facts of the same path whose shares have the same keys, and no other
        file gives those keys, only their values are replaced (an edit inside functions, the usual one)."""
        shares = [self.share(name, facts, derive) for facts in files]
        previous = self._joins.get(name)
        if previous is not None and len(previous[0]) == len(files):
            index = _patched(previous, files, shares)
            if index is not None:
                self._joins[name] = (files, shares, index, previous[3])
                return index
        index = {}
        several: set[Key] = set()  # keys more than one file gives
        for share in shares:
            for key, value in share.items():
                if key not in index:
                    index[key] = value
                else:
                    several.add(key)
                    if merge is not None:
                        index[key] = merge(index[key], value)
        self._joins[name] = (files, shares, index, several)
        return index

    def keep_only(self, files: Iterable[FileFacts]) -> None:
        """Forget the shares of facts no longer in the project (a file's old content)."""
        alive = {id(facts) for facts in files}
        self._shares = {index: {key: entry for key, entry in shares.items() if key in alive}
                        for index, shares in self._shares.items()}  # fmt: skip
        self._in_context = {key: entry for key, entry in self._in_context.items() if key[1] in alive}


_MOST_PATCHED = 16  # files replaced since the last join: more, and joining again is as cheap


def _patched(previous: tuple[tuple[FileFacts, ...], list[Any], dict[Any, Any], set[Any]],
             files: tuple[FileFacts, ...], shares: list[Any]) -> dict[Any, Any] | None:  # fmt: skip
    """The last union with the replaced files' values put in, or None when that would not be the union."""
    old_files, old_shares, old_index, several = previous
    changed = [position for position, (old, new) in enumerate(zip(old_files, files)) if old is not new]
    if len(changed) > _MOST_PATCHED:
        return None
    for position in changed:
        new_share, old_share = shares[position], old_shares[position]
        if files[position].path != old_files[position].path or new_share.keys() != old_share.keys():
            return None
        if several and not several.isdisjoint(new_share.keys()):
            return None
    index = old_index.copy()  # the last model's union stays as it was: its report may still be read
    for position in changed:
        index.update(shares[position])
    return index
