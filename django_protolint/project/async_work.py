"""What an async view does on the event loop besides awaiting: tasks it schedules and leaves running.

`asyncio.create_task(work())` in a view returns at once and the work goes on, on the loop that runs the view.
Under ASGI that is the server's loop, which outlives the request. Under WSGI Django runs an async view with
asgiref's `async_to_sync`, which gives each request its own loop through `asyncio.run()`, and `asyncio.run()`
cancels every task still pending when the view returns. Verified on loopback (Django 5.2, asgiref 3.13,
CPython 3.11): behind `gunicorn -k sync` a task created by `asyncio.create_task`, `asyncio.ensure_future` or
`get_event_loop().create_task` ran to its first `await` and was cancelled there; behind uvicorn each finished
(tests/test_ground_truth_servers.py, BACKGROUND_TASK).
"""

from __future__ import annotations

from django_protolint.knowledge.asyncio_api import EVENT_LOOP_GETTERS, LOOP_SCHEDULING_METHODS, TASK_SCHEDULERS
from django_protolint.source.facts import CallFact, FileFacts, FunctionFact


def schedules(call: CallFact) -> bool:
    """`asyncio.create_task(...)`, `asyncio.ensure_future(...)`, `asyncio.get_event_loop().create_task(...)`."""
    callee = call.callee
    if callee is None:
        return False
    if callee in TASK_SCHEDULERS:
        return True
    owner, _, method = callee.rpartition(".")
    return method in LOOP_SCHEDULING_METHODS and owner in EVENT_LOOP_GETTERS


def background_tasks(facts: FileFacts, function: FunctionFact) -> list[CallFact]:
    """Tasks the function schedules in its own body and does not wait for: fire-and-forget.

    A task is waited for when the call itself is awaited, or possibly when the function awaits anything at all
    (`task = create_task(...)` then `await task`): then it is not counted, a miss rather than a false alarm.
    A statement that only schedules (`create_task(work())` whose result is thrown away) is never waited for.
    """
    return [
        call
        for call in facts.calls
        if call.scope.function == function.qualname
        and not call.awaited
        and schedules(call)
        and (call.discarded or not function.awaits)
    ]
