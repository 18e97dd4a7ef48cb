"""Where the Django project is: which directory it runs from, so which names its modules have.

`python manage.py` puts manage.py's directory first on sys.path, so a project is rooted there and its modules are
named from there, wherever manage.py sits (tests/, example/, sandbox/, src/, apps/, backend/) and even when that
directory is itself a package. Each shape from the wild comes with a near-miss that must keep today's answer.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from django_protolint.cache import FactsCache
from django_protolint.config import Config
from django_protolint.runner import lint
from tests.helpers import found, run

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


# ------------------------------------------------------------------------------------------- manage.py's directory


@pytest.mark.parametrize("package_directory", [True, False], ids=["directory-is-a-package", "plain-directory"])
@pytest.mark.parametrize("where", ["tests", "example", "sandbox", "src", "apps", "backend", "tests/fixtures/proj"])
def test_manage_py_in_a_subdirectory_roots_the_project_there(tmp_path, where, package_directory):
    files = {"myapp/__init__.py": "", "myapp/models.py": ""}
    files[f"{where}/manage.py"] = MANAGE.format(settings="site.settings")
    files |= django_package(where, "site")
    if package_directory:
        # arches' tests/fixtures/testing_prj/__init__.py, a reusable app's tests/__init__.py: walking up through
        # packages would name the settings `tests.site.settings`; manage.py runs them as `site.settings`.
        files[f"{where}/__init__.py"] = ""
    root = write(tmp_path / "repo", files)
    assert projects(root) == {where: ("site.settings", f"{where}/site/settings.py")}
    assert found(run(root)) == set()


def test_arches_shape_has_no_missing_settings_module(tmp_path):
    # tests/fixtures/testing_prj/{__init__.py, manage.py, testing_prj/}: the outer directory has the package's name
    # too, so from tests/fixtures `testing_prj.settings` named the outer package's (missing) settings: DPL401.
    where = "tests/fixtures/testing_prj"
    files = {
        f"{where}/__init__.py": "",
        f"{where}/manage.py": MANAGE.format(settings="testing_prj.settings"),
        f"{where}/testing_prj/wsgi.py": 'import os\nos.environ["DJANGO_SETTINGS_MODULE"] = "testing_prj.settings"\n'
        "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
        **django_package(where, "testing_prj", asgi=False),
    }
    root = write(tmp_path / "repo", files)
    report = run(root)
    assert [p.root for p in report.model.django_projects] == [where]
    assert report.model.django_projects[0].primary.facts.path == f"{where}/testing_prj/settings.py"
    assert found(report) == set()


def test_relative_imports_resolve_under_manage_pys_directory(tmp_path):
    # The per-file pass names `from . import views` after the file's module: renamed files are read again.
    where = "tests"
    files = {f"{where}/__init__.py": "", f"{where}/manage.py": MANAGE.format(settings="site.settings")}
    files |= django_package(where, "site")
    root = write(tmp_path / "repo", files)
    [project] = run(root).model.django_projects
    assert sorted(project.views) == ["site.views.home"]
    assert project.asgi_applications[0].module == "site.asgi"


def test_names_under_manage_pys_directory_survive_the_cache(tmp_path):
    # Cold run, then warm: the facts under the new names are cached under those names, and reused.
    where = "tests/fixtures/proj"
    files = {f"{where}/__init__.py": "", f"{where}/manage.py": MANAGE.format(settings="site.settings")}
    files |= django_package(where, "site")
    root = write(tmp_path / "repo", files)
    for _ in range(2):
        report = lint([root], Config(), cwd=root, cache=FactsCache(tmp_path / "cache"))
        [project] = report.model.django_projects
        assert (project.root, sorted(project.views)) == (where, ["site.views.home"])
        assert report.files[f"{where}/site/views.py"].module == "site.views"


def test_stray_manage_py_inside_the_settings_package_changes_nothing(tmp_path):
    # async-views: a copy of manage.py inside mysite/ names `mysite.settings`, which does not resolve from
    # mysite/ itself: the project still runs from the top.
    files = {
        "manage.py": MANAGE.format(settings="mysite.settings"),
        "mysite/manage.py": MANAGE.format(settings="mysite.settings"),
        **django_package("", "mysite"),
    }
    root = write(tmp_path / "repo", files)
    assert projects(root) == {".": ("mysite.settings", "mysite/settings.py")}


def test_package_that_names_its_settings_by_the_long_name_keeps_it(tmp_path):
    # archivebox: archivebox/manage.py (a developer's helper) names `core.settings`, but the package itself sets
    # `archivebox.core.settings` and its code imports `archivebox.*`: it runs from the top.
    files = {
        "pkg/__init__.py": 'import os\n\nos.environ["DJANGO_SETTINGS_MODULE"] = "pkg.core.settings"\n',
        "pkg/manage.py": MANAGE.format(settings="core.settings"),
        "pkg/core/__init__.py": "",
        "pkg/core/settings.py": SETTINGS.format(package="pkg.core"),
        "pkg/core/urls.py": URLS,
        "pkg/core/views.py": VIEWS,
    }
    root = write(tmp_path / "repo", files)
    assert projects(root) == {".": ("pkg.core.settings", "pkg/core/settings.py")}


def test_pytest_naming_the_long_name_keeps_it(tmp_path):
    # The test run imports the project from the top (`tests.site.settings`): both names work, the walk's stays.
    files = {
        "tests/__init__.py": "",
        "tests/manage.py": MANAGE.format(settings="site.settings"),
        "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = tests.site.settings\n",
        **django_package("tests", "site"),
    }
    root = write(tmp_path / "repo", files)
    assert list(projects(root)) == ["."]


def test_other_settings_named_from_the_top_keep_the_walks_names(tmp_path):
    # tests/runtests.py runs `tests.settings` from the top: renaming tests/ for its manage.py would lose it.
    files = {
        "tests/__init__.py": "",
        "tests/manage.py": MANAGE.format(settings="site.settings"),
        "tests/settings.py": SETTINGS.format(package="tests.site"),
        "tests/runtests.py": 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")\n',
        **django_package("tests", "site"),
    }
    root = write(tmp_path / "repo", files)
    report = run(root)
    assert [p.root for p in report.model.django_projects] == ["."]
    assert report.model.django_projects[0].primary.reference.module == "tests.settings"
    assert found(report) == set()


def test_symlinked_manage_py_is_one_project(tmp_path):
    # `./manage.py -> tests/manage.py`: Python puts the link's target directory on sys.path.
    files = {"tests/__init__.py": "", "tests/manage.py": MANAGE.format(settings="site.settings")}
    files |= django_package("tests", "site")
    root = write(tmp_path / "repo", files)
    try:
        os.symlink("tests/manage.py", root / "manage.py")
    except OSError:  # pragma: no cover - no symlinks here
        pytest.skip("cannot create symbolic links")
    assert projects(root) == {"tests": ("site.settings", "tests/site/settings.py")}


def test_settings_package_under_a_package_directory(tmp_path):
    # backend/ is a package, and the settings are a package too: config/settings/{__init__,base,production}.py.
    files = {
        "backend/__init__.py": "",
        "backend/manage.py": MANAGE.format(settings="config.settings.production"),
        "backend/config/__init__.py": "",
        "backend/config/settings/__init__.py": "",
        "backend/config/settings/base.py": SETTINGS.format(package="config"),
        "backend/config/settings/production.py": "from .base import *  # noqa\n\nDEBUG = False\n",
        "backend/config/urls.py": URLS,
        "backend/config/views.py": VIEWS,
    }
    root = write(tmp_path / "repo", files)
    report = run(root)
    [project] = report.model.django_projects
    assert (project.root, project.primary.facts.path) == ("backend", "backend/config/settings/production.py")
    assert project.primary.value("ROOT_URLCONF") == "config.urls"  # through `from .base import *`
    assert sorted(project.views) == ["config.views.home"]


def test_a_second_real_project_stays_a_second_root(tmp_path):
    # Two projects, each with its manage.py in a package directory: each is rooted at its own directory.
    files = {}
    for where in ("blog", "shop"):
        files |= {f"{where}/__init__.py": "", f"{where}/manage.py": MANAGE.format(settings="mysite.settings")}
        files |= django_package(where, "mysite")
    root = write(tmp_path / "repo", files)
    assert projects(root) == {
        "blog": ("mysite.settings", "blog/mysite/settings.py"),
        "shop": ("mysite.settings", "shop/mysite/settings.py"),
    }


# ---------------------------------------------------------------------------------------------------- pytest's settings


EPHIOS = {
    "manage.py": "import os\nimport sys\n\n\ndef main():\n"
    '    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "src"))\n'
    '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ephios.settings")\n',
    **django_package("src", "ephios"),
    "tests/__init__.py": "",
    "tests/settings.py": "from ephios.settings import *  # noqa\n",
    "pyproject.toml": '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "tests.settings"\n'
    'pythonpath = ["src", "."]\n',
}


def test_pytest_settings_beside_a_run_project_is_no_project_of_its_own(tmp_path):
    # ephios: manage.py puts src/ on sys.path and runs ephios.settings; pytest's tests.settings is its test setup.
    root = write(tmp_path / "repo", EPHIOS)
    assert projects(root) == {"src": ("ephios.settings", "src/ephios/settings.py")}


# A reusable app: its package, and pytest's test settings (no manage.py, asgi.py or wsgi.py).
REUSABLE_APP_WITH_PYTEST_SETTINGS = {
    "shelf/__init__.py": "",
    "shelf/views.py": VIEWS,
    "tests/__init__.py": "",
    "tests/settings.py": SETTINGS.format(package="tests"),
    "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = tests.settings\n",
}


def test_pytest_settings_of_a_reusable_app_is_its_only_project(tmp_path):
    # No manage.py, asgi.py or wsgi.py anywhere: the test settings are all there is, and they say so.
    files = REUSABLE_APP_WITH_PYTEST_SETTINGS
    root = write(tmp_path / "repo", files)
    [project] = run(root).model.django_projects
    assert (project.root, project.primary.reference.module) == (".", "tests.settings")
    assert project.purpose.kind == "test"


def test_second_project_named_by_its_own_entry_point_is_kept_beside_pytest(tmp_path):
    # Near-miss: a second root that has its own wsgi.py is a project, pytest or not.
    files = dict(EPHIOS) | {
        "tools/admin/__init__.py": "",
        "tools/admin/settings.py": SETTINGS.format(package="admin"),
        "tools/admin/urls.py": URLS,
        "tools/admin/views.py": VIEWS,
        "tools/admin/wsgi.py": ASGI.format(package="admin").replace("asgi", "wsgi"),
    }
    root = write(tmp_path / "repo", files)
    assert set(projects(root)) == {"src", "tools"}


# ---------------------------------------------------------------------------------------------------- Sphinx's settings


def sphinx_conf(settings: str, sphinx_values: bool = True) -> str:
    """A Sphinx conf.py that sets Django up for autodoc, as argus' and cookiecutter-django's docs/conf.py do."""
    values = 'extensions = ["sphinx.ext.autodoc"]\nhtml_theme = "alabaster"\n' if sphinx_values else ""
    return (
        'import os\nimport sys\n\nimport django\n\nsys.path.insert(0, os.path.abspath("../src"))\n'
        f'os.environ["DJANGO_SETTINGS_MODULE"] = "{settings}"\ndjango.setup()\n\nproject = "Shop"\n{values}'
    )


DOCS_SETTINGS = 'INSTALLED_APPS = ["django.contrib.auth", "shop"]\nSECRET_KEY = "docs"\n'
SRC_PROJECT = {"manage.py": MANAGE.format(settings="shop.settings"), **django_package("src", "shop")}


@pytest.mark.parametrize(
    "conf",
    ["docs/conf.py", "doc/conf.py", "docs/source/conf.py", "documentation/conf.py"],
    ids=["docs", "doc", "split-layout-source", "documentation"],
)
def test_settings_only_sphinx_loads_make_no_project(tmp_path, conf):
    # argus: docs/conf.py sets DJANGO_SETTINGS_MODULE=django_settings, a module beside it, for autodoc.
    directory = conf.rsplit("/", 1)[0]
    files = SRC_PROJECT | {conf: sphinx_conf("django_settings"), f"{directory}/django_settings.py": DOCS_SETTINGS}
    root = write(tmp_path / "repo", files)
    assert projects(root) == {"src": ("shop.settings", "src/shop/settings.py")}
    assert found(run(root)) == set()


def test_a_conf_py_that_sets_sphinx_values_is_documentation_wherever_it_lies(tmp_path):
    # No docs/ directory: `extensions = [...]` and `html_theme` are Sphinx's configuration values.
    files = SRC_PROJECT | {"manual/conf.py": sphinx_conf("django_settings"), "manual/django_settings.py": DOCS_SETTINGS}
    root = write(tmp_path / "repo", files)
    assert set(projects(root)) == {"src"}


def test_sphinx_naming_the_projects_own_settings_changes_nothing(tmp_path):
    # cookiecutter-django, pretalx: docs/conf.py names the project's settings after putting its code on sys.path.
    files = SRC_PROJECT | {"docs/conf.py": sphinx_conf("shop.settings")}
    root = write(tmp_path / "repo", files)
    [project] = run(root).model.django_projects
    assert project.root == "src"
    assert [module.reference.path for module in project.settings] == ["src/shop/asgi.py"]


def test_a_library_documented_with_sphinx_has_no_project_in_its_docs(tmp_path):
    # No manage.py, asgi.py or wsgi.py anywhere: the docs' settings are not guessed into a project either.
    files = {
        "shelf/__init__.py": "",
        "shelf/views.py": VIEWS,
        "docs/conf.py": sphinx_conf("django_settings"),
        "docs/django_settings.py": DOCS_SETTINGS,
    }
    root = write(tmp_path / "repo", files)
    [project] = run(root).model.django_projects
    assert (project.root, project.settings) == (".", [])


def test_a_reusable_apps_test_settings_outrank_its_sphinx_settings(tmp_path):
    # pytest's settings give way to a project that is run; Sphinx's run nothing, so they never displace them.
    files = {
        **REUSABLE_APP_WITH_PYTEST_SETTINGS,
        "docs/conf.py": sphinx_conf("django_settings"),
        "docs/django_settings.py": DOCS_SETTINGS,
    }
    root = write(tmp_path / "repo", files)
    [project] = run(root).model.django_projects
    assert (project.root, project.primary.reference.module, project.purpose.kind) == (".", "tests.settings", "test")


def test_docs_directory_with_its_own_manage_py_stays_a_project(tmp_path):
    # Near-miss: a Django site that lives in docs/ (manage.py, settings, wsgi.py) beside its Sphinx conf.py.
    files = {
        "docs/manage.py": MANAGE.format(settings="docsite.settings"),
        **django_package("docs", "docsite"),
        "docs/conf.py": sphinx_conf("docsite.settings"),
        "docs/index.rst": "Docs\n====\n",
    }
    root = write(tmp_path / "repo", files)
    assert projects(root) == {"docs": ("docsite.settings", "docs/docsite/settings.py")}


def test_a_conf_py_that_is_no_sphinx_configuration_still_names_the_settings(tmp_path):
    # Near-miss: `conf.py` outside a documentation directory and without Sphinx's values is the project's own.
    files = {
        "conf.py": 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n',
        **django_package("", "site", asgi=False),
    }
    files.pop("site/wsgi.py")
    root = write(tmp_path / "repo", files)
    assert projects(root) == {".": ("site.settings", "site/settings.py")}


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
    # The repository's own package sits at the top beside it, as in a reusable app's repository.
    files = {
        f"{where}/manage.py": MANAGE.format(settings="site.settings"),
        **django_package(where, "site"),
        "reusable_app/models.py": "\n",
    }
    root = write(tmp_path / "repo", files)
    [project] = run(root).model.django_projects
    assert project.purpose.kind == kind
    assert bool(project.purpose.evidence) == (kind != "application")


def test_directories_above_the_linted_tree_do_not_make_a_test_project(tmp_path):
    # `django-protolint report tests/shop` from a checkout's parent: `tests/` is the user's directory, not the project's
    files = {"tests/shop/manage.py": MANAGE.format(settings="site.settings"), **django_package("tests/shop", "site")}
    write(tmp_path, files)
    [project] = lint([tmp_path / "tests" / "shop"], Config(), cwd=tmp_path).model.django_projects
    assert project.purpose.kind == "application"


def test_purpose_from_the_settings_module_of_a_top_level_manage_py(tmp_path):
    # A reusable app's ./manage.py that runs `tests.settings`: rooted at the top, a test project all the same.
    files = {"manage.py": MANAGE.format(settings="tests.settings"), **django_package("", "tests")}
    root = write(tmp_path / "repo", files)
    [project] = run(root).model.django_projects
    assert (project.root, project.purpose.kind) == (".", "test")
    assert project.purpose.evidence == "its settings module tests/settings.py lives under tests/"


# ---------------------------------------------------------------------------------------------------- recommendation


def _recommendation(root: Path) -> tuple[str | None, str]:
    [verdict] = run(root).model.verdicts.values()
    return verdict.recommendation, verdict.recommendation_note


def test_recommendation_starts_the_server_in_the_projects_root(tmp_path):
    # openwisp-monitoring: tests/manage.py runs openwisp2.settings. `uvicorn openwisp2.asgi:application` starts
    # only from tests/, and `tests.openwisp2.asgi` not at all (tests/ is no package).
    files = {"tests/manage.py": MANAGE.format(settings="openwisp2.settings"), **django_package("tests", "openwisp2")}
    files["Procfile"] = "web: cd tests && gunicorn openwisp2.wsgi\n"
    root = write(tmp_path / "repo", files)
    command, _ = _recommendation(root)
    assert command == "cd tests && uvicorn openwisp2.asgi:application"


def test_recommendation_at_the_top_needs_no_directory(tmp_path):
    files = {"manage.py": MANAGE.format(settings="site.settings"), **django_package("", "site")}
    files["Procfile"] = "web: gunicorn site.wsgi\n"
    root = write(tmp_path / "repo", files)
    assert _recommendation(root) == ("uvicorn site.asgi:application", "add `uvicorn` to the dependencies")


def test_recommendation_without_asgi_py_says_to_create_it(tmp_path):
    files = {"manage.py": MANAGE.format(settings="site.settings"), **django_package("", "site", asgi=False)}
    files["Procfile"] = "web: gunicorn site.wsgi\n"
    root = write(tmp_path / "repo", files)
    command, note = _recommendation(root)
    assert command == "uvicorn site.asgi:application"
    assert note.startswith("create `site/asgi.py` with `application = get_asgi_application()`")
