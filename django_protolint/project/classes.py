"""Where a project class or function is defined, and a class's bases in method-resolution order."""

from __future__ import annotations

from django_protolint.project.modules import ModuleIndex, source_root
from django_protolint.source.facts import ClassFact, FileFacts


class ClassHierarchy:
    def __init__(self, index: ModuleIndex) -> None:
        self.index = index

    def locate(self, qualname: str, root: str) -> tuple[FileFacts, str] | None:
        """(file, module-relative name) of a project-defined function or class."""
        parts = qualname.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            facts = self.index.find(".".join(parts[:cut]), root)
            if facts is not None:
                return facts, ".".join(parts[cut:])
        return None

    def mro(self, facts: FileFacts, cls: ClassFact) -> list[tuple[FileFacts, ClassFact | str]]:
        """Depth-first, left to right, each class once: close enough to C3 for finding handlers."""
        order: list[tuple[FileFacts, ClassFact | str]] = []
        seen: set[str] = set()

        def visit(owner_facts: FileFacts, owner: ClassFact, depth: int) -> None:
            key = f"{owner_facts.module}.{owner.qualname}"
            if key in seen or depth > 20:
                return
            seen.add(key)
            order.append((owner_facts, owner))
            for base in owner.bases:
                located = self.locate(base, source_root(owner_facts))
                base_class = None
                if located is not None:
                    base_facts, local = located
                    base_class = next((c for c in base_facts.classes if c.qualname == local), None)
                if base_class is not None:
                    visit(base_facts, base_class, depth + 1)
                elif base not in seen:
                    seen.add(base)
                    order.append((owner_facts, base))

        visit(facts, cls, 0)
        return order

    def class_named(self, qualname: str, root: str) -> tuple[FileFacts, ClassFact] | None:
        located = self.locate(qualname, root)
        if located is None:
            return None
        facts, local = located
        found = next((c for c in facts.classes if c.qualname == local), None)
        return (facts, found) if found is not None else None

    def ancestors(self, facts: FileFacts, cls: ClassFact) -> set[str]:
        """Qualified names of every class in the MRO, project classes included (as module.Class)."""
        names = set()
        for owner_facts, owner in self.mro(facts, cls):
            names.add(owner if isinstance(owner, str) else f"{owner_facts.module}.{owner.qualname}")
        return names
