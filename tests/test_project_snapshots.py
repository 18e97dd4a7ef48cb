"""What the project model says about each fixture project: the reviewed claims in tests/claims/<fixture>.py,
each asserted on the fixture's JSON project record, plus direct tests of the model behind some of them.

A claim says what a reader of the fixture's files expects, and why; it is never regenerated from the tool's
output. A claim marked `wrong=` is a strict xfail: the tool still says otherwise, and the test starts failing
(delete the mark) the day it is fixed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from django_protolint.config import Config
from django_protolint.output.projects import projects_records
from django_protolint.project.evaluate import UNKNOWN
from django_protolint.runner import Report, lint
from tests.claims import Claim, claims_of, pick
from tests.helpers import write_project

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CLAIMS = Path(__file__).resolve().parent / "claims"
PROJECTS = sorted(path.name for path in FIXTURES.iterdir() if path.is_dir())


def _lint(root: Path) -> Report:
    return lint([root], Config(), cwd=root)


_REPORTS: dict[str, Report] = {}


def report_for(name: str) -> Report:
    if name not in _REPORTS:
        _REPORTS[name] = _lint(FIXTURES / name)
    return _REPORTS[name]


def records(name: str) -> list[dict[str, Any]]:
    return json.loads(json.dumps(projects_records(report_for(name).model)))


def project(name: str, root: str = "."):  # noqa: ANN201 - DjangoProject
    found = [p for p in report_for(name).model.django_projects if p.root == root]
    assert len(found) == 1, [p.root for p in report_for(name).model.django_projects]
    return found[0]


# ---------------------------------------------------------------------------------------------------- claims


def _claim_params() -> list[Any]:
    params = []
    for fixture in PROJECTS:
        if not (CLAIMS / f"{fixture}.py").is_file():
            continue
        for claim in claims_of(fixture):
            where = "" if claim.root == "." else f"{claim.root}:"
            marks = [pytest.mark.xfail(strict=True, reason=claim.wrong)] if claim.wrong else []
            params.append(pytest.param(fixture, claim, id=f"{fixture}:{where}{claim.field}", marks=marks))
    return params


@pytest.mark.parametrize(("fixture", "claim"), _claim_params())
def test_fixture_claim(fixture: str, claim: Claim):
    [record] = [record for record in records(fixture) if record["root"] == claim.root]
    actual = pick(record, claim.field)
    assert claim.holds_for(actual), f"{claim.why}\n  claimed: {claim.value!r}\n  record:  {actual!r}"


def test_every_fixture_has_reviewed_claims_for_each_project():
    claim_files = sorted(path.stem for path in CLAIMS.glob("*.py") if path.stem != "__init__")
    assert claim_files == PROJECTS
    for fixture in PROJECTS:
        claims = claims_of(fixture)
        assert all(claim.why.strip() for claim in claims), fixture
        roots = {record["root"] for record in records(fixture)}
        assert {claim.root for claim in claims} == roots, fixture
        # The verdict is the point of the record: every project states it, with its reasons.
        for root in roots:
            stated = {claim.field for claim in claims if claim.root == root}
            assert {"verdict.needs", "verdict.served", "verdict.fit"} <= stated, (fixture, root)
        fields = [(claim.root, claim.field) for claim in claims]
        assert len(fields) == len(set(fields)), f"{fixture}: one claim per field"


# ---------------------------------------------------------------------------------------------------- async_views


def test_async_views_counts_only_routed_coroutines_as_views():
    views = project("async_views").views  # which views are routed: tests/claims/async_views.py
    model = report_for("async_views").model
    unrouted = [("feeds/services.py", "fetch_feed"), ("feeds/services.py", "refresh_all"),
                ("feeds/services.py", "summarize"), ("feeds/tasks.py", "warm_cache"),
                ("feeds/management/commands/refresh_feeds.py", "Command.refresh")]  # fmt: skip
    for path, local in unrouted:
        facts = model.file(path)
        [function] = [f for f in facts.functions if f.qualname == local]
        assert function.is_async, local  # they are coroutines ...
        assert f"{facts.module}.{local}" not in views, local  # ... but no URL routes to them
        assert f"{facts.module}.{local.split('.')[0]}" not in views, local
    # (so `summarize` and `warm_cache`, which never await, get no DPL202: the fixture's annotations say so)


# ---------------------------------------------------------------------------------------------------- channels_chat


def test_channels_chat_asgi_routing_is_read_down_to_the_consumer():
    chat = project("channels_chat")
    [app] = chat.asgi_applications
    assert app.custom_wrappers == []  # AuthMiddlewareStack passes through
    assert [(r.consumer, r.as_asgi, r.path) for r in app.websocket_routes] == [
        ("chat.consumers.ChatConsumer", True, "chat/routing.py")
    ]
    assert app.setup_line == 12 and app.early_model_imports == []  # routing imported after get_asgi_application()
    assert report_for("channels_chat").model.consumers == {("chat/consumers.py", "ChatConsumer"): "async"}
    layers = chat.primary.value("CHANNEL_LAYERS")
    assert layers["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    apps = chat.primary.value("INSTALLED_APPS")
    assert apps.index("daphne") < apps.index("django.contrib.staticfiles")
    assert chat.primary.value("ASGI_APPLICATION") == "chatsite.asgi.application"


# ---------------------------------------------------------------------------------------------------- raw_asgi_ws


def test_raw_asgi_application_serves_websockets_without_channels():
    [app] = project("raw_asgi_ws").asgi_applications
    assert app.serves_websockets
    assert app.websocket_routes == [] and app.protocols == ()
    assert app.early_model_imports == []  # scores.live (models) is imported after get_asgi_application()
    assert report_for("raw_asgi_ws").model.consumers == {}


# ---------------------------------------------------------------------------------------------------- drf_api


def test_drf_router_viewsets_and_apiviews():
    drf = project("drf_api")
    routes = {(r.route, r.view, r.kind) for r in drf.routes}
    assert ("api/products/", "products.views.ProductViewSet", "viewset") in routes
    assert ("api/categories/", "products.views.CategoryViewSet", "viewset") in routes
    # products/urls.py ends with `urlpatterns = format_suffix_patterns(urlpatterns)`
    assert ("api/stock/", "products.views.StockSummary", "class") in routes
    assert ("api/health/", "products.views.HealthCheck", "class") in routes
    health = drf.views["products.views.HealthCheck"]
    assert health.drf and health.is_async
    assert all(view.drf for view in drf.views.values())


# ---------------------------------------------------------------------------------------------------- split_settings


def test_split_settings_runs_with_production_and_says_so():
    [record] = records("split_settings")  # which modules, in which order: tests/claims/split_settings.py
    assert record["settings_modules"][0]["evidence"].startswith("config/asgi.py:")
    assert record["settings_modules"][1]["evidence"].startswith("manage.py:")
    [layer] = [f for f in report_for("split_settings").findings if f.code == "DPL303"]
    assert layer.path == "config/settings/base.py"  # where the inherited value is written
    assert "config.settings.production" in layer.message  # and which settings module it was concluded for


def test_split_settings_evaluates_each_module_through_its_star_import():
    # production's MIDDLEWARE, as served: tests/claims/split_settings.py
    production, local = project("split_settings").settings
    assert production.reference.module == "config.settings.production"
    local_middleware = local.value("MIDDLEWARE")
    assert "tickets.middleware.HealthCheckMiddleware" not in local_middleware
    assert local_middleware[-1] == "debug_toolbar.middleware.DebugToolbarMiddleware"
    assert production.value("DEBUG") is False and local.value("DEBUG") is True
    hosts = production.get("ALLOWED_HOSTS")
    assert hosts.value == ["tickets.example.com"] and hosts.uncertain  # env.list(..., default=[...])
    assert production.get("SECRET_KEY").value is UNKNOWN  # env("DJANGO_SECRET_KEY"): no default
    # env.db(..., default="postgres:///tickets") parses the URL into a dict: not the URL string.
    assert production.value("DATABASES")["default"] is UNKNOWN


# ---------------------------------------------------------------------------------------------------- monorepo


def test_monorepo_calls_resolve_to_functions_of_the_same_project(tmp_path: Path):
    """Both projects have `core.services.banner`/`recent_items`; shop's are harmless or async, blog's query."""
    root = tmp_path / "monorepo"
    shutil.copytree(FIXTURES / "monorepo", root)
    with (root / "shop/core/services.py").open("a", encoding="utf-8") as handle:
        handle.write('\n\ndef banner():\n    return "Free shipping over $50"\n')
    with (root / "blog/core/services.py").open("a", encoding="utf-8") as handle:
        handle.write('\n\ndef banner():\n    return Post.objects.latest("published").title\n')
    views = root / "shop/core/views.py"
    text = views.read_text(encoding="utf-8").replace(
        "from .services import recent_items", "from .services import banner, recent_items"
    )
    text += '\n\nasync def promo(request):\n    recent_items()\n    return JsonResponse({"banner": banner()})\n'
    views.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    recent_items()") + 1
    found = {(f.path, f.span.line, f.code) for f in _lint(root).findings if f.path == "shop/core/views.py"}
    assert ("shop/core/views.py", line, "DPL120") in found
    assert not any(code == "DPL130" for _, _, code in found)


# ---------------------------------------------------------------------------------------------------- model fixes


def test_imported_router_and_unknown_includes(tmp_path: Path):
    """A router imported from another module is read where it is registered; an include we cannot follow is
    listed as unresolved instead of vanishing; a third-party include is neither."""
    write_project(tmp_path, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
        "proj/settings.py": 'INSTALLED_APPS = ["app"]\nROOT_URLCONF = "proj.urls"\n',
        "proj/urls.py": (
            "import debug_toolbar\nfrom django.urls import include, path\n\nfrom app.routers import router\n"
            "from app import routers\n\nurlpatterns = [\n"
            '    path("api/", include(router.urls)),\n'
            '    path("v2/", include(routers.router.urls)),\n'
            '    path("lists/", include(routers.extra_patterns)),\n'
            '    path("gone/", include(missing_patterns)),\n'
            '    path("__debug__/", include(debug_toolbar.urls)),\n'
            "]\n"
        ),
        "app/routers.py": (
            "from django.urls import path\nfrom rest_framework.routers import DefaultRouter\n\nfrom . import views\n\n"
            'router = DefaultRouter()\nrouter.register("items", views.ItemViewSet)\n\n'
            'extra_patterns = [path("ping/", views.ping)]\n'
        ),
        "app/views.py": (
            "from rest_framework import viewsets\n\n\nclass ItemViewSet(viewsets.ViewSet):\n    pass\n\n\n"
            "def ping(request):\n    return None\n"
        ),
    })  # fmt: skip
    [django] = _lint(tmp_path).model.django_projects
    assert {(r.route, r.view, r.kind) for r in django.routes} == {
        ("api/items/", "app.views.ItemViewSet", "viewset"),
        ("v2/items/", "app.views.ItemViewSet", "viewset"),
        ("lists/ping/", "app.views.ping", "function"),
        ("gone/", None, "unresolved"),
    }


def test_urlpatterns_naming_itself_does_not_recurse(tmp_path: Path):
    write_project(tmp_path, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
        "proj/settings.py": 'INSTALLED_APPS = ["app"]\nROOT_URLCONF = "proj.urls"\n',
        "proj/urls.py": (
            "from django.conf import settings\nfrom django.urls import path\n"
            "from rest_framework.urlpatterns import format_suffix_patterns\n\nfrom app import views\n\n"
            'urlpatterns = [path("a/", views.a)]\nurlpatterns = format_suffix_patterns(urlpatterns)\n'
            'if settings.DEBUG:\n    urlpatterns = urlpatterns + [path("b/", views.b)]\n'
        ),
        "app/views.py": "async def a(request):\n    return None\n\n\ndef b(request):\n    return None\n",
    })  # fmt: skip
    report = _lint(tmp_path)
    assert not any(f.code == "DPL003" for f in report.findings)
    [django] = report.model.django_projects
    assert [(r.route, r.view) for r in django.routes] == [("a/", "app.views.a"), ("b/", "app.views.b")]
