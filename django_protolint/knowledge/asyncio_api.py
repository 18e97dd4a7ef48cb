"""asyncio / asgiref / Channels names the analysis needs to know by heart.

Sources: CPython `asyncio` docs; asgiref `asgiref/sync.py`; Channels `channels/db.py`.
"""

from __future__ import annotations

# A `def` decorated with one of these is called like a coroutine function and runs in a worker thread.
OFFLOADING_DECORATORS = frozenset(
    {
        "asgiref.sync.sync_to_async",
        "channels.db.database_sync_to_async",
    }
)

# Calls that run the sync callable given as their first argument in a worker thread (asgiref `sync_to_async`,
# Channels `database_sync_to_async`, CPython `asyncio.to_thread`).
OFFLOADING_CALLS = OFFLOADING_DECORATORS | {"asyncio.to_thread", "asyncio.threads.to_thread"}

# Coroutine functions outside Django: calling one without `await` schedules nothing.
COROUTINE_FUNCTIONS = frozenset(
    {
        "asyncio.sleep",
        "asyncio.wait_for",
        "asyncio.wait",
        "asyncio.open_connection",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
        "asyncio.to_thread",
    }
)

# Calls that schedule a coroutine on the running loop and return at once: the work goes on after the caller
# returns, for as long as the loop lives. (`TaskGroup.create_task` is not here: `async with TaskGroup()` waits for
# its tasks before the block ends.) Source: CPython `asyncio` docs, "Creating Tasks" and "Event Loop".
TASK_SCHEDULERS = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.tasks.create_task",
        "asyncio.tasks.ensure_future",
    }
)
# What returns the running loop, whose `create_task()`/`ensure_future()`... schedule the same way.
EVENT_LOOP_GETTERS = frozenset(
    {
        "asyncio.get_event_loop",
        "asyncio.get_running_loop",
        "asyncio.events.get_event_loop",
        "asyncio.events.get_running_loop",
    }
)
LOOP_SCHEDULING_METHODS = frozenset({"create_task"})

# A plain `def` passed to one of these is reported as a coroutine function by the check Django uses (asgiref's
# `iscoroutinefunction` up to Django 6.0, `inspect.iscoroutinefunction` from 6.1, which requires Python 3.12+,
# where `inspect.markcoroutinefunction` exists). Verified on CPython 3.10-3.13 with asgiref 3.13: a sync wrapper
# with only `functools.wraps(view)` is not a coroutine function for asyncio, inspect or asgiref.
COROUTINE_MARKERS = frozenset({"asgiref.sync.markcoroutinefunction", "inspect.markcoroutinefunction"})
# Wrappers that run a coroutine to completion from sync code: a sync wrapper that calls the view through one of
# these returns its result, not a coroutine.
COROUTINE_RUNNERS = frozenset({"asgiref.sync.async_to_sync", "asyncio.run"})
