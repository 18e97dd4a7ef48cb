"""Reverse-proxy configuration → routes → the servers they reach, and which route a websocket path takes.

Near-misses first: each table starts with what must stay silent or unknown.
"""

from __future__ import annotations

import textwrap

import pytest

from django_protolint.project.deploy.base import PRODUCTION, Deployment
from django_protolint.project.deploy.commands import parse_command
from django_protolint.project.deploy.files import read_deployment
from django_protolint.project.proxy import caddy, nginx, traefik
from django_protolint.project.proxy.base import EXACT, OTHER, PREFIX, PREFIX_STOP, REGEX, Route, Target, parse_address
from django_protolint.project.proxy.binds import listeners
from django_protolint.project.proxy.join import LIKELY, SURE, UNSURE, SamplePath, covering, join, reach, sample_path
from django_protolint.project.proxy.read import proxy_file, read_routes


def _nginx(text: str, path: str = "nginx.conf") -> list[Route]:
    return read_routes({path: textwrap.dedent(text)})


def _deployment(command: str, where: str = "Procfile process `web`", path: str = "Procfile") -> Deployment:
    parsed = parse_command(command)
    assert parsed is not None, command
    return Deployment(parsed, path, 1, PRODUCTION, where)


# ----------------------------------------------------------------------------- which files


@pytest.mark.parametrize(
    "path, expected",
    [
        pytest.param("docs/nginx.md", False, id="a document about nginx"),
        pytest.param("settings.py.tpl", False, id="a Python template"),
        pytest.param("docker-compose.yml", False, id="compose: read for Traefik labels, not as a proxy file"),
        pytest.param("docker/nginx.conf", True, id="nginx.conf"),
        pytest.param("proxy/default.conf.tpl", True, id="a templated conf.d file"),
        pytest.param("nginx/templates/default.conf.template", True, id="the official image's envsubst template"),
        pytest.param("contrib/ralph.conf.nginx", True, id="*.conf.nginx"),
        pytest.param("docker/nginx/sites-enabled/default", True, id="sites-enabled without an extension"),
        pytest.param("Caddyfile", True, id="Caddyfile"),
    ],
)
def test_proxy_file_names(path: str, expected: bool):
    assert proxy_file(path) is expected


# ----------------------------------------------------------------------------- nginx


def test_tokens_keep_quotes_variables_and_comments_apart():
    text = 'proxy_set_header Connection "upgrade; keep"; # a comment ; {\nlisten ${PORT};'
    words = [token for token, _, _ in nginx.tokens(text)]
    assert words == ["proxy_set_header", "Connection", "upgrade; keep", ";", "listen", "${PORT}", ";"]


def test_a_file_without_proxying_routes_nothing_to_a_server():
    [route] = _nginx("server { listen 80; location / { root /srv; } }")
    assert route.targets == ()  # kept: it still takes the paths it covers
    assert _nginx("events { worker_connections 64; }\nhttp { include mime.types; }") == []


def test_bad_input_never_raises():
    for text in ("server { location / { proxy_pass http://a:1;", "}}} location {", "\x00\xff" * 50, "{" * 5000):
        read_routes({"nginx.conf": text})  # no exception is the assertion


def test_locations_with_every_modifier_and_upstreams():
    routes = _nginx("""
        upstream app { server web:8000 weight=3; server unix:/run/app.sock; }
        server {
            location = /health { return 200; }
            location ^~ /static/ { alias /srv/static/; }
            location ~* \\.(png|jpg)$ { expires 1d; }
            location =/exact { proxy_pass http://app; }
            location / { proxy_pass http://app/; }
            location /ws/ { proxy_pass http://127.0.0.1:8001; }
            location /raw { uwsgi_pass unix:/run/uwsgi.sock; }
            location /dynamic { proxy_pass $backend; }
        }
    """)
    by_pattern = {route.pattern: route for route in routes}
    assert {route.pattern: route.match for route in routes} == {
        "/health": EXACT, "/static/": PREFIX_STOP, "\\.(png|jpg)$": "regex-icase", "/exact": EXACT, "/": PREFIX,
        "/ws/": PREFIX, "/raw": PREFIX, "/dynamic": PREFIX,
    }  # fmt: skip
    assert by_pattern["/"].targets == (
        Target("web:8000", "web", 8000),
        Target("unix:/run/app.sock", socket="/run/app.sock"),
    )
    assert by_pattern["/ws/"].targets == (Target("127.0.0.1:8001", "127.0.0.1", 8001),)
    assert by_pattern["/raw"].targets[0].socket == "/run/uwsgi.sock"
    assert not by_pattern["/dynamic"].targets[0].known
    assert by_pattern["/health"].targets == ()
    assert by_pattern["/ws/"].line == 9 and len({route.group for route in routes}) == 1


def test_named_location_through_try_files_and_if_blocks():
    [root, ws] = _nginx("""
        server {
            location / { try_files $uri @django; }
            location /ws/ {
                if ($http_upgrade = "websocket") { proxy_pass http://127.0.0.1:9000; }
                proxy_pass http://127.0.0.1:8000;
            }
            location @django { proxy_pass http://127.0.0.1:8000; }
        }
    """)
    assert [t.port for t in root.targets] == [8000] and "@django" in root.via
    assert [t.port for t in ws.targets] == [9000, 8000]  # either may serve the request


def test_templates_and_envsubst_values_are_unknown():
    [route] = _nginx(
        """
        {% if use_tls %}
        server {
            listen {{ port }};
            location / { proxy_pass http://{{ backend }}; }
        }
        {% endif %}
    """,
        "nginx.conf.j2",
    )
    assert not route.targets[0].known
    [route] = _nginx("server { location / { proxy_pass http://${DJANGO_HOST}:8000; } }", "default.conf.template")
    assert not route.targets[0].known


def test_includes_are_spliced_and_not_read_twice():
    texts = {
        "deploy/nginx/nginx.conf": "http { upstream app { server web:8000; } include /etc/nginx/conf.d/*.conf; }",
        "deploy/nginx/conf.d/site.conf": "server { include snippets/ws.conf; location / { proxy_pass http://app; } }",
        "deploy/nginx/snippets/ws.conf": "location /ws/ { proxy_pass http://asgi:9000; }",
        "other/unrelated.conf": "server { location / { proxy_pass http://elsewhere:1; } }",
    }
    routes = read_routes(texts)
    assert sorted((r.path, r.pattern, r.targets[0].text) for r in routes) == [
        ("deploy/nginx/conf.d/site.conf", "/", "web:8000"),
        ("deploy/nginx/snippets/ws.conf", "/ws/", "asgi:9000"),
        ("other/unrelated.conf", "/", "elsewhere:1"),
    ]
    assert len({r.group for r in routes if r.path.startswith("deploy/")}) == 1  # one server block


# ----------------------------------------------------------------------------- Caddy and Traefik


def test_caddy_handle_blocks_matchers_and_placeholders():
    routes = caddy.read_caddyfile(
        "Caddyfile",
        textwrap.dedent("""
        {
            email admin@example.com
        }
        example.com {
            @api path /api/* /graphql
            @upgrade header Connection *Upgrade*
            reverse_proxy @api web:8000
            reverse_proxy @upgrade asgi:9000
            handle /ws/* {
                reverse_proxy unix//run/daphne.sock
            }
            handle {
                reverse_proxy {$BACKEND}
            }
        }
    """),
    )
    assert [(r.match, r.pattern) for r in routes] == [
        (PREFIX, "/api/"),
        (EXACT, "/graphql"),
        (OTHER, "@upgrade"),
        (PREFIX, "/ws/"),
        (PREFIX, "/"),
    ]
    assert routes[3].targets == (Target("unix//run/daphne.sock", socket="/run/daphne.sock"),)
    assert not routes[4].targets[0].known


def test_caddy_without_site_braces():
    [route] = caddy.read_caddyfile("Caddyfile", ":80\nreverse_proxy /ws/* 127.0.0.1:8001\n")
    assert (route.pattern, route.targets[0].port) == ("/ws/", 8001)


def test_traefik_labels_in_compose():
    routes = traefik.read_labels(
        "docker-compose.yml",
        textwrap.dedent("""
        services:
          web:
            command: gunicorn proj.wsgi --bind 0.0.0.0:8000
            labels:
              - "traefik.http.routers.web.rule=Host(`example.com`)"
              - "traefik.http.services.web.loadbalancer.server.port=8000"
          ws:
            command: daphne -b 0.0.0.0 -p 8001 proj.asgi:application
            labels:
              traefik.http.routers.ws.rule: "Host(`example.com`) && PathPrefix(`/ws`)"
              traefik.http.services.ws.loadbalancer.server.port: "8001"
              traefik.http.routers.odd.rule: "PathPrefix(`/a`) || PathPrefix(`/b`)"
    """),
    )
    assert [(r.match, r.pattern, r.targets[0].host, r.targets[0].port, r.line) for r in routes] == [
        (PREFIX, "/", "web", 8000, 6), (PREFIX, "/ws", "ws", 8001, 11), (OTHER, "PathPrefix(`/a`) || PathPrefix(`/b`)", "ws", 8001, 13),
    ]  # fmt: skip


# ----------------------------------------------------------------------------- where servers listen


@pytest.mark.parametrize(
    "command, expected",
    [
        ("gunicorn proj.wsgi", [("127.0.0.1", 8000, None, True)]),
        ("PORT=5000 gunicorn proj.wsgi", [("0.0.0.0", 5000, None, True)]),
        (
            "gunicorn -b 0.0.0.0:8000 --bind unix:/run/g.sock proj.wsgi",
            [("0.0.0.0", 8000, None, False), (None, None, "/run/g.sock", False)],
        ),
        ("gunicorn --bind=:9000 proj.wsgi", [("0.0.0.0", 9000, None, False)]),
        ("uvicorn proj.asgi:application --host 0.0.0.0 --port 9000", [("0.0.0.0", 9000, None, False)]),
        ("uvicorn proj.asgi:application --uds /tmp/u.sock", [(None, None, "/tmp/u.sock", False)]),
        ("daphne -b 0.0.0.0 -p 8001 proj.asgi:application", [("0.0.0.0", 8001, None, False)]),
        ("daphne -u /run/d.sock proj.asgi:application", [(None, None, "/run/d.sock", False)]),
        ("daphne -e tcp:port=8002:interface=127.0.0.1 proj.asgi:application", [("127.0.0.1", 8002, None, False)]),
        ("hypercorn -b 0.0.0.0:8003 proj.asgi:application", [("0.0.0.0", 8003, None, False)]),
        ("granian --interface asgi --port 8004 proj.asgi:application", [("127.0.0.1", 8004, None, False)]),
        ("uwsgi --socket :3031 --module proj.wsgi", [("0.0.0.0", 3031, None, False)]),
        ("waitress-serve --listen=*:8080 proj.wsgi:application", [("*", 8080, None, False)]),
        ("python manage.py runserver 0.0.0.0:8000", [("0.0.0.0", 8000, None, False)]),
        ("gunicorn --bind 0.0.0.0:${PORT} proj.wsgi", [(None, None, None, False)]),
    ],
)
def test_listeners(command: str, expected: list[tuple]):
    found = listeners(_deployment(command))
    assert [(lst.target.host, lst.target.port, lst.target.socket, lst.default) for lst in found] == expected


def test_uwsgi_sockets_from_its_ini_file():
    ini = "[uwsgi]\nmodule = proj.wsgi\nmaster\nsocket = /app/uwsgi.sock\nhttp = 0.0.0.0:5656\n"
    [deployment] = read_deployment("uwsgi.ini", ini, lambda reference: None, "")  # the sockets come with the file
    found = listeners(deployment)
    assert [(lst.target.socket, lst.target.port) for lst in found] == [(None, 5656), ("/app/uwsgi.sock", None)]


# ----------------------------------------------------------------------------- matching targets to servers


def test_reach_near_misses_first():
    gunicorn = _deployment("gunicorn -b 0.0.0.0:8000 proj.wsgi", "compose service `web`", "docker-compose.yml")
    default = _deployment("uvicorn proj.asgi:application")
    deployments = [gunicorn, default]
    assert reach(parse_address("${UPSTREAM}"), deployments).servers == ()  # unknown: never matched
    assert reach(parse_address("127.0.0.1:9999"), deployments).servers == ()
    assert reach(parse_address("web:9000"), deployments).note.startswith("service `web` has no server")
    by_service = reach(parse_address("web:8000"), deployments)
    assert by_service.servers == (gunicorn,) and by_service.strength == SURE
    by_port_elsewhere = reach(parse_address("backend:8000"), deployments)
    assert by_port_elsewhere.servers == (gunicorn,) and by_port_elsewhere.strength == LIKELY
    script = _deployment("daphne -b 0.0.0.0 -p 9000 proj.asgi:application", "shell script", "scripts/run.sh")
    through_image = reach(parse_address("web:9000"), [*deployments, script])  # the image's CMD runs a script
    assert through_image.servers == (script,) and through_image.strength == LIKELY
    by_default = reach(parse_address("127.0.0.1:8000", None), [default])
    assert by_default.servers == (default,) and by_default.strength == LIKELY  # its default port: likely only


def test_sockets_match_exactly_or_by_name():
    daphne = _deployment("daphne -u /run/daphne/daphne.sock proj.asgi:application")
    assert reach(parse_address("unix:/run/daphne/daphne.sock"), [daphne]).strength == SURE
    moved = reach(parse_address("unix:/sockets/daphne.sock"), [daphne])
    assert moved.servers == (daphne,) and moved.strength == LIKELY


# ----------------------------------------------------------------------------- which route a path takes


@pytest.mark.parametrize(
    "route, expected",
    [
        ("<dynamic>", None),
        ("ws/chat/", SamplePath("/ws/chat/", True)),
        ("ws/chat/<str:room>/", SamplePath("/ws/chat/", False)),
        (r"^ws/chat/(?P<room>\w+)/$", SamplePath("/ws/chat/", False)),
        (r"^ws/notify/$", SamplePath("/ws/notify/", True)),
    ],
)
def test_sample_paths(route: str, expected: SamplePath | None):
    assert sample_path(route) == expected


def _routes(*specs: tuple[str, str]) -> list[Route]:
    return [Route("nginx", match, pattern, (), "", "nginx.conf", line, "g") for line, (match, pattern) in
            enumerate(specs, start=1)]  # fmt: skip


def test_nginx_location_choice():
    routes = _routes((PREFIX, "/"), (PREFIX, "/ws/"), (REGEX, "^/ws/admin"), (EXACT, "/ws/exact"),
                     (PREFIX_STOP, "/ws/static/"))  # fmt: skip
    chosen = {path: covering(routes, SamplePath(path, True)) for path in
              ("/x", "/ws/a", "/ws/admin/", "/ws/exact", "/ws/static/admin")}  # fmt: skip
    assert {path: getattr(route, "pattern", route) for path, route in chosen.items()} == {
        "/x": "/", "/ws/a": "/ws/", "/ws/admin/": "^/ws/admin", "/ws/exact": "/ws/exact",
        "/ws/static/admin": "/ws/static/",
    }  # fmt: skip


def test_an_unknown_tail_is_unsure_where_it_could_matter():
    routes = _routes((PREFIX, "/"), (PREFIX, "/ws/chat/lobby/"))
    assert covering(routes, SamplePath("/ws/chat/", False)) == UNSURE  # a longer prefix may take it
    assert covering(_routes((PREFIX, "/"), (REGEX, "^/api")), SamplePath("/ws/", False)) == UNSURE
    assert covering(_routes((PREFIX, "/"), (OTHER, "@upgrade")), SamplePath("/ws/", True)) == UNSURE
    assert covering(_routes((PREFIX, "/"), (PREFIX, "/ws/")), SamplePath("/ws/chat/", False)).pattern == "/ws/"


def test_pcre_named_groups_are_read():
    routes = _routes((PREFIX, "/"), (REGEX, r"^/ws/(?<room>\w+)/"))
    assert covering(routes, SamplePath("/ws/lobby/", True)).pattern.startswith("^/ws/")


def test_join_keeps_only_proxying_routes():
    routes = _nginx("server { location / { proxy_pass http://127.0.0.1:8000; } location /s/ { root /srv; } }")
    gunicorn = _deployment("gunicorn -b 127.0.0.1:8000 proj.wsgi")
    [path] = join(routes, [gunicorn])
    assert path.servers == (gunicorn,) and path.surely_wsgi_only
    assert path.describe() == "/ → gunicorn (WSGI, Procfile:1) (nginx nginx.conf:1)"


def test_a_prefix_stripped_on_the_way_to_asgi_makes_no_mismatch():
    """The client asks for /realtime/ws/; nginx strips /realtime/ and daphne sees /ws/: our `/ws/` sample path
    would take `/` (gunicorn), but that is not the path the client uses."""
    from django_protolint.project.proxy.join import websocket_reach

    routes = _nginx("""
        server {
            location /realtime/ { proxy_pass http://127.0.0.1:9000/; }
            location / { proxy_pass http://127.0.0.1:8000; }
        }
    """)
    assert [route.rewrites for route in routes] == [True, False]
    deployments = [
        _deployment("gunicorn -b 127.0.0.1:8000 proj.wsgi"),
        _deployment("daphne -b 127.0.0.1 -p 9000 proj.asgi:application"),
    ]
    routed = {p.route: p for p in join(routes, deployments)}
    assert websocket_reach("ws/", {"g": routes}, routed).outcome == "unknown"
    plain = [route for route in routes if not route.rewrites]
    assert websocket_reach("ws/", {"g": plain}, routed).outcome == "mismatch"


K8S = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: board, tier: http}}
    spec:
      containers:
        - name: web
          command: ["gunicorn", "board.wsgi:application", "--bind", "0.0.0.0:8000"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: realtime}
spec:
  template:
    metadata: {labels: {app: board, tier: ws}}
    spec:
      containers:
        - name: realtime
          command: ["daphne", "-b", "0.0.0.0", "-p", "8001", "board.asgi:application"]
          ports: [{name: ws, containerPort: 8001}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: board, tier: http}, ports: [{port: 80, targetPort: 8000}]}
---
apiVersion: v1
kind: Service
metadata: {name: realtime}
spec: {selector: {app: board, tier: ws}, ports: [{port: 80, targetPort: ws}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: board}
spec:
  rules:
    - http:
        paths:
          - path: {ws_path}
            pathType: Prefix
            backend: {service: {name: realtime, port: {number: 80}}}
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 80}}}
"""


@pytest.mark.parametrize("ws_path, fit", [("/ws", "fit"), ("/realtime", "mismatch")])
def test_kubernetes_ingress_routes_to_the_workloads_behind_services(tmp_path, ws_path: str, fit: str):
    from pathlib import Path

    from tests.helpers import run, write_project

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "deploy_proxy_unmatched"
    files = {str(p.relative_to(fixture)): p.read_text() for p in fixture.rglob("*.py")}
    files["requirements.txt"] = (fixture / "requirements.txt").read_text()
    files["k8s/app.yaml"] = K8S.replace("{ws_path}", ws_path)
    (verdict,) = run(write_project(tmp_path, files)).model.verdicts.values()
    assert (verdict.served, verdict.fit) == ("both", fit), verdict.summary
    assert {(p.route.pattern, p.servers[0].command.server) for p in verdict.routes} == {
        (ws_path + "/", "daphne"),
        ("/", "gunicorn"),
    }
    rewritten = K8S.replace("{ws_path}", ws_path).replace(
        "metadata: {name: board}",
        "metadata: {name: board, annotations: {nginx.ingress.kubernetes.io/rewrite-target: /}}",
    )
    files["k8s/app.yaml"] = rewritten
    (verdict,) = run(write_project(tmp_path / "rewritten", files)).model.verdicts.values()
    assert verdict.fit == "fit", verdict.summary  # the client's path is not the app's: no mismatch claimed


HAPROXY = """
global
    maxconn 256

defaults
    mode http

frontend www
    bind *:80
    acl is_ws path_beg /ws/
    acl is_upgrade hdr(Upgrade) -i websocket
    use_backend daphne if is_ws
    default_backend gunicorn

backend daphne
    server ws1 127.0.0.1:8001 check

backend gunicorn
    server web1 127.0.0.1:8000 check
"""


def test_haproxy_acls_and_backends():
    assert proxy_file("deploy/haproxy.cfg") and not proxy_file("setup.cfg")
    routes = read_routes({"deploy/haproxy.cfg": HAPROXY})
    assert [(r.match, r.pattern, [t.port for t in r.targets], r.line) for r in routes] == [
        (REGEX, "^/ws/", [8001], 12),
        (PREFIX, "/", [8000], 13),
    ]
    assert covering(routes, SamplePath("/ws/chat/", True)).line == 12
    assert covering(routes, SamplePath("/api/", True)).line == 13
    unsure = read_routes({"haproxy.cfg": HAPROXY.replace("if is_ws", "if is_upgrade")})
    assert unsure[0].match == OTHER and covering(unsure, SamplePath("/ws/", True)) == UNSURE


# ----------------------------------------------------------------------------- contracts


def test_report_json_carries_the_routes():
    import json
    from pathlib import Path

    from tests.helpers import invoke

    root = Path(__file__).resolve().parent.parent / "fixtures" / "deploy_proxy_ws_to_wsgi"
    result = invoke(["report", "--format", "json", "."], root)
    assert result.exception is None
    [project] = json.loads(result.stdout)["projects"]
    verdict = project["verdict"]
    assert [
        (r["proxy"], r["pattern"], r["line"], [s["name"] for t in r["targets"] for s in t["servers"]])
        for r in verdict["routes"]
    ] == [("nginx", "/", 9, ["gunicorn"]), ("nginx", "/ws/", 14, ["gunicorn"])]
    assert [(w["route"], w["outcome"]) for w in verdict["websocket_routes"]] == [("ws/live/<str:room>/", "mismatch")]
    text = invoke(["report", "."], root).stdout
    assert "Routes (reverse proxy):" in text and "/ws/ → gunicorn (WSGI, docker-compose-deploy.yml:4)" in text


_WORDS = [
    "server",
    "location",
    "upstream",
    "proxy_pass",
    "http://a:1",
    "unix:/s",
    "/ws/",
    "=",
    "~",
    "^~",
    "{",
    "}",
    ";",
    "#",
    '"',
    "'",
    "${X}",
    "{{ y }}",
    "include",
    "*.conf",
    "if",
    "@n",
    "try_files",
    "\n",
    " ",
    "handle",
    "reverse_proxy",
    "frontend",
    "use_backend",
    "acl",
    "path_beg",
    "default_backend",
    "kind: Ingress",
]


def test_no_text_makes_a_reader_raise():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=5), max_size=60).map(" ".join))
    def check(text: str) -> None:
        for path in ("nginx.conf", "Caddyfile", "haproxy.cfg", "k8s/app.yaml", "docker-compose.yml"):
            read_routes({path: text})

    check()


def _traefik(web_rule: str, ws_rule: str, extra: str = "") -> list[tuple[str, str]]:
    compose = f"""
    services:
      web:
        labels:
          traefik.http.routers.web.rule: "{web_rule}"
          traefik.http.services.web.loadbalancer.server.port: "8000"{extra}
      ws:
        labels:
          traefik.http.routers.ws.rule: "{ws_rule}"
          traefik.http.services.ws.loadbalancer.server.port: "8001"
    """
    return [(route.match, route.via) for route in traefik.read_labels("docker-compose.yml", textwrap.dedent(compose))]


@pytest.mark.parametrize(
    ("web_rule", "ws_rule", "extra", "web_match"),
    [
        pytest.param("Host(`example.com`)", "Host(`example.com`) && PathPrefix(`/ws`)", "", PREFIX,
                     id="the more specific rule is the longer: longest path and priority agree"),
        pytest.param("Host(`example.com`) && PathPrefix(`/`)", "PathPrefix(`/ws`)", "", OTHER,
                     id="a longer rule outranks the more specific path: Traefik sends /ws to web"),
        pytest.param("PathPrefix(`/`)", "PathPrefix(`/ws`)",
                     '\n          traefik.http.routers.web.priority: "100"', OTHER,
                     id="an explicit priority outranks the more specific path"),
        pytest.param("PathPrefix(`/`)", "PathPrefix(`/ws`)",
                     '\n          traefik.http.routers.web.priority: "1"', PREFIX,
                     id="an explicit low priority keeps the specific path first"),
        pytest.param("PathPrefix(`/`)", "PathPrefix(`/ws`)",
                     '\n          traefik.http.routers.web.priority: "${WEB_PRIORITY}"', OTHER,
                     id="a priority the file does not fix"),
    ],
)  # fmt: skip
def test_traefik_priority_decides_before_the_path(web_rule: str, ws_rule: str, extra: str, web_match: str):
    routes = _traefik(web_rule, ws_rule, extra)
    assert routes == [(web_match, "router `web`"), (PREFIX, "router `ws`")]
