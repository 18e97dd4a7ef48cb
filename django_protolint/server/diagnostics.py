"""Findings and the protocol-fit verdict as LSP diagnostics; the verdict also as a message.

One text for a rule everywhere (ruff's way): the diagnostic's `codeDescription` is the rule's `url`, the same
link the JSON and SARIF outputs carry, and hover shows `rule_markdown`, what `django-protolint rule CODE` prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lsprotocol import types

from django_protolint.output.verdict import summary_lines
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Finding, Rule
from django_protolint.server.positions import Lines

SOURCE = "django-protolint"
VERDICT_CODE = "protocol-fit"
SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
# A verdict is a summary of findings made elsewhere (DPL5xx sit on the same line at their own severity): it says
# where the project stands, quietly when all is well.
VERDICT_SEVERITIES = {
    "fit": types.DiagnosticSeverity.Hint,
    "unknown": types.DiagnosticSeverity.Information,
    "suboptimal": types.DiagnosticSeverity.Information,
    "mismatch": types.DiagnosticSeverity.Warning,
}
VERDICT_MESSAGE_TYPES = {
    "fit": types.MessageType.Info,
    "unknown": types.MessageType.Info,
    "suboptimal": types.MessageType.Warning,
    "mismatch": types.MessageType.Error,
}


def finding_diagnostic(finding: Finding, lines: Lines, rules: dict[str, Rule]) -> types.Diagnostic:
    span = finding.span
    start = lines.position(span.line, span.column)
    end = lines.position(span.end_line, span.end_column)
    if (end.line, end.character) <= (start.line, start.character):
        # An empty span (a whole file, a deployment line) would be invisible in most editors: the rest of the line.
        end = types.Position(start.line, max(start.character, lines.units(lines.line_text(start.line))))
    rule = rules.get(finding.code)
    return types.Diagnostic(
        range=types.Range(start, end),
        message=finding.message + (f"\n{finding.help}" if finding.help else ""),
        severity=SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=rule.url) if rule is not None else None,
        source=SOURCE,
    )


def verdict_diagnostics(
    model: ProjectModel, lines_of: Callable[[str], Lines]
) -> Iterator[tuple[str, types.Diagnostic]]:
    """(path, diagnostic) on each production server's line, for each project a verdict speaks about."""
    for project in model.django_projects:
        verdict = model.verdicts[project.root]
        if not project.settings and verdict.needs == "wsgi" and not verdict.servers:
            continue  # as `check`: no Django project in sight and nothing async (output/verdict.summary_lines)
        text = verdict.summary
        if verdict.recommendation:
            note = f" ({verdict.recommendation_note})" if verdict.recommendation_note else ""
            text += f"\n→ serve it with `{verdict.recommendation}`{note}"
        for deployment in verdict.servers:
            lines = lines_of(deployment.path)
            row = lines.line_text(deployment.line - 1)
            indent = len(row) - len(row.lstrip())
            span = types.Range(lines.position(deployment.line, indent), lines.position(deployment.line, len(row)))
            diagnostic = types.Diagnostic(
                range=span,
                message=text,
                severity=VERDICT_SEVERITIES.get(verdict.fit, types.DiagnosticSeverity.Information),
                code=VERDICT_CODE,
                source=SOURCE,
            )
            yield deployment.path, diagnostic


def verdict_message(model: ProjectModel) -> tuple[str, types.MessageType] | None:
    """The verdict line `check` prints under its findings, and how loud to say it (the worst project's fit)."""
    text = "\n".join(summary_lines(model, color=False))
    if not text:
        return None
    order = ("mismatch", "suboptimal", "unknown", "fit")
    fits = [model.verdicts[project.root].fit for project in model.django_projects]
    worst = min(fits, key=lambda fit: order.index(fit) if fit in order else len(order), default="unknown")
    return f"django-protolint: {text}", VERDICT_MESSAGE_TYPES.get(worst, types.MessageType.Info)
