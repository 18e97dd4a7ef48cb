"""fixtures/newer_syntax: a project written in Python 3.12 syntax (PEP 695 generics and `type`, PEP 701 f-strings)
that the linter must read whatever Python it runs on."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "ledger.settings", "asgi.py:5 and manage.py setdefault ledger.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "ledger.urls", "settings.py:23"),
    Claim("views.async_views.*.(view,line,routes)", [
        ("accounts.views.account_detail", 9, ["accounts/<int:pk>/"]),
        ("accounts.views.statement", 14, ["accounts/<int:pk>/statement/"]),
        ("accounts.views.rates", 22, ["accounts/<int:pk>/rates/"]),
        ("accounts.views.search", 29, ["accounts/search/"]),
    ], "accounts/urls.py under `accounts/`; `search[T]` is an async view with a type parameter"),
    Claim("views.sync", 0, "no sync view"),
    Claim("asgi_applications.*.(path,line,kind)", [("ledger/asgi.py", 7, "django")], "asgi.py:7"),
    Claim("verdict.needs", "asgi-beneficial", "every view awaits aget() or iterates with `async for`"),
    Claim("verdict.needs_evidence.*.(path,line)", [
        ("accounts/views.py", 9), ("accounts/views.py", 14), ("accounts/views.py", 22), ("accounts/views.py", 29),
    ], "all four views"),
    Claim("verdict.served", "asgi", "Procfile:1 uvicorn ledger.asgi:application"),
    Claim("verdict.servers.*.(name,protocol,path,line)", [("uvicorn", "asgi", "Procfile", 1)], "the `web` process"),
    Claim("verdict.fit", "fit", "awaiting async views on uvicorn"),
]
