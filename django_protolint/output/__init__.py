"""Output formats. Only this layer turns 0-based columns into the 1-based columns users and editors count.

Formatters are imported when one is used: the command line needs only their names to parse `--format`, and a
warm run that reuses a rendered report needs none of them (their imports were half of its start-up).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_protolint.runner import Report

Formatter = Callable[["Report", bool], str]

_FORMATTERS: dict[str, tuple[str, str]] = {  # name -> (module in this package, function)
    "full": ("full", "render"),
    "concise": ("concise", "render"),
    "json": ("json_format", "render"),
    "json-lines": ("ci", "render_json_lines"),
    "sarif": ("ci", "render_sarif"),
    "github": ("ci", "render_github"),
    "gitlab": ("ci", "render_gitlab"),
    "junit": ("ci", "render_junit"),
    "pylint": ("ci", "render_pylint"),
}


class _Formats(Mapping[str, Formatter]):
    def __getitem__(self, name: str) -> Formatter:
        module, function = _FORMATTERS[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), function)

    def __iter__(self) -> Iterator[str]:
        return iter(_FORMATTERS)

    def __len__(self) -> int:
        return len(_FORMATTERS)


FORMATS: Mapping[str, Formatter] = _Formats()
