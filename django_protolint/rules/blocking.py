"""DPL11x: calls that block the event loop inside async code (and DPL140 for calls the user declares blocking).

An async view or consumer shares its thread with every other request on that worker: while a call blocks, none
of them moves. Nothing in Django guards against these (only the ORM is guarded), so they stall silently.
Which calls block is data: django_protolint/knowledge/blocking.py, a superset of flake8-async's asyncio list.
"""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding, Fix
from django_protolint.fixes.edits import awaited, replace
from django_protolint.fixes.imports import released, spelling
from django_protolint.knowledge.blocking import FACTORY_RETURNS, is_local_file_work
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Example, FixSafety, Gates, Invalid, Rule, Valid, check
from django_protolint.source.facts import CallFact, FileFacts

ASYNC_DOCS = "https://docs.djangoproject.com/en/stable/topics/async/"
MESSAGE = "`{call}()` blocks the event loop inside {scope}"


def _blocking_rule(code: str, slug: str, what: str, why: str, invalid: str, valid: str,
                   fixed: str | None = None, more: tuple[Example, ...] = (), *, how: str, ids: tuple[str, str] = ("", ""),
                   fix_safety: FixSafety | None = None, links: tuple[str, ...] = (), severity: str = "warning",
                   known_problems: str = "") -> Rule:  # fmt: skip
    return Rule(
        code=code,
        slug=slug,
        severity=severity,
        known_problems=known_problems,
        summary=f"{what} inside async code",
        message=MESSAGE,
        rationale=f"{why} While it waits, the event loop cannot run any other request on this worker.",
        fix="{advice}",
        how_to_fix=how,
        fix_safety=fix_safety,
        gates=Gates(async_scope=True),
        links=(ASYNC_DOCS, *links),
        examples=[Invalid(invalid, fixed=fixed, id=ids[0]), Valid(valid, id=ids[1]), *more],
    )


SLEEP = _blocking_rule(
    "DPL110", "blocking-sleep-in-async", "`time.sleep()`",
    "`time.sleep()` suspends the whole thread, and with it the event loop.",
    """
    import time

    async def slow(request):
        def helper():
            time.sleep(1)  # a nested sync def is not async code
        time.sleep(1)  # expect: DPL110
    """,
    """
    import asyncio
    import time
    from asgiref.sync import sync_to_async

    async def slow(request):
        await asyncio.sleep(1)
        await sync_to_async(time.sleep)(1)

    def sync_view(request):
        time.sleep(1)
    """,
    fixed="""
    import time
    import asyncio

    async def slow(request):
        def helper():
            time.sleep(1)  # a nested sync def is not async code
        await asyncio.sleep(1)  # expect: DPL110
    """,
    more=(
        Valid(
            """
            import time

            async def view(request):
                retry = lambda: time.sleep(1)

                class Backoff:
                    def wait(self):
                        time.sleep(1)

                return retry, Backoff
            """,
            id="time.sleep in a lambda or a nested class's method inside an async view is not async code",
        ),
        Valid(
            """
            import asyncio
            import time

            async def view(request):
                await asyncio.to_thread(time.sleep, 1)
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, time.sleep, 1)
                return time.time()
            """,
            id="time.sleep handed to a thread, not called on the loop",
        ),
        Invalid(
            """
            import asyncio as aio
            import time

            async def slow(request):
                time.sleep(1)  # expect: DPL110 col=5
            """,
            fixed="""
            import asyncio as aio

            async def slow(request):
                await aio.sleep(1)  # expect: DPL110 col=5
            """,
            message="`time.sleep()` blocks the event loop inside async function `slow`",
            note="the fix uses the file's own asyncio import, and drops `import time` once nothing else uses it",
        ),
        Invalid(
            """
            import time

            async def slow(request, delays):
                # `await` would make the generator asynchronous, which sum() cannot consume: no fix here.
                return sum(time.sleep(delay) or delay for delay in delays)  # expect: DPL110
            """,
            note="no fix inside a generator expression",
        ),
    ),
    how="Await `asyncio.sleep()` instead: `await asyncio.sleep(1)`. It pauses this coroutine only.",
    fix_safety=FixSafety(
        "unsafe",
        "`await asyncio.sleep()` lets the event loop run other tasks during the pause, where `time.sleep()` ran "
        "nothing else: code that relied on nothing interleaving (shared state read before and written after the "
        "pause) may now see another request's changes.",
    ),
    links=("https://docs.python.org/3/library/asyncio-task.html#asyncio.sleep",),
    ids=(
        "time.sleep in an async view, beside a nested sync helper that sleeps",
        "asyncio.sleep awaited, time.sleep through sync_to_async, and time.sleep in a sync view",
    ),
)  # fmt: skip

HTTP = _blocking_rule(
    "DPL111", "blocking-http-in-async", "A synchronous HTTP call (`requests`, `httpx.Client`, `urllib`, `urllib3`, boto3)",
    "A synchronous HTTP client waits for the network on the calling thread.",
    """
    import requests as r
    import httpx
    from urllib.request import urlopen

    async def fetch(request):
        r.get("https://example.com")  # expect: DPL111
        with httpx.Client() as client:
            client.get("https://example.com")  # expect: DPL111
        urlopen("https://example.com")  # expect: DPL111
    """,
    """
    import asyncio
    import httpx
    import requests

    async def fetch(request):
        async with httpx.AsyncClient() as client:
            await client.get("https://example.com")
        await asyncio.to_thread(requests.get, "https://example.com")
    """,
    more=(
        Valid(
            """
            import requests
            from asgiref.sync import sync_to_async

            async def view(request):
                def work():
                    return requests.get("https://example.com")

                later = lambda: requests.get("https://example.com")

                class Job:
                    def run(self):
                        return requests.get("https://example.com")

                return await sync_to_async(work)(), later, Job
            """,
            id="requests called in a nested sync def, a lambda or a nested class's method is not async code",
        ),
    ),
    how="Use an async client (`httpx.AsyncClient`, `aiohttp`) and await its calls, or run the sync call in a thread: `await asyncio.to_thread(requests.get, url)`.",
    links=("https://www.python-httpx.org/async/",),
    ids=(
        "requests, an httpx.Client and urlopen in an async view",
        "an httpx.AsyncClient awaited, and requests.get handed to a thread",
    ),
)  # fmt: skip

SUBPROCESS = _blocking_rule(
    "DPL112", "blocking-subprocess-in-async", "Starting or waiting for a process (`subprocess`, `os.system`, `os.wait*`)",
    "Running a process and waiting for it blocks the thread until the process ends.",
    """
    import os
    import subprocess

    async def convert(request):
        subprocess.run(["convert", "a.png", "b.jpg"])  # expect: DPL112
        os.system("ls")  # expect: DPL112
    """,
    """
    import asyncio

    async def convert(request):
        process = await asyncio.create_subprocess_exec("convert", "a.png", "b.jpg")
        await process.wait()
    """,
    more=(
        Valid(
            """
            import subprocess
            from asgiref.sync import sync_to_async

            async def view(request):
                def work():
                    return subprocess.run(["ls"])

                later = lambda: subprocess.run(["ls"])

                class Job:
                    def run(self):
                        return subprocess.run(["ls"])

                return await sync_to_async(work)(), later, Job
            """,
            id="subprocess called in a nested sync def, a lambda or a nested class's method is not async code",
        ),
    ),
    how="Start the process with `await asyncio.create_subprocess_exec(...)` and await `proc.communicate()`, or run the sync call in a thread with `asyncio.to_thread`.",
    links=("https://docs.python.org/3/library/asyncio-subprocess.html",),
    ids=(
        "subprocess.run and os.system in an async view",
        "asyncio.create_subprocess_exec awaited",
    ),
)  # fmt: skip

FILE = _blocking_rule(
    "DPL113", "blocking-file-io-in-async", "Opening, reading or writing a file synchronously",
    "Disk I/O blocks the thread; on network filesystems it can take seconds.",
    """
    import gzip
    from pathlib import Path

    async def export(request):
        with open("report.csv") as handle:  # expect: DPL113
            data = handle.read()  # the file `open()` gave: reported once, at `open()`
        Path("out.txt").write_text(data)  # expect: DPL113
        with gzip.open("archive.gz") as packed:  # expect: DPL113
            return packed.read()
    """,
    """
    import asyncio
    import gzip
    import io
    import tempfile
    from pathlib import Path

    def read_report():
        with open("report.csv") as handle:
            return handle.read()

    async def export(request):
        data = await asyncio.to_thread(read_report)
        await asyncio.to_thread(Path("out.txt").write_text, data)
        # A compressed file over a bytes buffer: decompression in memory, no disk.
        with gzip.GzipFile(fileobj=io.BytesIO(request.body)) as packed:
            return packed.read()

    async def upload(request):
        # In memory until a write passes max_size (never, with the default 0): not reported.
        with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spooled:
            spooled.write(request.body)
            spooled.seek(0)
            return spooled.read()
    """,
    more=(
        Invalid(
            {
                "app/settings.py": """
                    from pathlib import Path

                    BASE_DIR = Path(__file__).resolve().parent.parent
                    INSTALLED_APPS = ["app"]
                """,
                "app/views.py": """
                    from pathlib import Path
                    from django.conf import settings

                    CACHE_DIR = Path(__file__).resolve().parent / "cache"

                    async def thumbnail(request, name: str, target: Path):
                        source = CACHE_DIR / name
                        data = source.read_bytes()  # expect: DPL113
                        (settings.BASE_DIR / "media" / name).write_bytes(data)  # expect: DPL113
                        target.write_bytes(data)  # expect: DPL113
                        with (CACHE_DIR.parent / "log.txt").open("a") as log:  # expect: DPL113
                            log.write(name)

                        def helper(path: Path):
                            return path.read_text()  # a nested sync def is not async code
                """,
            },
            note="a Path built with `/` from `Path(...)`, a `Path` parameter, `.parent`, or a setting the settings "
                 "module assigns a Path (`settings.BASE_DIR`)",
        ),
        Valid(
            """
            import io
            from pathlib import Path, PurePath

            async def names(request, upload_dir: Path):
                target = upload_dir / "report.csv"  # building a path does no I/O
                label = target.with_suffix(".txt").name
                pure = PurePath(request.path) / "index.html"  # pure paths never touch the disk
                buffer = io.BytesIO(request.body)  # in memory
                buffer.seek(0)
                header = buffer.read(4)
                buffer.close()
                return str(target), label, pure.suffix, header
            """,
            note="path arithmetic, pure paths and in-memory buffers do no file I/O",
        ),
    ),
    how="Read and write files in a thread (`await asyncio.to_thread(path.read_text)`) or with an async file library such as `aiofiles`; for uploads and storage use the storage API inside `sync_to_async`.",
    links=("https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread",),
    ids=(
        "open, Path.write_text and gzip.open in an async view",
        "file work handed to a thread, gzip over a bytes buffer and a spooled temporary file",
    ),
)  # fmt: skip

FILESYSTEM = _blocking_rule(
    "DPL114", "blocking-filesystem-query-in-async", "A filesystem query (`os.path.exists`, `os.stat`, `os.listdir`, ...)",
    "Each query is a system call: on a local disk it returns in microseconds, but on a network filesystem (NFS, "
    "SMB, a FUSE mount of object storage) or a disk under load it can block for milliseconds to seconds.",
    """
    import os

    async def upload(request):
        if os.path.exists("/tmp/upload"):  # expect: DPL114
            return os.listdir("/tmp")  # expect: DPL114
    """,
    """
    import asyncio
    import os

    async def upload(request):
        path = os.path.join("/tmp", "upload")  # pure string work does not touch the disk
        return await asyncio.to_thread(os.path.exists, path)
    """,
    more=(
        Valid(
            """
            import os
            from asgiref.sync import sync_to_async

            async def view(request):
                def work():
                    return os.path.exists("/tmp/upload")

                later = lambda: os.path.exists("/tmp/upload")

                class Job:
                    def run(self):
                        return os.path.exists("/tmp/upload")

                return await sync_to_async(work)(), later, Job
            """,
            id="os.path.exists in a nested sync def, a lambda or a nested class's method is not async code",
        ),
        Invalid(
            {
                "app/settings.py": """
                    from pathlib import Path

                    BASE_DIR = Path(__file__).resolve().parent.parent
                    MEDIA_ROOT = BASE_DIR / "media"
                    INSTALLED_APPS = ["app"]
                """,
                "app/views.py": """
                    from django.conf import settings

                    async def media_files(request):
                        uploads = settings.MEDIA_ROOT / "uploads"
                        if not uploads.exists():  # expect: DPL114
                            uploads.mkdir(parents=True)  # expect: DPL114
                        return [path.name for path in uploads.iterdir()]  # expect: DPL114
                """,
            },
            note="`settings.MEDIA_ROOT` is a Path because the settings module assigns it one",
        ),
        Valid(
            {
                "app/settings.py": """
                    import os

                    BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
                    STATIC_ROOT = os.path.join(BASE_DIR, "static")
                    INSTALLED_APPS = ["app"]
                """,
                "app/views.py": """
                    from pathlib import Path, PurePath
                    from django.conf import settings

                    async def names(request, upload_dir: Path):
                        target = upload_dir / "report.csv"  # building a path does no I/O
                        pure = PurePath(request.path) / "index.html"  # pure paths never touch the disk
                        prefix = settings.STATIC_ROOT.replace("/", "_")  # a str in these settings: str.replace
                        return target.with_suffix(".txt").name, pure.parent.name, prefix
                """,
            },
            note="`str.replace` on a setting that is a string, not `Path.replace`",
        ),
        Invalid(
            """
            from django.core.files.storage import FileSystemStorage, default_storage

            local = FileSystemStorage(location="/srv/media")

            async def upload(request, name):
                if default_storage.exists(name):  # expect: DPL114 severity=warning
                    return "taken"
                return local.exists(name)  # expect: DPL114 severity=info
            """,
            id="default_storage may be remote (S3 through STORAGES): a warning; FileSystemStorage is the local disk",
        ),
    ),
    how="Run the query in a thread: `await asyncio.to_thread(os.path.exists, path)`.",
    links=("https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread",),
    severity="info",
    known_problems=(
        "A static linter cannot see whether a path is on a local disk or a network mount, so these findings are "
        "`info` and do not fail a run at the default `--fail-level warning`; where your media or cache directories "
        "live on NFS or object storage, run with `--fail-level info` so that they fail it. A query through "
        "`default_storage` or the static files' storage is a `warning`: STORAGES may make it S3, where "
        "`exists()` is an HTTP request."
    ),
    ids=(
        "os.path.exists and os.listdir in an async view",
        "os.path.join is string work, and os.path.exists handed to a thread",
    ),
)  # fmt: skip

INPUT = _blocking_rule(
    "DPL115", "blocking-input-in-async", "`input()`",
    "`input()` waits for a line on standard input.",
    """
    async def confirm(request):
        return input("sure? ")  # expect: DPL115
    """,
    """
    def confirm():
        return input("sure? ")
    """,
    more=(
        Valid(
            """
            import sys
            from asgiref.sync import sync_to_async

            async def view(request):
                def work():
                    return input("sure? ")

                later = lambda: input("sure? ")

                class Job:
                    def run(self):
                        return input("sure? ")

                return await sync_to_async(work)(), later, Job
            """,
            id="input() in a nested sync def, a lambda or a nested class's method is not async code",
        ),
    ),
    how="Do not read standard input from a view or consumer: take the value from the request. In a command-line coroutine, read it in a thread: `await asyncio.to_thread(input, prompt)`.",
    links=("https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread",),
    ids=(
        "input() in an async view",
        "input() in a sync function",
    ),
)  # fmt: skip

SOCKET = _blocking_rule(
    "DPL116", "blocking-socket-in-async", "A blocking socket call (`socket.create_connection`, `sock.recv`, DNS lookups)",
    "Blocking sockets wait for the peer on the calling thread; DNS lookups wait for the resolver.",
    """
    import socket

    async def ping(request):
        sock = socket.create_connection(("example.com", 80))  # expect: DPL116
        sock.sendall(b"ping")  # expect: DPL116
    """,
    """
    import asyncio

    async def ping(request):
        reader, writer = await asyncio.open_connection("example.com", 80)
        writer.write(b"ping")
        await writer.drain()
    """,
    more=(
        Valid(
            """
            import socket
            from asgiref.sync import sync_to_async

            async def view(request):
                def work():
                    return socket.create_connection(("example.com", 80))

                later = lambda: socket.create_connection(("example.com", 80))

                class Job:
                    def run(self):
                        return socket.create_connection(("example.com", 80))

                return await sync_to_async(work)(), later, Job
            """,
            id="a socket opened in a nested sync def, a lambda or a nested class's method is not async code",
        ),
    ),
    how="Use asyncio's streams (`await asyncio.open_connection(host, port)`) and `await loop.getaddrinfo(...)` for DNS, or run the sync call in a thread.",
    links=("https://docs.python.org/3/library/asyncio-stream.html",),
    ids=(
        "socket.create_connection and sendall in an async view",
        "asyncio.open_connection streams awaited",
    ),
)  # fmt: skip

CACHE = _blocking_rule(
    "DPL117", "blocking-cache-client-in-async", "A synchronous cache client (Django's `cache`, redis-py, pymemcache)",
    "Every cache call is a network round trip; with Django's DatabaseCache it even raises SynchronousOnlyOperation.",
    """
    import redis
    from django.core.cache import cache

    client = redis.Redis()

    async def counter(request):
        client.incr("hits")  # expect: DPL117
        return cache.get("hits")  # expect: DPL117
    """,
    """
    import redis.asyncio
    from django.core.cache import cache

    client = redis.asyncio.Redis()

    async def counter(request):
        await client.incr("hits")
        return await cache.aget("hits")
    """,
    more=(
        Valid(
            """
            from django.core.cache import cache
            from asgiref.sync import sync_to_async

            async def view(request):
                def work():
                    return cache.get("hits")

                later = lambda: cache.get("hits")

                class Job:
                    def run(self):
                        return cache.get("hits")

                return await sync_to_async(work)(), later, Job
            """,
            id="the sync cache API in a nested sync def, a lambda or a nested class's method is not async code",
        ),
    ),
    how="Await Django's async cache methods (`await cache.aget(key)`, `await cache.aset(key, value)`) or use an async client (`redis.asyncio`).",
    links=("https://docs.djangoproject.com/en/stable/topics/cache/#asynchronous-support",),
    ids=(
        "a redis-py client and Django's sync cache API in an async view",
        "redis.asyncio and cache.aget awaited",
    ),
)  # fmt: skip

MAIL = _blocking_rule(
    "DPL118", "blocking-mail-in-async", "Sending mail synchronously (`send_mail`, `EmailMessage.send`, `smtplib`)",
    "Django's mail API has no async form through 6.1; `send_mail` talks SMTP on the calling thread.",
    """
    from django.core.mail import send_mail

    async def signup(request):
        send_mail("Welcome", "Hi", "from@example.com", ["to@example.com"])  # expect: DPL118
    """,
    """
    from asgiref.sync import sync_to_async
    from django.core.mail import send_mail

    async def signup(request):
        await sync_to_async(send_mail)("Welcome", "Hi", "from@example.com", ["to@example.com"])
    """,
    more=(
        Valid(
            """
            from django.core.mail import send_mail
            from asgiref.sync import sync_to_async

            async def view(request):
                def work():
                    return send_mail("Hi", "Hi", "a@example.com", ["b@example.com"])

                later = lambda: send_mail("Hi", "Hi", "a@example.com", ["b@example.com"])

                class Job:
                    def run(self):
                        return send_mail("Hi", "Hi", "a@example.com", ["b@example.com"])

                return await sync_to_async(work)(), later, Job
            """,
            id="send_mail in a nested sync def, a lambda or a nested class's method is not async code",
        ),
    ),
    how="Send the mail in a thread (`await sync_to_async(send_mail)(...)`) or from a task queue.",
    links=("https://docs.djangoproject.com/en/stable/topics/email/",),
    ids=(
        "send_mail in an async view",
        "send_mail through sync_to_async",
    ),
)  # fmt: skip

DATABASE = _blocking_rule(
    "DPL119", "blocking-database-driver-in-async", "A synchronous database driver (`sqlite3`, `psycopg`, `pymysql`)",
    "A driver outside the ORM is not guarded by Django, so its queries do not raise: they silently block.",
    """
    import sqlite3

    async def stats(request):
        connection = sqlite3.connect("stats.db")  # expect: DPL119
        return connection.execute("select 1")  # expect: DPL119
    """,
    """
    import sqlite3
    from asgiref.sync import sync_to_async

    def read_stats():
        return sqlite3.connect("stats.db").execute("select 1").fetchall()

    async def stats(request):
        return await sync_to_async(read_stats)()
    """,
    more=(
        Valid(
            """
            import sqlite3
            from asgiref.sync import sync_to_async

            async def view(request):
                def work():
                    return sqlite3.connect("stats.db")

                later = lambda: sqlite3.connect("stats.db")

                class Job:
                    def run(self):
                        return sqlite3.connect("stats.db")

                return await sync_to_async(work)(), later, Job
            """,
            id="sqlite3 used in a nested sync def, a lambda or a nested class's method is not async code",
        ),
    ),
    how="Use the ORM's async API, an async driver (`psycopg.AsyncConnection`, `aiosqlite`), or run the sync driver in a thread with `sync_to_async`.",
    links=(),
    ids=(
        "sqlite3 connect and execute in an async view",
        "sqlite3 in a sync function called through sync_to_async",
    ),
)  # fmt: skip

CONFIGURED = Rule(
    code="DPL140",
    slug="configured-blocking-call-in-async",
    severity="warning",
    summary="A call listed in `extra-blocking-calls` inside async code",
    message=MESSAGE,
    rationale=(
        "Your configuration (`extra-blocking-calls` in `[tool.django-protolint]`) declares that this call blocks: "
        "typically an in-house SDK or a client library we do not know."
    ),
    fix="{advice}",
    how_to_fix="Do what your configuration's entry for the call says (the finding's help line repeats it): usually await the library's async form, or run the call in a thread with `sync_to_async` or `asyncio.to_thread`.",
    gates=Gates(async_scope=True),
    links=(ASYNC_DOCS,),
    examples=[],  # exercised by tests/test_config.py, since it needs configuration
)

RULE_BY_CATEGORY = {
    "sleep": SLEEP, "http": HTTP, "cloud": HTTP, "subprocess": SUBPROCESS, "file": FILE, "filesystem": FILESYSTEM,
    "input": INPUT, "socket": SOCKET, "cache": CACHE, "mail": MAIL, "database": DATABASE, "configured": CONFIGURED,
}  # fmt: skip


@check(*dict.fromkeys(RULE_BY_CATEGORY.values()))
def blocking_calls(model: ProjectModel) -> Iterator[Finding]:
    found = []
    for facts, call in model.calls_in_async():
        if call.awaited:
            continue  # an awaited call is an async API that happens to share a name
        blocking = model.blocking_call(call.callee)
        if blocking is not None:
            found.append((facts, call, blocking))
    # One problem, one finding: `with open(p) as f: f.read()` is reported at `open()`, which is what the fix moves
    # to a thread; reads and writes on a file of the type an `open()` reported in the same function add nothing.
    opened = {
        (facts.path, call.scope.function, FACTORY_RETURNS[call.callee])
        for facts, call, blocking in found
        if blocking.category == "file" and call.callee in FACTORY_RETURNS
    }
    for facts, call, blocking in found:
        if (
            blocking.category == "file"
            and call.callee not in FACTORY_RETURNS
            and (facts.path, call.scope.function, call.callee.rpartition(".")[0]) in opened  # type: ignore[union-attr]
        ):
            continue
        rule = RULE_BY_CATEGORY[blocking.category]
        # DPL114 is `info` for the local disk; a storage that STORAGES may make remote is a network call
        severity = "warning" if rule is FILESYSTEM and not is_local_file_work(blocking) else None
        fix = None
        if call.callee == "time.sleep" and not call.in_generator:
            fix = _sleep_fix(facts, call)
        yield rule.finding(
            facts.path, call.span, call=call.text, scope=f"async function `{call.scope.function}`",
            advice=blocking.alternative, fix=fix, severity=severity,
        )  # fmt: skip


def _sleep_fix(facts: FileFacts, call: CallFact) -> Fix | None:
    """`time.sleep(n)` → `await asyncio.sleep(n)`, through the file's own asyncio import when it has one; the
    `time` import goes when this was its last use."""
    name = spelling(facts, "asyncio.sleep", call.scope.function, from_import=False)
    if name is None:
        return None
    edits = (replace(call.callee_span, name.text), *awaited(call.span, call.chained))
    return SLEEP.autofix(f"use `await {name.text}(...)`", edits, imports=name.imports, import_line=facts.import_line,
                         releases=released(facts, call.text))  # fmt: skip
