"""fixtures/src_layout: manage.py at the top, the code in src/ (manage.py puts src/ on sys.path): one project
rooted at src/, not two."""

from functools import partial

from tests.claims import Claim as ReviewedClaim

Claim = partial(ReviewedClaim, root="src")

CLAIMS = [
    Claim("settings", "mysite.settings", "manage.py:10, asgi.py:5 and wsgi.py setdefault mysite.settings"),
    Claim("settings_modules.*.(module,path,found)", [("mysite.settings", "src/mysite/settings.py", True)],
          "`mysite` resolves under src/, as manage.py's sys.path.insert makes it"),
    Claim("django_version", "5.0", "pyproject.toml:10 `Django>=5.0,<5.1` in [project] dependencies"),
    Claim("django_version_evidence", {"path": "pyproject.toml", "line": 10, "requirement": "Django>=5.0,<5.1"},
          "the dependency's own line inside the multi-line array"),
    Claim("root_urlconf", "mysite.urls", "settings.py:29"),
    Claim("views.async_views.*.(view,path,routes)",
          [("polls.views.results", "src/polls/views.py", ["polls/<int:question_id>/results/"])],
          "results is `async def`; polls/urls.py under `polls/`"),
    Claim("views.sync_views.*.(view,path,kind)", [
        ("polls.views.IndexView", "src/polls/views.py", "class"),
        ("polls.views.DetailView", "src/polls/views.py", "class"),
        ("polls.views.vote", "src/polls/views.py", "function"),
    ], "two generic class views and a function"),
    Claim("asgi_applications.*.(path,line,kind)", [("src/mysite/asgi.py", 7, "django")], "asgi.py:7"),
    Claim("verdict.needs", "asgi-beneficial", "results awaits aget_object_or_404 and iterates with `async for`"),
    Claim("verdict.needs_evidence.*.(path,line)", [("src/polls/views.py", 33)], "results"),
    Claim("verdict.served", "unknown", "no deployment file; uvicorn in the dependencies starts nothing by itself"),
    Claim("verdict.servers", [], "nothing starts a server"),
    Claim("verdict.fit", "unknown", "no server to judge"),
]
