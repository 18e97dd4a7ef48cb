"""DPL13x: async code calling a project function that (directly or deeper) queries or blocks.

Django's guard looks for a running event loop in the *current thread*, so a plain `def` helper called from an
async view raises `SynchronousOnlyOperation` just as if the query were written inline (django/utils/asyncio.py).
The finding sits on the call in async code, with the chain that leads to the query or the blocking call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django_protolint.findings import Finding
from django_protolint.knowledge import asyncio_api, django_api
from django_protolint.knowledge.blocking import is_local_file_work
from django_protolint.project.model import ProjectFunction, ProjectModel
from django_protolint.rules.base import Gates, Invalid, Rule, Valid, check

MAX_DEPTH = 8  # deeper chains exist, but a finding 8 calls away is more noise than help


@dataclass(frozen=True)
class Reason:
    chain: tuple[str, ...]  # function names from the callee down to the operation
    is_orm: bool
    local_file: bool = False  # the operation is local file or filesystem work (knowledge/blocking.is_local_file_work)

    @property
    def weight(self) -> int:
        """Which reason a finding names when a function has several: a query (it raises), then a call that
        waits on something else (sleep, HTTP, a socket, a process), then file work."""
        return 2 if self.is_orm else 0 if self.local_file else 1


TRANSITIVE_ORM = Rule(
    code="DPL130",
    slug="transitive-orm-in-async",
    severity="error",
    raises_synchronous_only=True,
    summary="Async code calls a project function that runs a synchronous ORM query",
    message="`{call}()` runs a database query inside {scope} ({chain}): Django raises SynchronousOnlyOperation",
    rationale=(
        "Django refuses synchronous queries from any function running on the event loop's thread, however deep "
        "in the call stack. A sync helper called directly from `async def` is still on that thread."
    ),
    fix="call it as `await sync_to_async({call})(...)`, or make the helper async with the ORM's async methods",
    known_problems=(
        "A direct call to a helper that the same async function also runs with `sync_to_async` (another branch, "
        "a fallback) is reported at `info`: the author has reasoned about it, and this call may take a path "
        "through the helper that never queries."
    ),
    how_to_fix="Call the helper through `sync_to_async` (`await sync_to_async(helper)(...)`), or make the helper async and use the ORM's async methods in it.",
    gates=Gates(async_scope=True),
    links=("https://docs.djangoproject.com/en/stable/topics/async/#async-safety",),
    examples=[
        Invalid(
            {
                "app/services.py": """
                    from .models import Article

                    def count_published():
                        return Article.objects.filter(published=True).count()
                """,
                "app/views.py": """
                    from .services import count_published

                    def stats_helper():
                        return count_published()

                    async def stats(request):
                        total = stats_helper()  # expect: DPL130
                        return total
                """,
            },
            id="a sync helper that reaches a query through another helper, called from an async view",
        ),
        Valid(
            {
                "app/services.py": """
                    from .models import Article

                    def count_published():
                        return Article.objects.filter(published=True).count()

                    def title_case(text):
                        return text.title()
                """,
                "app/views.py": """
                    from asgiref.sync import sync_to_async
                    from .services import count_published, title_case

                    async def stats(request):
                        total = await sync_to_async(count_published)()
                        return title_case(str(total))
                """,
            },
            id="the querying helper through sync_to_async, and a helper that queries nothing",
        ),
        Invalid(
            {
                "app/services.py": """
                    from .models import Article

                    def count_published(cached=None):
                        return cached if cached is not None else Article.objects.filter(published=True).count()
                """,
                "app/views.py": """
                    from asgiref.sync import sync_to_async
                    from .services import count_published

                    async def stats(request):
                        if "cached" in request.GET:
                            return count_published(cached=0)  # expect: DPL130 severity=info
                        return await sync_to_async(count_published)()
                """,
            },
            note="reported at `info`: the same function runs this helper with `sync_to_async`, so its author has "
            "reasoned about it",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async
            from .services import count_published

            async def stats(request):
                def total():
                    return count_published()

                later = lambda: count_published()
                return await sync_to_async(total)(), later
            """,
            id="a helper that queries, called from a nested sync def or a lambda, is not called from async code",
        ),
    ],
)

TRANSITIVE_BLOCKING = Rule(
    code="DPL131",
    slug="transitive-blocking-call-in-async",
    severity="warning",
    summary="Async code calls a project function that makes a blocking call",
    message="`{call}()` blocks the event loop inside {scope} ({chain})",
    rationale=(
        "A blocking call (sleep, HTTP, file or socket I/O) blocks the event loop whether it is written in the "
        "async function or in a sync helper it calls. A chain that ends only in file or filesystem work (reading a "
        "small file, `Path.exists()`: what DPL113 and DPL114 report) is reported at `info`: on a local disk it takes "
        "microseconds, on a network filesystem it can take seconds, and the code does not say which. A chain that "
        "reaches a sleep, HTTP, a socket, a process, a cache, mail or a database driver stays a `warning`."
    ),
    fix="call it as `await sync_to_async({call})(...)` or `await asyncio.to_thread({call}, ...)`",
    how_to_fix="Call the helper through `sync_to_async` or `asyncio.to_thread` (`await asyncio.to_thread(helper, ...)`), or give the helper an async form.",
    gates=Gates(async_scope=True),
    links=(
        "https://docs.djangoproject.com/en/stable/topics/async/",
        "https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code",
    ),
    examples=[
        Invalid(
            """
            import requests

            class Client:
                def fetch(self, url):
                    return requests.get(url).json()

                async def refresh(self):
                    return self.fetch("https://example.com")  # expect: DPL131
            """,
            id="a sync method that calls requests, called from an async method",
        ),
        Valid(
            """
            import asyncio
            import requests

            def fetch(url):
                return requests.get(url).json()

            async def refresh(request):
                return await asyncio.to_thread(fetch, "https://example.com")
            """,
            id="a blocking helper handed to asyncio.to_thread",
        ),
        Valid(
            """
            import asyncio

            def chunks(path):
                with open(path, "rb") as handle:
                    yield from iter(lambda: handle.read(65536), b"")

            async def stream(path):
                iterator = chunks(path)
                while (chunk := await asyncio.to_thread(next, iterator, None)) is not None:
                    yield chunk
            """,
            note="calling a generator function runs none of its body: the reads happen in a worker thread",
        ),
        Invalid(
            """
            import time
            from asgiref.sync import sync_to_async

            def warm_cache(wait):
                if wait:
                    time.sleep(1)

            async def refresh(request):
                if request.GET.get("wait"):
                    await sync_to_async(warm_cache)(True)
                else:
                    warm_cache(False)  # expect: DPL131 severity=info
            """,
            note="reported at `info`: the other branch runs the same helper with `sync_to_async`",
        ),
        Invalid(
            {
                "app/telemetry.py": """
                    import os
                    import uuid
                    from pathlib import Path

                    ID_FILE = Path.home() / ".app" / "server_id"

                    def server_id():
                        if ID_FILE.exists():
                            with open(ID_FILE) as handle:
                                return handle.read().strip()
                        return str(uuid.uuid4())

                    def record(event):
                        return {"event": event, "server": server_id(), "cwd": os.getcwd()}
                """,
                "app/views.py": """
                    from .telemetry import record

                    async def search(request):
                        record("search")  # expect: DPL131 severity=info
                        return request.GET["q"]
                """,
            },
            id="a chain that ends only in reading a small local file and Path.exists is info",
        ),
        Invalid(
            {
                "app/avatars.py": """
                    from django.core.files.storage import default_storage

                    def store(name, content):
                        return default_storage.save(f"avatars/{name}", content)
                """,
                "app/views.py": """
                    from .avatars import store

                    async def upload(request):
                        return store("me.png", request.FILES["avatar"])  # expect: DPL131 severity=warning
                """,
            },
            id="a chain that ends in default_storage stays a warning: STORAGES may make it S3, where save() is HTTP",
        ),
        Valid(
            {
                "app/avatars.py": """
                    from django.core.files.storage import default_storage

                    def store(name, content):
                        return default_storage.save(f"avatars/{name}", content)

                    def avatar_url(name):
                        return default_storage.url(f"avatars/{name}")  # string work on FileSystemStorage
                """,
                "app/views.py": """
                    from asgiref.sync import sync_to_async

                    from .avatars import avatar_url, store

                    async def upload(request):
                        name = await sync_to_async(store)("me.png", request.FILES["avatar"])
                        return avatar_url(name)
                """,
            },
            id="the storage helper run with sync_to_async, and a helper that only builds a storage URL",
        ),
        Invalid(
            {
                "app/telemetry.py": """
                    import requests
                    from pathlib import Path

                    ID_FILE = Path.home() / ".app" / "server_id"

                    def server_id():
                        return ID_FILE.read_text() if ID_FILE.exists() else "unknown"

                    def record(event):
                        return {"event": event, "server": server_id()}

                    def record_and_send(event):
                        payload = record(event)
                        requests.post("https://telemetry.example.com", json=payload)
                        return payload

                    def ping():
                        return requests.get("https://telemetry.example.com/ping").ok
                """,
                "app/views.py": """
                    from .telemetry import ping, record_and_send

                    async def search(request):
                        record_and_send("search")  # expect: DPL131 severity=warning
                        ping()  # expect: DPL131 severity=warning
                        return request.GET["q"]
                """,
            },
            id="a chain that reaches HTTP stays a warning, also when it reads a local file on the way",
        ),
        Valid(
            {
                "app/telemetry.py": """
                    import os
                    from pathlib import Path

                    def id_file():
                        return Path("~/.app").expanduser().joinpath("server_id")

                    def env_file():
                        return os.path.join(os.path.expanduser("~"), ".app", "env")
                """,
                "app/views.py": """
                    from .telemetry import env_file, id_file

                    async def search(request):
                        return str(id_file()), env_file()
                """,
            },
            id="a helper that only builds paths (expanduser, joinpath, os.path.join) touches no disk",
        ),
        Valid(
            """
            import asyncio
            import requests

            def fetch(url):
                return requests.get(url).json()

            async def refresh(request):
                def both():
                    return fetch("https://a.example"), fetch("https://b.example")

                later = lambda: fetch("https://example.com")
                return await asyncio.to_thread(both), later
            """,
            id="a helper that blocks, called from a nested sync def or a lambda, is not called from async code",
        ),
    ],
    known_problems=(
        "A chain that ends only in file work is `info` because the linter cannot see the disk: on NFS, SMB or a "
        "FUSE mount of object storage the same call can block for seconds (use `--fail-level info` where that is "
        "your deployment). Django's `default_storage` and the static files' storage are not taken for the local "
        "disk (STORAGES may make them S3): a chain ending there stays a `warning`. "
        "A direct call to a helper that the same async function also runs with `sync_to_async` or "
        "`asyncio.to_thread` is reported at `info` (the author has reasoned about it); a chain that merely passes "
        "through some other offloaded function is not softened. "
        "Calling a generator function runs none of its body, so it is not followed; iterating it right there "
        "(`for chunk in chunks(path)` in the async function) does run it, and that is missed."
    ),
)


def _is_generator(function: ProjectFunction) -> bool:
    """A sync generator function: calling it builds a generator and runs none of its body."""
    return function.function.yields and not function.function.is_async


class ChainFinder:
    """Memoised depth-first search from a sync function to the first query or blocking call it reaches."""

    def __init__(self, model: ProjectModel) -> None:
        self.model = model
        self.memo: dict[tuple[str, str], Reason | None] = {}

    def reason(self, function: ProjectFunction, depth: int = 0) -> Reason | None:
        key = (function.facts.path, function.qualname)
        if key in self.memo:
            return self.memo[key]
        if depth >= MAX_DEPTH:
            return None
        self.memo[key] = None  # a recursive call finds "nothing yet" instead of looping
        found = self._direct(function)
        if found is None or not found.is_orm:
            for call in self.model.calls_in(function):
                callee = self.model.function_named(call.callee, function.facts)
                if callee is None or callee.is_coroutine_function or callee.qualname == function.qualname:
                    continue
                if _is_generator(callee):
                    continue
                deeper = self.reason(callee, depth + 1)
                if deeper is not None and (found is None or deeper.weight > found.weight):
                    found = Reason((callee.function.name, *deeper.chain), deeper.is_orm, deeper.local_file)
                    if found.is_orm:
                        break
        self.memo[key] = found
        return found

    def _direct(self, function: ProjectFunction) -> Reason | None:
        for query in self.model.queries_in(function):
            if query.kind == "method" and query.operation in django_api.QUERYSET_EXECUTING:
                return Reason((f"{query.receiver}.{query.operation}",), True)
            if query.kind == "evaluate":
                return Reason((f"{query.receiver} ({query.operation})",), True)
            if query.kind == "instance" and query.operation in django_api.MODEL_INSTANCE:
                return Reason((f"{query.receiver}.{query.operation}",), True)
        blocking = None
        for call in self.model.calls_in(function):
            if django_api.querying_function(call.callee, call.entered) is not None:
                return Reason((call.text,), True)
            if call.awaited or (known := self.model.blocking_call(call.callee)) is None:
                continue
            reason = Reason((call.text,), False, is_local_file_work(known))
            if blocking is None or reason.weight > blocking.weight:
                blocking = reason
        return blocking


def _offloaded(model: ProjectModel) -> dict[tuple[str, str | None], dict[str, int]]:
    """Per async function: the project functions it also runs in a worker thread (`sync_to_async(helper)`,
    `asyncio.to_thread(helper, ...)`), with the line of the first such call."""
    found: dict[tuple[str, str | None], dict[str, int]] = {}
    for facts, call in model.calls_in_async():
        if call.callee in asyncio_api.OFFLOADING_CALLS and call.argument is not None:
            function = model.function_named(call.argument, facts)
            if function is not None:
                found.setdefault((facts.path, call.scope.function), {}).setdefault(function.qualname, call.span.line)
    return found


@check(TRANSITIVE_ORM, TRANSITIVE_BLOCKING)
def transitive_calls(model: ProjectModel) -> Iterator[Finding]:
    finder = ChainFinder(model)
    offloaded = _offloaded(model)
    for facts, call in model.calls_in_async():
        callee = model.function_named(call.callee, facts)
        if callee is None or callee.is_coroutine_function or call.awaited or _is_generator(callee):
            continue
        reason = finder.reason(callee)
        if reason is None:
            continue
        rule = TRANSITIVE_ORM if reason.is_orm else TRANSITIVE_BLOCKING
        chain = " → ".join((callee.function.name, *reason.chain))
        scope = f"async function `{call.scope.function}`"
        covered = offloaded.get((facts.path, call.scope.function), {}).get(callee.qualname)
        if covered is not None:
            # The author runs this very helper in a thread elsewhere in the function (another branch, a retry):
            # they have reasoned about it, and this direct call may be on a path that never reaches the chain.
            yield rule.finding(
                facts.path, call.span, severity="info", call=call.text, scope=scope, chain=chain,
                help=(f"line {covered} of this function runs `{call.text}` in a worker thread; if this call can "
                      f"reach {reason.chain[-1]}, run it the same way"),
            )  # fmt: skip
            continue
        # A chain that ends only in file work is `info`, as DPL114 is: fast on a local disk, slow on a network one.
        severity = "info" if reason.local_file else None
        yield rule.finding(facts.path, call.span, severity=severity, call=call.text, scope=scope, chain=chain)
