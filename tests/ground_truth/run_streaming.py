"""Serve streaming responses from real Django under a real ASGI server and print what the client saw, as one JSON
object on the last stdout line.

Run by tests/test_ground_truth_streaming.py in a subprocess of its own (`settings.configure()` is process-global),
in a virtualenv holding one Django release and uvicorn:

    python run_streaming.py WORK_DIR

uvicorn serves the Django ASGI application on a loopback socket from a thread of this process, then wsgiref's
server the WSGI application the same way; the client is `http.client` in the main thread. The result holds one
object per protocol ("asgi", "wsgi") mapping each case to what the client saw. Each case is a view:

- `file`: `FileResponse(open(<32 MiB file>, "rb"))`, the shape Django's docs show;
- `sync_stream`: `StreamingHttpResponse` over a sync generator that sleeps between chunks;
- `async_stream`: the same over an async generator (a near-miss);
- `async_file`: `FileResponse` over an async generator that reads the same file in 64 KiB chunks with
  `sync_to_async` (the near-miss DPL509 advises).

For each, when the first body byte reaches the client we note how far the body's source has got: the open file's
position (`file`), or how many chunks the generator has produced. A source that streams is barely started then; a
source Django consumed whole before sending is at its end. Timings (first body byte, whole body) and the peak
growth of this process's memory during the request back that up, and every warning Django issued is recorded.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable

FILE_SIZE = 32 * 1024 * 1024
CHUNKS = 5
PAUSE = 0.2  # seconds between generator chunks

progress: dict[str, object] = {"chunks": 0, "handle": None}
warned: list[str] = []


def record_warning(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001 - warnings' hook
    warned.append(f"{category.__name__}: {message}")


def make_urls(data_file: str) -> types.ModuleType:
    from asgiref.sync import sync_to_async
    from django.http import FileResponse, StreamingHttpResponse
    from django.urls import path

    def file(request):
        handle = open(data_file, "rb")  # noqa: SIM115 - FileResponse closes it
        progress["handle"] = handle
        return FileResponse(handle)

    def sync_chunks():
        for number in range(CHUNKS):
            progress["chunks"] = number + 1
            yield f"chunk {number}\n"
            time.sleep(PAUSE)

    async def async_chunks():
        for number in range(CHUNKS):
            progress["chunks"] = number + 1
            yield f"chunk {number}\n"
            await asyncio.sleep(PAUSE)

    async def file_chunks():
        handle = await sync_to_async(open)(data_file, "rb")
        progress["handle"] = handle
        try:
            while chunk := await sync_to_async(handle.read)(64 * 1024):
                yield chunk
        finally:
            await sync_to_async(handle.close)()

    async def async_file(request):
        return FileResponse(file_chunks())

    def sync_stream(request):
        return StreamingHttpResponse(sync_chunks())

    async def async_stream(request):
        return StreamingHttpResponse(async_chunks())

    urls = types.ModuleType("gt_streaming_urls")
    urls.urlpatterns = [
        path("file/", file),
        path("sync_stream/", sync_stream),
        path("async_stream/", async_stream),
        path("async_file/", async_file),
    ]
    sys.modules[urls.__name__] = urls
    return urls


def configure(data_file: str) -> tuple[object, object]:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="ground-truth-only",
        ALLOWED_HOSTS=["127.0.0.1"],
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        ROOT_URLCONF="gt_streaming_urls",
        LOGGING_CONFIG=None,
    )
    make_urls(data_file)
    django.setup(set_prefix=False)
    from django.core.asgi import get_asgi_application
    from django.core.wsgi import get_wsgi_application

    return get_asgi_application(), get_wsgi_application()


def resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class PeakMemory:
    """Samples this process's resident memory while a request runs: the peak above the level before it."""

    def __init__(self) -> None:
        self.baseline = resident_bytes()
        self.peak = self.baseline
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while self.running:
            now = resident_bytes()
            if now is not None and self.peak is not None:
                self.peak = max(self.peak, now)
            time.sleep(0.002)

    def growth_mib(self) -> float | None:
        self.running = False
        self.thread.join()
        if self.baseline is None or self.peak is None:
            return None
        return round((self.peak - self.baseline) / 2**20, 1)


def source_position(case: str) -> object:
    if case in ("file", "async_file"):
        handle = progress["handle"]
        if handle is None:  # the view failed before opening it
            return None
        try:
            return handle.tell()  # type: ignore[union-attr]
        except ValueError:  # closed already: it was read to the end
            return "closed"
    return progress["chunks"]


def fetch(port: int, case: str) -> dict[str, object]:
    progress["chunks"] = 0
    progress["handle"] = None
    warned.clear()
    memory = PeakMemory()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.monotonic()
    connection.request("GET", f"/{case}/")
    response = connection.getresponse()
    first = response.read(1)
    first_body = time.monotonic() - started
    position = source_position(case)
    received = len(first)
    while chunk := response.read(65536):
        received += len(chunk)
    total = time.monotonic() - started
    connection.close()
    return {
        "status": response.status,
        "source_at_first_byte": position,
        "first_body_s": round(first_body, 3),
        "total_s": round(total, 3),
        "bytes": received,
        "memory_growth_mib": memory.growth_mib(),
        "warnings": list(warned),
    }


def serve_asgi(application: object) -> tuple[int, Callable[[], None]]:
    import uvicorn

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(application, lifespan="off", log_level="error", access_log=False))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[listener])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return listener.getsockname()[1], stop


def serve_wsgi(application: object) -> tuple[int, Callable[[], None]]:
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = make_server("127.0.0.1", 0, application, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return server.server_port, stop


def main(work_dir: str) -> None:
    data_file = os.path.join(work_dir, "big.bin")
    with open(data_file, "wb") as out:
        block = os.urandom(1024 * 1024)
        for _ in range(FILE_SIZE // len(block)):
            out.write(block)
    warnings.simplefilter("always")
    warnings.showwarning = record_warning
    asgi, wsgi = configure(data_file)

    import django
    import uvicorn

    results: dict[str, object] = {
        "django": django.get_version(),
        "uvicorn": uvicorn.__version__,
        "file_size": FILE_SIZE,
        "chunks": CHUNKS,
    }
    for protocol, serve, application in (("asgi", serve_asgi, asgi), ("wsgi", serve_wsgi, wsgi)):
        port, stop = serve(application)
        outcomes: dict[str, object] = {}
        # The file first: memory freed by an earlier case would be reused and hide the growth.
        for case in ("file", "sync_stream", "async_stream", "async_file"):
            try:
                outcomes[case] = fetch(port, case)
            except Exception as error:  # noqa: BLE001 - a release that cannot serve the case is a result too
                outcomes[case] = {"error": f"{type(error).__name__}: {error}"}
        stop()
        results[protocol] = outcomes
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
