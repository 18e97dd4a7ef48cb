"""The pre-commit hooks: the manifest validated by pre-commit itself, and the hook run for real, offline.

`pre-commit try-repo` installs the hook the way users get it (a virtualenv, `pip install .` of this repository)
and runs it in a throw-away git repository holding a small Django project. To work from a clean clone and
without committing here, the hook repository is a snapshot: this checkout's tracked and untracked (not ignored)
files, copied to a temporary git repository and committed there. To work offline, pip installs from a wheelhouse
filled once per session (`pip download` of the build backend and the dependencies named in pyproject.toml, with
this machine's ordinary pip configuration), then pre-commit runs with `PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1
PIP_FIND_LINKS=<wheelhouse> PRE_COMMIT_HOME=<tmp>`. Conventions: ../shared/conventions.md §1.

Each hook installation takes ~10 s; the three installations below keep this file near 30 s.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from django_protolint.config import load_toml_text
from django_protolint.project.dependencies import DEPENDENCY_FILE
from django_protolint.project.deploy.formats import reader_for

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / ".pre-commit-hooks.yaml"
HOOK_IDS = ("django-protolint", "django-protolint-staged", "django-protolint-report")
WHOLE_PROJECT_HOOKS = ("django-protolint", "django-protolint-report")

GIT_ENV = {
    # A private, predictable git: no global hooks, signing or templates from the machine's configuration.
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def load_manifest() -> list[dict]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in load_manifest()}


# The manifest, without running pre-commit's install.


def test_the_manifest_is_a_list_of_our_hooks():
    manifest = load_manifest()
    assert isinstance(manifest, list)
    assert tuple(hook["id"] for hook in manifest) == HOOK_IDS
    main, verdict = hooks()["django-protolint"], hooks()["django-protolint-report"]
    assert main["entry"] == "django-protolint check"
    assert verdict["entry"] == "django-protolint report"
    staged = hooks()["django-protolint-staged"]
    assert staged["entry"] == "django-protolint check --report-only"
    assert staged["pass_filenames"] is True  # the staged files say which findings to show, not what to read
    assert staged["files"] == main["files"]
    for hook in manifest:
        assert hook["language"] == "python"
        # The whole project, once: findings span files (see the comment in the manifest).
        if hook["id"] in WHOLE_PROJECT_HOOKS:
            assert hook["pass_filenames"] is False
        assert hook["always_run"] is False
        assert hook["require_serial"] is True
        assert hook["minimum_pre_commit_version"] == "2.9.2"
        # Filters are ANDed: a `types`/`types_or` filter would drop Procfile (no identify tag) despite `files`.
        assert "types" not in hook and "types_or" not in hook


def test_pre_commit_validates_the_manifest():
    pytest.importorskip("pre_commit")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


# Names of every kind of file the linter reads (deployment readers, dependency files), and some it does not.
READ = [
    "manage.py", "blog/views.py", "stubs/views.pyi", "Procfile", "Procfile.web", "Dockerfile", "docker/Dockerfile.prod",
    "Containerfile", "web.dockerfile", "compose.yaml", "docker-compose.prod.yml", "render.yaml", "app.yaml",
    "fly.toml", "heroku.yml", "k8s/deployment.yaml", "deploy/helm/values.yaml", "bin/start.sh", "entrypoint",
    "docker-entrypoint", "Makefile", "etc/gunicorn.service", "uwsgi.ini", "supervisord.conf", "package.json",
    "requirements.txt", "requirements-dev.in", "requirements/prod.txt", "pyproject.toml", "setup.cfg", "Pipfile",
    "tox.ini", "poetry.lock", "uv.lock", "uwsgi.yaml", "deploy/uwsgi-prod.yml", "uwsgi.xml", "uwsgi.json",
    "unit.json", "deploy/nginx-unit.json", "config/config.json", "docker-entrypoint.d/web.json", "app.json",
    "apache/site.conf", "etc/apache2/sites-available/shop", "public/.htaccess",
]  # fmt: skip
NOT_READ = ["README.md", "docs/index.rst", "notes.txt", ".github/workflows/ci.yml", "static/app.js", "logo.png",
            "pom.xml", "tsconfig.json", "community.json", "sites-available/README.md"]  # fmt: skip


@pytest.mark.parametrize("hook_id", HOOK_IDS)
def test_the_files_regex_covers_every_file_the_linter_reads(hook_id):
    pattern = re.compile(hooks()[hook_id]["files"])  # pre-commit compiles it with `re` and calls `search`
    for name in READ:
        assert pattern.search(name), name
    for name in NOT_READ:
        assert not pattern.search(name), name
    # The list above keeps up with the linter: every name it reads there is one the linter does read (or a lock
    # file, read to trigger the hook for a dependency change).
    for name in READ:
        assert name.endswith((".py", ".pyi", ".lock")) or reader_for(name) or DEPENDENCY_FILE.search(name), name


# The hook, installed and run by pre-commit.


def _run(arguments: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 300):
    return subprocess.run(arguments, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _git(cwd: Path, *arguments: str) -> str:
    # `-c`: also for a git older than 2.32, which ignores GIT_CONFIG_GLOBAL.
    result = _run(["git", "-c", "commit.gpgsign=false", *arguments], cwd, env={**os.environ, **GIT_ENV}, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """The build backend and the runtime dependencies, as files: what `pip install .` needs offline."""
    pytest.importorskip("pre_commit")
    data = load_toml_text((REPO / "pyproject.toml").read_text(encoding="utf-8")) or {}
    requirements = [*data["build-system"]["requires"], "wheel", *data["project"]["dependencies"]]
    directory = tmp_path_factory.mktemp("wheelhouse")
    result = _run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(directory), *requirements],
                  REPO, timeout=300)  # fmt: skip
    if result.returncode != 0:
        pytest.skip(f"cannot fill a wheelhouse (no package index reachable?): {result.stderr.strip()[-500:]}")
    return directory


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory) -> tuple[Path, str]:
    """A committed snapshot of this checkout, so try-repo sees uncommitted work and new files too."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: cannot list the repository's files")
    listed = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    snapshot = tmp_path_factory.mktemp("hook-repository")
    for relative in filter(None, listed.split("\0")):
        source = REPO / relative
        if source.is_file():  # a tracked file deleted in the working tree is not part of the snapshot
            target = snapshot / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(snapshot, "init", "--quiet")
    _git(snapshot, "add", "--all")
    _git(snapshot, "commit", "--quiet", "--no-verify", "--message", "snapshot")
    return snapshot, _git(snapshot, "rev-parse", "HEAD").strip()


def precommit_env(wheelhouse: Path, home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PIP_", "PRE_COMMIT"))}
    env.update(GIT_ENV)
    env.update(
        PIP_CONFIG_FILE=os.devnull,  # the machine's pip configuration (extra indexes, constraints) stays out
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PRE_COMMIT_HOME=str(home / "pre-commit-home"),
        VIRTUALENV_NO_PERIODIC_UPDATE="1",
        DJANGO_PROTOLINT_CACHE_DIR=str(home / "facts-cache"),
        NO_COLOR="1",
    )
    return env


SETTINGS = """\
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "not-a-secret"
INSTALLED_APPS = ["django.contrib.contenttypes", "blog"]
ROOT_URLCONF = "mysite.urls"
"""

URLS = """\
from django.urls import path

from blog import views

urlpatterns = [path("", views.index)]
"""

MANAGE = """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""

# DPL110 on line 8: `time.sleep()` inside an async view.
BLOCKING_VIEW = """\
import asyncio
import time

from django.http import HttpResponse


async def index(request):
    time.sleep(1)
    await asyncio.sleep(0)
    return HttpResponse("ok")
"""

GOOD_VIEW = """\
import asyncio

from django.http import HttpResponse


async def index(request):
    await asyncio.sleep(1)
    return HttpResponse("ok")
"""


def make_project(root: Path, view: str) -> Path:
    files = {
        "manage.py": MANAGE,
        "mysite/__init__.py": "",
        "mysite/settings.py": SETTINGS,
        "mysite/urls.py": URLS,
        "blog/__init__.py": "",
        "blog/views.py": view,
        "README.md": "# A site\n",
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _git(root, "init", "--quiet")
    _git(root, "add", "--all")
    return root


def try_repo(project: Path, hook_repository: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repository), "django-protolint",
         "--all-files", "--verbose", "--color", "never"],
        project, env,
    )  # fmt: skip


def test_try_repo_fails_on_a_blocking_call_in_an_async_view(tmp_path, wheelhouse, hook_repository):
    project = make_project(tmp_path / "project", BLOCKING_VIEW)
    result = try_repo(project, hook_repository[0], precommit_env(wheelhouse, tmp_path))
    text = result.stdout + result.stderr
    assert result.returncode == 1, text
    assert re.search(r"^django-protolint\.+Failed$", text, re.MULTILINE), text
    assert "blog/views.py:8:5: DPL110" in text
    assert "Found 1 problem (1 warning)." in text


def test_try_repo_passes_on_a_good_project(tmp_path, wheelhouse, hook_repository):
    project = make_project(tmp_path / "project", GOOD_VIEW)
    result = try_repo(project, hook_repository[0], precommit_env(wheelhouse, tmp_path))
    text = result.stdout + result.stderr
    assert result.returncode == 0, text
    assert re.search(r"^django-protolint\.+Passed$", text, re.MULTILINE), text


def test_the_readme_configuration_lints_the_whole_project_when_a_deployment_file_changes(
    tmp_path, wheelhouse, hook_repository
):
    repository, rev = hook_repository
    project = make_project(tmp_path / "project", GOOD_VIEW)
    # The README's snippet, pointed at the snapshot (both hooks share one installed environment).
    hook_ids = "".join(f"      - id: {hook_id}\n" for hook_id in WHOLE_PROJECT_HOOKS)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repository}\n    rev: {rev}\n    hooks:\n{hook_ids}", encoding="utf-8"
    )
    _git(project, "add", "--all")
    _git(project, "commit", "--quiet", "--no-verify", "--message", "a good project")
    env = precommit_env(wheelhouse, tmp_path)
    run = [sys.executable, "-m", "pre_commit", "run", "--color", "never"]

    # A commit that touches no file the linter reads does not run it.
    (project / "README.md").write_text("# A site, documented\n", encoding="utf-8")
    _git(project, "add", "README.md")
    skipped = _run(run, project, env)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    for name in ("django-protolint", "django-protolint protocol-fit verdict"):
        assert re.search(rf"^{name}\.+\(no files to check\)Skipped$", skipped.stdout, re.MULTILINE), skipped.stdout

    # A Procfile alone is staged: the hook runs on the whole project, and the finding is in the Procfile.
    (project / "Procfile").write_text("web: python manage.py runserver 0.0.0.0:$PORT\n", encoding="utf-8")
    _git(project, "add", "Procfile")
    failed = _run(run, project, env)
    text = failed.stdout + failed.stderr
    assert failed.returncode == 1, text
    assert "Procfile:1:1: DPL503" in text
    # The verdict hook: async views served by runserver's WSGI is a suboptimal fit, and it shows its evidence.
    assert re.search(r"^django-protolint protocol-fit verdict\.+Failed$", text, re.MULTILINE), text
    assert "Protocol fit: SUBOPTIMAL" in text


def test_the_staged_files_hook_judges_a_commit_by_the_files_it_touches(tmp_path, wheelhouse, hook_repository):
    repository, rev = hook_repository
    project = make_project(tmp_path / "project", BLOCKING_VIEW)  # an old finding in blog/views.py
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repository}\n    rev: {rev}\n    hooks:\n      - id: django-protolint-staged\n",
        encoding="utf-8",
    )
    _git(project, "add", "--all")
    _git(project, "commit", "--quiet", "--no-verify", "--message", "a project with a finding")
    env = precommit_env(wheelhouse, tmp_path)
    run = [sys.executable, "-m", "pre_commit", "run", "--color", "never"]

    # A new, clean module is staged: the old finding elsewhere does not fail the commit.
    (project / "blog" / "feeds.py").write_text("FEED_SIZE = 20\n", encoding="utf-8")
    _git(project, "add", "blog/feeds.py")
    passed = _run(run, project, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^django-protolint \(staged files\)\.+Passed$", passed.stdout, re.MULTILINE), passed.stdout
    _git(project, "commit", "--quiet", "--no-verify", "--message", "feeds")

    # The view itself is staged: its finding is the commit's.
    with (project / "blog" / "views.py").open("a", encoding="utf-8") as view:
        view.write("\n\nasync def about(request):\n    return HttpResponse('about')\n")
    _git(project, "add", "blog/views.py")
    failed = _run(run, project, env)
    text = failed.stdout + failed.stderr
    assert failed.returncode == 1, text
    assert "blog/views.py:8:5: DPL110" in text
