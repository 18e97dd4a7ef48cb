"""fixtures/split_settings: cookiecutter-django style settings (base/local/production through star imports and
django-environ), production served over ASGI with a Channels websocket."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "config.settings.production",
          "asgi.py:5 (what the production server imports) and wsgi.py name production; manage.py's local is for "
          "development"),
    Claim("settings_modules.*.(module,path,source,found)", [
        ("config.settings.production", "config/settings/production.py", "asgi.py", True),
        ("config.settings.local", "config/settings/local.py", "manage.py", True),
    ], "both modules are listed, the served one first", ordered=True),
    Claim("django_version", "5.0", "requirements/base.txt:1 `Django>=5.0,<5.1`, which local.txt and production.txt "
                                   "include with `-r base.txt`"),
    Claim("django_version_evidence.(path,line)", ("requirements/base.txt", 1), "the Django pin"),
    Claim("root_urlconf", "config.urls", "base.py:33, inherited by production through `from .base import *`"),
    Claim("views.async_views.*.(view,routes)", [
        ("tickets.views.ticket_list", ["tickets/"]),
        ("tickets.views.close_ticket", ["tickets/<int:pk>/close/"]),
        ("tickets.views.recently_viewed", ["tickets/recent/"]),
    ], "tickets/urls.py under `tickets/`; @require_POST keeps close_ticket a coroutine"),
    Claim("views.sync", 0, "no sync view"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("tickets/routing.py", 6, "ws/tickets/", "tickets.consumers.TicketUpdatesConsumer")], "routing.py:6"),
    Claim("asgi_applications.*.(path,line,kind,protocols,origin_validated)",
          [("config/asgi.py", 14, "router", ["http", "websocket"], True)], "asgi.py:14 ProtocolTypeRouter"),
    Claim("middleware.*.middleware", [
        "tickets.middleware.HealthCheckMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ], "production's MIDDLEWARE: base's list after production.py:12-13 insert HealthCheck at 0 and WhiteNoise at 2; "
       "no debug toolbar (that is local's)", ordered=True),
    Claim("middleware.[middleware=tickets.middleware.HealthCheckMiddleware].(mode,path,line)",
          ("sync", "tickets/middleware.py", 4), "a plain class without async_capable"),
    Claim("middleware.[middleware=whitenoise.middleware.WhiteNoiseMiddleware].mode", "unknown",
          "requirements/production.txt allows `whitenoise>=6.6`, open-ended: releases past those the middleware "
          "table has read may differ, so the mode is not claimed"),
    Claim("verdict.needs", "asgi-required", "the websocket consumer (and three awaiting async views)"),
    Claim("verdict.needs_evidence.*.(path,line)", [("tickets/routing.py", 6)], "the websocket route"),
    Claim("verdict.served", "asgi", "Procfile:2 gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)",
          [("gunicorn", "asgi", "uvicorn_worker.UvicornWorker", "config.asgi:application", "Procfile", 2)],
          "the `web` process; `release` runs migrate"),
    Claim("verdict.fit", "fit", "websockets and async views on an ASGI worker (the in-memory layer across three "
                                "workers is DPL303's finding)"),
    Claim("verdict.recommendation", None, "no protocol change to recommend"),
]
