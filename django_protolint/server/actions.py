"""Code actions for one document: each finding's fix, "fix all", and `# noqa: CODE` for the line.

A safe fix is the preferred quick fix; an unsafe one (it changes what runs: `await asyncio.sleep()` lets other
tasks run during the pause) is offered too, says so in its title, and is never preferred nor part of "fix all",
as `check --fix` leaves it to `--unsafe-fixes`.

Every edit is made by the machinery `check --fix` and `check --add-noqa` use (fixes/apply.fix_text,
fixes/noqa.with_noqa) on the buffer's text, then sent as the lines that changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from django_protolint.fixes.apply import fix_text
from django_protolint.fixes.noqa import can_carry_noqa, with_noqa
from django_protolint.rules.base import Finding, Fix, Rule
from django_protolint.server.diagnostics import finding_diagnostic
from django_protolint.server.positions import BOM, Lines, text_edits
from django_protolint.source.parse import parses_as_python

FIX_ALL = "source.fixAll.django-protolint"


def _safe_fix(finding: Finding, unsafe: bool = False) -> Fix | None:
    fix = finding.fix
    return fix if fix is not None and fix.edits and (unsafe or fix.applicability == "safe") else None


def fixed_text(text: str, findings: Iterable[Finding], unsafe: bool = False) -> tuple[str, int]:
    """The text with the safe fixes of `findings` (the unsafe ones too with `unsafe`) applied as `--fix` applies
    them, and how many were; the text unchanged when the result would not parse."""
    fixes = [(finding, fix) for finding in findings if (fix := _safe_fix(finding, unsafe)) is not None]
    if not fixes:
        return text, 0
    mark, body = _split_mark(text)
    after, fixed = fix_text(body, fixes)
    if not fixed or after == body or not parses_as_python(after):
        return text, 0
    return mark + after, len(fixed)


def _split_mark(text: str) -> tuple[str, str]:
    """(byte order mark or "", the rest): our positions, as Python's, start after the mark."""
    return (BOM, text[1:]) if text.startswith(BOM) else ("", text)


def _edit(uri: str, before: str, after: str, encoding: str) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: text_edits(before, after, encoding)})


def _overlaps(diagnostic: types.Diagnostic, requested: types.Range) -> bool:
    start, end = diagnostic.range.start, diagnostic.range.end
    return (start.line, start.character) <= (requested.end.line, requested.end.character) and (
        requested.start.line,
        requested.start.character,
    ) <= (end.line, end.character)


def line_actions(uri: str, text: str, findings: Iterable[Finding], requested: types.Range, rules: dict[str, Rule],
                 encoding: str, is_python: bool) -> list[types.CodeAction]:  # fmt: skip
    """A quick fix per fix (the safe ones preferred), then a `# noqa` per finding, for the findings under
    `requested`."""
    lines = Lines.of(text, encoding)
    fixes: list[types.CodeAction] = []
    silences: list[types.CodeAction] = []
    for finding in findings:
        diagnostic = finding_diagnostic(finding, lines, rules)
        if not _overlaps(diagnostic, requested):
            continue
        fix = _safe_fix(finding, unsafe=True)
        after, count = fixed_text(text, [finding], unsafe=True) if fix is not None else (text, 0)
        if fix is not None and count:
            safe = fix.applicability == "safe"
            fixes.append(types.CodeAction(
                title=f"Fix {finding.code}{'' if safe else ' (unsafe)'}: {fix.message}",
                kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                edit=_edit(uri, text, after, encoding), is_preferred=safe,
            ))  # fmt: skip
        if is_python and can_carry_noqa(finding):
            mark, body = _split_mark(text)
            silenced = with_noqa(body, finding.span.line, [finding])
            if silenced is not None:
                silenced = mark + silenced
                silences.append(types.CodeAction(
                    title=f"Ignore {finding.code} on this line (`# noqa: {finding.code}`)",
                    kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                    edit=_edit(uri, text, silenced, encoding),
                ))  # fmt: skip
    return fixes + silences


def fix_all_action(uri: str, text: str, findings: Iterable[Finding], encoding: str) -> types.CodeAction | None:
    after, count = fixed_text(text, findings)
    if not count:
        return None
    return types.CodeAction(
        title=f"django-protolint: fix all ({count} safe fix{'es' if count != 1 else ''})",
        kind=FIX_ALL,
        edit=_edit(uri, text, after, encoding),
    )
