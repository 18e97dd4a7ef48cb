"""The names a fix writes: what the file already imports where it can (`import asyncio as aio` gives
`aio.sleep`), a new import only where nothing fits, and the imports a fix leaves unused.

Only module-level imports count, and a name is used only where no parameter of an enclosing function hides it;
when the name a new import would bind is taken, there is no fix rather than a guess.
"""

from __future__ import annotations

from typing import NamedTuple

from django_protolint.findings import ReleasedImport
from django_protolint.source.facts import FileFacts


class Spelling(NamedTuple):
    text: str  # how the code writes the name: "asyncio.sleep", "aio.sleep", "aget_object_or_404"
    imports: tuple[str, ...]  # the import statement to add, if any


def _hidden(facts: FileFacts, function: str | None) -> set[str]:
    """Parameters of `function` and of the functions around it: they hide module-level names."""
    names: set[str] = set()
    if function is None:
        return names
    enclosing = {function}
    parts = function.split(".<locals>.")
    enclosing.update(".<locals>.".join(parts[: index + 1]) for index in range(len(parts)))
    for fact in facts.functions:
        if fact.qualname in enclosing:
            names.update(fact.parameters)
    return names


def spelling(facts: FileFacts, qualname: str, function: str | None, *, from_import: bool) -> Spelling | None:
    """How code in `function` can name `qualname`: through an import of it or of its module, else through a new
    `import module` (`from module import name` when `from_import`)."""
    module, _, name = qualname.rpartition(".")
    hidden = _hidden(facts, function)
    for bound, imported in facts.imports:
        if bound in hidden:
            continue
        if imported == qualname:
            return Spelling(bound, ())
        if imported == module:
            return Spelling(f"{bound}.{name}", ())
    new_name = name if from_import else module.split(".")[0]
    if new_name in hidden or new_name in facts.bound_names or any(bound == new_name for bound, _ in facts.imports):
        return None  # the name is taken: `asyncio = ...` at module level, or a parameter
    statement = f"from {module} import {name}" if from_import else f"import {module}"
    return Spelling(f"{module}.{name}" if not from_import else name, (statement,))


def released(facts: FileFacts, written: str) -> tuple[ReleasedImport, ...]:
    """The import a replaced callee (`time.sleep`, `sleep`, `get_object_or_404`) was spelt through."""
    head = written.split(".", 1)[0]
    return tuple(
        ReleasedImport(lone.line, lone.end_line, lone.mentions) for lone in facts.lone_imports if lone.bound == head
    )
