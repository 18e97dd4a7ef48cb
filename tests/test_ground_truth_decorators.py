"""DPL203's decorator table against real Django: every release a row speaks about.

tests/ground_truth/decorator_matrix.py puts each of Django's view decorators on an `async def` view, asks Django's
own `iscoroutinefunction` whether the view is still async, and sends a request through AsyncClient as a logged-in
superuser. It runs in the virtualenv of each release (tests/django_versions.py). Two things are checked per release:

1. The knowledge rows (knowledge/django_views.py) say what the run showed: a decorator keeps the view async (and
   the request answers 200) exactly from `async_from` on; a name the release lacks is newer than it (`added`).
2. The linter, on a project pinned to that release with every decorator the release has, reports DPL203 on
   exactly the decorators that broke the view in the run.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from django_protolint.knowledge.django_views import VIEW_DECORATORS
from tests.django_versions import python_for, releases
from tests.helpers import run, write_project

SCRIPT = Path(__file__).resolve().parent / "ground_truth" / "decorator_matrix.py"
SERIES = ("4.2", "5.0", "5.1", "5.2", "6.0", "6.1")

# How the linter's project applies each decorator, as the script does (arguments as written in source).
APPLIED = {
    "django.views.decorators.http.require_http_methods": '(["GET"])',
    "django.views.decorators.http.condition": "(etag_func=etag_of)",
    "django.views.decorators.http.etag": "(etag_of)",
    "django.views.decorators.http.last_modified": "(modified_at)",
    "django.views.decorators.cache.cache_control": "(max_age=1)",
    "django.views.decorators.cache.cache_page": "(1)",
    "django.views.decorators.vary.vary_on_headers": '("X-Test")',
    "django.views.decorators.debug.sensitive_variables": "()",
    "django.views.decorators.debug.sensitive_post_parameters": "()",
    "django.views.decorators.csp.csp_override": "({})",
    "django.views.decorators.csp.csp_report_only_override": "({})",
    "django.contrib.auth.decorators.permission_required": '("auth.view_user")',
    "django.contrib.auth.decorators.user_passes_test": "(lambda user: user.is_staff)",
}
# Made into a project name first, the way projects use them.
MADE = {
    "django.utils.decorators.decorator_from_middleware": ("header", "decorator_from_middleware(Header)", ""),
    "django.utils.decorators.decorator_from_middleware_with_args": (
        "header_with", "decorator_from_middleware_with_args(Header)", "()",
    ),
}  # fmt: skip


def run_matrix(series: str, tmp_path: Path) -> dict[str, object]:
    python = python_for(series)
    completed = subprocess.run(
        [python, str(SCRIPT), str(tmp_path / "db.sqlite3")], capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1])


def _version(series: str) -> tuple[int, int]:
    major, minor = series.split(".")
    return int(major), int(minor)


def linted_project(cases: dict[str, dict[str, object]], series: str) -> dict[str, str]:
    imports, made, views, routes = [], [], [], []
    for number, qualname in enumerate(sorted(name for name, case in cases.items() if case["present"])):
        module, _, name = qualname.rpartition(".")
        imports.append(f"from {module} import {name}")
        decorator = f"{name}{APPLIED.get(qualname, '')}"
        if qualname in MADE:
            alias, value, call = MADE[qualname]
            made.append(f"{alias} = {value}")
            decorator = f"{alias}{call}"
        views.append(f"@{decorator}  # decorates view{number}: {qualname}\nasync def view{number}(request):\n"
                     "    return None\n")  # fmt: skip
        routes.append(f"view{number}")
    source = "\n".join(
        [*sorted(set(imports)), "from app.middleware import Header", "", "",
         "def etag_of(request):\n    return 'v1'", "", "",
         "def modified_at(request):\n    return None", "", "", *made, "", "", *views]
    )  # fmt: skip
    patterns = "\n".join(f'    path("v{n}/", views.{route}),' for n, route in enumerate(routes))
    return {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
        "proj/settings.py": 'INSTALLED_APPS = ["django.contrib.auth", "app"]\nROOT_URLCONF = "proj.urls"\n',
        "proj/urls.py": f"from django.urls import path\n\nfrom app import views\n\nurlpatterns = [\n{patterns}\n]\n",
        "app/views.py": source,
        "app/middleware.py": "from django.utils.deprecation import MiddlewareMixin\n\n\n"
        "class Header(MiddlewareMixin):\n    pass\n",
        "requirements.txt": f"Django~={series}.0\n",
    }


@pytest.mark.parametrize("series", [param.values[0] for param in releases(*SERIES)], ids=lambda s: f"django-{s}")
def test_decorators_on_async_views(series, tmp_path):
    result = run_matrix(series, tmp_path)
    cases: dict[str, dict[str, object]] = result["cases"]  # type: ignore[assignment]
    assert set(cases) == set(VIEW_DECORATORS) - {"django.utils.decorators.method_decorator"}
    version = _version(series)
    broken = set()
    for qualname, case in cases.items():
        row = VIEW_DECORATORS[qualname]
        if not case["present"]:
            assert row.added is not None and version < row.added, f"{qualname} is missing from {result['django']}"
            continue
        assert row.added is None or version >= row.added, f"{qualname} exists in {result['django']}"
        capable = row.async_from is not None and version >= row.async_from
        assert case["coroutine"] is capable, f"{qualname} on {result['django']}: {case}"
        assert (case["outcome"] == 200) is capable, f"{qualname} on {result['django']}: {case}"
        if not capable:
            broken.add(qualname)
    # The linter, on the same decorators in a project pinned to this release, flags exactly the broken ones.
    files = linted_project(cases, series)
    root = write_project(tmp_path / "project", files)
    report = run(root, select=("DPL203",))
    lines = files["app/views.py"].splitlines()
    flagged = {lines[finding.span.line - 1].rsplit(": ", 1)[-1] for finding in report.findings}
    assert flagged == broken
