"""fixtures/blogsite: one app of async views with every ORM mistake, served by sync gunicorn from a Procfile."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "blogsite.settings",
          "asgi.py, wsgi.py and manage.py all setdefault DJANGO_SETTINGS_MODULE to blogsite.settings"),
    Claim("settings_modules.*.(module,path,found)", [("blogsite.settings", "blogsite/settings.py", True)],
          "one settings module, and it exists"),
    Claim("django_version", "4.2", "requirements.txt:1 `Django>=4.2,<5.0`: the lowest release it allows"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin is line 1"),
    Claim("root_urlconf", "blogsite.urls", "settings.py:17"),
    Claim("views.async_views.*.(view,routes)", [
        ("articles.views.index", ["articles/"]),
        ("articles.views.article_detail", ["articles/<int:pk>/"]),
        ("articles.views.publish", ["articles/<int:pk>/publish/"]),
        ("articles.views.stats", ["articles/stats/"]),
        ("articles.views.preview", ["articles/preview/"]),
    ], "articles/urls.py routes five `async def` views under the `articles/` include"),
    Claim("views.sync_views.*.view", ["articles.views.legacy_index"], "`legacy/` routes the one plain `def`"),
    Claim("views.mixed", 0, "no class view mixes sync and async handlers (there are no class views)"),
    Claim("websockets", [], "no Channels, no websocket routing"),
    Claim("asgi_applications.*.(path,line,kind)", [("blogsite/asgi.py", 6, "django")],
          "asgi.py:6 `application = get_asgi_application()`"),
    Claim("verdict.needs", "asgi-beneficial", "async views that await I/O run concurrently only under ASGI"),
    Claim("verdict.needs_evidence.*.(path,line)", [("articles/views.py", 26), ("articles/views.py", 39)],
          "only publish (awaits aget) and preview (awaits httpx) await anything; index, article_detail and "
          "stats never await, so ASGI gains them nothing"),
    Claim("verdict.served", "wsgi", "Procfile:2 runs gunicorn on blogsite.wsgi with the default sync worker"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)",
          [("gunicorn", "wsgi", "sync", "blogsite.wsgi:application", "Procfile", 2)],
          "the `web` process; `release` runs migrate and serves nothing"),
    Claim("verdict.development_servers", [], "no runserver anywhere"),
    Claim("verdict.fit", "suboptimal",
          "awaiting async views behind a sync WSGI worker work, but one request at a time"),
    Claim("verdict.recommendation", "gunicorn blogsite.asgi:application -k uvicorn_worker.UvicornWorker",
          "gunicorn is already a dependency: keep it and swap in the uvicorn worker on the ASGI app"),
    Claim("verdict.recommendation_note", "add `uvicorn-worker` to the dependencies",
          "requirements.txt has gunicorn but not uvicorn-worker"),
    Claim("unresolved_routes", [], "every path() names an imported view"),
    Claim("verdict.summary",
          "Protocol fit: SUBOPTIMAL — code: ASGI would help (2 async views) · served: WSGI (gunicorn sync, Procfile:2)",
          "the one line a user reads: the fit, the two awaiting views, the server and where it starts"),
]
