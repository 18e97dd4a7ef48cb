"""fixtures/deploy_sync_uvicorn: sync views served by uvicorn from a systemd unit, runserver for development in
a Makefile and a package.json script."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "bookshelf.settings", "asgi.py:5, wsgi.py, manage.py and the unit's Environment= agree"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "bookshelf.urls", "settings.py:21"),
    Claim("views.sync_views.*.(view,kind,routes)", [
        ("books.views.BookList", "class", ["books/"]), ("books.views.detail", "function", ["books/<str:isbn>/"]),
    ], "books/urls.py under `books/`: a ListView and a function"),
    Claim("views.async_views", [], "no `async def`"),
    Claim("asgi_applications.*.(path,line,kind)", [("bookshelf/asgi.py", 6, "django")], "asgi.py:6"),
    Claim("verdict.needs", "wsgi", "sync views only"),
    Claim("verdict.served", "asgi", "deploy/bookshelf.service:9 ExecStart runs uvicorn on bookshelf.asgi"),
    Claim("verdict.servers.*.(name,protocol,app,path,line,where)",
          [("uvicorn", "asgi", "bookshelf.asgi:application", "deploy/bookshelf.service", 9, "systemd ExecStart")],
          "the `-` prefix of ExecStart is systemd's, not part of the command; the Makefile's deploy-prod target "
          "only rsyncs and restarts the unit"),
    Claim("verdict.development_servers.*.(name,path,line,where)", [
        ("runserver", "Makefile", 6, "Makefile target `run`"),
        ("runserver", "frontend/package.json", 6, "package.json script `django`"),
    ], "`make run` and `npm run django` start manage.py runserver on a developer's machine"),
    Claim("verdict.fit", "fit", "sync views run under ASGI (Django runs each in a thread): nothing breaks"),
    Claim("verdict.recommendation", None, "nothing to change"),
    Claim("verdict.summary",
          "Protocol fit: FIT — code: WSGI is enough · served: ASGI (uvicorn, deploy/bookshelf.service:9)",
          "the development runservers are not what serves it: only the systemd unit is named"),
    Claim("verdict.needs_evidence.*.(path,line)", [("books/views.py", 7), ("books/views.py", 12)],
          "the two sync views"),
]
