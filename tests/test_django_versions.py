"""The ground-truth releases are the ones they claim to be, on an interpreter each release supports."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.django_versions import python_for, releases


@pytest.mark.parametrize("series", releases())
def test_each_release_venv_runs_that_release(series):
    python = python_for(series)
    completed = subprocess.run(
        [python, "-c", "import django, json, sys; print(json.dumps([django.VERSION[:2], sys.version_info[:2]]))"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    (major, minor), python_version = json.loads(completed.stdout)
    assert f"{major}.{minor}" == series
    if major >= 6:
        assert tuple(python_version) >= (3, 12)  # Django 6 refuses to install on older Pythons
