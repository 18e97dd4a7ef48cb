"""Output formats. Only this layer turns 0-based columns into the 1-based columns users and editors count."""

from __future__ import annotations

from collections.abc import Callable

from django_protolint.output import ci, concise, full, json_format
from django_protolint.runner import Report

Formatter = Callable[[Report, bool], str]

FORMATS: dict[str, Formatter] = {
    "full": full.render,
    "concise": concise.render,
    "json": json_format.render,
    "json-lines": ci.render_json_lines,
    "sarif": ci.render_sarif,
    "github": ci.render_github,
    "gitlab": ci.render_gitlab,
    "junit": ci.render_junit,
    "pylint": ci.render_pylint,
}
