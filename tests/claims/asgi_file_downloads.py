"""fixtures/asgi_file_downloads: ghostwriter's shape. File downloads under uvicorn (Django 5.2), so each
`FileResponse` is read whole into memory first (DPL509): an avatar, a client logo and the favicon (small images,
`info`) beside evidence files, report templates and a zip of logos (`warning`). A websocket for notifications."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "config.settings", "manage.py and config/asgi.py setdefault config.settings"),
    Claim("django_version", "5.2", "requirements.txt:1 `Django==5.2.14`"),
    Claim("root_urlconf", "config.urls", "config/settings.py:24"),
    Claim(
        "asgi_applications.*.(path,line,kind,protocols,origin_validated)",
        [("config/asgi.py", 15, "router", ["http", "websocket"], True)],
        "asgi.py:15 ProtocolTypeRouter, its websocket arm in AllowedHostsOriginValidator",
    ),
    Claim(
        "websockets.*.(path,line,route,consumer)",
        [("home/routing.py", 5, "ws/notifications/", "home.consumers.NotificationConsumer")],
        "home/routing.py:5 routes NotificationConsumer.as_asgi()",
    ),
    Claim("verdict.needs", "asgi-required", "a websocket consumer needs an ASGI server"),
    Claim("verdict.needs_evidence.*.(path,line)", [("home/routing.py", 5)], "the websocket route"),
    Claim("verdict.served", "asgi", "compose/production/django/start:8 execs uvicorn on config.asgi"),
    Claim(
        "verdict.servers.*.(name,protocol,app,path,line)",
        [("uvicorn", "asgi", "config.asgi:application", "compose/production/django/start", 8)],
        "the start script's last line; `python manage.py migrate` before it serves nothing",
    ),
    Claim("verdict.development_servers", [], "no runserver anywhere"),
    Claim("verdict.fit", "fit", "websockets served by uvicorn"),
    Claim("verdict.recommendation", None, "nothing to change in the serving"),
]
