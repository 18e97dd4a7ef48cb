"""Where the test run sets DJANGO_ALLOW_ASYNC_UNSAFE (project/async_unsafe.py): the rules that claim
SynchronousOnlyOperation stay silent in the test code it covers, and only there. Ground truth for the value:
tests/test_ground_truth_async_unsafe.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.project.settings import SettingsModule, SettingsReference
from django_protolint.runner import lint
from tests.helpers import write_project

ASYNC_TEST = """
from app.models import Article


async def test_article():
    return Article.objects.get(pk=1)
"""
ASYNC_VIEW = """
from app.models import Article


async def article(request):
    return Article.objects.get(pk=1)
"""
SETDEFAULT = 'import os\n\nos.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")\n'


def reported(tmp_path: Path, files: dict[str, str]) -> set[str]:
    base = {"app/__init__.py": "", "app/models.py": ""}
    root = write_project(tmp_path / "project", base | files)
    report = lint([root], Config(select=("DPL1",)), cwd=root)
    return {finding.path for finding in report.findings}


@pytest.mark.parametrize(
    "conftest",
    [
        pytest.param(SETDEFAULT, id="os.environ.setdefault"),
        pytest.param('import os\n\nos.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"\n', id="os.environ item"),
        pytest.param('import os\n\nos.environ.update({"DJANGO_ALLOW_ASYNC_UNSAFE": "1"})\n', id="update with dict"),
        pytest.param('from os import environ\n\nenviron.update(DJANGO_ALLOW_ASYNC_UNSAFE="yes")\n', id="update kw"),
        pytest.param(
            'import os\n\nos.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "false")\n',
            id="false is a non-empty value: Django's guard is off",
        ),  # fmt: skip
    ],
)
def test_a_conftest_that_sets_the_variable_covers_the_tests_below_it(tmp_path, conftest):
    files = {"tests/conftest.py": conftest, "tests/ws/test_ws.py": ASYNC_TEST, "app/views.py": ASYNC_VIEW}
    assert reported(tmp_path, files) == {"app/views.py"}


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"tests/ws/conftest.py": SETDEFAULT, "tests/api/test_api.py": ASYNC_TEST}, id="sibling dir"),
        pytest.param(
            {"tests/conftest.py": SETDEFAULT.replace('"true"', '""'), "tests/test_api.py": ASYNC_TEST},
            id="empty value keeps the guard",
        ),  # fmt: skip
        pytest.param({"tests/helpers.py": SETDEFAULT, "tests/test_api.py": ASYNC_TEST}, id="not a conftest"),
        pytest.param(
            {
                "tests/conftest.py": "import pytest\n\n@pytest.fixture(autouse=True)\ndef unsafe(monkeypatch):\n"
                '    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")\n',
                "tests/test_api.py": ASYNC_TEST,
            },
            id="monkeypatch is not followed",
        ),  # fmt: skip
        pytest.param({"conftest.py": SETDEFAULT, "app/views.py": ASYNC_VIEW}, id="application code under a conftest"),
        pytest.param({"proj/settings.py": SETDEFAULT, "app/views.py": ASYNC_VIEW}, id="settings module"),
    ],
)
def test_the_guard_stays_where_nothing_the_test_run_loads_sets_it(tmp_path, files):
    expected = {path for path in files if path.endswith(("test_api.py", "views.py"))}
    assert reported(tmp_path, files) == expected


@pytest.mark.parametrize(
    ("name", "text", "silenced"),
    [
        ("pytest.ini", "[pytest]\nenv =\n    DJANGO_ALLOW_ASYNC_UNSAFE=true\n", True),
        ("tox.ini", "[pytest]\nenv =\n    D:DJANGO_ALLOW_ASYNC_UNSAFE = 1\n", True),
        ("setup.cfg", "[tool:pytest]\nenv =\n    DJANGO_ALLOW_ASYNC_UNSAFE=\n", False),
        ("pyproject.toml", '[tool.pytest.ini_options]\nenv = ["DJANGO_ALLOW_ASYNC_UNSAFE=true"]\n', True),
        ("pyproject.toml", '[tool.pytest.ini_options]\nenv = ["OTHER=DJANGO_ALLOW_ASYNC_UNSAFE"]\n', False),
        ("pyproject.toml", "[tool.pytest.ini_options\nbroken", False),
    ],
)
def test_pytest_env_covers_the_test_code_below_its_file(tmp_path, name, text, silenced):
    files = {name: text, "tests/test_api.py": ASYNC_TEST, "app/views.py": ASYNC_VIEW}
    assert reported(tmp_path, files) == ({"app/views.py"} if silenced else {"app/views.py", "tests/test_api.py"})


@pytest.mark.parametrize(
    ("module", "source", "only_tests"),
    [
        ("proj.settings.test", "manage.py", True),
        ("proj.settings.testing", ".env", True),
        ("proj.settings.test_ci", "manage.py", True),
        ("proj.test_settings", "manage.py", True),
        ("proj.settings", "pytest", True),
        ("proj.settings.production", "manage.py", False),
        ("proj.settings", "asgi.py", False),
        ("proj.tests", "manage.py", False),  # a module named tests outside a settings package says nothing
        ("proj.settings.contest", "manage.py", False),
    ],
)
def test_test_settings_by_name_or_by_pytest(module, source, only_tests):
    settings = SettingsModule(SettingsReference(module, ".", source, "manage.py", 1), None, None)
    assert settings.runs_only_tests is only_tests
