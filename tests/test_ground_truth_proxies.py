"""Ground truth for split deployments: real nginx in front of gunicorn (sync) and daphne, on 127.0.0.1.

The project is the Channels echo project of tests/test_ground_truth_servers.py, deployed the way issue 12 §2
describes: a compose file starts gunicorn (`/`) and daphne (`/ws/`) on fixed loopback ports, and `nginx/site.conf`
(a conf.d server block) routes between them. Per case, the linter reads the project, then the same processes and
the same site.conf run for real, and one request of each kind goes through nginx:

- `split`: `/ws/` → daphne, `/` → gunicorn. The linter says `served: both`, `fit`, and the websocket route is
  fit; through nginx the upgrade to `/ws/echo/` answers 101 and echoes, and GET `/sync/` is answered by gunicorn
  (nginx's `X-Upstream` header names the address that answered).
- `no-ws-location`: the same without the `/ws/` location. The linter says `mismatch`; through nginx the upgrade
  reaches gunicorn, which answers 404.
- `ws-*`: the `/ws/` location reaches daphne, with or without the headers that carry the upgrade
  (knowledge/nginx.py): none (daphne's Django answers the plain GET with 404), `Upgrade` without `Connection`
  (daphne: 400), set on the server and inherited (101), set on the server but replaced by the location's own
  `proxy_set_header` or by Debian's `include proxy_params;` (404), `Connection` from nginx's `map` (101).

nginx runs unprivileged-style: `-p TMPDIR -c nginx.conf -e error.log`, `daemon off`, pid, logs and temp paths in
TMPDIR; every process has a session of its own and is stopped in `finally`; every wait is bounded.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.runner import lint
from tests.helpers import write_project
from tests.test_ground_truth_servers import (
    CHANNELS_FILES,
    HOST,
    free_port,
    http_get,
    server_env,
    stop,
    wait_until_accepting,
    websocket_probe,
)

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()),
                                      None)  # fmt: skip
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx)")

WS_LOCATION = """
    location /ws/ {{
        proxy_pass http://{host}:{daphne};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_set_header Host $host;
    }}
"""

# The websocket location without the headers that carry the upgrade: nginx drops `Upgrade` (a hop-by-hop
# header) and sends `Connection: close`, so daphne sees a plain GET.
WS_LOCATION_BARE = """
    location /ws/ {{
        proxy_pass http://{host}:{daphne};
        proxy_http_version 1.1;
        proxy_set_header Host $host;
    }}
"""

# `Upgrade` passed, `Connection` left at nginx's `close`.
WS_LOCATION_NO_CONNECTION = """
    location /ws/ {{
        proxy_pass http://{host}:{daphne};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
    }}
"""

# The headers set once for the server: a location with no `proxy_set_header` of its own inherits them.
SERVER_HEADERS = """
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
"""
WS_LOCATION_INHERITS = """
    location /ws/ {{
        proxy_pass http://{host}:{daphne};
    }}
"""

# Debian's `proxy_params` (Host, X-Real-IP, X-Forwarded-*): a level that includes it sets headers of its own, so
# the server's upgrade headers no longer apply there.
WS_LOCATION_PROXY_PARAMS = """
    location /ws/ {{
        proxy_pass http://{host}:{daphne};
        include proxy_params;
    }}
"""
PROXY_PARAMS = Path("/etc/nginx/proxy_params")

# nginx's websocket page's shape: `Connection` from a `map` of `$http_upgrade`.
CONNECTION_MAP = """
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}
"""
WS_LOCATION_MAP = """
    location /ws/ {{
        proxy_pass http://{host}:{daphne};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }}
"""

SITE = """{top}
server {{
    listen {host}:{nginx};
    add_header X-Upstream $upstream_addr always;
{server}
{ws}
    location / {{
        proxy_pass http://{host}:{gunicorn};
        proxy_set_header Host $host;
    }}
}}
"""

COMPOSE = """
services:
  web:
    build: .
    command: gunicorn --bind {host}:{gunicorn} proj.wsgi:application
  ws:
    build: .
    command: daphne -b {host} -p {daphne} proj.asgi:application
  nginx:
    image: nginx:1.27
    volumes:
      - ./nginx/site.conf:/etc/nginx/conf.d/default.conf:ro
"""

# The main configuration nginx's package ships, cut to what runs without root: everything in the prefix.
MAIN = """
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


@dataclass(frozen=True)
class Case:
    ws: str  # the `/ws/` location, "" for none
    fit: str
    server: str = ""  # directives of the server block
    top: str = ""  # directives outside it (the http level: site.conf is included there)
    refused: int | None = None  # the status a refused handshake gets


CASES = {
    "split": Case(WS_LOCATION, "fit"),
    "no-ws-location": Case("", "mismatch", refused=404),  # gunicorn's Django has no /ws/echo/ URL
    "ws-without-upgrade-headers": Case(WS_LOCATION_BARE, "mismatch", refused=404),  # daphne's Django, plain GET
    # daphne: 400 "HTTP Connection headers do not include "upgrade" value (case-insensitive): "close""
    "ws-without-connection-header": Case(WS_LOCATION_NO_CONNECTION, "mismatch", refused=400),
    "ws-inherits-server-headers": Case(WS_LOCATION_INHERITS, "fit", server=SERVER_HEADERS),
    "ws-own-headers-replace-server-headers": Case(WS_LOCATION_BARE, "mismatch", server=SERVER_HEADERS, refused=404),
    "ws-connection-from-map": Case(WS_LOCATION_MAP, "fit", top=CONNECTION_MAP),
    "ws-proxy-params-replace-server-headers": Case(
        WS_LOCATION_PROXY_PARAMS, "mismatch", server=SERVER_HEADERS, refused=404
    ),  # fmt: skip
}


def project_files(case: Case, ports: dict[str, int]) -> dict[str, str]:
    values = {"host": HOST, **ports}
    ws = case.ws.format(**values)
    return {
        **CHANNELS_FILES,
        "requirements.txt": "Django>=5.0\nchannels>=4.0\ndaphne>=4.0\ngunicorn>=23\n",
        "docker-compose.yml": textwrap.dedent(COMPOSE.format(**values)).lstrip(),
        "nginx/site.conf": SITE.format(ws=ws, server=case.server, top=case.top, **values).lstrip(),
    }


def start(argv: list[str], root: Path, port: int, log: Path, env: dict[str, str]) -> subprocess.Popen:
    with log.open("wb") as output:
        process = subprocess.Popen(argv, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        wait_until_accepting(process, port, log)
    except BaseException:
        stop(process)
        raise
    return process


def run_stack(root: Path, ports: dict[str, int]) -> dict[str, object]:
    """gunicorn, daphne and nginx as the compose file and site.conf say; one GET and one upgrade through nginx."""
    processes: list[subprocess.Popen] = []
    runtime = tempfile.TemporaryDirectory(prefix="dpl-gt-")
    prefix_directory = tempfile.TemporaryDirectory(prefix="dpl-nginx-")
    prefix = Path(prefix_directory.name)
    try:
        env = server_env(root, ports["gunicorn"], runtime.name)
        python = [sys.executable, "-m"]
        processes.append(start([*python, "gunicorn", "--bind", f"{HOST}:{ports['gunicorn']}", "proj.wsgi:application"],
                               root, ports["gunicorn"], root / "gunicorn.log", env))  # fmt: skip
        processes.append(start([*python, "daphne", "-b", HOST, "-p", str(ports["daphne"]), "proj.asgi:application"],
                               root, ports["daphne"], root / "daphne.log", env))  # fmt: skip
        (prefix / "nginx.conf").write_text(MAIN.format(prefix=prefix, site=root / "nginx" / "site.conf"))
        if PROXY_PARAMS.exists():  # a relative include is read beside nginx.conf
            shutil.copy(PROXY_PARAMS, prefix / "proxy_params")
        argv = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
        processes.append(start(argv, root, ports["nginx"], root / "nginx.log", env))
        status, body = http_get(ports["nginx"], "/sync/")
        upstream = _upstream_of(ports["nginx"], "/sync/")
        handshake = websocket_probe(ports["nginx"], "/ws/echo/", "through nginx")
        return {"sync": status, "sync_body": body, "sync_upstream": upstream, "handshake": handshake}
    finally:
        for process in reversed(processes):
            stop(process)
        runtime.cleanup()
        prefix_directory.cleanup()


def _upstream_of(port: int, path: str) -> str | None:
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read(65536)
        return response.getheader("X-Upstream")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    base = tmp_path_factory.mktemp("ground_truth_proxies")
    cache: dict[str, tuple[Path, dict[str, int]]] = {}

    def build(name: str) -> tuple[Path, dict[str, int]]:
        if name not in cache:
            ports = {"gunicorn": free_port(), "daphne": free_port(), "nginx": free_port()}
            while len(set(ports.values())) < 3:
                ports = {"gunicorn": free_port(), "daphne": free_port(), "nginx": free_port()}
            cache[name] = write_project(base / name, project_files(CASES[name], ports)), ports
        return cache[name]

    return build


@pytest.mark.parametrize("name", CASES)
def test_linter_reads_the_split_deployment(name: str, stacks):
    root, _ = stacks(name)
    (verdict,) = lint([root], Config(), cwd=root).model.verdicts.values()
    assert (verdict.needs, verdict.served, verdict.fit) == ("asgi-required", "both", CASES[name].fit), verdict.summary
    [websocket] = verdict.websocket_reach
    assert websocket.outcome == CASES[name].fit
    assert {path.route.pattern for path in verdict.routes} == ({"/ws/", "/"} if CASES[name].ws else {"/"})


@pytest.mark.parametrize("name", CASES)
def test_real_nginx_does_what_the_linter_claims(name: str, stacks):
    if "proxy_params" in CASES[name].ws and not PROXY_PARAMS.exists():
        pytest.skip("nginx's packaged proxy_params is not installed (Debian: nginx-common)")
    root, ports = stacks(name)
    (verdict,) = lint([root], Config(), cwd=root).model.verdicts.values()
    started = time.monotonic()
    real = run_stack(root, ports)
    assert time.monotonic() - started < 120
    # HTTP goes to gunicorn in both cases
    assert (real["sync"], real["sync_body"]) == (200, b"sync ok"), real
    assert real["sync_upstream"] == f"{HOST}:{ports['gunicorn']}", real
    handshake = real["handshake"]
    if verdict.fit == "fit":
        assert handshake["status"] == 101, handshake
        assert handshake["accept_ok"] and handshake["echo"] == {"opcode": 1, "text": "through nginx"}, handshake
    else:
        assert handshake["status"] != 101, handshake
        assert handshake["status"] == CASES[name].refused, handshake
