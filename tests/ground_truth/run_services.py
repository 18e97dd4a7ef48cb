"""Run Django's services (signals, Paginator, django.tasks, storage) from an event loop; print what happened.

Run by tests/test_ground_truth_services.py in a subprocess of its own, under the Django release being checked
(tests/django_versions.py), because `settings.configure()` is process-global:

    python run_services.py WORK_DIR CASES_JSON

WORK_DIR holds the SQLite file and MEDIA_ROOT; CASES_JSON is a list of case names (the functions below without
their `case_` prefix). Each case is an `async def` run with `asyncio.run()`, so the code runs on the event loop
exactly as an async view's body does. The last stdout line is one JSON object mapping each case to
`{"outcome": "ok", ...details}` or `{"outcome": "ExceptionClassName", "detail": "..."}`.
Imports only Django (and Channels when asked), never the linter.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import sys
import threading


def configure(work_dir: str) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="ground-truth-only",
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(work_dir, "db.sqlite3")}},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        MEDIA_ROOT=os.path.join(work_dir, "media"),
        MEDIA_URL="/media/",
        USE_TZ=True,
    )
    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    from django.contrib.auth.models import Group

    Group.objects.bulk_create([Group(name=f"g{i}") for i in range(25)])


def _queryset():
    from django.contrib.auth.models import Group

    return Group.objects.order_by("pk")


# ------------------------------------------------------------------------------------------------ signals


async def case_signal_send_sync_receiver():
    """A sync receiver, sent with sync `send()` from the loop: it runs, on the loop's own thread (blocking it)."""
    from django.dispatch import Signal

    signal = Signal()
    loop_thread = threading.get_ident()
    seen = {}

    def receiver(sender, **kwargs):
        seen["on_loop_thread"] = threading.get_ident() == loop_thread

    signal.connect(receiver, weak=False)
    signal.send(sender=None)
    return seen


async def case_signal_send_async_receiver():
    """An async receiver, sent with sync `send()` from the loop."""
    from django.dispatch import Signal

    signal = Signal()
    seen = {"ran": False}

    async def receiver(sender, **kwargs):
        seen["ran"] = True

    signal.connect(receiver, weak=False)
    responses = signal.send(sender=None)
    for _, response in responses:
        if inspect.iscoroutine(response):
            seen["returned_coroutine"] = True
            response.close()  # 4.2 calls it like a sync function: a coroutine nobody awaits
    return seen


async def case_signal_send_robust_async_receiver():
    """`send_robust()`: an async receiver's failure would be caught per receiver; what about the adapter's?"""
    from django.dispatch import Signal

    signal = Signal()
    seen = {"ran": False}

    async def receiver(sender, **kwargs):
        seen["ran"] = True

    signal.connect(receiver, weak=False)
    responses = signal.send_robust(sender=None)
    for _, response in responses:
        if inspect.iscoroutine(response):
            seen["returned_coroutine"] = True
            response.close()
        elif isinstance(response, Exception):
            seen["caught"] = type(response).__name__
    return seen


async def case_signal_send_sync_receiver_queries():
    """A sync receiver that queries, sent with sync `send()` from the loop."""
    from django.dispatch import Signal

    signal = Signal()

    def receiver(sender, **kwargs):
        return _queryset().count()

    signal.connect(receiver, weak=False)
    signal.send(sender=None)
    return {}


async def case_signal_asend_mixed_receivers():
    """`await asend()` (5.0+): a sync receiver that queries runs in a thread; an async one is awaited."""
    from django.dispatch import Signal

    signal = Signal()
    seen = {"async_ran": False}

    def sync_receiver(sender, **kwargs):
        return _queryset().count()

    async def async_receiver(sender, **kwargs):
        seen["async_ran"] = True

    signal.connect(sync_receiver, weak=False)
    signal.connect(async_receiver, weak=False)
    responses = await signal.asend(sender=None)
    seen["sync_result"] = responses[0][1]
    return seen


async def case_post_save_send():
    """Django's own signal, sent by hand from the loop with a sync receiver: it runs (on the loop)."""
    from django.contrib.auth.models import Group
    from django.db.models.signals import post_save

    seen = {}

    def receiver(sender, **kwargs):
        seen["ran"] = True

    post_save.connect(receiver, sender=Group, weak=False)
    try:
        post_save.send(sender=Group, instance=None, created=False)
    finally:
        post_save.disconnect(receiver, sender=Group)
    return seen


# ---------------------------------------------------------------------------------------------- paginator


async def case_paginator_queryset_page():
    from django.core.paginator import Paginator

    Paginator(_queryset(), 10).page(1)
    return {}


async def case_paginator_queryset_get_page():
    from django.core.paginator import Paginator

    Paginator(_queryset(), 10).get_page("2")
    return {}


async def case_paginator_queryset_count():
    from django.core.paginator import Paginator

    return {"count": Paginator(_queryset(), 10).count}


async def case_paginator_list_page():
    from django.core.paginator import Paginator

    page = Paginator(list(range(25)), 10).page(2)
    return {"items": list(page), "has_next": page.has_next()}


async def case_async_paginator():
    from django.core.paginator import AsyncPaginator

    paginator = AsyncPaginator(_queryset(), 10)
    page = await paginator.apage(2)
    names = [group.name async for group in page]
    return {"items": len(names), "num_pages": await paginator.anum_pages(), "has_next": await page.ahas_next()}


# -------------------------------------------------------------------------------------------------- tasks


def sync_task_function():
    return threading.get_ident()


async def async_task_function():
    return 1


async def case_task_enqueue_sync_task():
    """Default ImmediateBackend: enqueue runs the task at once, on the calling thread."""
    from django.tasks import task

    loop_thread = threading.get_ident()
    result = task(sync_task_function).enqueue()
    return {"status": str(result.status), "on_loop_thread": result.return_value == loop_thread}


async def case_task_enqueue_async_task():
    """Default ImmediateBackend, an async task, sync enqueue from the loop: the task cannot run."""
    from django.tasks import task

    result = task(async_task_function).enqueue()
    errors = [error.exception_class_path for error in result.errors]
    return {"status": str(result.status), "errors": errors}


async def case_task_aenqueue_async_task():
    from django.tasks import task

    result = await task(async_task_function).aenqueue()
    return {"status": str(result.status), "value": result.return_value}


async def case_task_async_twins():
    from django.tasks import Task, TaskResult

    return {
        "Task.aenqueue": inspect.iscoroutinefunction(Task.aenqueue),
        "Task.aget_result": inspect.iscoroutinefunction(Task.aget_result),
        "TaskResult.arefresh": inspect.iscoroutinefunction(TaskResult.arefresh),
    }


# ------------------------------------------------------------------------------------------------ storage


async def case_storage_async_api():
    """Storage has no async method through 6.1; save/exists/url from the loop simply run (blocking, unguarded)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage, Storage, default_storage

    async_methods = sorted(
        name for name in dir(Storage) + dir(FileSystemStorage)
        if inspect.iscoroutinefunction(getattr(FileSystemStorage, name, None))
    )  # fmt: skip
    name = default_storage.save("gt.txt", ContentFile(b"x"))
    return {
        "async_methods": async_methods,
        "saved": default_storage.exists(name),
        # url() is string work on FileSystemStorage: no file needed, nothing touched.
        "url_of_missing": default_storage.url("never-written.txt"),
        "missing_exists": default_storage.exists("never-written.txt"),
    }


# ----------------------------------------------------------------------------------------------- channels


async def case_channels_aclose_old_connections():
    from channels.db import aclose_old_connections

    return {"coroutine_function": inspect.iscoroutinefunction(aclose_old_connections)}


def run(name: str) -> dict:
    try:
        details = asyncio.run(globals()[f"case_{name}"]())
    except Exception as error:  # noqa: BLE001 - the exception *is* the result
        return {"outcome": type(error).__name__, "detail": str(error)[:200]}
    return {"outcome": "ok", **details}


def main() -> None:
    work_dir, cases = sys.argv[1], json.loads(sys.argv[2])
    configure(work_dir)
    print(json.dumps({name: run(name) for name in cases}))


if __name__ == "__main__":
    main()
