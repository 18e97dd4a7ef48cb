"""Where the test run sets DJANGO_ALLOW_ASYNC_UNSAFE, so Django's guard lets sync ORM calls run on the event loop.

Django's `async_unsafe` decorator (on the connection's `connect`, `cursor`, ...) raises SynchronousOnlyOperation only
`if not os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")`, read at call time: any non-empty value, "false" and "0"
included, turns the guard off (django/utils/asyncio.py, the same line in 4.2, 5.2 and 6.1; checked by
tests/test_ground_truth_async_unsafe.py). Test suites set it on purpose so that async tests may call the ORM
directly (baserow's backend/tests/baserow/ws/conftest.py).

Only pytest's own files count, and only for test code: a `conftest.py` setting it (os.environ.setdefault,
`os.environ[...] =`, os.environ.update) covers the test code in its directory and below; pytest-env's `env`
option in pytest.ini, tox.ini, setup.cfg or `[tool.pytest.ini_options]` covers the test code below that file.
Neither runs when the application serves requests, so an async view beside a conftest is still guarded; nor does a
settings module setting it count, since production reads the variable from the process environment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from django_protolint.project.settings import pytest_option
from django_protolint.source.facts import FileFacts

VARIABLE = "DJANGO_ALLOW_ASYNC_UNSAFE"

# pytest's default `python_files` (test_*.py, *_test.py), conftest.py, and anything under a test directory.
_TEST_FILE = re.compile(r"(test_[^/]*|[^/]*_test|conftest)\.py")
_TEST_DIRECTORY = re.compile(r"tests?|testing")
# pytest-env: "NAME=value", optionally flagged "D:" (only when unset) and/or "R:" (no interpolation).
_PYTEST_ENV_ENTRY = re.compile(r"^\s*(?:[DR]:)*\s*([A-Za-z_]\w*)\s*=(.*)$")


class AllowedScope(NamedTuple):
    """Test code under `directory` ("" = the whole tree) runs with the guard off, as `path`:`line` says."""

    directory: str
    path: str
    line: int

    def covers(self, path: str) -> bool:
        return (not self.directory or path.startswith(self.directory + "/")) and is_test_code(path)


def is_test_code(path: str) -> bool:
    *directories, name = path.split("/")
    return bool(_TEST_FILE.fullmatch(name)) or any(_TEST_DIRECTORY.fullmatch(part) for part in directories)


def _directory(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def allowed_scopes(files: Iterable[FileFacts], texts: dict[str, str]) -> tuple[AllowedScope, ...]:
    scopes = []
    for facts in files:
        if facts.path.rsplit("/", 1)[-1] != "conftest.py":
            continue
        for default in facts.environment_defaults:
            if default.name == VARIABLE and default.value:
                scopes.append(AllowedScope(_directory(facts.path), facts.path, default.span.line))
    for path, text in sorted(texts.items()):
        if VARIABLE in text:
            line = _pytest_env_line(path, text)
            if line:
                scopes.append(AllowedScope(_directory(path), path, line))
    return tuple(scopes)


def _pytest_env_line(path: str, text: str) -> int:
    """The line of pytest-env's `env` entry that sets the variable to a non-empty value, or 0."""
    if path.rsplit("/", 1)[-1] not in ("pyproject.toml", "pytest.ini", "tox.ini", "setup.cfg"):
        return 0
    entries = pytest_option(path, text, "env")
    if isinstance(entries, str):
        entries = entries.splitlines()
    if not isinstance(entries, list):
        return 0
    for entry in entries:
        match = _PYTEST_ENV_ENTRY.match(entry) if isinstance(entry, str) else None
        if match and match.group(1) == VARIABLE and match.group(2).strip().strip("'\""):
            return next((number for number, line in enumerate(text.splitlines(), 1) if VARIABLE in line), 1)
    return 0
