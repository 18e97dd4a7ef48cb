"""The linter reads a project as text: it never imports or runs a module of it. Every module here would leave a
marker file (written directly, by a child process, and by a shell) if it ran."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import write_project

PAYLOAD = """\
import os
import subprocess
import sys

open({direct!r}, "w").close()
subprocess.Popen(["touch", {child!r}])
os.system("touch " + {shell!r})
"""

MODULES = [
    "manage.py",
    "conftest.py",
    "mysite/__init__.py",
    "mysite/settings.py",
    "mysite/urls.py",
    "mysite/asgi.py",
    "mysite/wsgi.py",
    "blog/__init__.py",
    "blog/models.py",
    "blog/views.py",
    "blog/urls.py",
    "blog/apps.py",
    "blog/admin.py",
    "blog/migrations/__init__.py",
    "blog/migrations/0001_initial.py",
    "blog/management/commands/seed.py",
    "blog/templatetags/blog_tags.py",
    "blog/tests.py",
    "setup.py",
]

VIEWS_TAIL = """

import time


async def slow(request):
    time.sleep(1)
"""


def project(tmp_path: Path) -> tuple[Path, Path]:
    markers = tmp_path / "markers"
    markers.mkdir()
    files = {}
    for module in MODULES:
        stem = module.replace("/", "__")
        files[module] = PAYLOAD.format(
            direct=str(markers / f"{stem}.direct"),
            child=str(markers / f"{stem}.child"),
            shell=str(markers / f"{stem}.shell"),
        )
    files["blog/views.py"] += VIEWS_TAIL
    files["requirements.txt"] = "Django>=4.2\n"
    files["pyproject.toml"] = '[project]\nname = "mysite"\ndependencies = ["django>=4.2"]\n'
    root = write_project(tmp_path / "mysite_project", files)
    return root, markers


def command() -> list[str]:
    # The installed entry point, as users run it: `python -m` would put the project on sys.path first.
    script = Path(sys.executable).parent / "django-protolint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "django_protolint"]


def test_linting_runs_no_project_code(tmp_path):
    root, markers = project(tmp_path)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "mysite.settings", "PYTHONPATH": str(root)}
    completed = subprocess.run(
        [*command(), "check", "--format", "concise", "--no-color"],
        cwd=root, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    views = (root / "blog" / "views.py").read_text().splitlines()
    line = views.index("    time.sleep(1)") + 1
    assert f"blog/views.py:{line}:5: DPL110 " in completed.stdout
    # A stray child process would have had time to run while the linter did.
    assert sorted(path.name for path in markers.iterdir()) == []


def test_the_payload_does_leave_markers_when_run(tmp_path):
    """The near miss: the same files, imported for real, do leave every marker (so the test above can fail)."""
    root, markers = project(tmp_path)
    subprocess.run([sys.executable, "blog/models.py"], cwd=root, timeout=60, check=True)
    for _ in range(100):
        if len(list(markers.iterdir())) == 3:
            break
        time.sleep(0.05)
    assert sorted(path.suffix for path in markers.iterdir()) == [".child", ".direct", ".shell"]
