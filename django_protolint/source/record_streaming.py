"""Streaming responses (StreamingResponseFact): what a `StreamingHttpResponse` or `FileResponse` is given, sync
iterator, async iterator or opened file, which decides how each server sends it (knowledge/streaming.py)."""

from __future__ import annotations

import ast

from django_protolint.knowledge import streaming
from django_protolint.source.facts import StreamingResponseFact
from django_protolint.source.meaning import first_argument
from django_protolint.source.walk import Walk, on_enter


@on_enter(ast.Call)
def record_streaming_response(walk: Walk, node: ast.Call) -> None:
    response_callee = walk.callee
    if response_callee not in streaming.STREAMING_RESPONSES or (iterator := first_argument(node)) is None:
        return
    kind = None
    if isinstance(iterator, ast.GeneratorExp):
        kind = "async" if any(generator.is_async for generator in iterator.generators) else "sync"
    callee = walk.resolve_name(iterator.func) if isinstance(iterator, ast.Call) else None
    if isinstance(iterator, ast.Name):  # `reader = RangedFileReader(f)`, `stream = events()`: what made it
        callee = walk.instance_type(iterator)
    response = "FileResponse" if response_callee.endswith("FileResponse") else "StreamingHttpResponse"
    if response == "FileResponse" and _opened_file(walk, iterator):
        kind = streaming.FILE
    walk.found["streaming_responses"].append(
        StreamingResponseFact(walk.span(node), walk.scope(), callee, kind, response)
    )


def _opened_file(walk: Walk, expression: ast.expr) -> bool:
    """`open(path, "rb")`, a name bound to one, or an `.open(...)` call (`default_storage.open(name)`,
    `document.file.open("rb")`, `path.open("rb")`): a file read from disk or storage."""
    if walk.instance_type(expression) in streaming.DISK_FILE_TYPES:
        return True
    if not (isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute)):
        return False
    opener = walk.resolve_name(expression.func) or ""
    return expression.func.attr == "open" and not opener.startswith(streaming.ASYNC_FILE_LIBRARIES)
