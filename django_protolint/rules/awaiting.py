"""DPL12x: coroutines that are created and thrown away.

Calling a coroutine function only builds a coroutine object; without `await` nothing runs, and Python merely
warns `coroutine ... was never awaited` when it is collected. The rule fires only when the call is a whole
statement (its result is discarded), so passing a coroutine to `asyncio.gather()` or `create_task()` is fine.
"""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding
from django_protolint.fixes.edits import awaited
from django_protolint.knowledge import asyncio_api, channels_api, django_api, django_services
from django_protolint.project.model import ProjectModel
from django_protolint.project.modules import source_root
from django_protolint.rules.base import FixSafety, Invalid, Rule, Valid, check
from django_protolint.source.facts import FileFacts

UNAWAITED = Rule(
    code="DPL120",
    slug="unawaited-coroutine",
    severity="error",
    summary="A coroutine function is called and its coroutine thrown away without `await`",
    message="`{call}()` returns a coroutine that is never awaited: it does nothing",
    rationale=(
        "An async method such as `aget()`, `asave()`, `asyncio.sleep()` or one of your own `async def` functions "
        "does its work only when awaited. Called as a bare statement, the query never runs, the object is never "
        "saved, and Python only prints `RuntimeWarning: coroutine ... was never awaited`."
    ),
    fix="add `await`: `await {call}(...)`",
    how_to_fix="Await the call: `await obj.asave()`, not `obj.asave()`.",
    fix_safety=FixSafety(
        "unsafe",
        "The call's work (a query, a save, a pause) starts to happen where before nothing ran, and its exceptions now propagate: right by intent, but a change in what the program does.",
    ),
    links=("https://docs.python.org/3/library/asyncio-dev.html#detect-never-awaited-coroutines",),
    examples=[
        Invalid(
            """
            import asyncio
            from .models import Article

            async def notify(article):
                return None

            async def publish(request, pk):
                article = await Article.objects.aget(pk=pk)
                article.asave()  # expect: DPL120
                asyncio.sleep(1)  # expect: DPL120
                notify(article)  # expect: DPL120
                Article.objects.filter(pk=pk).aupdate(published=True)  # expect: DPL120
            """,
            fixed="""
            import asyncio
            from .models import Article

            async def notify(article):
                return None

            async def publish(request, pk):
                article = await Article.objects.aget(pk=pk)
                await article.asave()  # expect: DPL120
                await asyncio.sleep(1)  # expect: DPL120
                await notify(article)  # expect: DPL120
                await Article.objects.filter(pk=pk).aupdate(published=True)  # expect: DPL120
            """,
            id="async ORM methods, asyncio.sleep and a project coroutine called as bare statements",
        ),
        Invalid(
            """
            from channels.generic.websocket import AsyncWebsocketConsumer, WebsocketConsumer

            class Chat(AsyncWebsocketConsumer):
                async def connect(self):
                    self.accept()  # expect: DPL120
                    self.channel_layer.group_add("room", self.channel_name)  # expect: DPL120

            class SyncChat(WebsocketConsumer):
                def receive(self, text_data=None, bytes_data=None):
                    self.send(text_data="ok")  # sync consumers send synchronously
                    self.channel_layer.group_send("room", {"type": "chat.message"})  # expect: DPL120

            def notify_room(message):
                from channels.layers import get_channel_layer
                layer = get_channel_layer()
                layer.group_send("room", {"type": "chat.message", "text": message})  # expect: DPL120
            """,
            id="accept and channel layer calls not awaited in consumers and a plain function",
        ),
        Valid(
            """
            from asgiref.sync import async_to_sync
            from channels.generic.websocket import AsyncWebsocketConsumer, WebsocketConsumer

            class Chat(AsyncWebsocketConsumer):
                async def connect(self):
                    await self.accept()
                    await self.channel_layer.group_add("room", self.channel_name)

            class SyncChat(WebsocketConsumer):
                def receive(self, text_data=None, bytes_data=None):
                    async_to_sync(self.channel_layer.group_send)("room", {"type": "chat.message"})
            """,
            id="awaited in an async consumer, async_to_sync in a sync consumer",
        ),
        Valid(
            """
            import asyncio
            from .models import Article

            async def notify(article):
                return None

            async def publish(request, pk):
                article = await Article.objects.aget(pk=pk)
                await article.asave()
                await asyncio.gather(notify(article), asyncio.sleep(1))
                task = asyncio.create_task(notify(article))
                await task
            """,
            id="coroutines awaited, gathered or handed to create_task",
        ),
        Invalid(
            """
            from channels.db import aclose_old_connections
            from channels.generic.websocket import AsyncWebsocketConsumer

            class Chat(AsyncWebsocketConsumer):
                async def receive(self, text_data=None, bytes_data=None):
                    aclose_old_connections()  # expect: DPL120
            """,
            note="Channels 4.2's `aclose_old_connections` is an `async def`",
        ),
        Valid(
            """
            from channels.db import aclose_old_connections, database_sync_to_async
            from channels.generic.websocket import AsyncWebsocketConsumer

            class Chat(AsyncWebsocketConsumer):
                async def receive(self, text_data=None, bytes_data=None):
                    await aclose_old_connections()
                    database_sync_to_async(self.save)  # a wrapper, not a coroutine

                def save(self):
                    return None
            """,
            id="aclose_old_connections awaited, and a database_sync_to_async wrapper not called",
        ),
        Valid(
            """
            from asgiref.sync import async_to_sync

            @async_to_sync()
            async def fetch_rates():
                return {"EUR": 1}

            def rates(request):
                return fetch_rates()  # the decorator runs the coroutine to its end: a plain call
            """,
            note="`@async_to_sync` and `@async_to_sync()` make an `async def` a sync function",
        ),
    ],
)


def _is_coroutine_call(model: ProjectModel, call_callee: str | None, near: FileFacts) -> bool:
    if call_callee is None:
        return False
    if (
        call_callee in asyncio_api.COROUTINE_FUNCTIONS
        or call_callee in django_api.COROUTINE_FUNCTIONS
        or call_callee in django_services.COROUTINE_FUNCTIONS
    ):
        return True
    layer, _, method = call_callee.rpartition(".")
    if layer == channels_api.GET_CHANNEL_LAYER and method in channels_api.CHANNEL_LAYER_COROUTINES:
        return True  # `get_channel_layer().group_send(...)` from a view or a task, without async_to_sync
    function = model.function_named(call_callee, near)
    return function is not None and function.is_coroutine_function


@check(UNAWAITED)
def unawaited_coroutines(model: ProjectModel) -> Iterator[Finding]:
    # What a file's findings depend on beyond its facts: which project functions make coroutines, and which
    # classes are consumers. An engine keeps each file's findings while those stay the same (per_file.py).
    context = model.per_file.token("unawaited coroutines", (model.function_kinds, model.class_graph))
    # Asked for every discarded call of the project (96,701 in Django and its test suite): one answer per callee
    # and source root, since function_named() depends on nothing else.
    coroutine_calls: dict[tuple[str, str | None], bool] = {}
    consumer_files = {path for path, _ in model.consumers}

    def unawaited_in(facts: FileFacts) -> tuple[Finding, ...]:
        return tuple(_unawaited_in(model, facts, coroutine_calls, facts.path in consumer_files))

    for facts in model.files:
        yield from model.per_file.share_in("unawaited coroutines", facts, context, unawaited_in)


def _unawaited_in(model: ProjectModel, facts: FileFacts, coroutine_calls: dict[tuple[str, str | None], bool],
                  has_consumers: bool) -> Iterator[Finding]:  # fmt: skip
    seen = set()
    for query in facts.queries:
        if not query.discarded or query.awaited:
            continue
        is_async_method = query.operation in django_api.QUERYSET_ASYNC and query.operation != "aiterator"
        if query.kind == "instance":
            is_async_method = query.operation.startswith("a") and query.operation[1:] in django_api.MODEL_INSTANCE
        if is_async_method:
            seen.add(query.span)
            fix = UNAWAITED.autofix("add `await`", awaited(query.span, query.chained)) if query.scope.is_async else None
            yield UNAWAITED.finding(facts.path, query.span, call=f"{query.receiver}.{query.operation}", fix=fix)
    root = source_root(facts)
    for call in model.unawaited_discarded_calls_in(facts):
        if seen and call.span in seen:  # a span is unpacked on demand (facts.py): only where it may matter
            continue
        key = (root, call.callee)
        if (is_coroutine := coroutine_calls.get(key)) is None:
            is_coroutine = coroutine_calls[key] = _is_coroutine_call(model, call.callee, facts)
        if is_coroutine or (has_consumers and _is_consumer_coroutine(model, facts, call.text, call.scope.function)):
            fix = UNAWAITED.autofix("add `await`", awaited(call.span, call.chained)) if call.scope.is_async else None
            yield UNAWAITED.finding(facts.path, call.span, call=call.text, fix=fix)


def _is_consumer_coroutine(model: ProjectModel, facts, text: str, function: str | None) -> bool:  # noqa: ANN001
    """`self.send(...)` in an async consumer; `self.channel_layer.group_send(...)` in any consumer."""
    if not text.startswith("self."):
        return False
    kind = model.consumer_of(facts, function)
    if kind is None:
        return False
    if text.startswith("self.channel_layer."):
        return text.rsplit(".", 1)[-1] in channels_api.CHANNEL_LAYER_COROUTINES
    return (
        kind == "async"
        and text.startswith("self.")
        and text.count(".") == 1
        and (text[5:] in channels_api.ASYNC_CONSUMER_COROUTINES)
    )
