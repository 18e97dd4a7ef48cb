"""fixtures/classic_sync: a plain sync catalogue (function and generic class views) on sync gunicorn."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "library.settings", "wsgi.py:6 and manage.py setdefault library.settings"),
    Claim("settings_modules.*.(module,path,source,found)",
          [("library.settings", "library/settings.py", "wsgi.py", True)],
          "there is no asgi.py: the WSGI entry point is what the server imports"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin"),
    Claim("root_urlconf", "library.urls", "settings.py:32"),
    Claim("views.async", 0, "no `async def` anywhere in catalog/views.py"),
    Claim("views.mixed", 0, "the generic class views are sync throughout"),
    Claim("views.sync_views.*.(view,kind,routes)", [
        ("catalog.views.home", "function", [""]),
        ("catalog.views.BookListView", "class", ["books/"]),
        ("catalog.views.BookCreateView", "class", ["books/new/"]),
        ("catalog.views.BookDetailView", "class", ["books/<int:pk>/"]),
        ("catalog.views.toggle_available", "function", ["books/<int:pk>/toggle/"]),
        ("catalog.views.export_csv", "function", ["books/export.csv"]),
        ("catalog.views.author_detail", "function", ["authors/<int:pk>/"]),
        ("catalog.views.health", "function", ["health/"]),
    ], "catalog/urls.py, included at the root: eight views, three of them generic class views"),
    Claim("unresolved_routes.*.(path,line,route,view)", [("library/urls.py", 7, "robots.txt", "<dynamic>")],
          "urls.py:7 routes a lambda: listed as unresolved rather than dropped or invented"),
    Claim("websockets", [], "no Channels"),
    Claim("asgi_applications", [], "no asgi.py"),
    Claim("middleware.[middleware=catalog.middleware.RequestTimingMiddleware].(mode,path,line)",
          ("sync", "catalog/middleware.py", 7), "a plain class without async_capable: sync-only, fine for sync views"),
    Claim("verdict.needs", "wsgi", "sync views only, no websockets"),
    Claim("verdict.served", "wsgi", "Procfile:2 gunicorn library.wsgi:application, default sync worker"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)",
          [("gunicorn", "wsgi", "sync", "library.wsgi:application", "Procfile", 2)],
          "the `web` process; `release` runs migrate"),
    Claim("verdict.development_servers", [], "no runserver anywhere"),
    Claim("verdict.fit", "fit", "sync code on a sync WSGI server"),
    Claim("verdict.recommendation", None, "nothing to change"),
]
