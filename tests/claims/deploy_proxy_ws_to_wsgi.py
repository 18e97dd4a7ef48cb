"""fixtures/deploy_proxy_ws_to_wsgi: gunicorn and uvicorn both deployed, but nginx sends /ws/ to gunicorn."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "studio.settings", "asgi.py:7, wsgi.py and manage.py setdefault studio.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "studio.urls", "settings.py:6"),
    Claim("views.sync_views.*.(view,routes)", [("live.views.index", [""])], "studio/urls.py"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("live/routing.py", 6, "ws/live/<str:room>/", "live.consumers.UpdatesConsumer")], "routing.py:6"),
    Claim("asgi_applications.*.(path,line,kind)", [("studio/asgi.py", 12, "router")], "asgi.py:12"),
    Claim("verdict.needs", "asgi-required", "a websocket consumer"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)", [
        ("gunicorn", "wsgi", "sync", "studio.wsgi:application", "docker-compose-deploy.yml", 4),
        ("uvicorn", "asgi", None, "studio.asgi:application", "docker-compose-deploy.yml", 7),
    ], "compose services `app` and `realtime`; `proxy` is nginx built from proxy/"),
    Claim("verdict.served", "both", "one WSGI and one ASGI server"),
    Claim("verdict.routes.*.(proxy,pattern,path,line)", [
        ("nginx", "/", "proxy/default.conf.tpl", 9), ("nginx", "/ws/", "proxy/default.conf.tpl", 14),
    ], "the template nginx renders at start (proxy/Dockerfile copies it to /etc/nginx/templates)"),
    Claim("verdict.routes.*.targets.*.servers.*.name", [[["gunicorn"]], [["gunicorn"]]],
          "both locations proxy_pass to `upstream django { server app:8000; }`, the gunicorn service"),
    Claim("verdict.websocket_routes.*.(route,outcome)", [("ws/live/<str:room>/", "mismatch")],
          "/ws/live/... reaches gunicorn, which cannot upgrade to a websocket; uvicorn on realtime:9000 gets nothing"),
    Claim("verdict.fit", "mismatch", "the websocket route can never connect through this proxy"),
    Claim("verdict.summary",
          "Protocol fit: MISMATCH — code: ASGI required (1 websocket entry) · served: WSGI + ASGI (gunicorn "
          "sync, docker-compose-deploy.yml:4; uvicorn, docker-compose-deploy.yml:7) · proxy: `/ws/live/` reaches "
          "only WSGI: it takes /ws/ → gunicorn (WSGI, docker-compose-deploy.yml:4) (nginx proxy/default.conf.tpl:14); "
          "route it to uvicorn, docker-compose-deploy.yml:7",
          "both servers run: the proxy line is what to change, and the summary says which and to where"),
    Claim("verdict.needs_evidence.*.(path,line)", [("live/routing.py", 6)], "the websocket route"),
    Claim("verdict.development_servers", [], "no runserver anywhere"),
    Claim("verdict.recommendation", None, "the ASGI server already runs: the proxy is what to change (the summary "
                                          "says so), not the server"),
]
