"""Modules by name, per source root (the directory Python would have on sys.path to import them).

One repository may hold several roots: `src/` layouts, or a monorepo with two Django projects that both have a
`mysite.settings`. A name is looked up in the asking file's root first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from django_protolint.source import static
from django_protolint.source.facts import FileFacts


def source_root(facts: FileFacts) -> str:
    """`fixtures/blogsite/articles/views.py` as `articles.views` → `fixtures/blogsite` ("." for the cwd)."""
    return _source_root(facts.path, facts.module)


@lru_cache(maxsize=65536)  # asked for every call and query of a large project: hundreds of thousands of times
def _source_root(path: str, module: str) -> str:
    parts = path.split("/")
    depth = len(module.split(".")) if module else 1
    if parts[-1] != "__init__.py":
        depth -= 1
    directory = parts[:-1]
    kept = directory[: max(len(directory) - depth, 0)]
    return "/".join(kept) or "."


class ModuleIndex:
    def __init__(self, files: tuple[FileFacts, ...]) -> None:
        self.by_root: dict[tuple[str, str], FileFacts] = {}
        self.by_name: dict[str, list[FileFacts]] = defaultdict(list)
        for facts in files:
            if not facts.module:
                continue
            self.by_root.setdefault((source_root(facts), facts.module), facts)
            self.by_name[facts.module].append(facts)

    def find(self, module: str, root: str | None = None) -> FileFacts | None:
        if root is not None and (found := self.by_root.get((root, module))) is not None:
            return found
        candidates = self.by_name.get(module, [])
        return candidates[0] if len(candidates) == 1 or (candidates and root is None) else None

    def roots(self) -> Iterator[str]:
        yield from sorted({root for root, _ in self.by_root})


def sole_assignment(facts: FileFacts, name: str) -> static.Assignment | None:
    """The one module-level `name = ...` of a module, when there is exactly one and it always runs: a name bound
    twice, augmented (`+=`) or under an `if`/`try` may hold something else when it is used."""
    found = [s for s in facts.statements if isinstance(s, static.Assignment) and s.target == name]
    if len(found) != 1 or found[0].operator != "=" or found[0].conditional:
        return None
    return found[0]
