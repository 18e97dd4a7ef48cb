"""fixtures/deploy_split_servers: HTTP on gunicorn and websockets on daphne, deployed both by compose and by
supervisor/systemd (the Channels docs recipe), with nginx splitting /ws/."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "scoreboard.settings", "asgi.py:7, wsgi.py and manage.py setdefault scoreboard.settings"),
    Claim("django_version", "4.2", "requirements.txt:1 `Django>=4.2,<5.0`"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin"),
    Claim("root_urlconf", "scoreboard.urls", "settings.py:26"),
    Claim("views.sync_views.*.(view,routes)",
          [("matches.views.fixtures", [""]), ("matches.views.score", ["matches/<int:pk>/score/"])],
          "matches/urls.py included at the root"),
    Claim("views.async_views", [], "both views are plain `def`"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("matches/routing.py", 6, r"^ws/matches/(?P<pk>\d+)/$", "matches.consumers.ScoreConsumer")], "routing.py:6"),
    Claim("asgi_applications.*.(path,line,kind,origin_validated)", [("scoreboard/asgi.py", 12, "router", True)],
          "asgi.py:12 ProtocolTypeRouter, websocket arm in AllowedHostsOriginValidator"),
    Claim("verdict.needs", "asgi-required", "a websocket consumer"),
    Claim("verdict.servers.*.(name,protocol,app,path,line,where)", [
        ("daphne", "asgi", "scoreboard.asgi:application", "deploy/supervisor/daphne.conf", 10,
         "supervisor [fcgi-program:asgi]"),
        ("gunicorn", "wsgi", "scoreboard.wsgi:application", "deploy/systemd/gunicorn.service", 12, "systemd ExecStart"),
        ("gunicorn", "wsgi", "scoreboard.wsgi:application", "docker-compose.yml", 8, "compose service `web`"),
        ("daphne", "asgi", "scoreboard.asgi:application", "docker-compose.yml", 15, "compose service `ws`"),
    ], "supervisor's `command=` (line 10), the systemd ExecStart continued over lines 12-16, and in compose the "
       "`x-django` anchor's command (line 8) that `web` inherits, and `ws`'s own folded command (line 15); "
       "`migrate` overrides the inherited command with migrate/collectstatic"),
    Claim("verdict.development_servers.*.(name,protocol,path,line)",
          [("runserver", "asgi", "docker-compose.override.yml", 4)],
          "the override file is for local development; with `daphne` first in INSTALLED_APPS, runserver is "
          "daphne's ASGI one"),
    Claim("verdict.served", "both", "gunicorn for HTTP, daphne for websockets"),
    Claim("verdict.routes.*.(proxy,pattern,path,line)", [
        ("nginx", "/ws/", "deploy/nginx/nginx.conf", 6), ("nginx", "/", "deploy/nginx/nginx.conf", 12),
    ], "the two locations of deploy/nginx/nginx.conf"),
    Claim("verdict.routes.*.targets.*.servers.*.(name,path,line)", [
        [[("daphne", "docker-compose.yml", 15)]], [[("gunicorn", "docker-compose.yml", 8)]],
    ], "upstream ws_backend is ws:8001 (compose `ws`, daphne --port 8001); http_backend is web:8000 (gunicorn)"),
    Claim("verdict.websocket_routes.*.(route,outcome)", [(r"^ws/matches/(?P<pk>\d+)/$", "fit")],
          "/ws/matches/... takes /ws/ to daphne"),
    Claim("verdict.fit", "fit", "each protocol reaches a server that speaks it"),
    Claim("verdict.recommendation", None, "nothing to change"),
]
