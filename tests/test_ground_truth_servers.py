"""Ground truth beats opinion: the DPL50x serving claims, checked against real servers on 127.0.0.1.

A small Django project is written once per case, with a Procfile whose `web:` line is the case: either with
Channels (an echo consumer behind `AllowedHostsOriginValidator`, so websockets need ASGI) or plain (async views
that await, so ASGI would only help). Per case:

1. Statically, the linter reports exactly the `# expect:` annotations of the Procfile line, and the verdict's
   `fit` is the one the case table names (the table states what the linter must say, nothing about reality).
2. For real, the server that Procfile line names is started (the line itself with `$PORT` filled in, the program
   run as `sys.executable -m <server>`, cwd = the project), and probed: GET an async and a sync view, a raw
   RFC 6455 upgrade to `/ws/echo/` (on 101: the accept key and one echoed frame), and, where the claim is about
   concurrency, CONCURRENT simultaneous requests to a view that awaits SLOW seconds.

What the server must do is derived from the lint report (`Claim.expected`), never from a second table:
- DPL506 on the line ("every request fails")              → every request, handshake included, answers 500;
- verdict `mismatch` with DPL501 ("handshake gets 404")     → both views 200, handshake 404;
- verdict `suboptimal` with DPL502 ("one request at a time") → both views 200, the slow requests run serially;
- verdict `fit`, nothing on the line                         → views 200, handshake 101 / slow requests overlap.
The one-line verdict is also checked on its own (`Claim.expected_from_verdict`); where it alone disagrees with the
server, the case is a strict xfail in VERDICT_ALONE_DISAGREES.

Servers run in a session of their own and are stopped in `finally` (SIGTERM, then SIGKILL); every wait is
bounded; only 127.0.0.1 is contacted. Facts: ../shared/facts.md §3.2 (concurrency), §5.6 (handshakes), §6.1.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.runner import Report, lint
from tests.helpers import expectations, found, write_project

# gunicorn's own ASGI worker (`-k asgi`) is stable since 25.1.0; uvicorn needs `websockets` (its [standard] extra).
for _module, _minversion in (("django", None), ("channels", None), ("daphne", None), ("gunicorn", "25.1"),
                             ("uvicorn", None), ("websockets", None)):  # fmt: skip
    pytest.importorskip(_module, minversion=_minversion, reason="the server ground-truth tests need the `test` extra")

HOST = "127.0.0.1"
START_TIMEOUT = 20.0  # seconds until the server accepts TCP
IO_TIMEOUT = 10.0  # per request
STOP_TIMEOUT = 5.0  # SIGTERM grace before SIGKILL
SETTINGS_MODULE = "proj.settings"
SERVERS = ("gunicorn", "daphne", "uvicorn")

SETTINGS = """
SECRET_KEY = "ground-truth-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = {apps}
MIDDLEWARE = []
ROOT_URLCONF = "proj.urls"
WSGI_APPLICATION = "proj.wsgi.application"
ASGI_APPLICATION = "proj.asgi.application"
DATABASES = {}
USE_TZ = True
"""

URLS = """
from django.urls import path

from chat import views

urlpatterns = [
    path("async/", views.async_view),
    path("sync/", views.sync_view),
    path("slow/", views.slow_view),
]
"""

VIEWS = """
import asyncio

from django.http import HttpResponse

SLOW = {slow}


async def async_view(request):
    await asyncio.sleep(0.01)
    return HttpResponse("async ok")


def sync_view(request):
    return HttpResponse("sync ok")


async def slow_view(request):
    await asyncio.sleep(SLOW)
    return HttpResponse("slow ok")
"""

CONSUMERS = """
from channels.generic.websocket import AsyncWebsocketConsumer


class EchoConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data=text_data)
"""

ROUTING = """
from django.urls import path

from chat.consumers import EchoConsumer

websocket_urlpatterns = [path("ws/echo/", EchoConsumer.as_asgi())]
"""

ASGI = """
import os

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
http = get_asgi_application()

from chat.routing import websocket_urlpatterns  # after django.setup(), ../shared/facts.md §5.2

application = ProtocolTypeRouter(
    {"http": http, "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns))}
)
"""

PLAIN_ASGI = """
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
application = get_asgi_application()
"""

WSGI = """
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
application = get_wsgi_application()
"""

MANAGE = """
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""

SLOW = 0.5  # seconds /slow/ awaits
CONCURRENT = 4  # simultaneous /slow/ requests in the concurrency probe


def _dedent(files: dict[str, str]) -> dict[str, str]:
    return {path: textwrap.dedent(body).lstrip("\n") for path, body in files.items()}


COMMON_FILES = {
    "manage.py": MANAGE,
    "proj/urls.py": URLS,
    "proj/wsgi.py": WSGI,
    "chat/views.py": VIEWS.replace("{slow}", repr(SLOW)),
}
# Channels: websocket routes, so the linter says "ASGI required" (DPL501's ground).
CHANNELS_FILES = _dedent({
    **COMMON_FILES,
    "proj/settings.py": SETTINGS.replace("{apps}", repr(["channels", "chat"])),
    "proj/asgi.py": ASGI,
    "chat/consumers.py": CONSUMERS,
    "chat/routing.py": ROUTING,
})  # fmt: skip
# Plain Django, async views that await and no websockets: "ASGI would help" (DPL502's ground).
PLAIN_FILES = _dedent({
    **COMMON_FILES,
    "proj/settings.py": SETTINGS.replace("{apps}", repr(["chat"])),
    "proj/asgi.py": PLAIN_ASGI,
})  # fmt: skip


@dataclass(frozen=True)
class Case:
    web: str  # the Procfile `web:` command; `# expect: CODE` annotates what the linter must report on it
    fit: str  # the verdict the linter must give
    files: dict[str, str] = field(default_factory=lambda: CHANNELS_FILES)


CASES = {
    "gunicorn-sync-wsgi": Case(f"gunicorn --bind {HOST}:$PORT proj.wsgi:application  # expect: DPL501", "mismatch"),
    "gunicorn-sync-asgi-app": Case(f"gunicorn --bind {HOST}:$PORT proj.asgi:application  # expect: DPL506", "mismatch"),
    "daphne-asgi": Case(f"daphne -b {HOST} -p $PORT proj.asgi:application", "fit"),
    "uvicorn-asgi": Case(f"uvicorn --host {HOST} --port $PORT proj.asgi:application", "fit"),
    "gunicorn-asgi-worker": Case(f"gunicorn -k asgi --bind {HOST}:$PORT proj.asgi:application", "fit"),
    "uvicorn-wsgi-app": Case(f"uvicorn --host {HOST} --port $PORT proj.wsgi:application  # expect: DPL506", "mismatch"),
    "plain-gunicorn-sync-wsgi": Case(
        f"gunicorn --bind {HOST}:$PORT proj.wsgi:application  # expect: DPL502", "suboptimal", PLAIN_FILES
    ),
    "plain-uvicorn-asgi": Case(f"uvicorn --host {HOST} --port $PORT proj.asgi:application", "fit", PLAIN_FILES),
}

# Cases where one half of the linter's claim, taken alone, disagrees with the real server. Each is a strict xfail
# of the test that takes that half alone: when the linter learns the case, the xfail passes and the entry must go.
VERDICT_ALONE_DISAGREES: dict[str, str] = {}


def files_for(case: Case) -> dict[str, str]:
    return {**case.files, "Procfile": f"web: {case.web}\n"}


# --- the linter's side ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    needs: str
    fit: str
    codes: frozenset[str]  # codes reported on the Procfile `web:` line

    def expected(self) -> dict[str, object]:
        """What the real server must do, from the whole claim (verdict and findings on the line)."""
        if "DPL506" in self.codes:  # "every request fails"
            return {"async": 500, "sync": 500, "websocket": 500}
        if self.needs == "asgi-required" and self.fit == "mismatch" and "DPL501" in self.codes:
            return {"async": 200, "sync": 200, "websocket": 404}  # DPL501: "a websocket handshake gets 404"
        if self.needs == "asgi-beneficial" and self.fit == "suboptimal" and "DPL502" in self.codes:
            return {"async": 200, "sync": 200, "concurrent": False}  # "a worker serves one request at a time"
        if not self.codes and self.fit == "fit":
            return self.expected_from_verdict()
        raise AssertionError(f"no ground truth is defined for this claim: {self}")

    def expected_from_verdict(self) -> dict[str, object]:
        """What the one-line verdict promises on its own: `fit` that what the code needs works; `mismatch` and
        `suboptimal` only the failure they name."""
        if self.needs == "asgi-required":
            return {"async": 200, "sync": 200, "websocket": 101} if self.fit == "fit" else {"websocket": "not 101"}
        if self.needs == "asgi-beneficial":
            return {"async": 200, "sync": 200, "concurrent": True} if self.fit == "fit" else {"concurrent": False}
        raise AssertionError(f"no ground truth is defined for this verdict: {self}")


def lint_case(root: Path) -> Report:
    return lint([root], Config(), cwd=root)


def claim_of(report: Report) -> Claim:
    (verdict,) = report.model.verdicts.values()
    codes = frozenset(f.code for f in report.findings if f.path == "Procfile" and f.span.line == 1)
    return Claim(verdict.needs, verdict.fit, codes)


def matches(expected: dict[str, object], real: dict[str, object]) -> bool:
    return all(real[probe] != 101 if want == "not 101" else real[probe] == want for probe, want in expected.items())


# --- the real side ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_argv(web: str, port: int) -> list[str]:
    argv = shlex.split(web.replace("$PORT", str(port)), comments=True)
    assert argv[0] in SERVERS, f"not a server this test knows how to start: {web}"
    return [sys.executable, "-m", argv[0], *argv[1:]]


def server_env(root: Path, port: int, runtime_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "PYTHONSTARTUP"):
        env.pop(name, None)
    env.update(PYTHONPATH=str(root), DJANGO_SETTINGS_MODULE=SETTINGS_MODULE, PORT=str(port), PYTHONUNBUFFERED="1")
    # gunicorn >= 25 opens a control socket in $XDG_RUNTIME_DIR, else in ~/.gunicorn: keep it in a short tmp dir.
    env["XDG_RUNTIME_DIR"] = runtime_dir
    return env


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's own session (gunicorn's workers included), SIGKILL after STOP_TIMEOUT."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_until_accepting(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"server not accepting on {HOST}:{port} after {START_TIMEOUT}s:\n{log.read_text()}")


def http_get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=IO_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        return response.status, response.read(65536)
    finally:
        connection.close()


WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_until(sock: socket.socket, buffer: bytes, size: int, deadline: float, *, marker: bytes = b"") -> bytes:
    """Read until `marker` is in the buffer (or, without one, until it holds `size` bytes); bounded by `deadline`
    and by 64 KiB."""
    while (marker not in buffer) if marker else (len(buffer) < size):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or len(buffer) > 65536:
            raise TimeoutError(f"no complete answer; got {buffer[:300]!r}")
        sock.settimeout(remaining)
        chunk = sock.recv(4096)
        if not chunk:
            break
        buffer += chunk
    return buffer


def websocket_probe(port: int, path: str, message: str) -> dict[str, object]:
    """A raw RFC 6455 upgrade; on 101, check the accept key and echo one masked text frame."""
    key = base64.b64encode(os.urandom(16))
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://{HOST}:{port}\r\n\r\n"
    ).encode()
    deadline = time.monotonic() + IO_TIMEOUT
    with socket.create_connection((HOST, port), timeout=IO_TIMEOUT) as sock:
        sock.sendall(request)
        buffer = read_until(sock, b"", 0, deadline, marker=b"\r\n\r\n")
        head, _, rest = buffer.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        result: dict[str, object] = {"status": status, "status_line": status_line}
        if status != 101:
            return result
        headers = {name.strip().lower(): value.strip() for name, _, value in (h.partition(":") for h in header_lines)}
        expected_accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest()).decode()
        result["accept_ok"] = headers.get("sec-websocket-accept") == expected_accept
        payload = message.encode()
        assert len(payload) < 126
        mask = os.urandom(4)
        sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        frame = read_until(sock, rest, 2, deadline)
        length = frame[1] & 0x7F
        assert length < 126 and not frame[1] & 0x80, f"unexpected frame header {frame[:4]!r}"
        frame = read_until(sock, frame, 2 + length, deadline)
        result["echo"] = {"opcode": frame[0] & 0x0F, "text": frame[2 : 2 + length].decode()}
        close_mask = os.urandom(4)
        sock.sendall(bytes([0x88, 0x82]) + close_mask + bytes(b ^ close_mask[i] for i, b in enumerate(b"\x03\xe8")))
        return result


def concurrency_probe(port: int) -> dict[str, object]:
    """CONCURRENT simultaneous requests to /slow/ (each awaits SLOW seconds). Serial service takes at least
    CONCURRENT * SLOW; a server that overlaps them needs about SLOW. The line between is drawn at half of serial."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        statuses = list(pool.map(lambda _: http_get(port, "/slow/")[0], range(CONCURRENT)))
    elapsed = time.monotonic() - started
    if statuses != [200] * CONCURRENT:
        return {"concurrent": None, "slow_statuses": statuses}
    return {"concurrent": elapsed < CONCURRENT * SLOW / 2, "slow_seconds": round(elapsed, 2)}


def run_server(root: Path, web: str, *, concurrency: bool) -> dict[str, object]:
    """Start the Procfile's server, probe it, stop it. Retries a lost race for the port (bounded)."""
    for attempt in range(3):
        port = free_port()
        log = root / f"server-{attempt}.log"
        runtime_dir = tempfile.TemporaryDirectory(prefix="dpl-gt-")
        with log.open("wb") as output:
            process = subprocess.Popen(
                server_argv(web, port), cwd=root, env=server_env(root, port, runtime_dir.name),
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            started = time.monotonic()
            try:
                wait_until_accepting(process, port, log)
            except RuntimeError:
                if "in use" in log.read_text(errors="replace") and attempt < 2:
                    continue
                raise
            real: dict[str, object] = {"ready_seconds": round(time.monotonic() - started, 2), "log": log}
            real["async"], real["async_body"] = http_get(port, "/async/")
            real["sync"], _ = http_get(port, "/sync/")
            real["handshake"] = websocket_probe(port, "/ws/echo/", "ground truth")
            real["websocket"] = real["handshake"]["status"]
            if concurrency:
                real.update(concurrency_probe(port))
            return real
        finally:
            stop(process)
            runtime_dir.cleanup()
    raise AssertionError("unreachable")


# --- the tests --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("ground_truth_servers")
    return {name: write_project(base / name, files_for(case)) for name, case in CASES.items()}


@pytest.fixture(scope="module")
def observe(projects: dict[str, Path]):
    """Case name -> (the linter's claim, what the real server did); each server runs once per module."""
    cache: dict[str, tuple[Claim, dict[str, object]]] = {}

    def run(name: str) -> tuple[Claim, dict[str, object]]:
        if name not in cache:
            claim = claim_of(lint_case(projects[name]))
            probes = set(claim.expected()) | set(claim.expected_from_verdict())
            cache[name] = claim, run_server(projects[name], CASES[name].web, concurrency="concurrent" in probes)
        return cache[name]

    return run


def explain(claim: Claim, real: dict[str, object]) -> str:
    log = Path(real["log"]).read_text(errors="replace")[-3000:]
    shown = {key: value for key, value in real.items() if key != "log"}
    return f"the linter says {claim}, but the server did {shown}\n--- server log (tail) ---\n{log}"


@pytest.mark.parametrize("name", CASES)
def test_linter_claims_what_the_case_says(name: str, projects: dict[str, Path]):
    root = projects[name]
    report = lint_case(root)
    assert found(report) == expectations(root, files_for(CASES[name]))
    assert claim_of(report).fit == CASES[name].fit, report.model.verdicts


@pytest.mark.parametrize("name", CASES)
def test_real_server_does_what_the_linter_claims(name: str, observe):
    claim, real = observe(name)
    assert matches(claim.expected(), real), explain(claim, real)
    if real["websocket"] == 101:
        assert real["handshake"]["accept_ok"], real["handshake"]
        assert real["handshake"]["echo"] == {"opcode": 1, "text": "ground truth"}, real["handshake"]
    if real["async"] == 200:
        assert real["async_body"] == b"async ok"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=VERDICT_ALONE_DISAGREES[name]))
        if name in VERDICT_ALONE_DISAGREES
        else name
        for name in CASES
    ],
)
def test_verdict_alone_matches_the_real_server(name: str, observe):
    """The one-line verdict (`Protocol fit: …`) is what a reader sees first; it must hold on its own."""
    claim, real = observe(name)
    assert matches(claim.expected_from_verdict(), real), explain(claim, real)
