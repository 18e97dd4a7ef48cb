"""Django system checks that run the linter on the project Django is running.

The analysis is the command line's: `lint([root], <the nearest pyproject.toml's configuration>)`, where root is
the `PROTOLINT_ROOT` setting, else `BASE_DIR`, else the directory of `manage.py` (or of the settings module's
top-level package). It reads files and imports nothing of the project (Django has already done that).

- `check_code` (tags `protolint`, `async_support`): every finding except the serving ones (DPL5xx).
- `check_deployment` (tag `protolint`, `deploy=True`, so only `check --deploy`): the serving findings.
So `manage.py check --deploy --tag protolint` reports exactly what `django-protolint check <root>` reports.

Each finding becomes an `Error`, `Warning` or `Info` (by its severity) with id `protolint.<E|W|I><number>`
(DPL101 -> `protolint.E101`, DPL110 -> `protolint.W110`), `obj` = `path:line:column` (1-based, as the CLI
prints it) and the fix advice as the hint. A configuration error is `protolint.C001`, a crash of the linter
`protolint.C002`.

The code check runs only inside the `check` management command (`manage.py check`, `call_command("check")`, and
Django's test runner, which calls it). Django runs registered checks before `runserver`, `migrate`, `shell`
and most other commands, and refuses to run them on an error: a lint finding must not block a migration.
"""

from __future__ import annotations

import os
import sys
import traceback
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import checks

from django_protolint.config import Config, ConfigError, find_pyproject, load_config

if TYPE_CHECKING:  # the engine (the parser pass, the rules) loads when a check runs, not in every command's `ready()`
    from django_protolint.findings import Finding
    from django_protolint.runner import Report

ROOT_SETTING = "PROTOLINT_ROOT"
DEPLOYMENT_PREFIX = "DPL5"  # the serving rules: deployment files against what the code needs
LEVELS = {"error": (checks.Error, "E"), "warning": (checks.Warning, "W"), "info": (checks.Info, "I")}
SHORT = 80  # Django asks for messages under 80 characters

# One analysis per `check` command, shared by both checks (`check --deploy` runs them one after the other).
_reports: weakref.WeakKeyDictionary[object, tuple[Path, Report]] = weakref.WeakKeyDictionary()


def check_code(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    command = _check_command()
    if command is None:
        return []
    return _messages(command, app_configs, deployment=False)


def check_deployment(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    # Deployment checks run only with `check --deploy`: no gate needed.
    return _messages(_check_command(), app_configs, deployment=True)


def _check_command() -> object | None:
    """The `check` management command we run under, found on the call stack, or None."""
    from django.core.management.commands.check import Command

    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Command):
            return candidate
        frame = frame.f_back
    return None


def _messages(command: object | None, app_configs: Sequence[Any] | None, deployment: bool) -> list[checks.CheckMessage]:
    try:
        cwd, report = _report(command)
    except ConfigError as error:
        return [checks.Critical(f"django-protolint configuration: {error}", id="protolint.C001")]
    except Exception as error:  # noqa: BLE001 - one message, never a traceback that stops every other check
        frames = traceback.extract_tb(error.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        return [
            checks.Critical(
                f"django-protolint failed: {type(error).__name__}: {error}{where}",
                hint="please report it at the django-protolint issue tracker",
                id="protolint.C002",
            )
        ]
    findings = [f for f in report.findings if f.code.startswith(DEPLOYMENT_PREFIX) == deployment]
    if app_configs is not None:
        findings = list(_in_apps(findings, app_configs, cwd))
    return [to_message(finding) for finding in findings]


def _report(command: object | None) -> tuple[Path, Report]:
    if command is not None and command in _reports:
        return _reports[command]
    from django_protolint.cache import FactsCache
    from django_protolint.parallel import default_jobs
    from django_protolint.runner import lint

    root = project_root()
    cwd = Path.cwd()
    pyproject = find_pyproject(root)
    config = load_config(pyproject) if pyproject is not None else Config()
    result = (cwd, lint([root], config, cwd=cwd, cache=FactsCache(), jobs=default_jobs()))
    if command is not None:
        _reports[command] = result
    return result


def project_root() -> Path:
    """`PROTOLINT_ROOT`, else `BASE_DIR`, else the directory of manage.py or of the settings' top package."""
    for name in (ROOT_SETTING, "BASE_DIR"):
        value = getattr(settings, name, None)
        if value:
            return Path(value)
    if sys.argv and Path(sys.argv[0]).name == "manage.py":
        return Path(os.path.abspath(sys.argv[0])).parent
    module = sys.modules.get(getattr(settings, "SETTINGS_MODULE", None) or "")
    module_file = getattr(module, "__file__", None) if module is not None else None
    if module is not None and module_file:
        path = Path(os.path.abspath(module_file))
        if path.name == "__init__.py":
            path = path.parent
        for _ in module.__name__.split("."):
            path = path.parent
        return path
    return Path.cwd()


def _in_apps(findings: Iterable[Finding], app_configs: Sequence[Any], cwd: Path) -> Iterable[Finding]:
    """`manage.py check blog`: only findings in the named apps' directories."""
    directories = [Path(os.path.realpath(app.path)) for app in app_configs]
    for finding in findings:
        path = Path(os.path.realpath(cwd / finding.path))
        if any(path.is_relative_to(directory) for directory in directories):
            yield finding


def check_id(finding: Finding) -> str:
    """DPL101 (an error) -> protolint.E101; the letter follows the severity, as Django's ids do."""
    _, letter = LEVELS.get(finding.severity, LEVELS["error"])
    number = finding.code[3:] if finding.code.startswith("DPL") else finding.code
    return f"protolint.{letter}{number}"


def to_message(finding: Finding) -> checks.CheckMessage:
    level, _ = LEVELS.get(finding.severity, LEVELS["error"])
    msg, reason = split_message(finding.message)
    parts = [_sentence(reason), _sentence(finding.help), f"(django-protolint rule {finding.code})"]
    hint = " ".join(part for part in parts if part)
    obj = f"{finding.path}:{finding.span.line}:{finding.span.column + 1}" if finding.path else None
    return level(msg, hint=hint, obj=obj, id=check_id(finding))


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def split_message(message: str) -> tuple[str, str]:
    """A long `what: consequence` message -> (what, consequence), so the message stays short and the hint says
    why. Splits at the first `: ` outside backticks and brackets; short messages stay whole."""
    if len(message) <= SHORT:
        return message, ""
    depth, in_code = 0, False
    for index, char in enumerate(message):
        if char == "`":
            in_code = not in_code
        elif in_code:
            continue
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif char == ":" and depth == 0 and index > 0 and message[index + 1 : index + 2] == " ":
            return message[:index], message[index + 2 :]
    return message, ""
