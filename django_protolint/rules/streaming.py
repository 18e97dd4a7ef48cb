"""DPL509: a StreamingHttpResponse whose iterator does not match the protocol it is served over.

Django 4.2+ (django/http/response.py): under ASGI a sync iterator is consumed whole in a thread before anything
is sent ("StreamingHttpResponse must consume synchronous iterators in order to serve them asynchronously"), and
under WSGI an async iterator is consumed whole on a new event loop. Either way nothing reaches the client until
the iterator ends, so server-sent events never flush (django/django#19835).
"""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.project.model import ProjectModel
from django_protolint.source.facts import FileFacts
from django_protolint.rules.base import Finding, Invalid, Rule, Valid, check, django_project

SYNC_STREAM = """
import time
from django.http import StreamingHttpResponse

def events():
    while True:
        yield "data: tick\\n\\n"
        time.sleep(1)

def stream(request):
    return StreamingHttpResponse(events(), content_type="text/event-stream")  # expect: DPL509
"""
ASYNC_STREAM = """
import asyncio
from django.http import StreamingHttpResponse

async def events():
    while True:
        yield "data: tick\\n\\n"
        await asyncio.sleep(1)

async def stream(request):
    await asyncio.sleep(0)
    return StreamingHttpResponse(events(), content_type="text/event-stream")
"""

STREAMING_MISMATCH = Rule(
    code="DPL509",
    slug="streaming-iterator-protocol-mismatch",
    severity="warning",
    summary="A StreamingHttpResponse fed by a sync iterator under ASGI, or an async one under WSGI",
    message="`{iterator}` is a {kind} iterator but the project is served over {protocol}: Django buffers the whole "
    "stream before sending anything",
    rationale=(
        "Django 4.2+ adapts a streaming body to the server's protocol by consuming it whole: a sync iterator under "
        "ASGI, an async iterator under WSGI. The response then arrives all at once (with a warning in the log), "
        "so server-sent events and progress streams never flush. Reported only when both the iterator's kind "
        "and the serving protocol are known."
    ),
    fix="feed it {wanted} iterator (an `{wanted_def}` generator)",
    examples=[
        Invalid(django_project(SYNC_STREAM, routes=("stream",),
                               Procfile="web: uvicorn proj.asgi:application\n")),  # fmt: skip
        Valid(django_project(ASYNC_STREAM, routes=("stream",), Procfile="web: uvicorn proj.asgi:application\n")),
        Valid(
            django_project(SYNC_STREAM.replace("  # expect: DPL509", ""), routes=("stream",),
                           Procfile="web: gunicorn proj.wsgi:application\n"),  # fmt: skip
            note="a sync iterator under WSGI streams as it should",
        ),
    ],
)


def _iterator_kind(model: ProjectModel, callee: str | None, literal_kind: str | None, near: FileFacts) -> str | None:
    if literal_kind is not None:
        return literal_kind
    function = model.function_named(callee, near)
    if function is None or not function.function.yields:
        return None
    return "async" if function.function.is_async else "sync"


@check(STREAMING_MISMATCH)
def streaming_mismatch(model: ProjectModel) -> Iterator[Finding]:
    for facts in model.files:
        if not facts.streaming_responses:
            continue
        verdict = model.verdicts.get(model.root_of(facts.path) or "")
        if verdict is None and len(model.verdicts) == 1:
            verdict = next(iter(model.verdicts.values()))
        if verdict is None or verdict.served not in ("wsgi", "asgi"):
            continue
        for response in facts.streaming_responses:
            kind = _iterator_kind(model, response.iterator_callee, response.iterator_kind, facts)
            if kind is None or (kind == "async") == (verdict.served == "asgi"):
                continue
            wanted = "an async" if verdict.served == "asgi" else "a sync"
            yield STREAMING_MISMATCH.finding(
                facts.path, response.span, iterator=(response.iterator_callee or "generator").rsplit(".", 1)[-1],
                kind=kind, protocol=verdict.served.upper(), wanted=wanted,
                wanted_def="async def" if verdict.served == "asgi" else "def",
            )  # fmt: skip
