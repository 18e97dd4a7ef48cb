"""fixtures/channels_stale_entry_point: django-backend-youtube's shape. The `startproject` asgi.py, turned into a
websocket-only router, is left beside app/route.py, which scripts/run.sh's daphne and ASGI_APPLICATION both name.
ALLOWED_HOSTS is ['*'], so AllowedHostsOriginValidator would not help route.py (DPL302's help says so)."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "app.settings", "manage.py, asgi.py, route.py and wsgi.py setdefault app.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "app.urls", "app/settings.py:22"),
    Claim(
        "asgi_applications.*.(path,line,kind,protocols,origin_validated)",
        [
            ("app/asgi.py", 16, "router", ["websocket"], False),
            ("app/route.py", 12, "router", ["http", "websocket"], False),
        ],
        "both files assign a ProtocolTypeRouter to `application`; neither wraps its websocket arm in a validator",
    ),
    Claim("verdict.needs", "asgi-required", "ChatConsumer is routed at ws/chat/<int:room_id>/"),
    Claim("verdict.served", "asgi", "scripts/run.sh:8 runs daphne"),
    Claim(
        "verdict.servers.*.(name,protocol,app,path,line)",
        [("daphne", "asgi", "app.route:application", "scripts/run.sh", 8)],
        "the script's last command; collectstatic and migrate serve nothing",
    ),
    Claim("verdict.development_servers", [], "no runserver command anywhere"),
    Claim("verdict.fit", "fit", "websockets served by daphne"),
    Claim("verdict.recommendation", None, "nothing to change in the serving"),
]
