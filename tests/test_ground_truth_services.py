"""Ground truth for DPL121-DPL123 and the storage rows of DPL113/DPL114: Django's services run on an event loop.

tests/ground_truth/run_services.py runs each case as an `async def` under `asyncio.run()` on a real release
(tests/django_versions.py): signals on 4.2, 5.0 (where `asend` arrives), 5.2 and 6.1; AsyncPaginator and
`django.tasks` on 5.2 (absent), 6.0 (where they arrive) and 6.1. What each release does is asserted from the
knowledge tables (the version each twin arrived in), and the linter is run on the same shapes: it reports what
fails or blocks, and stays silent on what Django runs fine.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from django_protolint.knowledge import django_services as services
from tests.django_versions import python_for, releases
from tests.helpers import expectations, found, run, write_project

SCRIPT = Path(__file__).parent / "ground_truth" / "run_services.py"

SIGNAL_CASES = (
    "signal_send_sync_receiver", "signal_send_async_receiver", "signal_send_robust_async_receiver",
    "signal_send_sync_receiver_queries", "signal_asend_mixed_receivers", "post_save_send",
)  # fmt: skip
PAGINATOR_CASES = (
    "paginator_queryset_page", "paginator_queryset_get_page", "paginator_queryset_count", "paginator_list_page",
    "async_paginator",
)  # fmt: skip
TASK_CASES = ("task_enqueue_sync_task", "task_enqueue_async_task", "task_aenqueue_async_task", "task_async_twins")
STORAGE_CASES = ("storage_async_api",)


def _version(series: str) -> tuple[int, int]:
    major, minor = series.split(".")
    return int(major), int(minor)


def _run(python: str, cases: tuple[str, ...], tmp_path: Path) -> dict[str, dict]:
    completed = subprocess.run(
        [python, str(SCRIPT), str(tmp_path), json.dumps(list(cases))], capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("series", releases("4.2", "5.0", "5.2", "6.1"))
def test_signals_on_the_event_loop(series, tmp_path):
    result = _run(python_for(series), SIGNAL_CASES, tmp_path)
    has_asend = _version(series) >= services.SIGNAL_SENDS["send"].since
    # A sync receiver runs, on the loop's own thread: it blocks the loop (DPL121's warning).
    assert result["signal_send_sync_receiver"] == {"outcome": "ok", "on_loop_thread": True}
    assert result["post_save_send"] == {"outcome": "ok", "ran": True}
    # ...and one that queries raises, on every release.
    assert result["signal_send_sync_receiver_queries"]["outcome"] == "SynchronousOnlyOperation"
    for case in ("signal_send_async_receiver", "signal_send_robust_async_receiver"):
        if has_asend:  # async receivers go through async_to_sync, which refuses the loop's thread
            assert result[case]["outcome"] == "RuntimeError"
            assert "AsyncToSync in the same thread as an async event loop" in result[case]["detail"]
        else:  # called like a function: its coroutine is returned, never run
            assert result[case] == {"outcome": "ok", "ran": False, "returned_coroutine": True}
    if has_asend:
        assert result["signal_asend_mixed_receivers"] == {"outcome": "ok", "async_ran": True, "sync_result": 25}
    else:
        assert result["signal_asend_mixed_receivers"]["outcome"] == "AttributeError"


@pytest.mark.parametrize("series", releases("4.2", "5.2", "6.0", "6.1"))
def test_paginator_over_a_queryset_on_the_event_loop(series, tmp_path):
    result = _run(python_for(series), PAGINATOR_CASES, tmp_path)
    for case in ("paginator_queryset_page", "paginator_queryset_get_page", "paginator_queryset_count"):
        assert result[case]["outcome"] == "SynchronousOnlyOperation", case
    assert result["paginator_list_page"] == {"outcome": "ok", "items": list(range(10, 20)), "has_next": True}
    if _version(series) >= services.PAGINATOR_METHODS["page"].since:
        assert result["async_paginator"] == {"outcome": "ok", "items": 10, "num_pages": 3, "has_next": True}
    else:
        assert result["async_paginator"]["outcome"] == "ImportError"


@pytest.mark.parametrize("series", releases("5.2", "6.0", "6.1"))
def test_tasks_on_the_event_loop(series, tmp_path):
    result = _run(python_for(series), TASK_CASES, tmp_path)
    if _version(series) < services.TASK_METHODS["enqueue"].since:
        assert {outcome["outcome"] for outcome in result.values()} == {"ModuleNotFoundError"}
        return
    # The default ImmediateBackend runs a sync task there and then, on the loop's thread...
    assert result["task_enqueue_sync_task"] == {"outcome": "ok", "status": "SUCCESSFUL", "on_loop_thread": True}
    # ...and cannot run an async one: nothing is raised, the result is FAILED with RuntimeError.
    assert result["task_enqueue_async_task"] == {
        "outcome": "ok",
        "status": "FAILED",
        "errors": ["builtins.RuntimeError"],
    }
    assert result["task_aenqueue_async_task"] == {"outcome": "ok", "status": "SUCCESSFUL", "value": 1}
    assert result["task_async_twins"] == {
        "outcome": "ok", "Task.aenqueue": True, "Task.aget_result": True, "TaskResult.arefresh": True,
    }  # fmt: skip


@pytest.mark.parametrize("series", releases("4.2", "5.2", "6.1"))
def test_storage_has_no_async_api_and_url_touches_nothing(series, tmp_path):
    result = _run(python_for(series), STORAGE_CASES, tmp_path)
    assert result["storage_async_api"] == {
        "outcome": "ok", "async_methods": [], "saved": True, "url_of_missing": "/media/never-written.txt",
        "missing_exists": False,
    }  # fmt: skip


def test_aclose_old_connections_is_a_coroutine_function(tmp_path):
    python = python_for("6.1", extras=("channels==4.3.2",))
    result = _run(python, ("channels_aclose_old_connections",), tmp_path)
    assert result["channels_aclose_old_connections"] == {"outcome": "ok", "coroutine_function": True}
    assert "channels.db.aclose_old_connections" in services.COROUTINE_FUNCTIONS


# The shapes the cases above run, as a project: the linter reports what failed or blocked there, and only that.
LINTED = {
    "app/__init__.py": "",
    "app/models.py": """
        from django.db import models

        class Article(models.Model):
            title = models.CharField(max_length=100)
    """,
    "app/signals.py": """
        from django.dispatch import Signal

        order_placed = Signal()
    """,
    "app/tasks.py": """
        from django.tasks import task

        @task
        def sync_task_function():
            return 1

        @task
        async def async_task_function():
            return 1
    """,
    "app/views.py": """
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage
        from django.core.paginator import AsyncPaginator, Paginator
        from django.db.models.signals import post_save

        from .models import Article
        from .signals import order_placed
        from .tasks import async_task_function, sync_task_function

        async def view(request):
            order_placed.send(sender=None)  # expect: DPL121
            post_save.send(sender=Article, instance=None, created=False)  # expect: DPL121
            await order_placed.asend(sender=None)
            Paginator(Article.objects.order_by("pk"), 10).page(1)  # expect: DPL122
            Paginator(Article.objects.order_by("pk"), 10).get_page("2")  # expect: DPL122
            Paginator(list(range(25)), 10).page(2)
            await AsyncPaginator(Article.objects.order_by("pk"), 10).apage(2)
            sync_task_function.enqueue()  # expect: DPL123
            async_task_function.enqueue()  # expect: DPL123
            await async_task_function.aenqueue()
            name = default_storage.save("gt.txt", ContentFile(b"x"))  # expect: DPL113
            default_storage.exists(name)  # expect: DPL114
            return default_storage.url("never-written.txt")
    """,
}


def test_the_linter_reports_what_failed_or_blocked_and_nothing_else(tmp_path):
    files = {path: textwrap.dedent(body).lstrip("\n") for path, body in LINTED.items()}
    root = write_project(tmp_path / "project", files)
    report = run(root, select=("DPL113", "DPL114", "DPL121", "DPL122", "DPL123"), django_version="6.1")
    assert found(report) == expectations(root, files)
    failing = [finding for finding in report.findings if "FAILED with RuntimeError" in finding.message]
    assert [finding.span.line for finding in failing] == [19]  # only the async task's enqueue
