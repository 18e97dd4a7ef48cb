"""Which findings the user sees: rule selection, per-file ignores and `# noqa`. Filters see only findings."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Iterator

from django_protolint.config import Config, ConfigError
from django_protolint.rules.base import Finding
from django_protolint.source.facts import FileFacts
from django_protolint.source.noqa import is_suppressed


def validate_selectors(selectors: Iterable[str], known_codes: Iterable[str], origin: str) -> None:
    codes = list(known_codes)
    for selector in selectors:
        if selector == "ALL":
            continue
        if not any(code.startswith(selector.upper()) for code in codes):
            raise ConfigError(f"{origin}: unknown rule selector `{selector}` (see `django-protolint rules`)")


def selection(config: Config) -> Callable[[str], bool]:
    """ruff's order: the select set (default: everything), plus extend-select, minus ignore (longest prefix wins)."""
    select = config.select if config.select is not None else ("ALL",)
    chosen = tuple(s.upper() for s in (*select, *config.extend_select))
    ignored = tuple(s.upper() for s in config.ignore)

    def specificity(code: str, selectors: tuple[str, ...]) -> int:
        return max((0 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)), default=-1)

    def is_selected(code: str) -> bool:
        selected = specificity(code, chosen)
        return selected >= 0 and selected > specificity(code, ignored)

    return is_selected


def _per_file_ignored(path: str, per_file_ignores: dict[str, tuple[str, ...]], code: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    for pattern, codes in per_file_ignores.items():
        negated = pattern.startswith("!")
        pattern = pattern[1:] if negated else pattern
        matches = fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(name, pattern) or path.startswith(pattern.rstrip("/") + "/")
        if matches != negated and any(code.startswith(c.upper()) or c == "ALL" for c in codes):
            return True
    return False


def filter_findings(findings: Iterable[Finding], config: Config, files: dict[str, FileFacts]) -> Iterator[Finding]:
    is_selected = selection(config)
    for finding in findings:
        if not is_selected(finding.code):
            continue
        if config.per_file_ignores and _per_file_ignored(finding.path, config.per_file_ignores, finding.code):
            continue
        facts = files.get(finding.path)
        if facts is not None and facts.noqa:
            lines = range(finding.span.line, finding.span.end_line + 1)
            if is_suppressed(facts.noqa, lines, finding.code):
                continue
        yield finding
