"""Third-party middleware modes (knowledge/middleware.py) by the releases a project's dependency files allow."""

from __future__ import annotations

import importlib
import importlib.metadata
import textwrap

import pytest
from packaging.version import Version

from django_protolint.knowledge.middleware import TABLE
from django_protolint.project.middleware import third_party
from django_protolint.rules.base import django_project
from tests.helpers import found, run, write_project

WHITENOISE = TABLE["whitenoise.middleware.WhiteNoiseMiddleware"]
TOOLBAR = TABLE["debug_toolbar.middleware.DebugToolbarMiddleware"]
CORS = TABLE["corsheaders.middleware.CorsMiddleware"]


@pytest.mark.parametrize(
    ("row", "files", "mode"),
    [
        pytest.param(WHITENOISE, {"requirements.txt": "whitenoise==6.5.1\n"}, "sync", id="pinned-sync-only"),
        pytest.param(WHITENOISE, {"requirements.txt": "whitenoise>=6\n"}, "unknown", id="open-ended-past-what-we-read"),
        pytest.param(WHITENOISE, {"requirements.txt": "whitenoise\n"}, "unknown", id="named-without-version"),
        pytest.param(WHITENOISE, {}, "unknown", id="not-named"),
        pytest.param(WHITENOISE, {"requirements.txt": "whitenoise>=5,<6.9\n"}, "sync", id="bounded-range"),
        pytest.param(WHITENOISE, {"requirements.txt": "whitenoise==99.0\n"}, "unknown", id="newer-than-read"),
        pytest.param(TOOLBAR, {"requirements.txt": "django-debug-toolbar==4.4.6\n"}, "sync", id="toolbar-before-5"),
        pytest.param(TOOLBAR, {"requirements.txt": "django-debug-toolbar~=4.2\n"}, "sync", id="compatible-release"),
        pytest.param(TOOLBAR, {"requirements.txt": "django-debug-toolbar>=4.0,<6\n"}, "unknown", id="spans-5.0"),
        pytest.param(TOOLBAR, {"requirements.txt": "django-debug-toolbar>=5.0\n"}, "both", id="async-from-5"),
        pytest.param(TOOLBAR, {"requirements.txt": "django-debug-toolbar==1.11\n"}, "both", id="mixin-era"),
        pytest.param(TOOLBAR, {"requirements.txt": "django-debug-toolbar==0.9.4\n"}, "unknown", id="before-read"),
        pytest.param(TOOLBAR, {"requirements.txt": "django-debug-toolbar==4.2.*\n"}, "sync", id="wildcard"),
        pytest.param(CORS, {"requirements.txt": "django-cors-headers==3.13.0\n"}, "both", id="cors-mixin"),
        pytest.param(CORS, {"requirements.txt": "django-cors-headers>=3.0\n"}, "both", id="both-for-two-reasons"),
        pytest.param(
            TOOLBAR,
            {"pyproject.toml": '[tool.poetry.dependencies]\ndjango-debug-toolbar = "^4.1"\n'},
            "sync",
            id="poetry-caret",
        ),
        pytest.param(
            TOOLBAR,
            {"pyproject.toml": '[project]\ndependencies = ["django-debug-toolbar==4.3.0"]\n'},
            "sync",
            id="pep-621",
        ),
        pytest.param(TOOLBAR, {"Pipfile": '[packages]\ndjango-debug-toolbar = "==4.3.0"\n'}, "sync", id="pipfile"),
        pytest.param(
            TOOLBAR,
            {
                "requirements.txt": "django-debug-toolbar==4.4.6\n",
                "requirements-prod.txt": "django-debug-toolbar==5.0.1\n",
            },
            "unknown",
            id="contradicting-pins",
        ),
    ],
)
def test_mode_by_allowed_releases(row, files, mode):
    assert third_party(row, files)[0] == mode


def test_reason_names_what_decides_and_the_pin():
    mode, reason = third_party(WHITENOISE, {"requirements.txt": "whitenoise==6.5.1\n"})
    assert mode == "sync"
    assert reason == "a plain class without `async_capable = True` in `whitenoise==6.5.1` (requirements.txt)"


def test_table_rows_are_well_formed():
    for path, row in TABLE.items():
        assert path == row.dotted_path and path.count(".") >= 2
        starts = [Version(first) for first, _, _ in row.modes]
        assert starts == sorted(starts) and len(set(starts)) == len(starts), path
        assert {mode for _, mode, _ in row.modes} <= {"sync", "both"}, path
        assert Version(row.checked) >= starts[-1], path


INSTALLED = [
    pytest.param(path, id=path)
    for path in (
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "corsheaders.middleware.CorsMiddleware",
        "debug_toolbar.middleware.DebugToolbarMiddleware",
    )
]


@pytest.mark.parametrize("path", INSTALLED)
def test_table_agrees_with_an_installed_package(path):
    """When the package happens to be installed, its real flags must match the table at that release."""
    row = TABLE[path]
    module_name, _, class_name = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except Exception:  # not installed, or needs configured Django settings to import
        pytest.skip(f"{module_name} cannot be imported here")
    version = importlib.metadata.version(row.distribution)
    mode, _ = third_party(row, {"requirements.txt": f"{row.distribution}=={version}\n"})
    if mode == "unknown":
        pytest.skip(f"{row.distribution} {version} is outside the releases the table read")
    factory = getattr(module, class_name)
    real = getattr(factory, "sync_capable", True), getattr(factory, "async_capable", False)
    assert real == ((True, True) if mode == "both" else (True, False))


def _project(requirements: str, middleware: list[str], tmp_path):
    files = django_project(
        "import asyncio\n\nasync def index(request):\n    await asyncio.sleep(0)\n",
        routes=("index",),
        proj__settings_py=f'INSTALLED_APPS = ["app"]\nROOT_URLCONF = "proj.urls"\nMIDDLEWARE = {middleware!r}\n',
    )
    files |= {"requirements.txt": requirements}
    return write_project(tmp_path / "project", {p: textwrap.dedent(b) for p, b in files.items()})


def test_finding_on_the_setting_names_the_middleware_and_the_pin(tmp_path):
    root = _project("whitenoise==6.2.0\n", ["whitenoise.middleware.WhiteNoiseMiddleware"], tmp_path)
    report = run(root, select=("DPL210",))
    assert found(report) == {("proj/settings.py", 3, "DPL210")}
    message = report.findings[0].message
    assert "`whitenoise.middleware.WhiteNoiseMiddleware` is sync-only" in message and "`whitenoise==6.2.0`" in message


def test_dependency_files_of_another_project_do_not_apply(tmp_path):
    root = _project("", ["whitenoise.middleware.WhiteNoiseMiddleware"], tmp_path)
    (root / "docs").mkdir()
    (root / "docs" / "requirements.txt").write_text("whitenoise==6.2.0\n", encoding="utf-8")
    assert found(run(root, select=("DPL210",))) == set()


def test_requirements_directory_applies_to_its_parent(tmp_path):
    root = _project("", ["whitenoise.middleware.WhiteNoiseMiddleware"], tmp_path)
    (root / "requirements").mkdir()
    (root / "requirements" / "production.txt").write_text("whitenoise==6.2.0\n", encoding="utf-8")
    assert found(run(root, select=("DPL210",))) == {("proj/settings.py", 3, "DPL210")}
