"""fixtures/pytest_stale_setdefault: archivebox's shape. A test module still setdefaults a settings module that no
longer exists, under a pytest configuration that names the real one (pytest-django sets it first: DPL401 `info`);
a script run without pytest does the same with another stale name (DPL401 `error`). Served by gunicorn."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "shop.core.settings", "manage.py, wsgi.py and pyproject.toml's pytest options agree"),
    Claim(
        "settings_modules.*.(module,source,found)",
        [
            ("shop.core.settings", "wsgi.py", True),
            ("shop.local_settings", "environment", False),
            ("shop.settings", "environment", False),
        ],
        "wsgi.py names the real module first; shop/seed.py:7 and shop/tests/test_hooks.py:8 name modules the "
        "project does not have",
    ),
    Claim("django_version", "5.2", "pyproject.toml:4 `Django>=5.2,<6`"),
    Claim("root_urlconf", "shop.core.urls", "shop/core/settings.py:9"),
    Claim("verdict.needs", "wsgi", "one sync view"),
    Claim("verdict.served", "wsgi", "Procfile:1 gunicorn with the default sync worker"),
    Claim(
        "verdict.servers.*.(name,protocol,worker,app,path,line)",
        [("gunicorn", "wsgi", "sync", "shop.core.wsgi:application", "Procfile", 1)],
        "the web process",
    ),
    Claim("verdict.fit", "fit", "sync views under a sync WSGI server"),
    Claim("verdict.recommendation", None, "nothing to change"),
]
