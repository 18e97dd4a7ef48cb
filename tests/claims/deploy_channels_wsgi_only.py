"""fixtures/deploy_channels_wsgi_only: a Channels websocket app whose only production server is sync gunicorn."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "notifier.settings", "asgi.py:8, wsgi.py and manage.py setdefault notifier.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin"),
    Claim("root_urlconf", "notifier.urls", "settings.py:30"),
    Claim("views.async_views", [], "inbox is a plain `def`"),
    Claim("views.sync_views.*.(view,routes)", [("alerts.views.inbox", ["alerts/"])], "alerts/urls.py under `alerts/`"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("alerts/routing.py", 6, "ws/alerts/", "alerts.consumers.AlertConsumer")],
          "routing.py:6 path() to AlertConsumer.as_asgi(), imported by asgi.py"),
    Claim("asgi_applications.*.(path,line,kind,protocols,origin_validated)",
          [("notifier/asgi.py", 13, "router", ["http", "websocket"], True)],
          "asgi.py:13 ProtocolTypeRouter, websocket arm inside AllowedHostsOriginValidator"),
    Claim("verdict.needs", "asgi-required", "a websocket consumer needs an ASGI server"),
    Claim("verdict.needs_evidence.*.(path,line)", [("alerts/routing.py", 6)], "the websocket route"),
    Claim("verdict.served", "wsgi", "the image's CMD (Dockerfile:19) is gunicorn on notifier.wsgi; the daphne CMD on "
                                    "line 18 is a comment; compose `web` uses the image's CMD"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)",
          [("gunicorn", "wsgi", "sync", "notifier.wsgi:application", "Dockerfile", 19)],
          "shell-form CMD after an ENTRYPOINT script that ends in `exec \"$@\"`"),
    Claim("verdict.development_servers.*.(name,protocol,path,line)",
          [("runserver", "wsgi", "docker-compose.yml", 17)],
          "compose `dev` runs manage.py runserver; Channels 4 leaves runserver to Django (WSGI) unless the daphne "
          "app is installed, and it is not"),
    Claim("verdict.fit", "mismatch", "the websocket route can never connect through gunicorn's WSGI worker"),
    Claim("verdict.recommendation", "daphne notifier.asgi:application", "daphne is already in requirements.txt"),
    Claim("verdict.summary",
          "Protocol fit: MISMATCH — code: ASGI required (1 websocket entry) · served: WSGI (gunicorn sync, "
          "Dockerfile:19)",
          "the fit, the one websocket route, and the CMD line that starts gunicorn"),
    Claim("verdict.recommendation_note", None, "daphne is already a dependency, and it needs no websocket extra"),
]
