"""fixtures/channels2_legacy: a Channels 2 chat in the tutorial's layout (consumer class routed without as_asgi,
router without http)."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "chatsite.settings", "asgi.py:7, wsgi.py and manage.py setdefault chatsite.settings"),
    Claim("django_version", "2.2", "requirements.txt:1 `Django==2.2.28`"),
    Claim("django_version_evidence.(path,line,requirement)", ("requirements.txt", 1, "Django==2.2.28"),
          "the Django pin"),
    Claim("root_urlconf", "chatsite.urls", "settings.py:21"),
    Claim("views.async_views", [], "both chat views are plain `def`"),
    Claim("views.sync_views.*.(view,routes)",
          [("chat.views.index", ["chat/"]), ("chat.views.room", ["chat/<str:room_name>/"])],
          "chat/urls.py under the `chat/` include"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("chat/routing.py", 7, r"ws/chat/(?P<room_name>\w+)/$", "chat.consumers.ChatConsumer")],
          "routing.py:7 re_path to ChatConsumer, reached through ASGI_APPLICATION = chatsite.routing.application"),
    Claim("asgi_applications.*.(path,line,kind)",
          [("chatsite/asgi.py", 9, "unknown"), ("chatsite/routing.py", 7, "router")],
          "asgi.py:9 get_default_application() serves whatever ASGI_APPLICATION names, which is the "
          "ProtocolTypeRouter at routing.py:7", ordered=True),
    Claim("asgi_applications.[path=chatsite/routing.py].(protocols,origin_validated)", (["websocket"], True),
          "the router lists only `websocket` (Channels 2 adds http itself) behind AllowedHostsOriginValidator"),
    Claim("verdict.needs", "asgi-required", "a websocket consumer needs an ASGI server"),
    Claim("verdict.needs_evidence.*.(path,line)", [("chat/routing.py", 7)], "the websocket route"),
    Claim("verdict.served", "asgi", "Procfile:1 runs daphne on chatsite.asgi:application"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)",
          [("daphne", "asgi", None, "chatsite.asgi:application", "Procfile", 1)], "the `web` process"),
    Claim("verdict.development_servers.*.(name,protocol,path,line)",
          [("runserver", "asgi", "docker-compose.yml", 6)],
          "compose service `dev` runs manage.py runserver; with Channels 2 in INSTALLED_APPS that runserver is "
          "Channels' ASGI one"),
    Claim("verdict.fit", "fit", "websockets served by daphne"),
    Claim("verdict.recommendation", None, "nothing to change in how it is served"),
]
