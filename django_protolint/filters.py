"""Which findings the user sees: rule selection, per-file ignores and `# noqa`. Filters see only findings."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Iterator

from django_protolint.config import Config, ConfigError, SelectionLayer
from django_protolint.findings import Finding
from django_protolint.source.facts import FILE_PROBLEM_CODES, FileFacts
from django_protolint.source.noqa import is_suppressed


def validate_selectors(selectors: Iterable[str], known_codes: Iterable[str], origin: str) -> None:
    codes = list(known_codes)
    for selector in selectors:
        if selector == "ALL":
            continue
        if not any(code.startswith(selector.upper()) for code in codes):
            raise ConfigError(f"{origin}: unknown rule selector `{selector}` (see `django-protolint rules`)")


def _specificity(code: str, selectors: tuple[str, ...]) -> int:
    return max((0 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)), default=-1)


def _layer_decision(code: str, chosen: tuple[str, ...], ignored: tuple[str, ...]) -> bool | None:
    """Within one layer the longest matching prefix wins; None when the layer names nothing that matches."""
    selected, dropped = _specificity(code, chosen), _specificity(code, ignored)
    if selected < 0 and dropped < 0:
        return None
    return selected > dropped


def selection(config: Config) -> Callable[[str], bool]:
    """ruff's order: the select set (default: everything), plus extend-select, minus ignore (longest prefix wins);
    then each command-line layer on top of that."""
    base = SelectionLayer(config.select if config.select is not None else ("ALL",), config.extend_select, config.ignore)
    layers = [
        (layer.select is not None, _upper((*(layer.select or ()), *layer.extend_select)), _upper(layer.ignore))
        for layer in (base, *config.overrides)
    ]

    def is_selected(code: str) -> bool:
        selected = False
        for starts_afresh, chosen, ignored in layers:
            if starts_afresh:
                selected = False
            decision = _layer_decision(code, chosen, ignored)
            if decision is not None:
                selected = decision
        return selected

    return is_selected


def _upper(selectors: Iterable[str]) -> tuple[str, ...]:
    return tuple(s.upper() for s in selectors)


def _per_file_ignored(path: str, per_file_ignores: dict[str, tuple[str, ...]], code: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    for pattern, codes in per_file_ignores.items():
        negated = pattern.startswith("!")
        pattern = pattern[1:] if negated else pattern
        matches = (
            fnmatch.fnmatch(path, pattern)
            or fnmatch.fnmatch(name, pattern)
            or path.startswith(pattern.rstrip("/") + "/")
        )
        if matches != negated and any(code.startswith(c.upper()) or c == "ALL" for c in codes):
            return True
    return False


def filter_findings(
    findings: Iterable[Finding],
    config: Config,
    files: dict[str, FileFacts],
    anchored: dict[str, str] | None = None,  # shown path -> path relative to the configuration's directory
) -> Iterator[Finding]:
    is_selected = selection(config)
    anchored = anchored or {}
    for finding in findings:
        if not is_selected(finding.code):
            continue
        path = anchored.get(finding.path, finding.path)
        if config.per_file_ignores and _per_file_ignored(path, config.per_file_ignores, finding.code):
            continue
        facts = files.get(finding.path)
        if facts is not None and facts.noqa:
            lines = range(finding.span.line, finding.span.end_line + 1)
            # A bare `# noqa` written for a rule must not hide that the whole file went unanalysed.
            blanket = finding.code not in FILE_PROBLEM_CODES
            if is_suppressed(facts.noqa, lines, finding.code, blanket=blanket):
                continue
        yield finding
