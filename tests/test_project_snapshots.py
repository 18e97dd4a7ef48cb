"""What the project model says about each fixture project, pinned as a reviewed snapshot, plus the key facts per
fixture asserted directly (so they hold even while a snapshot is being regenerated).

`UPDATE_SNAPSHOTS=1 python -m pytest tests/test_project_snapshots.py` rewrites tests/snapshots/<fixture>.json.
Read the diff before keeping it: a snapshot is a claim about the project that was checked by hand. Where the
linter is known to be wrong, the snapshot holds the right value and KNOWN_WRONG says what the linter says instead.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from django_protolint.config import Config
from django_protolint.output.projects import projects_records
from django_protolint.project.evaluate import UNKNOWN
from django_protolint.runner import Report, lint
from tests.helpers import write_project

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
PROJECTS = sorted(path for path in FIXTURES.iterdir() if path.is_dir())
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

# Claims the linter still gets wrong. The snapshots hold the *right* value (checked by hand); the comparison
# expects the current wrong one in that one place, so everything else stays pinned, and a strict xfail per entry
# fails as soon as the bug is fixed (then delete the entry). Update mode writes the right value back.
# (fixture, (project root, key, ...), what the linter says now, what is right, why)
KNOWN_WRONG: list[tuple[str, tuple[str, ...], Any, Any, str]] = []


def _at(records: list[dict[str, Any]], path: tuple[str, ...]) -> tuple[Any, str]:
    """(container, key) for a path that starts with a project root."""
    [node] = [record for record in records if record["root"] == path[0]]
    for key in path[1:-1]:
        node = node[key]
    return node, path[-1]


def _with(records: list[dict[str, Any]], fixture: str, which: int) -> list[dict[str, Any]]:
    """A copy with every known-wrong field of `fixture` set to its wrong (2) or right (3) value."""
    result = copy.deepcopy(records)
    for name, path, *values, _ in KNOWN_WRONG:
        if name == fixture:
            node, key = _at(result, path)
            node[key] = values[which - 2]
    return result


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


def by_root_version(name: str) -> dict[str, tuple[str, str]]:
    return {r["root"]: (r["django_version"], r["django_version_evidence"]["path"]) for r in records(name)}


def findings(name: str) -> set[tuple[str, int, str]]:
    return {(f.path, f.span.line, f.code) for f in report_for(name).findings}


# ---------------------------------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("root", PROJECTS, ids=[path.name for path in PROJECTS])
def test_project_records_match_snapshot(root: Path):
    snapshot = SNAPSHOTS / f"{root.name}.json"
    actual = records(root.name)
    if UPDATE:
        # The known-wrong fields must still be wrong in the known way: anything else needs a human look first.
        assert actual == _with(actual, root.name, 2), f"a known-wrong field of {root.name} changed: review KNOWN_WRONG"
        SNAPSHOTS.mkdir(exist_ok=True)
        right = _with(actual, root.name, 3)
        snapshot.write_text(json.dumps(right, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    assert snapshot.is_file(), f"no snapshot for {root.name}: run with UPDATE_SNAPSHOTS=1 and review it"
    expected = json.loads(snapshot.read_text(encoding="utf-8"))
    assert actual == _with(expected, root.name, 2)


@pytest.mark.parametrize(
    ("fixture", "path", "right"),
    [
        pytest.param(fixture, path, right, id=f"{fixture}:{'.'.join(path)}",
                     marks=pytest.mark.xfail(strict=True, reason=reason))
        for fixture, path, _, right, reason in KNOWN_WRONG
    ],
)  # fmt: skip
def test_known_wrong_claims(fixture: str, path: tuple[str, ...], right: Any):
    node, key = _at(records(fixture), path)
    assert node[key] == right


# ---------------------------------------------------------------------------------------------------- classic_sync


def test_classic_sync_is_one_sync_wsgi_project():
    [record] = records("classic_sync")
    assert record["root"] == "."
    assert record["settings"] == "library.settings"
    assert record["settings_modules"][0]["source"] == "wsgi.py"
    assert record["django_version"] == "5.0"
    assert record["views"]["async"] == 0 and record["views"]["mixed"] == 0
    assert record["views"]["sync"] == 8
    # The lambda behind robots.txt cannot be named: it is listed, not dropped.
    assert [(r["route"], r["view"]) for r in record["unresolved_routes"]] == [("robots.txt", "<dynamic>")]
    assert project("classic_sync").asgi_applications == []
    assert findings("classic_sync") == set()


# ---------------------------------------------------------------------------------------------------- async_views


def test_async_views_counts_only_routed_coroutines_as_views():
    views = project("async_views").views
    assert sorted(v.qualname for v in views.values() if v.is_async) == [
        "feeds.views.EntryView", "feeds.views.digest", "feeds.views.feed_detail", "feeds.views.feed_list",
        "feeds.views.my_unread", "feeds.views.ping", "feeds.views.refresh_feed",
    ]  # fmt: skip
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
    # `summarize` and `warm_cache` never await, yet only the routed `ping` is reported for it.
    assert {(path, code) for path, _, code in findings("async_views") if code == "DPL202"} == {
        ("feeds/views.py", "DPL202")
    }
    assert next(line for _, line, code in findings("async_views") if code == "DPL202") == views[
        "feeds.views.ping"
    ].span.line


def test_async_views_middleware_modes():
    modes = {m.dotted_path: m.mode for m in project("async_views").middleware}
    assert modes["feeds.middleware.timing_middleware"] == "both"
    assert modes["feeds.middleware.RequestIDMiddleware"] == "sync"
    assert {mode for path, mode in modes.items() if path.startswith("django.")} == {"both"}


# ---------------------------------------------------------------------------------------------------- channels_chat


def test_channels_chat_asgi_routing_is_read_down_to_the_consumer():
    chat = project("channels_chat")
    [app] = chat.asgi_applications
    assert (app.path, app.kind, app.protocols) == ("chatsite/asgi.py", "router", ("http", "websocket"))
    assert app.origin_validated and app.custom_wrappers == []  # AuthMiddlewareStack passes through
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
    # database_sync_to_async methods are the right way to query from a consumer: only the two mistakes show.
    assert findings("channels_chat") == {("chat/consumers.py", 25, "DPL101"), ("chat/consumers.py", 34, "DPL120")}


# ---------------------------------------------------------------------------------------------------- raw_asgi_ws


def test_raw_asgi_application_serves_websockets_without_channels():
    [app] = project("raw_asgi_ws").asgi_applications
    assert app.kind == "raw" and app.serves_websockets
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
    assert findings("drf_api") == {("products/views.py", 39, "DPL204")}


# ---------------------------------------------------------------------------------------------------- src_layout


def test_src_layout_is_one_project_rooted_at_src():
    # manage.py sits at the top (root "."), but the settings it names live in src/: one project, not two.
    [record] = records("src_layout")
    assert record["root"] == "src"
    assert record["settings_modules"][0]["path"] == "src/mysite/settings.py"
    assert record["django_version_evidence"] == {"path": "pyproject.toml", "line": 10, "requirement": "Django>=5.0,<5.1"}
    assert [v["view"] for v in record["views"]["async_views"]] == ["polls.views.results"]
    assert {v["path"] for v in record["views"]["sync_views"]} == {"src/polls/views.py"}


# ------------------------------------------------------------------------------------- reusable_app_test_project


def test_test_project_in_a_package_directory_is_rooted_at_its_manage_py():
    # arches' shape: tests/fixtures/testproj/ holds manage.py and is a package itself. Named by walking up through
    # packages, the settings were `testproj.testproj.settings` under tests/fixtures, and wsgi.py's
    # `testproj.settings` looked missing (DPL401). manage.py runs the project from its own directory.
    [record] = records("reusable_app_test_project")
    assert record["root"] == "tests/fixtures/testproj"
    assert record["settings_modules"][0]["path"] == "tests/fixtures/testproj/testproj/settings.py"
    assert record["purpose"] == {"kind": "test", "evidence": "the project lives under tests/"}
    # ROOT_URLCONF `testproj.urls` includes the reusable app's `shelf.urls`, which lives at the top
    assert [v["view"] for v in record["views"]["async_views"]] == ["shelf.views.book_count"]
    assert findings("reusable_app_test_project") == set()


# ---------------------------------------------------------------------------------------------------- split_settings


def test_split_settings_runs_with_production_and_says_so():
    [record] = records("split_settings")
    assert record["settings"] == "config.settings.production"
    assert [(m["module"], m["source"], m["found"]) for m in record["settings_modules"]] == [
        ("config.settings.production", "asgi.py", True),
        ("config.settings.local", "manage.py", True),
    ]
    assert record["settings_modules"][0]["evidence"].startswith("config/asgi.py:")
    assert record["settings_modules"][1]["evidence"].startswith("manage.py:")
    [layer] = [f for f in report_for("split_settings").findings if f.code == "DPL303"]
    assert layer.path == "config/settings/base.py"  # where the inherited value is written
    assert "config.settings.production" in layer.message  # and which settings module it was concluded for


def test_split_settings_evaluates_each_module_through_its_star_import():
    production, local = project("split_settings").settings
    assert production.reference.module == "config.settings.production"
    prod_middleware = production.value("MIDDLEWARE")
    assert prod_middleware[0] == "tickets.middleware.HealthCheckMiddleware"
    assert prod_middleware[2] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert "debug_toolbar.middleware.DebugToolbarMiddleware" not in prod_middleware
    local_middleware = local.value("MIDDLEWARE")
    assert "tickets.middleware.HealthCheckMiddleware" not in local_middleware
    assert local_middleware[-1] == "debug_toolbar.middleware.DebugToolbarMiddleware"
    assert production.value("DEBUG") is False and local.value("DEBUG") is True
    hosts = production.get("ALLOWED_HOSTS")
    assert hosts.value == ["tickets.example.com"] and hosts.uncertain  # env.list(..., default=[...])
    assert production.get("SECRET_KEY").value is UNKNOWN  # env("DJANGO_SECRET_KEY"): no default
    # env.db(..., default="postgres:///tickets") parses the URL into a dict: not the URL string.
    assert production.value("DATABASES")["default"] is UNKNOWN
    # DPL210 is about the middleware production runs: HealthCheckMiddleware is production-only.
    assert ("tickets/middleware.py", 4, "DPL210") in findings("split_settings")


# ---------------------------------------------------------------------------------------------------- monorepo


def test_monorepo_is_two_projects_each_with_its_own_files():
    model = report_for("monorepo").model
    assert [p.root for p in model.django_projects] == ["blog", "shop"]
    blog, shop = project("monorepo", "blog"), project("monorepo", "shop")
    assert blog.primary.facts.path == "blog/mysite/settings.py"
    assert shop.primary.facts.path == "shop/mysite/settings.py"
    assert {v.path for v in blog.views.values()} == {"blog/core/views.py"}
    assert {v.path for v in shop.views.values()} == {"shop/core/views.py"}
    assert (len(shop.async_views), len(shop.sync_views)) == (3, 0)
    assert (len(blog.async_views), len(blog.sync_views)) == (0, 2)
    # Same dotted path, two files: each project's MIDDLEWARE entry resolves inside its own root.
    [shop_audit] = [m for m in shop.middleware if m.dotted_path == "mysite.middleware.AuditMiddleware"]
    [blog_audit] = [m for m in blog.middleware if m.dotted_path == "mysite.middleware.AuditMiddleware"]
    assert (shop_audit.path, blog_audit.path) == ("shop/mysite/middleware.py", "blog/mysite/middleware.py")
    assert [app.path for app in shop.asgi_applications] == ["shop/mysite/asgi.py"]
    assert [app.path for app in blog.asgi_applications] == ["blog/mysite/asgi.py"]
    assert by_root_version("monorepo") == {
        "blog": ("4.2", "blog/requirements.txt"), "shop": ("5.0", "shop/requirements.txt"),
    }  # fmt: skip
    # Both are sync-only; only the shop has async views to slow down.
    assert findings("monorepo") == {("shop/core/views.py", 26, "DPL101"), ("shop/mysite/middleware.py", 6, "DPL210")}


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
