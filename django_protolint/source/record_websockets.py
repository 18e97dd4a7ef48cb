"""A hand-written ASGI application that serves websockets: `if scope["type"] == "websocket":` (the spans)."""

from __future__ import annotations

import ast

from django_protolint.knowledge.asgi_frameworks import WEBSOCKET_SCOPE_TYPES
from django_protolint.source.walk import Walk, on_enter


@on_enter(ast.Compare)
def record_websocket_check(walk: Walk, node: ast.Compare) -> None:
    operands = [node.left, *node.comparators]
    if any(isinstance(o, ast.Constant) and o.value in WEBSOCKET_SCOPE_TYPES for o in operands):
        walk.found["websocket_checks"].append(walk.span(node))
