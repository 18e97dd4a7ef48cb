"""The optional Django app: `manage.py check` runs the linter and reports findings as system-check messages.

Each case writes a small Django project to a temporary directory, with `django_protolint.contrib.django` in
INSTALLED_APPS, and runs `python manage.py check ...` for real in a subprocess (cwd = the project, so paths print
relative to it). Django itself decides the exit code from the messages' levels: errors give 1, warnings give 0
unless `--fail-level WARNING`, SILENCED_SYSTEM_CHECKS drops ids. Conventions: ../shared/conventions.md §7.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from django_protolint.rules.base import Finding
from django_protolint.source.facts import Span

pytest.importorskip("django")

REPO = Path(__file__).resolve().parents[1]

MANAGE = """\
#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""

SETTINGS = """\
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "not-a-secret"
DEBUG = True
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "blog",
    "django_protolint.contrib.django",
]
MIDDLEWARE = []
ROOT_URLCONF = "mysite.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
"""

URLS = """\
from django.urls import path

from blog import views

urlpatterns = [path("", views.index)]
"""

MODELS = """\
from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=100)
"""

# Line 10, column 12 (1-based): `Post.objects.get(pk=1)`.
SYNC_ORM_IN_ASYNC = """\
import asyncio

from django.http import HttpResponse

from blog.models import Post


async def index(request):
    await asyncio.sleep(0)
    post = Post.objects.get(pk=1)
    return HttpResponse(post.title)
"""

CLEAN = """\
from django.http import HttpResponse

from blog.models import Post


async def index(request):
    post = await Post.objects.aget(pk=1)
    return HttpResponse(post.title)
"""

# A warning only (DPL110 at line 8): the view awaits, so nothing else is reported.
SLEEP_IN_ASYNC = """\
import asyncio
import time

from django.http import HttpResponse


async def index(request):
    time.sleep(0.1)
    await asyncio.sleep(0)
    return HttpResponse("ok")
"""

# A management command: Django runs every registered (non-deploy) check before it.
HELLO_COMMAND = """\
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def handle(self, *args, **options):
        self.stdout.write("hello from the command")
"""


def make_site(root: Path, views: str, settings_extra: str = "", files: dict[str, str] | None = None) -> Path:
    project = {
        "manage.py": MANAGE,
        "mysite/__init__.py": "",
        "mysite/settings.py": SETTINGS + settings_extra,
        "mysite/urls.py": URLS,
        "blog/__init__.py": "",
        "blog/models.py": MODELS,
        "blog/views.py": views,
        **(files or {}),
    }
    for relative, text in project.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def manage(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
    env["PYTHONPATH"] = os.pathsep.join([str(project), str(REPO)])
    env["NO_COLOR"] = "1"
    env["DJANGO_COLORS"] = "nocolor"
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def test_an_error_fails_the_check_with_our_id_and_location(tmp_path):
    project = make_site(tmp_path, SYNC_ORM_IN_ASYNC)
    result = manage(project, "check", "--tag", "protolint")
    text = output(result)
    assert result.returncode == 1, text
    assert "blog/views.py:10:12: (protolint.E101) `Post.objects.get()` runs a database query" in text
    assert "HINT: Django raises SynchronousOnlyOperation. Use `await Post.objects.aget(...)`" in text
    assert "(django-protolint rule DPL101)" in text


def test_a_clean_project_passes(tmp_path):
    project = make_site(tmp_path, CLEAN)
    result = manage(project, "check", "--tag", "protolint")
    assert result.returncode == 0, output(result)
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_warnings_pass_unless_the_fail_level_is_warning(tmp_path):
    project = make_site(tmp_path, SLEEP_IN_ASYNC)
    result = manage(project, "check", "--tag", "protolint")
    assert result.returncode == 0, output(result)
    assert "blog/views.py:8:5: (protolint.W110) `time.sleep()` blocks the event loop" in output(result)
    strict = manage(project, "check", "--tag", "protolint", "--fail-level", "WARNING")
    assert strict.returncode == 1, output(strict)
    assert "(protolint.W110)" in output(strict)


def test_silenced_system_checks_silence_our_ids(tmp_path):
    project = make_site(tmp_path, SYNC_ORM_IN_ASYNC, 'SILENCED_SYSTEM_CHECKS = ["protolint.E101"]\n')
    result = manage(project, "check", "--tag", "protolint")
    assert result.returncode == 0, output(result)
    assert "protolint.E101" not in output(result)
    assert "(1 silenced)" in result.stdout


def test_serving_findings_need_deploy(tmp_path):
    procfile = {"Procfile": "web: python manage.py runserver 0.0.0.0:$PORT\n"}
    project = make_site(tmp_path, CLEAN, files=procfile)
    code_only = manage(project, "check", "--tag", "protolint")
    assert code_only.returncode == 0, output(code_only)
    assert "protolint.E503" not in output(code_only)
    deploy = manage(project, "check", "--deploy", "--tag", "protolint")
    assert deploy.returncode == 1, output(deploy)
    assert "Procfile:1:1: (protolint.E503)" in output(deploy)


def test_app_labels_restrict_findings_to_those_apps(tmp_path):
    project = make_site(tmp_path, SYNC_ORM_IN_ASYNC)
    # The check runs for the named apps only: our own app has no findings in its directory.
    result = manage(project, "check", "--tag", "protolint", "protolint")
    assert result.returncode == 0, output(result)
    assert "protolint.E101" not in output(result)
    assert manage(project, "check", "--tag", "protolint", "blog").returncode == 1


def test_other_commands_are_not_blocked_by_findings(tmp_path):
    # Django runs registered checks before most commands and refuses to run them on an error; a lint finding
    # must not stop a migration or a cron job, so the lint runs only under `check`.
    project = make_site(tmp_path, SYNC_ORM_IN_ASYNC, files={"blog/management/commands/hello.py": HELLO_COMMAND})
    for package in ("blog/management", "blog/management/commands"):
        (project / package / "__init__.py").write_text("", encoding="utf-8")
    result = manage(project, "hello")
    assert result.returncode == 0, output(result)
    assert "hello from the command" in result.stdout
    assert "protolint" not in output(result)


def test_one_analysis_per_check_command_and_none_outside_it(tmp_path):
    project = make_site(tmp_path, SYNC_ORM_IN_ASYNC, files={"Procfile": "web: python manage.py runserver\n"})
    script = textwrap.dedent(
        """
        import django
        django.setup()
        import django_protolint.runner as runner
        from django.core.checks import run_checks
        from django.core.management import call_command
        from django.core.management.base import SystemCheckError

        calls = []
        real_lint = runner.lint
        runner.lint = lambda *args, **kwargs: calls.append(1) or real_lint(*args, **kwargs)
        for _ in range(2):
            try:
                call_command("check", "--deploy", "--tag", "protolint")
            except SystemCheckError as error:
                print("ids", sorted(set(word for word in str(error).split() if word.startswith("(protolint."))))
        print("lints", len(calls))
        print("outside", run_checks(tags=["protolint"]), len(calls))
        """
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(PYTHONPATH=os.pathsep.join([str(project), str(REPO)]), DJANGO_SETTINGS_MODULE="mysite.settings")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    ids = "ids ['(protolint.E101)', '(protolint.E503)', '(protolint.W502)']"
    # `check --deploy` runs both checks: one analysis serves them. Outside `check`, the code check stays silent.
    assert result.stdout.splitlines() == [ids, ids, "lints 2", "outside [] 2"]


def test_a_configuration_error_is_one_critical_message(tmp_path):
    broken = {"pyproject.toml": '[tool.django-protolint]\nselect = ["NOPE999"]\n'}
    project = make_site(tmp_path, CLEAN, files=broken)
    result = manage(project, "check", "--tag", "protolint")
    assert result.returncode == 1, output(result)
    assert "(protolint.C001) django-protolint configuration:" in output(result)


def test_the_pyproject_configuration_applies(tmp_path):
    ignoring = {"pyproject.toml": '[tool.django-protolint]\nignore = ["DPL101"]\n'}
    project = make_site(tmp_path, SYNC_ORM_IN_ASYNC, files=ignoring)
    result = manage(project, "check", "--tag", "protolint")
    assert result.returncode == 0, output(result)
    assert "protolint.E101" not in output(result)


def test_the_linter_core_never_imports_django(tmp_path):
    project = make_site(tmp_path, SYNC_ORM_IN_ASYNC)
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        import django_protolint.cli, django_protolint.output
        from django_protolint.config import Config
        from django_protolint.runner import lint
        from django_protolint.output import FORMATS
        report = lint([Path({str(project)!r})], Config())
        assert report.findings
        for render in FORMATS.values():
            render(report, False)
        loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
        assert not loaded, loaded
        """
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr


# Message mapping, without a project.


def _finding(code: str, severity: str, message: str, help: str = "") -> Finding:
    return Finding(code, severity, "app/views.py", Span(3, 4, 3, 20), message, help)


@pytest.mark.parametrize(
    ("code", "severity", "expected_id", "level"),
    [("DPL101", "error", "protolint.E101", 40), ("DPL110", "warning", "protolint.W110", 30),
     ("DPL202", "info", "protolint.I202", 20), ("DPL001", "error", "protolint.E001", 40)],
)  # fmt: skip
def test_ids_and_levels_follow_code_and_severity(code, severity, expected_id, level):
    from django_protolint.contrib.django.checks import to_message

    message = to_message(_finding(code, severity, "short message", "do this instead"))
    assert (message.id, message.level, message.obj) == (expected_id, level, "app/views.py:3:5")
    assert message.msg == "short message"
    assert message.hint == f"Do this instead. (django-protolint rule {code})"


def test_a_long_message_keeps_what_and_moves_why_to_the_hint():
    from django_protolint.contrib.django.checks import split_message

    long = (
        "`Feed.objects.get()` runs a database query inside async function `refresh_feed`: "
        "Django raises SynchronousOnlyOperation"
    )
    assert split_message(long) == (
        "`Feed.objects.get()` runs a database query inside async function `refresh_feed`",
        "Django raises SynchronousOnlyOperation",
    )
    # Colons inside backticks or brackets do not split; a message without a top-level `: ` stays whole.
    colons = "Procfile line is not `name: command` (see `web: gunicorn`): not a `name: command` line, padded out"
    assert split_message(colons)[0] == "Procfile line is not `name: command` (see `web: gunicorn`)"
    whole = "served by gunicorn sync (WSGI); 2 async view(s) await I/O and gain no concurrency under WSGI"
    assert split_message(whole) == (whole, "")
