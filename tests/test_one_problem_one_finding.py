"""One problem, one finding: with every rule selected, two findings never give advice about the same thing.

- DPL202 ("never awaits: make it a plain def") gives way to a DPL1xx finding in the same view, whose fix is to
  await something (Rule.yields_to); a view with nothing else to fix still gets it.
- DPL501/DPL502/DPL511 give way to DPL506 on a WSGI server pointed at `asgi.py` (every request fails).
- `open()` and the reads of the file it gave are one DPL113.
"""

from __future__ import annotations

import textwrap

import pytest

from django_protolint.rules.base import django_project
from tests.helpers import expectations, found, run, write_project

CASES = {
    "sync-query-in-view-that-never-awaits": django_project(
        """
        from django.http import HttpResponse
        from .models import Article

        async def detail(request, pk):
            article = Article.objects.get(pk=pk)  # expect: DPL101
            return HttpResponse(article.title)

        async def hello(request):  # expect: DPL202
            return HttpResponse("hello")
        """,
        routes=("detail", "hello"),
    ),
    "blocking-call-and-unawaited-coroutine": django_project(
        """
        import asyncio
        import time
        from django.http import HttpResponse

        async def slow(request):
            time.sleep(1)  # expect: DPL110
            return HttpResponse("ok")

        async def forgot(request):
            asyncio.sleep(1)  # expect: DPL120
            return HttpResponse("ok")
        """,
        routes=("slow", "forgot"),
    ),
    "nested-sync-helper-is-not-the-view": django_project(
        """
        import time
        from django.http import HttpResponse

        async def outer(request):  # expect: DPL202
            def helper():
                time.sleep(1)  # sync code: no DPL110, so nothing else to fix in the view
            return HttpResponse("ok")
        """,
        routes=("outer",),
    ),
    "open-and-read-once": django_project(
        """
        from django.http import HttpResponse

        async def export(request):
            await request.auser()
            with open("report.csv") as handle:  # expect: DPL113
                return HttpResponse(handle.read())
        """,
        routes=("export",),
    ),
    "wsgi-worker-on-asgi-app": django_project(
        """
        import asyncio

        async def index(request):
            await asyncio.sleep(0)

        async def kick(request):
            asyncio.create_task(asyncio.sleep(1))  # the view never runs: no DPL511 beside DPL506
        """,
        routes=("index", "kick"),
        Procfile="web: gunicorn proj.asgi:application  # expect: DPL506\n",
        proj__asgi_py="from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_one_finding_per_problem(name, tmp_path):
    files = {path: textwrap.dedent(body).lstrip("\n") for path, body in CASES[name].items()}
    root = write_project(tmp_path / name, files)
    assert found(run(root, django_version="5.2")) == expectations(root, files)
