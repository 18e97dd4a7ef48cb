"""fixtures/channels_chat: the Channels 4 tutorial chat (router in asgi.py, daphne app), served by daphne in Docker."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "chatsite.settings", "asgi.py:9, wsgi.py and manage.py setdefault chatsite.settings"),
    Claim("settings_modules.0.source", "asgi.py", "asgi.py is what the production server imports"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin"),
    Claim("root_urlconf", "chatsite.urls", "settings.py:30"),
    Claim("views.async_views", [], "both chat views are plain `def`; the consumer is not a view"),
    Claim("views.sync_views.*.(view,routes)",
          [("chat.views.index", ["chat/"]), ("chat.views.room", ["chat/<slug:room_name>/"])],
          "chat/urls.py under `chat/`"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("chat/routing.py", 6, r"ws/chat/(?P<room_name>[\w-]+)/$", "chat.consumers.ChatConsumer")],
          "routing.py:6 routes ChatConsumer.as_asgi()"),
    Claim("asgi_applications.*.(path,line,kind,protocols,origin_validated)",
          [("chatsite/asgi.py", 16, "router", ["http", "websocket"], True)],
          "asgi.py:16 ProtocolTypeRouter with http and websocket, the websocket arm in AllowedHostsOriginValidator"),
    Claim("verdict.needs", "asgi-required", "a websocket consumer needs an ASGI server"),
    Claim("verdict.needs_evidence.*.(path,line)", [("chat/routing.py", 6)], "the websocket route"),
    Claim("verdict.served", "asgi", "Dockerfile:13 CMD runs daphne on chatsite.asgi:application"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)",
          [("daphne", "asgi", None, "chatsite.asgi:application", "Dockerfile", 13)],
          "exec-form CMD; the RUN lines install and collectstatic, they serve nothing"),
    Claim("verdict.development_servers", [], "no runserver command anywhere"),
    Claim("verdict.fit", "fit", "websockets served by daphne"),
    Claim("verdict.recommendation", None, "nothing to change"),
    Claim("unresolved_routes", [], "every route names a view or admin.site.urls"),
]
