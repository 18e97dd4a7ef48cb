"""fixtures/deploy_proxy_unmatched: gunicorn and daphne side by side, Caddy sending /ws/ to an upstream named only
by an environment variable."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "board.settings", "asgi.py:7, wsgi.py and manage.py setdefault board.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "board.urls", "settings.py:6"),
    Claim("views.sync_views.*.(view,routes)", [("feed.views.index", [""])], "board/urls.py"),
    Claim("views.async_views", [], "index is a plain `def`"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("feed/routing.py", 6, "ws/feed/", "feed.consumers.UpdatesConsumer")], "routing.py:6"),
    Claim("asgi_applications.*.(path,line,kind,protocols)",
          [("board/asgi.py", 12, "router", ["http", "websocket"])], "asgi.py:12 ProtocolTypeRouter"),
    Claim("verdict.needs", "asgi-required", "a websocket consumer"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)", [
        ("gunicorn", "wsgi", "sync", "board.wsgi:application", "docker-compose.yml", 4),
        ("daphne", "asgi", None, "board.asgi:application", "docker-compose.yml", 7),
    ], "compose services `web` and `asgi`; `caddy` is the proxy"),
    Claim("verdict.served", "both", "one WSGI and one ASGI server"),
    Claim("verdict.routes.*.(proxy,match,pattern,path,line)", [
        ("caddy", "prefix", "/ws/", "Caddyfile", 4),
        ("caddy", "prefix", "/", "Caddyfile", 8),
    ], "Caddyfile `handle /ws/*` (line 4) and the catch-all `handle` (line 8)"),
    Claim("verdict.routes.[line=4].targets.*.(address,servers)", [("{$REALTIME_UPSTREAM}", [])],
          "the /ws/ upstream is an environment placeholder: no server can be matched to it"),
    Claim("verdict.routes.[line=8].targets.*.servers.*.(name,path,line)", [[("gunicorn", "docker-compose.yml", 4)]],
          "`reverse_proxy web:8000` is the compose service `web`, gunicorn on port 8000"),
    Claim("verdict.websocket_routes.*.(route,outcome)", [("ws/feed/", "unknown")],
          "/ws/feed/ reaches whatever REALTIME_UPSTREAM names: the file cannot tell whether that is daphne"),
    Claim("verdict.fit", "fit", "daphne is there for the websocket; the unknown upstream is not evidence of a "
                                "mismatch, so the verdict does not claim one"),
    Claim("verdict.needs_evidence.*.(path,line)", [("feed/routing.py", 6)], "the websocket route"),
    Claim("verdict.development_servers", [], "no runserver anywhere"),
    Claim("verdict.recommendation", None, "both servers already run: no server to recommend"),
]
