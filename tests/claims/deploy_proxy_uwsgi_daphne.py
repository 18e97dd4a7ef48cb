"""fixtures/deploy_proxy_uwsgi_daphne: one container where uWSGI serves HTTP and starts nginx and daphne as
attached daemons; nginx sends /ws/ to daphne."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "tuner.settings", "asgi.py:7, wsgi.py and manage.py setdefault tuner.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "tuner.urls", "settings.py:6"),
    Claim("views.sync_views.*.(view,routes)", [("channels_app.views.index", [""])], "tuner/urls.py"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("channels_app/routing.py", 6, "ws/", "channels_app.consumers.UpdatesConsumer")], "routing.py:6"),
    Claim("asgi_applications.*.(path,line,kind)", [("tuner/asgi.py", 12, "router")], "asgi.py:12"),
    Claim("verdict.needs", "asgi-required", "a websocket consumer"),
    Claim("verdict.servers.*.(name,protocol,app,path,line,config)", [
        ("uwsgi", "wsgi", "tuner.wsgi:application", "docker/Dockerfile", 6, {"path": "docker/uwsgi.ini", "line": 1}),
        ("daphne", "asgi", "tuner.asgi:application", "docker/uwsgi.ini", 4, None),
    ], "the CMD starts uwsgi with --ini docker/uwsgi.ini (module = tuner.wsgi); that ini's second attach-daemon "
       "(line 4) starts daphne; the first starts nginx, not a Python server"),
    Claim("verdict.served", "both", "uWSGI (WSGI) and daphne (ASGI)"),
    Claim("verdict.routes.*.(proxy,match,pattern,line)", [
        ("nginx", "prefix", "/", 5),
        ("nginx", "regex", r"^/api/logos/(?<logo_id>\d+)/cache/", 14),
        ("nginx", "prefix", "/ws/", 19),
    ], "docker/nginx.conf has three proxying locations; /static/ serves files"),
    Claim("verdict.routes.*.targets.*.(address,servers)", [
        [("unix:/app/uwsgi.sock", [{"name": "uwsgi", "protocol": "wsgi", "path": "docker/Dockerfile", "line": 6}])],
        [("127.0.0.1:5656", [{"name": "uwsgi", "protocol": "wsgi", "path": "docker/Dockerfile", "line": 6}])],
        [("127.0.0.1:8001", [{"name": "daphne", "protocol": "asgi", "path": "docker/uwsgi.ini", "line": 4}])],
    ], "uwsgi_pass to uwsgi.ini's `socket`, proxy_pass to its `http = 0.0.0.0:5656`, and /ws/ to daphne's -p 8001"),
    Claim("verdict.websocket_routes.*.(route,outcome)", [("ws/", "fit")], "/ws/ reaches daphne"),
    Claim("verdict.fit", "fit", "HTTP on uWSGI, websockets on daphne, and the proxy sends each to the right one"),
    Claim("verdict.needs_evidence.*.(path,line)", [("channels_app/routing.py", 6)], "the websocket route"),
    Claim("verdict.development_servers", [], "no runserver anywhere"),
    Claim("verdict.recommendation", None, "nothing to change"),
]
