"""DPL121-DPL123: Django's services beside the ORM, used synchronously from async code.

Signals, `Paginator` over a QuerySet, and `django.tasks` each have a sync API that does its work on the calling
thread; from an `async def` that thread is the event loop's. What happens was run under an event loop on Django
4.2, 5.0, 5.2, 6.0 and 6.1 (tests/test_ground_truth_services.py). The tables: knowledge/django_services.py.
File storage has no async API at all and is blocking file I/O: DPL113/DPL114 (knowledge/blocking.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding
from django_protolint.knowledge import django_services as services
from django_protolint.knowledge.django_api import AsyncTwin
from django_protolint.project.model import ProjectFunction, ProjectModel
from django_protolint.project.modules import sole_assignment, source_root
from django_protolint.rules.advice import twin_advice
from django_protolint.rules.base import Gates, Invalid, Rule, Valid, check
from django_protolint.source import static
from django_protolint.source.facts import CallFact, FileFacts

SIGNALS_DOCS = "https://docs.djangoproject.com/en/stable/topics/signals/#sending-signals"
PAGINATION_DOCS = "https://docs.djangoproject.com/en/stable/ref/paginator/"
TASKS_DOCS = "https://docs.djangoproject.com/en/stable/topics/tasks/"

SIGNAL_SEND = Rule(
    code="DPL121",
    slug="sync-signal-send-in-async",
    severity="warning",
    summary="`Signal.send()` / `send_robust()` is called inside async code",
    message="`{call}()` runs the signal's receivers on the event loop inside {scope}",
    rationale=(
        "`send()` and `send_robust()` call each sync receiver directly, on the calling thread: from async code, on "
        "the event loop, blocking it, and a receiver that queries raises `SynchronousOnlyOperation`. An async "
        "receiver is worse: from Django 5.0 `send()` reaches it through `async_to_sync`, which raises `RuntimeError: "
        "You cannot use AsyncToSync in the same thread as an async event loop`; on 4.2 it is called like a plain "
        "function and its coroutine never runs. Django 5.0 added `asend()` and `asend_robust()`, which run sync "
        "receivers in a thread and await async ones. Checked on Django 4.2, 5.0, 5.2 and 6.1."
    ),
    fix="{advice}",
    how_to_fix="Use `await signal.asend(...)` or `await signal.asend_robust(...)` (Django 5.0+), which awaits async receivers and runs sync ones in a thread; on older Django call `send()` through `sync_to_async`.",
    gates=Gates(async_scope=True),
    links=("https://docs.djangoproject.com/en/stable/topics/signals/#sending-signals",),
    examples=[
        Invalid(
            {
                "app/signals.py": """
                    from django.dispatch import Signal

                    order_placed = Signal()
                """,
                "app/views.py": """
                    from django.db.models.signals import post_save
                    from django.dispatch import Signal

                    from . import signals
                    from .signals import order_placed

                    refunded = Signal()

                    async def checkout(request):
                        def notify_later():
                            order_placed.send(sender=None)  # a nested sync def is not async code
                        order_placed.send(sender=None)  # expect: DPL121
                        signals.order_placed.send_robust(sender=None)  # expect: DPL121
                        refunded.send(sender=None)  # expect: DPL121
                        post_save.send(sender=None, instance=None, created=True)  # expect: DPL121
                """,
            },
            django_version="5.0",
            id="send and send_robust on project and Django signals in an async view",
        ),
        Valid(
            {
                "app/signals.py": """
                    from django.dispatch import Signal

                    order_placed = Signal()
                    transport = None
                """,
                "app/views.py": """
                    from asgiref.sync import sync_to_async

                    from .signals import order_placed, transport

                    async def checkout(request):
                        await order_placed.asend(sender=None)
                        await sync_to_async(order_placed.send)(sender=None)
                        transport.send(b"ping")  # not a signal

                    def sync_checkout(request):
                        order_placed.send(sender=None)
                """,
            },
            django_version="5.0",
            id="asend awaited, send through sync_to_async, a send that is no signal's, and a sync view",
        ),
        Valid(
            {
                "app/signals.py": """
                    from django.dispatch import Signal

                    try:
                        from broker import bus as order_placed
                    except ImportError:
                        order_placed = Signal()
                """,
                "app/views.py": """
                    from .signals import order_placed

                    async def checkout(request):
                        order_placed.send(sender=None)  # a broker's bus when installed: unknown, so silent
                """,
            },
            django_version="5.0",
            note="a name bound under `try`/`if` may hold something else than the Signal",
        ),
    ],
)

PAGINATOR = Rule(
    code="DPL122",
    slug="sync-paginator-over-queryset-in-async",
    severity="error",
    raises_synchronous_only=True,
    summary="A `Paginator` over a QuerySet is asked for a page inside async code",
    message="`{call}()` counts the QuerySet with a query inside {scope}: Django raises SynchronousOnlyOperation",
    rationale=(
        "`Paginator.page()`, `get_page()`, `validate_number()` and `get_elided_page_range()` need the page count, "
        "and over a QuerySet `Paginator.count` runs `object_list.count()`: a query, which Django refuses on the "
        "event loop (`SynchronousOnlyOperation`, checked on Django 4.2, 5.2 and 6.1). Over a list nothing is "
        "queried. Django 6.0 added `AsyncPaginator`, whose `apage()`, `aget_page()`, `acount()` and "
        "`anum_pages()` are awaited, and `AsyncPage`."
    ),
    fix="{advice}",
    how_to_fix="Use `AsyncPaginator` and `await paginator.aget_page(number)` (Django 6.0+), or paginate inside `sync_to_async`.",
    gates=Gates(async_scope=True),
    links=(
        "https://docs.djangoproject.com/en/stable/ref/paginator/",
        "https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm",
    ),
    examples=[
        Invalid(
            """
            from django.core.paginator import Paginator
            from .models import Article

            async def listing(request):
                published = Article.objects.filter(published=True).order_by("-pk")
                paginator = Paginator(published, 20)
                page = paginator.get_page(request.GET.get("page"))  # expect: DPL122
                first = Paginator(Article.objects.order_by("pk"), 20).page(1)  # expect: DPL122
                return page, first
            """,
            django_version="6.0",
            id="a Paginator over a QuerySet paged in an async view",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async
            from django.core.paginator import AsyncPaginator, Paginator
            from .models import Article

            async def listing(request, items):
                paginator = AsyncPaginator(Article.objects.order_by("pk"), 20)
                page = await paginator.aget_page(request.GET.get("page"))
                numbers = Paginator(list(range(100)), 20).page(1)  # a list: counting it queries nothing
                sync_paginator = Paginator(Article.objects.order_by("pk"), 20)
                other = await sync_to_async(sync_paginator.page)(2)
                return page, numbers, other
            """,
            django_version="6.0",
            id="AsyncPaginator awaited, a Paginator over a list, and page() through sync_to_async",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async
            from django.core.paginator import Paginator
            from .models import Article

            async def listing(request):
                def page(number):
                    return Paginator(Article.objects.order_by("pk"), 20).page(number)

                first = lambda: Paginator(Article.objects.order_by("pk"), 20).page(1)
                return await sync_to_async(page)(2), first
            """,
            id="paginating a QuerySet in a nested sync def or a lambda is not async code",
        ),
    ],
)

TASK_API = Rule(
    code="DPL123",
    slug="sync-task-api-in-async",
    severity="warning",
    summary="`django.tasks`' sync API (`enqueue()`, `get_result()`, `refresh()`) is called inside async code",
    message="`{call}()` runs the task backend synchronously inside {scope}{consequence}",
    rationale=(
        "`Task.enqueue()` hands the task to its backend on the calling thread. The default `ImmediateBackend` "
        "runs the task right there: a sync task runs on the event loop, blocking it, and an async task goes "
        "through `async_to_sync`, which cannot run on the loop's thread, so the result is FAILED with "
        "`RuntimeError` (nothing is raised). Other backends write to their store (a database, a broker) "
        "synchronously, as `get_result()` and `TaskResult.refresh()` read from it. Django 6.0 added "
        "`aenqueue()`, `aget_result()` and `arefresh()`. Checked on Django 6.0 and 6.1 (5.2 has no `django.tasks`)."
    ),
    fix="{advice}",
    how_to_fix="Use `await task.aenqueue(...)`, which hands the task to its backend without blocking the event loop.",
    gates=Gates(async_scope=True),
    links=("https://docs.djangoproject.com/en/stable/topics/tasks/",),
    examples=[
        Invalid(
            {
                "app/tasks.py": """
                    from django.tasks import task

                    @task
                    def send_receipt(order_id):
                        return order_id

                    @task(priority=10)
                    async def refresh_feed(user_id):
                        return user_id
                """,
                "app/views.py": """
                    from .tasks import refresh_feed, send_receipt

                    async def checkout(request):
                        result = send_receipt.enqueue(1)  # expect: DPL123
                        refresh_feed.using(priority=1).enqueue(2)  # expect: DPL123
                        result.refresh()  # expect: DPL123
                        return send_receipt.get_result(result.id)  # expect: DPL123
                """,
            },
            django_version="6.0",
            id="enqueue, refresh and get_result of django.tasks in an async view",
        ),
        Valid(
            {
                "app/tasks.py": """
                    from django.tasks import task

                    @task
                    def send_receipt(order_id):
                        return order_id

                    def enqueue(order_id):
                        return order_id
                """,
                "app/views.py": """
                    from .tasks import enqueue, send_receipt

                    async def checkout(request):
                        result = await send_receipt.aenqueue(1)
                        await result.arefresh()
                        enqueue(1)  # a plain function of the same name

                    def sync_checkout(request):
                        return send_receipt.enqueue(1)
                """,
            },
            django_version="6.0",
            id="aenqueue and arefresh awaited, a plain function named enqueue, and a sync view",
        ),
        Valid(
            {
                "app/tasks.py": """
                from django.tasks import task

                @task
                def send_receipt(order_id):
                    return order_id
                """,
                "app/views.py": """
                from asgiref.sync import sync_to_async
                from .tasks import send_receipt

                async def checkout(request):
                    def enqueue_now():
                        return send_receipt.enqueue(1)

                    later = lambda: send_receipt.enqueue(2)
                    return await sync_to_async(enqueue_now)(), later
                """,
            },
            id="enqueue in a nested sync def or a lambda is not async code",
        ),
    ],
)


def _scope(call: CallFact) -> str:
    return f"async function `{call.scope.function}`"


def _method(callee: str | None, methods: dict[str, AsyncTwin]) -> tuple[str, AsyncTwin] | None:
    """`order_placed.send` → ("order_placed", the `send` row), when the method is one of `methods`."""
    receiver, dot, method = (callee or "").rpartition(".")
    if not dot or method not in methods:
        return None
    return receiver, methods[method]


def _advice(model: ProjectModel, row: AsyncTwin, call: CallFact, facts: FileFacts, async_form: str) -> str:
    advice = twin_advice(model, row, async_form, facts.path)
    return advice + (f"; {row.note}" if row.note else "")


def _module_assignment(model: ProjectModel, qualname: str, near: FileFacts) -> static.StaticExpr | None:
    """The value a project module assigns to `qualname` (`app.signals.order_placed`) at its top level."""
    module, _, name = qualname.rpartition(".")
    facts = model.modules.find(module, source_root(near)) if module else None
    if facts is None:
        return None
    assignment = sole_assignment(facts, name)
    return assignment.value if assignment is not None else None


def _is_signal(model: ProjectModel, receiver: str, near: FileFacts) -> bool:
    if receiver in services.DJANGO_SIGNALS or receiver in services.SIGNAL_CLASSES:
        return True  # `post_save`, or a Signal() bound in this module (typed by the per-file pass)
    value = _module_assignment(model, receiver, near)
    return isinstance(value, static.Call) and value.callee in services.SIGNAL_CLASSES


@check(SIGNAL_SEND)
def signal_sends(model: ProjectModel) -> Iterator[Finding]:
    for facts, call in model.calls_in_async():
        if call.awaited or (found := _method(call.callee, services.SIGNAL_SENDS)) is None:
            continue
        receiver, row = found
        if not _is_signal(model, receiver, facts):
            continue
        text = call.text.rpartition(".")[0] or call.text
        advice = _advice(model, row, call, facts, f"await {text}.{row.twin}(...)")
        yield SIGNAL_SEND.finding(facts.path, call.span, call=call.text, scope=_scope(call), advice=advice)


@check(PAGINATOR)
def paginators(model: ProjectModel) -> Iterator[Finding]:
    for facts, call in model.calls_in_async():
        if call.awaited or (found := _method(call.callee, services.PAGINATOR_METHODS)) is None:
            continue
        receiver, row = found
        if receiver not in services.PAGINATORS:
            continue  # only typed when built over a QuerySet (source/visitor.py)
        advice = _advice(model, row, call, facts, f"AsyncPaginator(...)` and `await paginator.{row.twin}(...)")
        yield PAGINATOR.finding(facts.path, call.span, call=call.text, scope=_scope(call), advice=advice)


def _task(model: ProjectModel, receiver: str, near: FileFacts) -> ProjectFunction | None:
    """The `@task` function behind `send_receipt` or `send_receipt.using(...)`."""
    while receiver.rpartition(".")[2] in services.TASK_COPIES:
        receiver = receiver.rpartition(".")[0]
    function = model.function_named(receiver, near)
    if function is None or not set(function.function.decorators) & services.TASK_DECORATORS:
        return None
    return function


@check(TASK_API)
def task_api(model: ProjectModel) -> Iterator[Finding]:
    for facts, call in model.calls_in_async():
        if call.awaited:
            continue
        consequence = ""
        if (found := _method(call.callee, services.TASK_METHODS)) is not None:
            receiver, row = found
            function = _task(model, receiver, facts)
            if function is None:
                continue
            if row.sync == "enqueue" and function.function.is_async:
                consequence = (": under the default ImmediateBackend this async task cannot run there and ends "
                               "FAILED with RuntimeError")  # fmt: skip
        elif (found := _method(call.callee, services.TASK_RESULT_METHODS)) is not None:
            # `result = send_receipt.enqueue(...)` types `result` as what `enqueue` returned: a TaskResult.
            result_of, row = found
            made_by = _method(result_of, services.TASK_METHODS)
            if made_by is None or _task(model, made_by[0], facts) is None:
                continue
        else:
            continue
        text = call.text.rpartition(".")[0] or call.text
        advice = _advice(model, row, call, facts, f"await {text}.{row.twin}(...)")
        yield TASK_API.finding(facts.path, call.span, call=call.text, scope=_scope(call), consequence=consequence,
                               advice=advice)  # fmt: skip
