"""Small builders for the edits rules attach to findings. Positions come from the per-file facts."""

from __future__ import annotations

from django_protolint.findings import Edit
from django_protolint.source.facts import Span


def replace(span: Span, content: str) -> Edit:
    return Edit(span.line, span.column, span.end_line, span.end_column, content)


def insert(line: int, column: int, content: str) -> Edit:
    return Edit(line, column, line, column, content)


def awaited(span: Span, chained: bool) -> tuple[Edit, ...]:
    """`await` in front of the expression at `span`; parenthesised when something follows it (`f().x` binds
    as `await (f().x)` otherwise)."""
    if chained:
        return (insert(span.line, span.column, "(await "), insert(span.end_line, span.end_column, ")"))
    return (insert(span.line, span.column, "await "),)
