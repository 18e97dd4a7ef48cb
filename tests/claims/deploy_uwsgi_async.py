"""fixtures/deploy_uwsgi_async: views that fan out with asyncio.gather, served by uWSGI from an ini file."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "pricewatch.settings", "asgi.py:5, wsgi.py and manage.py setdefault pricewatch.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.2`: the lowest release it allows"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin"),
    Claim("root_urlconf", "pricewatch.urls", "settings.py:20"),
    Claim("views.async_views.*.(view,routes)", [
        ("prices.views.compare", ["prices/<str:sku>/"]), ("prices.views.health", ["prices/health/"]),
    ], "prices/urls.py under `prices/`"),
    Claim("views.sync_views.*.(view,routes)", [("prices.views.products", ["prices/"])], "products is a plain `def`"),
    Claim("asgi_applications.*.(path,line,kind)", [("pricewatch/asgi.py", 6, "django")], "asgi.py:6"),
    Claim("verdict.needs", "asgi-beneficial", "compare gathers three HTTP calls; health awaits one"),
    Claim("verdict.needs_evidence.*.(path,line)", [("prices/views.py", 12), ("prices/views.py", 20)],
          "compare and health"),
    Claim("verdict.served", "wsgi", "uwsgi.ini `module = pricewatch.wsgi:application`"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line,where)",
          [("uwsgi", "wsgi", None, "pricewatch.wsgi:application", "uwsgi.ini", 1, "uWSGI ini")],
          "the ini file itself is the deployment (its [uwsgi] section starts at line 1); processes/threads, no "
          "async loop engine"),
    Claim("verdict.development_servers.*.(name,path,line)", [("runserver", "Makefile", 7)], "`make run`"),
    Claim("verdict.fit", "suboptimal", "awaiting async views behind WSGI work but gain no concurrency"),
    Claim("verdict.recommendation", "uvicorn pricewatch.asgi:application",
          "no ASGI server among the dependencies; uvicorn is the plain choice"),
    Claim("verdict.recommendation_note", "add `uvicorn` to the dependencies", "requirements.txt has no uvicorn"),
]
