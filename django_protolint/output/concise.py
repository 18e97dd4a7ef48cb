"""`path:line:col: CODE message` — flake8's and ruff's shape, which editors and problem matchers read."""

from __future__ import annotations

from collections import Counter

import click

from django_protolint.findings import Finding
from django_protolint.output.verdict import summary_lines
from django_protolint.runner import Report

SEVERITY_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


def location(finding: Finding) -> str:
    return f"{finding.path}:{finding.span.line}:{finding.span.column + 1}"


def severity_label(severity: str, color: bool) -> str:
    return click.style(severity, fg=SEVERITY_COLORS.get(severity), bold=True) if color else severity


def line(finding: Finding, color: bool) -> str:
    """`path:line:col: CODE [*] severity: message`: the code stays where flake8-style problem matchers read it, the
    severity follows it as in compilers' `error:`/`warning:` lines."""
    color_name = SEVERITY_COLORS.get(finding.severity, "red")
    code = click.style(finding.code, fg=color_name, bold=True) if color else finding.code
    where = click.style(location(finding), bold=True) if color else location(finding)
    fixable = " [*]" if finding.fix is not None and finding.fix.applicability == "safe" else ""
    return f"{where}: {code}{fixable} {severity_label(finding.severity, color)}: {finding.message}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def summary(report: Report) -> str:
    count = len(report.findings)
    if not count:
        return "All checks passed!"
    counts = Counter(finding.severity for finding in report.findings)
    parts = ", ".join(_plural(counts[severity], severity) if severity != "info" else f"{counts[severity]} info"
                      for severity in ("error", "warning", "info") if counts[severity])  # fmt: skip
    fixable = sum(1 for f in report.findings if f.fix is not None and f.fix.applicability == "safe")
    hidden = sum(1 for f in report.findings if f.fix is not None and f.fix.applicability == "unsafe")
    # ruff's wording: an unsafe fix is there, but `--fix` alone leaves it (the rule's *Fix safety* says why).
    fixes = "hidden fix" if hidden == 1 else "hidden fixes"
    also = f" ({hidden} {fixes} can be enabled with the `--unsafe-fixes` option)" if hidden else ""
    if fixable:
        hint = f"\n[*] {fixable} fixable with the `--fix` option{also}."
    else:
        hint = f"\nNo fixes available{also}." if hidden else ""
    return f"Found {_plural(count, 'problem')} ({parts}).{hint}"


def render(report: Report, color: bool) -> str:
    lines = [line(finding, color) for finding in report.findings]
    lines.extend(summary_lines(report.model, color))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def available_fixes(report: Report) -> str:
    """`--show-fixes` without `--fix`: each finding's fix, and whether `--fix` applies it alone."""
    fixable = [finding for finding in report.findings if finding.fix is not None]
    if not fixable:
        return "No fixes available.\n"
    lines = ["Fixes available:"]
    for finding in fixable:
        assert finding.fix is not None
        how = "--fix" if finding.fix.applicability == "safe" else "--unsafe-fixes"
        lines.append(f"  {location(finding)}: {finding.code} {finding.fix.message} ({how})")
    return "\n".join(lines) + "\n"
