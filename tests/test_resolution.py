"""Name resolution and async scope, the two things every blocking and ORM rule stands on.

Each case is a small file annotated with `# expect:`; near-misses carry no annotation and must stay silent.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import expectations, found, run, write_project

CASES = {
    "import-alias": """
        import requests as r
        import time as t
        async def view(request):
            r.get("x")  # expect: DPL111
            t.sleep(1)  # expect: DPL110
    """,
    "from-import-alias": """
        from time import sleep as nap
        from subprocess import run
        async def view(request):
            nap(1)  # expect: DPL110
            run(["ls"])  # expect: DPL112
    """,
    "dotted-import": """
        import urllib.request
        import os.path
        async def view(request):
            urllib.request.urlopen("x")  # expect: DPL111
            os.path.isfile("x")  # expect: DPL114
            os.path.join("a", "b")
    """,
    "import-under-module-level-try": """
        try:
            from orjson import dumps
        except ImportError:
            from requests import get as dumps
        async def view(request):
            dumps("x")  # expect: DPL111
    """,
    "import-under-module-level-if": """
        import sys
        if sys.platform != "win32":
            import time
        async def view(request):
            time.sleep(1)  # expect: DPL110
    """,
    "decorator-and-default-run-when-defined": """
        import time
        def cached(seconds):
            return lambda function: function
        @cached(time.sleep(0) or 5)
        async def view(request, started=time.time(), pause=time.sleep(0)):
            return started
    """,
    # A vendored Channels: its SyncConsumer derives from AsyncConsumer, yet its methods are sync.
    "vendored-channels-sync-consumer-derives-from-the-async-one": {
        "channels/__init__.py": "",
        "channels/consumer.py": """
            class AsyncConsumer:
                async def send(self, message):
                    await self.base_send(message)

            class SyncConsumer(AsyncConsumer):
                def send(self, message):
                    self.base_send(message)
        """,
        "channels/generic/__init__.py": "",
        "channels/generic/websocket.py": """
            from ..consumer import AsyncConsumer, SyncConsumer

            class WebsocketConsumer(SyncConsumer):
                def connect(self):
                    self.accept()

                def accept(self):
                    self.send({"type": "websocket.accept"})

            class AsyncWebsocketConsumer(AsyncConsumer):
                async def connect(self):
                    self.accept()  # expect: DPL120

                async def accept(self):
                    await self.send({"type": "websocket.accept"})
        """,
    },
    "import-inside-function": """
        async def view(request):
            import time
            time.sleep(1)  # expect: DPL110
    """,
    "shadowed-by-parameter": """
        import time
        async def view(request, time):
            time.sleep(1)
    """,
    "shadowed-by-local-import": """
        async def view(request):
            from asyncio import sleep
            await sleep(1)
            sleep(1)  # expect: DPL120
    """,
    "annotated-parameter": """
        from typing import Optional
        import httpx
        async def view(client: httpx.Client, other: Optional[httpx.Client], third: "httpx.Client"):
            client.get("x")  # expect: DPL111
            other.get("x")  # expect: DPL111
            third.get("x")
    """,
    "union-annotation": """
        import httpx
        async def view(client: httpx.Client | None = None):
            client.post("x")  # expect: DPL111
    """,
    "with-as-file": """
        async def view(request):
            with open("f") as handle:  # expect: DPL113
                handle.read()  # the file open() gave, in the same function: one finding, at open()
    """,
    "with-as-client": """
        import httpx
        async def view(request):
            with httpx.Client() as client:
                client.get("x")  # expect: DPL111
    """,
    "file-opened-elsewhere": """
        import io
        async def view(request):
            handle = open("f")  # expect: DPL113
            def helper():
                return open("g")
            handle.read()
        async def other(handle: io.TextIOWrapper):
            handle.read()  # expect: DPL113
    """,
    "module-global-defined-after-use": """
        async def view(request):
            return client.get("x")  # expect: DPL111
        import httpx
        client = httpx.Client()
    """,
    "copied-binding": """
        import httpx
        async def view(request):
            first = httpx.Client()
            second = first
            second.get("x")  # expect: DPL111
    """,
    "lambda-is-sync": """
        import asyncio, time
        async def view(request):
            await asyncio.to_thread(lambda: time.sleep(1))
    """,
    "nested-def-is-sync-then-async-again": """
        import time
        async def view(request):
            def helper():
                time.sleep(1)
                async def inner():
                    time.sleep(1)  # expect: DPL110
            time.sleep(1)  # expect: DPL110
    """,
    "class-body-inside-async": """
        import time
        async def view(request):
            class Local:
                delay = time.sleep(0)
                def method(self):
                    time.sleep(1)
            time.sleep(1)  # expect: DPL110
    """,
    "comprehension-in-async-is-async": """
        import time
        async def view(request):
            return [time.sleep(i) for i in range(3)]  # expect: DPL110
    """,
    "sync-to-async-reference": """
        import time
        from asgiref.sync import sync_to_async
        async def view(request):
            await sync_to_async(time.sleep)(1)
    """,
    "run-in-executor-reference": """
        import asyncio, time
        async def view(request):
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, time.sleep, 1)
    """,
    "awaited-call-is-exempt": """
        import asyncio
        async def view(request):
            await asyncio.sleep(1)
    """,
    "nested-blocking-inside-awaited-call": """
        import asyncio, subprocess
        async def view(request):
            await asyncio.wait_for(asyncio.to_thread(print, subprocess.getoutput("ls")), 1)  # expect: DPL112
    """,
    "unimported-module-as-written": """
        async def view(request):
            subprocess.Popen(["ls"])  # expect: DPL112
    """,
    "relative-import-transitive": {
        "app/helpers.py": """
            import time
            def slow():
                time.sleep(1)
        """,
        "app/views.py": """
            from . import helpers
            from .helpers import slow
            async def view(request):
                helpers.slow()  # expect: DPL131
                slow()  # expect: DPL131
        """,
    },
    "absolute-import-transitive": {
        "app/helpers.py": """
            from .models import Article
            def total():
                return Article.objects.count()
        """,
        "app/views.py": """
            from app.helpers import total
            async def view(request):
                return total()  # expect: DPL130
        """,
    },
    "transitive-recursion-terminates": """
        def ping(n):
            return pong(n - 1) if n else 0
        def pong(n):
            return ping(n)
        async def view(request):
            return ping(3)
    """,
    "transitive-through-method": """
        from .models import Article
        class Service:
            def load(self):
                return list(Article.objects.all())
            async def handle(self):
                return self.load()  # expect: DPL130
    """,
    "offloaded-decorator-is-coroutine": """
        from asgiref.sync import sync_to_async
        from .models import Article
        @sync_to_async
        def load():
            return list(Article.objects.all())
        async def view(request):
            rows = await load()
            load()  # expect: DPL120
            return rows
    """,
    "queryset-variable-across-statements": """
        from .models import Article
        async def view(request):
            qs = Article.objects.filter(published=True)
            recent = qs.order_by("-id")
            first = recent[0]  # expect: DPL102
            return first, recent[:5], recent[::2]  # expect: DPL102
    """,
    "get-or-create-unpacking": """
        from .models import Tag
        async def view(request):
            tag, created = await Tag.objects.aget_or_create(name="x")
            tag.save()  # expect: DPL103
            created.save()
    """,
    "self-request-user-in-cbv": """
        from django.views import View
        class Dashboard(View):
            async def get(self, request):
                return self.request.user.username  # expect: DPL104
    """,
    "request-user-passed-along": """
        async def view(request):
            return helper(request.user)
        def helper(user):
            return user
    """,
}


def _files(case: str | dict[str, str]) -> dict[str, str]:
    if isinstance(case, str):
        case = {"app/views.py": case}
    return {path: textwrap.dedent(body).lstrip("\n") for path, body in case.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name, tmp_path):
    files = _files(CASES[name])
    root = write_project(tmp_path / "project", files)
    assert found(run(root)) == expectations(root, files)
