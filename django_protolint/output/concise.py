"""`path:line:col: CODE message` — flake8's and ruff's shape, which editors and problem matchers read."""

from __future__ import annotations

from collections import Counter

import click

from django_protolint.output.verdict import summary_lines
from django_protolint.rules.base import Finding
from django_protolint.runner import Report


def location(finding: Finding) -> str:
    return f"{finding.path}:{finding.span.line}:{finding.span.column + 1}"


def line(finding: Finding, color: bool) -> str:
    code = click.style(finding.code, fg="red", bold=True) if color else finding.code
    where = click.style(location(finding), bold=True) if color else location(finding)
    fixable = " [*]" if finding.fix is not None and finding.fix.applicability == "safe" else ""
    return f"{where}: {code}{fixable} {finding.message}"


def summary(report: Report) -> str:
    count = len(report.findings)
    if not count:
        return "All checks passed!"
    fixable = sum(1 for f in report.findings if f.fix is not None and f.fix.applicability == "safe")
    hint = f"\n[*] {fixable} fixable with the `--fix` option." if fixable else ""
    return f"Found {count} problem{'s' if count != 1 else ''}.{hint}"


def render(report: Report, color: bool) -> str:
    lines = [line(finding, color) for finding in report.findings]
    lines.extend(summary_lines(report.model, color))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def statistics(report: Report) -> str:
    counts = Counter(finding.code for finding in report.findings)
    width = max((len(str(n)) for n in counts.values()), default=1)
    slugs = {finding.code: finding for finding in report.findings}
    from django_protolint.rules import load_rules

    rules = load_rules()
    return "".join(
        f"{count:>{width}}\t{code}\t{rules[code].slug if code in rules else slugs[code].code}\n"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )
