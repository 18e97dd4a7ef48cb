"""DPL511: a background task scheduled by an async view, in a project served only by WSGI.

The finding sits on the call that schedules the task, which is what the user changes (or keeps, once the project
is served by ASGI). Facts: project/async_work.py, verified on loopback in tests/test_ground_truth_background_tasks.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding
from django_protolint.knowledge.servers import ASGI, WSGI
from django_protolint.project.async_work import background_tasks
from django_protolint.project.deploy.commands import app_protocol
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Invalid, Rule, Valid, check, django_project

KICK = """
import asyncio
from django.http import HttpResponse

async def refresh_feeds():
    await asyncio.sleep(1)

async def kick(request):
    asyncio.create_task(refresh_feeds()){expect}
    return HttpResponse(status=202)
"""

BACKGROUND_TASK_UNDER_WSGI = Rule(
    code="DPL511",
    slug="background-task-under-wsgi",
    severity="warning",
    summary="An async view schedules a background task, but every production server speaks WSGI",
    message="`{call}()` in async view `{view}` schedules a task that is cancelled when the view returns: under "
    "WSGI ({server}) each request runs on its own event loop, closed with the response",
    rationale=(
        "Under WSGI Django runs an async view through asgiref's `async_to_sync`, which gives the request its own "
        "event loop with `asyncio.run()`; when the view returns, `asyncio.run()` cancels every task still "
        "pending. A task from `asyncio.create_task`, `asyncio.ensure_future` or `loop.create_task` runs to its "
        "first `await` and is cancelled there. Verified on loopback (Django 5.2, asgiref 3.13): behind gunicorn's "
        "sync worker the task was cancelled, behind uvicorn it finished. Under ASGI the task runs on the "
        "server's loop; keep a reference to it (asyncio docs, `create_task`) or it may be garbage-collected. "
        "Only fire-and-forget calls count: a task the view awaits, or may await, is not reported."
    ),
    fix="serve the ASGI app (`{recommendation}`), or hand the work to a task queue",
    how_to_fix="Serve the ASGI application, where a task can outlive the request, or hand the work to a task queue (Celery, Django's tasks framework). The finding's help line names the ASGI command for your project.",
    links=(
        "https://docs.python.org/3/library/asyncio-runner.html#asyncio.run",
        "https://docs.djangoproject.com/en/stable/topics/async/#async-views",
    ),
    examples=[
        Invalid(
            django_project(
                KICK.replace("{expect}", "  # expect: DPL511"),
                routes=("kick",),
                Procfile="web: gunicorn proj.wsgi:application\n",
            ),
            id="asyncio.create_task in an async view served by WSGI",
        ),  # fmt: skip
        Valid(
            django_project(
                KICK.replace("{expect}", ""), routes=("kick",), Procfile="web: uvicorn proj.asgi:application\n"
            ),  # fmt: skip
            note="under ASGI the task runs on the server's loop",
        ),
        Valid(
            django_project(
                KICK.replace("{expect}", "").replace(
                    "asyncio.create_task(refresh_feeds())", "await asyncio.create_task(refresh_feeds())"
                ),
                routes=("kick",),
                Procfile="web: gunicorn proj.wsgi:application\n",
            ),
            note="an awaited task ends before the view returns",
        ),
    ],
)


@check(BACKGROUND_TASK_UNDER_WSGI)
def background_tasks_under_wsgi(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        verdict = model.verdicts[project.root]
        if verdict.served != WSGI:
            continue
        if verdict.declared_server:
            server, certain = "declared with --server", True
        else:
            # A WSGI server on `asgi.py` fails every request before the view runs: DPL506's finding, not this one.
            running = [d for d in verdict.servers if app_protocol(d.command.app) != ASGI]
            if not running:
                continue
            server = ", ".join(sorted({d.command.server for d in running}))
            certain = any(d.certain for d in running)
        for view in project.views.values():
            for facts, function in view.async_functions:
                for call in background_tasks(facts, function):
                    yield BACKGROUND_TASK_UNDER_WSGI.finding(
                        facts.path, call.span, call=call.text, view=function.qualname, server=server,
                        recommendation=verdict.recommendation, severity=None if certain else "info",
                    )  # fmt: skip
