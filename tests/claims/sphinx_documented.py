"""fixtures/sphinx_documented: argus' shape. The project lives in src/ (manage.py puts src/ on sys.path); the
Sphinx documentation in docs/ loads its own settings (`docs/conf.py` sets DJANGO_SETTINGS_MODULE=django_settings
for autodoc, a module beside it). Those settings configure the documentation build, which nothing serves: one
project, rooted at src/, and no project at docs/."""

from functools import partial

from tests.claims import Claim as ReviewedClaim

Claim = partial(ReviewedClaim, root="src")

CLAIMS = [
    Claim("settings", "tracker.site.settings", "manage.py:9 and src/tracker/site/wsgi.py:5 name it"),
    Claim(
        "settings_modules.*.(module,path,found)",
        [("tracker.site.settings", "src/tracker/site/settings.py", True)],
        "docs/conf.py's django_settings is the documentation build's, not one this project runs with",
    ),
    Claim("purpose", {"kind": "application", "evidence": None}, "nothing says test or example"),
    Claim("django_version", "5.2", "pyproject.toml:10 `Django>=5.2,<6.2`"),
    Claim("root_urlconf", "tracker.site.urls", "settings.py:21"),
    Claim(
        "views.sync_views.*.(view,path,routes)",
        [("tracker.incidents.views.incident_list", "src/tracker/incidents/views.py", ["incidents/"])],
        "the one view, included under incidents/",
    ),
    Claim("views.async", 0, "no async view"),
    Claim("verdict.needs", "wsgi", "one sync view, no websockets"),
    Claim("verdict.served", "wsgi", "Dockerfile:5 CMD gunicorn tracker.site.wsgi:application"),
    Claim(
        "verdict.servers.*.(name,protocol,worker,path,line)",
        [("gunicorn", "wsgi", "sync", "Dockerfile", 5)],
        "the image's CMD; no --worker-class, so sync workers",
    ),
    Claim("verdict.fit", "fit", "sync code on a WSGI server"),
]
