"""Ground truth for DJANGO_ALLOW_ASYNC_UNSAFE (project/async_unsafe.py), on Django 4.2, 5.2 and 6.1.

Django's guard raises SynchronousOnlyOperation `if not os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")`
(django/utils/asyncio.py, unchanged since 3.0): a sync query on a running event loop runs when the variable holds any
non-empty value, "false" and "0" included, and raises when it is unset or empty. A real Django says so
(tests/ground_truth/run_async_unsafe.py), and the linter must agree: DPL101 in an async test under a conftest.py that
sets the value exactly when Django raises.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.runner import lint
from tests.django_versions import python_for, releases
from tests.helpers import write_project

SCRIPT = Path(__file__).parent / "ground_truth" / "run_async_unsafe.py"
VALUES = (None, "true", "1", "false", "0", "")  # None: the variable is not set

TEST_MODULE = """
from app.models import Article


async def test_article_signal():
    return Article.objects.get(pk=1)
"""


def _django_outcomes(python: str) -> dict[str | None, str]:
    completed = subprocess.run(
        [python, str(SCRIPT), json.dumps(list(VALUES))], capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return dict(zip(VALUES, json.loads(completed.stdout.strip().splitlines()[-1])))


def _linter_reports(value: str | None, tmp_path: Path) -> bool:
    files = {"app/__init__.py": "", "app/models.py": "", "tests/ws/test_signals.py": TEST_MODULE}
    if value is not None:
        files["tests/ws/conftest.py"] = f'import os\n\nos.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "{value}")\n'
    root = write_project(tmp_path / f"project-{value}", files)
    report = lint([root], Config(select=("DPL101",)), cwd=root)
    return any(finding.code == "DPL101" for finding in report.findings)


@pytest.mark.parametrize("series", releases())
def test_the_variable_turns_the_guard_off_and_the_linter_agrees(series, tmp_path):
    outcomes = _django_outcomes(python_for(series))
    assert outcomes == {None: "SynchronousOnlyOperation", "true": "ran", "1": "ran", "false": "ran", "0": "ran",
                        "": "SynchronousOnlyOperation"}  # fmt: skip
    for value, outcome in outcomes.items():
        assert _linter_reports(value, tmp_path) == (outcome == "SynchronousOnlyOperation"), value
