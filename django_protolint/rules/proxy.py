"""DPL512: a reverse-proxy route that a websocket route of the code cannot get through, in a deployment that runs
an ASGI server.

Facts: how the proxy picks a route for a path and where it sends it (project/proxy/join.py), and which nginx
locations pass the upgrade headers on (knowledge/nginx.py); each outcome checked against a real nginx in front of
gunicorn and daphne in tests/test_ground_truth_proxies.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding
from django_protolint.knowledge.nginx import PROXY_SET_HEADER, WEBSOCKET_PROXYING
from django_protolint.knowledge.servers import ASGI
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Gates, Invalid, Rule, Valid, check, django_project
from django_protolint.source.facts import Span

_ASGI = """\
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

from app.routing import websocket_urlpatterns

application = ProtocolTypeRouter({
    "http": get_asgi_application(),
    "websocket": URLRouter(websocket_urlpatterns),
})
"""
_ROUTING = 'from django.urls import path\n\nfrom app import consumers\n\nwebsocket_urlpatterns = [path("ws/chat/", consumers.Chat.as_asgi())]\n'
_CONSUMERS = "from channels.generic.websocket import WebsocketConsumer\n\n\nclass Chat(WebsocketConsumer):\n    pass\n"
_COMPOSE = """\
services:
  web:
    command: gunicorn --bind 0.0.0.0:8000 proj.wsgi:application
  ws:
    command: daphne -b 0.0.0.0 -p 8001 proj.asgi:application
"""
_HEADERS = """
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";"""


def _site(ws_location: str, server_level: str = "") -> str:
    return (
        f"server {{\n    listen 80;{server_level}\n{ws_location}\n"
        "    location / {\n        proxy_pass http://web:8000;\n    }\n}\n"
    )


def _split_project(site: str) -> dict[str, str]:
    files = django_project("", proj__asgi_py=_ASGI, app__routing_py=_ROUTING, app__consumers_py=_CONSUMERS)
    return files | {"docker-compose.yml": _COMPOSE, "nginx/site.conf": site}


PROXY_BLOCKS_WEBSOCKET = Rule(
    code="DPL512",
    slug="proxy-route-blocks-websocket",
    severity="error",
    summary="A reverse-proxy route a websocket route of the code cannot get through, though an ASGI server runs",
    message="websocket route `{route}` cannot get through this {proxy} route: {why}",
    rationale=(
        "A split deployment runs an ASGI server for websockets beside WSGI workers, and a reverse proxy chooses "
        "between them by path. When the path of a websocket route is sent to the WSGI workers, the handshake gets "
        "their 404. When nginx sends it to the ASGI server but the location does not set `Upgrade` and "
        "`Connection` again, nginx drops both (they are hop-by-hop headers; it sends `Connection: close`), and the "
        "ASGI server sees a plain GET: daphne answers 404 or 400, and no websocket opens. `proxy_set_header` "
        "lines are inherited from the enclosing block only when the location has none of its own, so a location "
        "that sets `Host` alone, or includes Debian's `proxy_params`, loses the server's upgrade headers. Each "
        "case was checked with a real nginx in front of gunicorn and daphne on loopback."
    ),
    fix="{remedy}",
    how_to_fix=(
        "Send the websocket paths to the ASGI server, and in nginx set the upgrade headers in that location: "
        '`proxy_http_version 1.1;`, `proxy_set_header Upgrade $http_upgrade;` and `proxy_set_header Connection "upgrade";` '
        "(or `$connection_upgrade` from a `map $http_upgrade`). The finding's help line names the location."
    ),
    gates=Gates(file_role="reverse-proxy configuration (nginx, Caddy, Traefik, HAProxy, Kubernetes Ingress)"),
    links=(WEBSOCKET_PROXYING, PROXY_SET_HEADER),
    known_problems=(
        "Reported only when the route is chosen for sure: a path matched only by its literal beginning, a header "
        "matcher, or an include the project does not hold (which may set the headers) is not reported. nginx's "
        "main configuration, when not in the project, is taken to set no `proxy_set_header` (as the one nginx's "
        "packages and its Docker image ship). nginx before 1.30 also needs `proxy_http_version 1.1;` for the "
        "upgrade; the nginx version is not known from the configuration, so its absence is not reported."
    ),
    examples=[
        Invalid(
            _split_project(_site("    location /ws/ {  # expect: DPL512\n        proxy_pass http://ws:8001;\n    }")),
            id="an nginx location sends the websocket path to daphne without the upgrade headers",
        ),
        Invalid(
            _split_project(
                _site(
                    "    location /ws/ {  # expect: DPL512\n        proxy_pass http://ws:8001;\n"
                    "        proxy_set_header Host $host;\n    }",
                    _HEADERS,
                )
            ),
            id="a location's own proxy_set_header lines replace the server's upgrade headers",
        ),  # fmt: skip
        Invalid(
            _split_project(_site("").replace("location / {", "location / {  # expect: DPL512")),
            id="without a websocket location the path takes location / to gunicorn",
        ),
        Valid(
            _split_project(_site(f"    location /ws/ {{\n        proxy_pass http://ws:8001;{_HEADERS}\n    }}")),
            id="the websocket location reaches daphne with the upgrade headers",
        ),
        Valid(
            _split_project(_site("    location /ws/ {\n        proxy_pass http://ws:8001;\n    }", _HEADERS)),
            id="the server's upgrade headers apply to a location that sets none of its own",
        ),
        Valid(
            _split_project(
                _site(
                    "    location /ws/ {\n        proxy_pass http://ws:8001;\n        include ws_headers.conf;\n    }"
                )
            ),
            id="an include the project does not hold may set the headers",
        ),
        Valid(
            _split_project(
                _site(
                    "    location /ws/ {\n        proxy_pass http://ws:8001;\n        include ws_headers.conf;\n    }"
                )
            )
            | {"nginx/ws_headers.conf": _HEADERS.strip() + "\n"},
            id="the upgrade headers come from an include the project holds",
        ),
    ],
)


@check(PROXY_BLOCKS_WEBSOCKET)
def proxy_blocks_websocket(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        verdict = model.verdicts[project.root]
        asgi = [d for d in verdict.servers if d.command.protocol == ASGI]
        if verdict.declared_server or not asgi:
            continue  # without an ASGI server the server is what to change: DPL501 says so
        for reach in verdict.websocket_reach:
            if reach.outcome != "mismatch" or reach.via is None:
                continue
            route = reach.via.route
            remedy = reach.remedy or f"route `{route.label}` to the ASGI server ({asgi[0].path}:{asgi[0].line})"
            yield PROXY_BLOCKS_WEBSOCKET.finding(
                route.path, Span(route.line, 0, route.line, 0), route=reach.route, proxy=route.proxy,
                why=reach.why, remedy=remedy, severity=None if asgi[0].certain else "info",
            )  # fmt: skip
