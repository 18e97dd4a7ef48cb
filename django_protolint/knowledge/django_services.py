"""Django's services beside the ORM, used from async code: signals, pagination, `django.tasks`, file storage.

Each table names its source. Every behaviour claimed here was run under an event loop on each release it speaks
about (tests/test_ground_truth_services.py, tests/ground_truth/run_services.py): Django 4.2, 5.0, 5.2, 6.0, 6.1.
"""

from __future__ import annotations

from django_protolint.knowledge.django_api import AsyncTwin

# ------------------------------------------------------------------------------------------------ signals
# django/dispatch/dispatcher.py. `Signal.send()`/`send_robust()` call sync receivers directly, on the calling
# thread: from async code they run on the event loop (a receiver that queries raises SynchronousOnlyOperation).
# Async receivers (5.0+) are gathered through `async_to_sync`, which raises RuntimeError on the loop's thread; on
# 4.2 an async receiver is called like a function and its coroutine is never awaited. `asend`/`asend_robust`
# (docs/releases/5.0.txt, "Signals") run sync receivers with `sync_to_async` and await async ones.
SIGNAL_CLASSES = frozenset(
    {"django.dispatch.Signal", "django.dispatch.dispatcher.Signal", "django.db.models.signals.ModelSignal"}
)
SIGNAL_SENDS = {
    "send": AsyncTwin("send", "asend", (5, 0)),
    "send_robust": AsyncTwin("send_robust", "asend_robust", (5, 0)),
}
# Django's own signals, by qualified name (docs/ref/signals.txt; django/tasks/signals.py for 6.0).
DJANGO_SIGNALS = frozenset(
    {
        *(f"django.db.models.signals.{name}" for name in (
            "pre_init", "post_init", "pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed",
            "pre_migrate", "post_migrate", "class_prepared")),
        *(f"django.core.signals.{name}" for name in (
            "request_started", "request_finished", "got_request_exception", "setting_changed")),
        "django.test.signals.setting_changed",
        "django.db.backends.signals.connection_created",
        *(f"django.contrib.auth.signals.{name}" for name in (
            "user_logged_in", "user_logged_out", "user_login_failed")),
        *(f"django.tasks.signals.{name}" for name in ("task_enqueued", "task_started", "task_finished")),
    }
)  # fmt: skip

# ---------------------------------------------------------------------------------------------- paginator
# django/core/paginator.py. Over a QuerySet, `Paginator.count` calls `object_list.count()`: every method that
# needs the page count queries, so from async code it raises SynchronousOnlyOperation (over a list it does not).
# `AsyncPaginator`/`AsyncPage` arrived in 6.0 (docs/releases/6.0.txt, "Pagination").
PAGINATORS = frozenset({"django.core.paginator.Paginator"})
PAGINATOR_METHODS = {
    "page": AsyncTwin("page", "apage", (6, 0)),
    "get_page": AsyncTwin("get_page", "aget_page", (6, 0)),
    "validate_number": AsyncTwin("validate_number", "avalidate_number", (6, 0)),
    "get_elided_page_range": AsyncTwin("get_elided_page_range", "aget_elided_page_range", (6, 0),
                                       note="an async generator: use it with `async for`"),
}  # fmt: skip

# -------------------------------------------------------------------------------------------------- tasks
# django/tasks/base.py (6.0, docs/releases/6.0.txt "Background Tasks"). `Task.enqueue` hands the task to its
# backend; the default ImmediateBackend (global_settings.TASKS) runs it there and then, on the calling thread: a
# sync task runs on the event loop, an async one goes through `async_to_sync` and ends FAILED with RuntimeError.
# Other backends write to their store (a database, a broker) synchronously. The a-twins run it in a thread.
TASK_DECORATORS = frozenset({"django.tasks.task"})
TASK_METHODS = {
    "enqueue": AsyncTwin("enqueue", "aenqueue", (6, 0)),
    "get_result": AsyncTwin("get_result", "aget_result", (6, 0)),
}
TASK_RESULT_METHODS = {"refresh": AsyncTwin("refresh", "arefresh", (6, 0))}
# `task.using(priority=...)` returns a modified copy of the Task: it does nothing itself.
TASK_COPIES = frozenset({"using"})

# ------------------------------------------------------------------------------------------------ storage
# django/core/files/storage/base.py and filesystem.py: no async method on Storage through 6.1 (checked on each
# release). Which methods touch the disk (or, for remote storages, the network): `open`/`save` read and write a
# file; `delete`, `exists`, `listdir`, `size`, `get_*_time`, and `get_available_name` (it calls `exists()` until a
# name is free) query the filesystem. `url`, `path`, `generate_filename`, `get_valid_name` and
# `get_alternative_name` are string work on FileSystemStorage (`url()` of a file never written answers all the same).
STORAGE_OBJECTS = (
    "django.core.files.storage.default_storage",
    "django.core.files.storage.FileSystemStorage",
    "django.core.files.storage.filesystem.FileSystemStorage",
    "django.core.files.storage.Storage",
    "django.core.files.storage.base.Storage",
    "django.contrib.staticfiles.storage.staticfiles_storage",
)
STORAGE_FILE_METHODS = ("open", "save")
STORAGE_FILESYSTEM_METHODS = (
    "delete", "exists", "listdir", "size", "get_accessed_time", "get_created_time", "get_modified_time",
    "get_available_name",
)  # fmt: skip
STORAGE_SOURCE = "django source (core/files/storage; no async Storage API through 6.1)"
STORAGE_HINT = (
    "Django's storage API has no async form through 6.1: `await sync_to_async(storage.<method>)(...)`, "
    "or move the file work into one sync function run with `sync_to_async`"
)

# ----------------------------------------------------------------------------------------------- channels
# channels/db.py (4.2+, docs/releases/4.2.0.rst): `async def aclose_old_connections()` awaits
# `sync_to_async(close_old_connections)()`; called without `await` it closes nothing (checked on Channels 4.3.2).
COROUTINE_FUNCTIONS = frozenset({"channels.db.aclose_old_connections"})
