"""Real Django releases beside the one the suite installs, for ground truth that depends on the version.

A version-gated claim ("`aadd` since 4.2", "`staff_member_required` keeps a view async from 5.1") is checked on each
release it speaks about: at least the oldest release the knowledge covers, the 5.2 LTS the suite installs, and the
newest release. Each release gets a virtualenv of its own, made once and reused (under
`$DJANGO_PROTOLINT_GT_VENVS`, default `~/.cache/django-protolint/ground-truth`), with an interpreter that release
supports: Django 6.x needs Python 3.12 or newer, which is looked for on PATH and among pyenv's versions.

Ground-truth scripts run there as subprocesses: they import only Django (and the extras asked for), never the
linter. When a release cannot be provisioned (no suitable Python, no package index), `python_for` skips the test
and says why, so a machine without Python 3.12 still runs the rest of the suite.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# The releases a version-gated claim is checked on by default (see the module docstring).
OLDEST = "4.2"
LTS = "5.2"
NEWEST = "6.1"
RELEASES = (OLDEST, LTS, NEWEST)

# The oldest Python each release series runs on that we may pick (Django's own `python_requires`).
_MINIMUM_PYTHON = {"4.2": (3, 8), "5.0": (3, 10), "5.1": (3, 10), "5.2": (3, 10), "6.0": (3, 12), "6.1": (3, 12)}
# And the newest it supports: Django 4.2 does not support 3.13 (docs/faq/install.txt of each release).
_MAXIMUM_PYTHON = {"4.2": (3, 12), "5.0": (3, 12), "5.1": (3, 13), "5.2": (3, 13)}


def _home() -> Path:
    configured = os.environ.get("DJANGO_PROTOLINT_GT_VENVS")
    return Path(configured) if configured else Path.home() / ".cache" / "django-protolint" / "ground-truth"


def _version_of(python: str) -> tuple[int, int] | None:
    try:
        completed = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    major, minor = completed.stdout.split()
    return int(major), int(minor)


def _candidate_pythons() -> list[str]:
    found = [sys.executable]
    for name in ("python3.10", "python3.11", "python3.12", "python3.13"):
        if path := shutil.which(name):
            found.append(path)
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    found.extend(sorted(glob.glob(os.path.join(pyenv_root, "versions", "3.1[0-9]*", "bin", "python3"))))
    return list(dict.fromkeys(found))


def interpreter_for(series: str) -> str | None:
    """An interpreter that `series` supports, preferring the one running the suite."""
    low = _MINIMUM_PYTHON.get(series, (3, 10))
    high = _MAXIMUM_PYTHON.get(series, (3, 99))
    for python in _candidate_pythons():
        version = _version_of(python)
        if version is not None and low <= version <= high:
            return python
    return None


def python_for(series: str, extras: tuple[str, ...] = ()) -> str:
    """The python of a virtualenv holding the newest `series` release (`Django~=series.0`) and `extras`.

    Made on first use and reused; skips the calling test, with the reason, when it cannot be made."""
    key = hashlib.sha256(" ".join(sorted(extras)).encode()).hexdigest()[:8] if extras else "plain"
    home = _home()
    venv = home / f"django-{series}-{key}"
    python = venv / "bin" / "python"
    ready = venv / ".ready"
    if ready.exists() and python.exists():
        return str(python)
    interpreter = interpreter_for(series)
    if interpreter is None:
        pytest.skip(f"Django {series} needs a Python in {_MINIMUM_PYTHON.get(series)}+ that this machine lacks")
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as lock:  # two pytest processes must not build the same venv at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready.exists() and python.exists():
            return str(python)
        shutil.rmtree(venv, ignore_errors=True)
        steps = [
            [interpreter, "-m", "venv", str(venv)],
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"Django~={series}.0",
             *extras],
        ]  # fmt: skip
        for step in steps:
            completed = subprocess.run(step, capture_output=True, text=True, timeout=600)
            if completed.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                pytest.skip(f"could not provision Django {series}: {completed.stderr.strip().splitlines()[-1:]}")
        ready.write_text(installed_django(str(python)), encoding="utf-8")
    return str(python)


def installed_django(python: str) -> str:
    completed = subprocess.run(
        [python, "-c", "import django; print(django.get_version())"], capture_output=True, text=True, timeout=60
    )
    return completed.stdout.strip()


def releases(*series: str) -> list[pytest.param]:
    """`pytest.mark.parametrize` values, one per release series, with readable ids."""
    return [pytest.param(name, id=f"django-{name}") for name in (series or RELEASES)]
