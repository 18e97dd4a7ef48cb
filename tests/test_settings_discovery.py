"""Where DJANGO_SETTINGS_MODULE comes from: Python entry points, pytest's configuration, dotenv files."""

from __future__ import annotations

import pytest

from tests.helpers import run, write_project

SETTINGS = 'INSTALLED_APPS = ["app"]\nROOT_URLCONF = "proj.urls"\n'


@pytest.mark.parametrize(
    ("config_file", "body", "source"),
    [
        ("pytest.ini", "[pytest]\nDJANGO_SETTINGS_MODULE = proj.test_settings\n", "pytest"),
        ("setup.cfg", "[tool:pytest]\nDJANGO_SETTINGS_MODULE = proj.test_settings\n", "pytest"),
        ("tox.ini", "[tox]\nenvlist = py311\n\n[pytest]\nDJANGO_SETTINGS_MODULE=proj.test_settings\n", "pytest"),
        ("pyproject.toml", '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "proj.test_settings"\n', "pytest"),
        (".env", "# local\nexport DJANGO_SETTINGS_MODULE='proj.test_settings'\nDEBUG=1\n", ".env"),
    ],
    ids=["pytest.ini", "setup.cfg", "tox.ini", "pyproject", "dotenv"],
)
def test_settings_named_outside_python(tmp_path, config_file, body, source):
    root = write_project(tmp_path / "p", {"proj/test_settings.py": SETTINGS, config_file: body})
    (project,) = run(root).model.django_projects
    assert project.primary is not None and project.primary.reference.module == "proj.test_settings"
    assert project.primary.reference.source == source
    assert project.primary.reference.path == config_file


def test_deployment_entry_point_beats_pytest_settings(tmp_path):
    root = write_project(
        tmp_path / "p",
        {
            "proj/settings.py": SETTINGS,
            "proj/test_settings.py": SETTINGS,
            "proj/wsgi.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
            "pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = proj.test_settings\n",
        },
    )
    (project,) = run(root).model.django_projects
    assert [m.reference.module for m in project.settings] == ["proj.settings", "proj.test_settings"]


def test_commented_out_setting_is_not_evidence(tmp_path):
    root = write_project(
        tmp_path / "p", {"proj/settings.py": SETTINGS, ".env": "# DJANGO_SETTINGS_MODULE=proj.other\n"}
    )
    (project,) = run(root).model.django_projects
    assert project.primary.reference.source == "guessed"
