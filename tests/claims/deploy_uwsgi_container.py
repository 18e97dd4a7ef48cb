"""fixtures/deploy_uwsgi_container: an async view behind uWSGI with the gevent loop engine, started by a Docker
CMD whose settings live in deploy/uwsgi.yaml."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "forecast.settings", "asgi.py:5, wsgi.py and manage.py setdefault forecast.settings"),
    Claim("django_version", "5.1", "requirements.txt:1 `Django>=5.1,<5.3`: the lowest release it allows"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin"),
    Claim("root_urlconf", "forecast.urls", "settings.py:15"),
    Claim("views.async_views.*.(view,routes)", [("stations.views.observations", ["stations/<str:code>/"])],
          "stations/urls.py under `stations/`"),
    Claim("views.sync", 0, "no sync view"),
    Claim("asgi_applications.*.(path,line,kind)", [("forecast/asgi.py", 6, "django")], "asgi.py:6"),
    Claim("verdict.needs", "asgi-beneficial", "observations awaits httpx"),
    Claim("verdict.needs_evidence.*.(path,line)", [("stations/views.py", 7)], "observations"),
    Claim("verdict.served", "wsgi", "uwsgi.yaml `module: forecast.wsgi:application`"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line,config)",
          [("uwsgi", "wsgi", "gevent", "forecast.wsgi:application", "Dockerfile", 10,
            {"path": "deploy/uwsgi.yaml", "line": 1})],
          "CMD `uwsgi --yaml /srv/app/deploy/uwsgi.yaml` (WORKDIR /srv/app, COPY . .) reads the repository's "
          "deploy/uwsgi.yaml, which sets `gevent: 200`"),
    Claim("verdict.servers.0.notes.0", "uWSGI's gevent loop engine still calls the WSGI application",
          "gevent gives uWSGI green threads, not an event loop that Django's async views can use"),
    Claim("verdict.development_servers", [], "none"),
    Claim("verdict.fit", "suboptimal", "the async view runs through WSGI, one request per green thread, "
                                       "with async_to_sync around it"),
    Claim("verdict.recommendation", "uvicorn forecast.asgi:application", "no ASGI server among the dependencies"),
    Claim("verdict.recommendation_note", "add `uvicorn` to the dependencies", "requirements.txt has no uvicorn"),
    Claim("verdict.summary",
          "Protocol fit: SUBOPTIMAL — code: ASGI would help (1 async view) · served: WSGI (uwsgi, "
          "Dockerfile:10 + deploy/uwsgi.yaml:1)",
          "one server, started on the CMD line and configured by the YAML file it loads"),
]
