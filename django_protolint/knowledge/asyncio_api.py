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
