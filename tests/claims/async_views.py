"""fixtures/async_views: a feed reader of async views (and async helpers that are not views), served by uvicorn."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "pulse.settings", "asgi.py, wsgi.py, celery.py and manage.py all setdefault pulse.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin is line 1"),
    Claim("root_urlconf", "pulse.urls", "settings.py:31"),
    Claim("views.async_views.*.(view,routes)", [
        ("feeds.views.feed_list", ["feeds/"]),
        ("feeds.views.feed_detail", ["feeds/<int:pk>/"]),
        ("feeds.views.refresh_feed", ["feeds/<int:pk>/refresh/"]),
        ("feeds.views.digest", ["feeds/<int:pk>/digest/"]),
        ("feeds.views.my_unread", ["feeds/unread/"]),
        ("feeds.views.EntryView", ["feeds/entries/<int:pk>/"]),
        ("feeds.views.ping", ["feeds/ping/"]),
    ], "feeds/urls.py routes seven async views under `feeds/`; the async functions in services.py, tasks.py and "
       "the management command are never routed, so they are not views"),
    Claim("views.async_views.[view=feeds.views.EntryView].(kind,handlers)",
          ("class", [{"name": "get", "async": True}, {"name": "post", "async": True}]),
          "EntryView is a View subclass whose get and post are both `async def`"),
    Claim("views.sync", 0, "every routed view is a coroutine (admin is Django's, not counted)"),
    Claim("views.mixed", 0, "EntryView's handlers are all async"),
    Claim("websockets", [], "no Channels"),
    Claim("asgi_applications.*.(path,line,kind)", [("pulse/asgi.py", 7, "django")], "asgi.py:7 get_asgi_application()"),
    Claim("middleware.*.(middleware,mode,path,line)", [
        ("django.middleware.security.SecurityMiddleware", "both", None, None),
        ("django.contrib.sessions.middleware.SessionMiddleware", "both", None, None),
        ("django.middleware.common.CommonMiddleware", "both", None, None),
        ("django.middleware.csrf.CsrfViewMiddleware", "both", None, None),
        ("django.contrib.auth.middleware.AuthenticationMiddleware", "both", None, None),
        ("feeds.middleware.timing_middleware", "both", "feeds/middleware.py", 12),
        ("feeds.middleware.RequestIDMiddleware", "sync", "feeds/middleware.py", 32),
    ], "Django's own middleware is sync and async capable; timing_middleware is @sync_and_async_middleware; "
       "RequestIDMiddleware is a plain class without async_capable, so sync-only", ordered=True),
    Claim("verdict.needs", "asgi-beneficial", "six routed async views await I/O"),
    Claim("verdict.needs_evidence.*.(path,line)", [
        ("feeds/views.py", 9), ("feeds/views.py", 17), ("feeds/views.py", 23), ("feeds/views.py", 29),
        ("feeds/views.py", 40), ("feeds/views.py", 46), ("feeds/views.py", 50),
    ], "every async handler awaits (`async for` counts) except ping, which only returns a response"),
    Claim("verdict.served", "asgi", "Procfile:1 runs uvicorn on pulse.asgi:application"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)",
          [("uvicorn", "asgi", None, "pulse.asgi:application", "Procfile", 1)],
          "the `web` process; `worker` is celery, which serves no HTTP"),
    Claim("verdict.development_servers", [], "no runserver anywhere"),
    Claim("verdict.fit", "fit", "awaiting async views on an ASGI server"),
    Claim("verdict.recommendation", None, "nothing to change"),
    Claim("unresolved_routes", [], "admin.site.urls is Django's; every other route names a view"),
]
