"""Where a project class or function is defined, and a class's bases in method-resolution order."""

from __future__ import annotations

import weakref

from django_protolint.project.modules import ModuleIndex, source_root
from django_protolint.source.facts import ClassFact, FileFacts


class ClassHierarchy:
    @classmethod
    def of(cls, index: ModuleIndex) -> ClassHierarchy:
        """The one hierarchy of a module index: its orders, once made, serve every reader of the same project
        (views, middleware, consumers, model relations, channel layers each walked every class again before)."""
        found = _BY_INDEX.get(index)
        if found is None:
            found = _BY_INDEX[index] = cls(index)
        return found

    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        # Each class's order, once: a project's classes share a few bases (TestCase, Model, View), and asking for
        # every class of a large project walked those again and again.
        self._orders: dict[tuple[str, str], list[tuple[FileFacts, ClassFact | str]]] = {}

    def locate(self, qualname: str, root: str) -> tuple[FileFacts, str] | None:
        """(file, module-relative name) of a project-defined function or class."""
        parts = qualname.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            facts = self.index.find(".".join(parts[:cut]), root)
            if facts is not None:
                return facts, ".".join(parts[cut:])
        return None

    def mro(self, facts: FileFacts, cls: ClassFact, depth: int = 0) -> list[tuple[FileFacts, ClassFact | str]]:
        """Depth-first, left to right, each class once: close enough to C3 for finding handlers."""
        key = (facts.path, cls.qualname)
        if (known := self._orders.get(key)) is not None:
            return known
        order: list[tuple[FileFacts, ClassFact | str]] = [(facts, cls)]
        self._orders[key] = order  # a class that (wrongly) inherits from itself sees itself, not a loop
        if depth > 20:
            return order
        seen = {f"{facts.module}.{cls.qualname}"}
        for base in cls.bases:
            located = self.locate(base, source_root(facts))
            base_class = None
            if located is not None:
                base_facts, local = located
                base_class = next((c for c in base_facts.classes if c.qualname == local), None)
            inherited = self.mro(base_facts, base_class, depth + 1) if base_class is not None else [(facts, base)]
            for owner_facts, owner in inherited:
                name = owner if isinstance(owner, str) else f"{owner_facts.module}.{owner.qualname}"
                if name not in seen:
                    seen.add(name)
                    order.append((owner_facts, owner))
        return order

    def ancestors(self, facts: FileFacts, cls: ClassFact) -> set[str]:
        """Qualified names of every class in the MRO, project classes included (as module.Class)."""
        names = set()
        for owner_facts, owner in self.mro(facts, cls):
            names.add(owner if isinstance(owner, str) else f"{owner_facts.module}.{owner.qualname}")
        return names


_BY_INDEX: weakref.WeakKeyDictionary[ModuleIndex, ClassHierarchy] = weakref.WeakKeyDictionary()
