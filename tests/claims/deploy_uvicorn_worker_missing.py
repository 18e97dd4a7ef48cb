"""fixtures/deploy_uvicorn_worker_missing: gunicorn with `uvicorn_worker.UvicornWorker` on Heroku, while the
requirements lack the uvicorn-worker package (DPL505)."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "ledger.settings", "asgi.py:5, wsgi.py and manage.py setdefault ledger.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "ledger.urls", "settings.py:21"),
    Claim("views.async_views.*.(view,routes)", [
        ("accounts.views.balance", ["accounts/<int:pk>/"]), ("accounts.views.entries", ["accounts/<int:pk>/entries/"]),
    ], "ledger/urls.py"),
    Claim("views.sync", 0, "no sync view"),
    Claim("asgi_applications.*.(path,line,kind)", [("ledger/asgi.py", 6, "django")], "asgi.py:6"),
    Claim("verdict.needs", "asgi-beneficial", "balance awaits aget/aaggregate, entries iterates with `async for`"),
    Claim("verdict.needs_evidence.*.(path,line)", [("accounts/views.py", 7), ("accounts/views.py", 13)], "both views"),
    Claim("verdict.served", "asgi", "Procfile:2 gunicorn -k uvicorn_worker.UvicornWorker on ledger.asgi"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)",
          [("gunicorn", "asgi", "uvicorn_worker.UvicornWorker", "ledger.asgi:application", "Procfile", 2)],
          "the `web` process; release and celery worker serve nothing"),
    Claim("verdict.development_servers.*.(name,protocol,path,line)", [("runserver", "wsgi", "Procfile.dev", 1)],
          "Procfile.dev is the local honcho/foreman file; no daphne app, so runserver is Django's WSGI one"),
    Claim("verdict.fit", "fit", "the configured worker speaks ASGI; the missing package is DPL505's finding"),
    Claim("verdict.recommendation", None, "no protocol change to recommend"),
]
