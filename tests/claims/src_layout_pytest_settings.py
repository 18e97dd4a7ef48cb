"""fixtures/src_layout_pytest_settings: ephios' shape. manage.py at the top puts src/ on sys.path and runs
rota.settings; pyproject's pytest configuration names tests.settings (at the top) for the test run. One project,
rooted at src/ where manage.py's sys.path says; the test settings make no second project at the top."""

from functools import partial

from tests.claims import Claim as ReviewedClaim

Claim = partial(ReviewedClaim, root="src")

CLAIMS = [
    Claim("settings", "rota.settings", "manage.py:9 and src/rota/wsgi.py:5 name rota.settings"),
    Claim(
        "settings_modules.*.(module,path,found)",
        [("rota.settings", "src/rota/settings.py", True)],
        "tests.settings is the test run's (pyproject.toml [tool.pytest.ini_options]), not the project's",
    ),
    Claim(
        "purpose",
        {"kind": "application", "evidence": None},
        "manage.py and wsgi.py run it; pytest's settings do not make it a test project",
    ),
    Claim("django_version", "5.2", "pyproject.toml:10 `Django>=5.2,<6.0`"),
    Claim("root_urlconf", "rota.urls", "settings.py:21"),
    Claim(
        "views.sync_views.*.(view,path,routes)",
        [("rota.shifts.views.shift_list", "src/rota/shifts/views.py", ["shifts/"])],
        "the one route",
    ),
    Claim("views.async", 0, "no async view"),
    Claim("verdict.needs", "wsgi", "one sync view"),
    Claim("verdict.served", "wsgi", "Procfile:1 gunicorn rota.wsgi"),
    Claim(
        "verdict.servers.*.(name,protocol,worker,path,line)",
        [("gunicorn", "wsgi", "sync", "Procfile", 1)],
        "no worker class: sync workers",
    ),
    Claim("verdict.fit", "fit", "sync code on a WSGI server"),
]
