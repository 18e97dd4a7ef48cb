"""The JSON report: a contract other tools and our own tests read (../shared/design.md)."""

from __future__ import annotations

import json

from django_protolint import __version__
from django_protolint.findings import Finding
from django_protolint.output.projects import projects_records
from django_protolint.rules import load_rules
from django_protolint.runner import Report


def _fix_record(finding: Finding) -> dict[str, object] | None:
    fix = finding.fix
    if fix is None:
        return None
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        # The whole fix, applicable on its own (ruff's shape): ordered, non-overlapping, import edits included.
        "edits": [
            {"content": edit.content, "location": {"row": edit.line, "column": edit.column + 1},
             "end_location": {"row": edit.end_line, "column": edit.end_column + 1}}
            for edit in fix.all_edits
        ],
        "imports": list(fix.imports),  # kept for readers of 0.x reports; the edits above already add them
    }  # fmt: skip


def finding_record(finding: Finding) -> dict[str, object]:
    rules = load_rules()
    rule = rules.get(finding.code)
    return {
        "code": finding.code,
        "slug": rule.slug if rule else None,
        "severity": finding.severity,
        "path": finding.path,
        "line": finding.span.line,
        "column": finding.span.column + 1,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column + 1,
        "message": finding.message,
        "help": finding.help or None,
        "fix": _fix_record(finding),
        "url": rule.url if rule else None,
    }


def render(report: Report, color: bool) -> str:
    document = {
        "version": __version__,
        "findings": [finding_record(finding) for finding in report.findings],
        "projects": projects_records(report.model),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
