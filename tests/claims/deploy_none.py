"""fixtures/deploy_none: an async poll view and no deployment file at all."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "quiz.settings", "asgi.py:5, wsgi.py and manage.py setdefault quiz.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin"),
    Claim("root_urlconf", "quiz.urls", "settings.py:16"),
    Claim("views.async_views.*.(view,routes)", [("polls.views.results", ["polls/<int:pk>/"])], "quiz/urls.py"),
    Claim("views.sync", 0, "no other view"),
    Claim("asgi_applications.*.(path,line,kind)", [("quiz/asgi.py", 6, "django")], "asgi.py:6"),
    Claim("verdict.needs", "asgi-beneficial", "results awaits aget() and iterates with `async for`"),
    Claim("verdict.needs_evidence.*.(path,line)", [("polls/views.py", 6)], "results"),
    Claim("verdict.served", "unknown", "no Procfile, Dockerfile, compose, platform manifest or script"),
    Claim("verdict.servers", [], "nothing starts a server"),
    Claim("verdict.development_servers", [], "nothing starts a server"),
    Claim("verdict.declared_server", None, "no --server given"),
    Claim("verdict.fit", "unknown", "the fit cannot be judged without knowing the server"),
    Claim("verdict.recommendation", None, "nothing to compare against"),
    Claim("verdict.summary",
          "Protocol fit: UNKNOWN — code: ASGI would help (1 async view) · served: unknown (no deployment "
          "files found; declare it with --server)",
          "says why the fit is unknown and how to give the missing fact"),
]
