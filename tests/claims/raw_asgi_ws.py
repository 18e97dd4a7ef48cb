"""fixtures/raw_asgi_ws: websockets without Channels: a hand-written ASGI application in asgi.py sends
`websocket` scopes to its own handler and `http` to Django; served by uvicorn."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "livescore.settings", "asgi.py:9, wsgi.py and manage.py setdefault livescore.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "livescore.urls", "settings.py:22"),
    Claim("views.sync_views.*.(view,routes)",
          [("scores.views.scoreboard", [""]), ("scores.views.match_detail", ["matches/<int:pk>/"])],
          "livescore/urls.py; the websocket handler in scores/live.py is no view"),
    Claim("views.async_views", [], "both HTTP views are plain `def`"),
    Claim("asgi_applications.*.(path,line,kind)", [("livescore/asgi.py", 15, "raw")],
          "asgi.py:15 `async def application(scope, receive, send)`: the served callable is hand-written, "
          "not get_asgi_application() (that one is only its http branch)"),
    Claim("websockets", [], "there is no websocket route table: the raw handler takes every websocket path"),
    Claim("verdict.needs", "asgi-required", "a websocket handler can only be served over ASGI"),
    Claim("verdict.needs_evidence.*.(path,line)", [("livescore/asgi.py", 18)],
          "asgi.py:18 `elif scope[\"type\"] == \"websocket\"` hands the connection to websocket_application"),
    Claim("verdict.served", "asgi", "Procfile:1 uvicorn livescore.asgi:application"),
    Claim("verdict.servers.*.(name,protocol,app,path,line)",
          [("uvicorn", "asgi", "livescore.asgi:application", "Procfile", 1)], "the `web` process"),
    Claim("verdict.fit", "fit", "websockets served by uvicorn"),
]
