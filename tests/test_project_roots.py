"""Where the Django project is: which directory it runs from, so which names its modules have.

`python manage.py` puts manage.py's directory first on sys.path, so a project is rooted there and its modules are
named from there, wherever manage.py sits (tests/, example/, sandbox/, src/, apps/, backend/) and even when that
directory is itself a package. Each shape from the wild comes with a near-miss that must keep today's answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run

MANAGE = """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
SETTINGS = 'INSTALLED_APPS = ["django.contrib.auth"]\nROOT_URLCONF = "{package}.urls"\n'
URLS = 'from django.urls import path\n\nfrom . import views\n\nurlpatterns = [path("", views.home)]\n'
VIEWS = "import asyncio\n\n\nasync def home(request):\n    await asyncio.sleep(1)\n"
ASGI = (
    'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "{package}.settings")\n\n'
    "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n"
)


def write(root: Path, files: dict[str, str]) -> Path:
    """Exactly these files (no `__init__.py` added: whether a directory is a package is the point here)."""
    for relative, body in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    return root


def django_package(where: str, package: str, asgi: bool = True) -> dict[str, str]:
    """`<where>/<package>/`: the package `startproject` makes, with one async view routed."""
    prefix = f"{where}/{package}" if where else package
    files = {
        f"{prefix}/__init__.py": "",
        f"{prefix}/settings.py": SETTINGS.format(package=package),
        f"{prefix}/urls.py": URLS,
        f"{prefix}/views.py": VIEWS,
    }
    if asgi:
        files[f"{prefix}/asgi.py"] = ASGI.format(package=package)
    files[f"{prefix}/wsgi.py"] = ASGI.format(package=package).replace("asgi", "wsgi")
    return files


def projects(root: Path) -> dict[str, tuple[str | None, str | None]]:
    """root -> (primary settings module, the file it was found in)."""
    return {
        project.root: (
            project.primary.reference.module if project.primary else None,
            project.primary.facts.path if project.primary and project.primary.facts else None,
        )
        for project in run(root).model.django_projects
    }


# ---------------------------------------------------------------------------------------------------- purpose


@pytest.mark.parametrize(
    ("where", "kind"),
    [
        ("tests", "test"),
        ("tests/fixtures/proj", "test"),
        ("testproject", "test"),
        ("example", "example"),
        ("examples/basic", "example"),
        ("sandbox", "example"),
        ("demo", "example"),
        ("devproject", "example"),  # Misago's development harness
        ("backend", "application"),  # near-misses: where applications live
        ("src", "application"),
        ("testimonials", "application"),  # a word that merely starts like one
    ],
)
def test_purpose_of_the_project_from_where_it_lives(tmp_path, where, kind):
    files = {f"{where}/manage.py": MANAGE.format(settings="site.settings"), **django_package(where, "site")}
    root = write(tmp_path / "repo", files)
    [project] = run(root).model.django_projects
    assert project.purpose.kind == kind
    assert bool(project.purpose.evidence) == (kind != "application")


def test_purpose_from_the_settings_module_of_a_top_level_manage_py(tmp_path):
    # A reusable app's ./manage.py that runs `tests.settings`: rooted at the top, a test project all the same.
    files = {"manage.py": MANAGE.format(settings="tests.settings"), **django_package("", "tests")}
    root = write(tmp_path / "repo", files)
    [project] = run(root).model.django_projects
    assert (project.root, project.purpose.kind) == (".", "test")
    assert project.purpose.evidence == "its settings module tests/settings.py lives under tests/"
