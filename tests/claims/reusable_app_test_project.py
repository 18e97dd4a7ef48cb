"""fixtures/reusable_app_test_project: a reusable app (`shelf`, at the top) whose test project lives in
tests/fixtures/testproj/, a directory that is itself a package (arches' shape). manage.py runs the project from
its own directory, so its settings are `testproj.settings`, not `testproj.testproj.settings`."""

from functools import partial

from tests.claims import Claim as ReviewedClaim

ROOT = "tests/fixtures/testproj"
Claim = partial(ReviewedClaim, root=ROOT)

CLAIMS = [
    Claim("settings", "testproj.settings", "manage.py and wsgi.py:6 name testproj.settings"),
    Claim("settings_modules.*.(module,path,found)", [("testproj.settings", f"{ROOT}/testproj/settings.py", True)],
          "found relative to manage.py's directory (walking up through packages would have named it "
          "testproj.testproj.settings and called wsgi.py's module missing)"),
    Claim("purpose", {"kind": "test", "evidence": "the project lives under tests/"},
          "a test project of a reusable app, not an application anyone deploys"),
    Claim("django_version", "4.2", "pyproject.toml:4 `dependencies = [\"Django>=4.2\"]`"),
    Claim("django_version_evidence.(path,line,requirement)", ("pyproject.toml", 4, "Django>=4.2"),
          "the app's PEP 621 dependencies, at the repository top"),
    Claim("root_urlconf", "testproj.urls", "settings.py:12"),
    Claim("views.async_views.*.(view,path,routes)",
          [("shelf.views.book_count", "shelf/views.py", ["shelf/books/count/"])],
          "testproj.urls includes `shelf.urls`, which lives at the repository top (pytest's pythonpath)"),
    Claim("views.sync", 0, "no sync view"),
    Claim("asgi_applications", [], "no asgi.py"),
    Claim("verdict.needs", "asgi-beneficial", "book_count awaits acount()"),
    Claim("verdict.served", "unknown", "a test project has no deployment files"),
    Claim("verdict.servers", [], "nothing starts a server"),
    Claim("verdict.fit", "unknown", "no server to judge"),
]
