"""Where a fix may add an import (`import_line`) and which imports a fix may leave unused (LoneImport)."""

from __future__ import annotations

import ast
import re

from django_protolint.knowledge import django_api
from django_protolint.source.facts import LoneImport
from django_protolint.source.walk import Walk, on_enter

# What a fix may stop using: `time.sleep` becomes `asyncio.sleep`, a Django function its async twin. Only imports
# of these are counted (LoneImport), so that the per-file pass does not scan the text for every import.
_FIX_REPLACED = frozenset({"time", "time.sleep", *(name for name, row in django_api.FUNCTIONS.items() if row.twin)})


@on_enter(ast.Module)
def record_imports(walk: Walk, node: ast.Module) -> None:
    import_line = 1
    for index, statement in enumerate(node.body):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            _lone_import(walk, statement)
            import_line = (statement.end_lineno or statement.lineno) + 1
        elif index == 0 and import_line == 1 and _is_docstring(statement):
            import_line = (statement.end_lineno or statement.lineno) + 1
    walk.found["import_line"] = import_line


def _lone_import(walk: Walk, node: ast.Import | ast.ImportFrom) -> None:
    bound_here = walk.import_bindings(node)
    if len(bound_here) != 1 or len(node.names) != 1:
        return
    ((bound, qualname),) = bound_here
    if qualname not in _FIX_REPLACED:
        return
    positions = walk.positions
    lines = positions.lines
    line, end_line = node.lineno, node.end_lineno or node.lineno
    after = lines[end_line - 1][positions.column(end_line, node.end_col_offset or 0) :]
    if node.col_offset != 0 or not (after.strip() == "" or after.lstrip().startswith("#")):
        return  # shares a line with another statement (`import time; import os`)
    word = re.compile(rf"\b{re.escape(bound)}\b")
    mentions = sum(len(word.findall(text)) for number, text in enumerate(lines, 1) if not line <= number <= end_line)
    walk.found["lone_imports"].append(LoneImport(bound, qualname, line, end_line, mentions))


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )
