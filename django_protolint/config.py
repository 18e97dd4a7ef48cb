"""`[tool.django-protolint]` in the nearest pyproject.toml, merged with command-line options (the CLI wins)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

TABLE = "django-protolint"


class ConfigError(Exception):
    """A configuration problem the user must fix; the CLI prints it and exits 2."""


@dataclass(frozen=True)
class SelectionLayer:
    """Rule selection given on top of the configuration (the command line). As in ruff, a layer's `select` starts
    afresh, and otherwise its `extend-select`/`ignore` win over every earlier layer for the codes they match."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] | None = None  # None: the default selection (every rule)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra_blocking_calls: dict[str, str] = field(default_factory=dict)  # qualname -> what to use instead
    django_version: str | None = None
    server: str | None = None  # "wsgi" or "asgi": declared when the deployment lives elsewhere
    settings: str | None = None  # DJANGO_SETTINGS_MODULE to use, when the code does not say
    source: str | None = None  # the pyproject.toml it came from
    overrides: tuple[SelectionLayer, ...] = ()  # command-line selection, applied after select/extend-select/ignore

    @property
    def root(self) -> Path | None:
        """The pyproject.toml's directory: path patterns in the configuration are relative to it."""
        return Path(os.path.abspath(self.source)).parent if self.source else None

    def merged(self, **overrides: Any) -> Config:
        return replace(self, **{key: value for key, value in overrides.items() if value is not None})


# `--server` takes a protocol or a server name; names map to the protocol they serve Django with.
SERVER_PROTOCOLS = {
    "wsgi": "wsgi", "asgi": "asgi", "gunicorn": "wsgi", "uwsgi": "wsgi", "mod_wsgi": "wsgi", "waitress": "wsgi",
    "uvicorn": "asgi", "daphne": "asgi", "hypercorn": "asgi", "granian": "asgi",
}  # fmt: skip


def parse_server(value: object, origin: str) -> str:
    if not isinstance(value, str) or value.lower() not in SERVER_PROTOCOLS:
        choices = ", ".join(sorted(SERVER_PROTOCOLS))
        raise ConfigError(f"{origin}: `server` must be one of {choices}")
    return SERVER_PROTOCOLS[value.lower()]


def load_toml_text(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None


def find_pyproject(start: Path) -> Path | None:
    try:
        start = start.resolve()
    except (OSError, RuntimeError):  # a symlink loop: its parents are still where to look
        start = Path(os.path.abspath(start))
    for directory in (start, *start.parents) if start.is_dir() else start.parents:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _strings(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"{path}: `{key}` must be a list of strings")


def load_config(pyproject: Path) -> Config:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{pyproject}: cannot read: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{pyproject}: invalid TOML: {error}") from None
    table = data.get("tool", {}).get(TABLE)
    if table is None:
        return Config()
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.{TABLE}] must be a table")
    values: dict[str, Any] = {"source": str(pyproject)}
    for key, value in table.items():
        if key in ("select", "extend-select", "ignore", "exclude", "extend-exclude"):
            values[key.replace("-", "_")] = _strings(value, key, pyproject)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{pyproject}: `per-file-ignores` must be a table of glob = [codes]")
            values["per_file_ignores"] = {glob: _strings(codes, key, pyproject) for glob, codes in value.items()}
        elif key == "extra-blocking-calls":
            if isinstance(value, list):
                value = {name: "" for name in _strings(value, key, pyproject)}
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ConfigError(f"{pyproject}: `extra-blocking-calls` must map qualified names to hints")
            values["extra_blocking_calls"] = dict(value)
        elif key == "django-version":
            # A string only: TOML reads an unquoted 4.10 as the float 4.1, which would silently mean another release.
            if not isinstance(value, str):
                raise ConfigError(f'{pyproject}: `django-version` must be a quoted string such as "4.2"')
            values["django_version"] = value
        elif key == "server":
            values["server"] = parse_server(value, str(pyproject))
        elif key == "settings":
            if not isinstance(value, str) or not value:
                raise ConfigError(f'{pyproject}: `settings` must be a dotted module name such as "proj.settings"')
            values["settings"] = value
        else:
            raise ConfigError(f"{pyproject}: unknown option `{key}` in [tool.{TABLE}]")
    return Config(**values)
