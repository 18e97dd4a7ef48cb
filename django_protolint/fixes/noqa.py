"""`check --add-noqa`: a `# noqa: CODES` on each Python line with findings, the baseline for adopting the linter on a
codebase with old findings (ruff's `--add-noqa`).

A line is changed only when the result is the same program: the new text must parse to the same syntax tree
(a comment added inside a multi-line string would change the string), and its `# noqa` must cover the finding.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from django_protolint.findings import Finding
from django_protolint.source.facts import FILE_PROBLEM_CODES
from django_protolint.source.noqa import is_suppressed, read_noqa

_ABOUT_DIRECTIVES = frozenset({"DPL004", "DPL005"})


@dataclass
class Added:
    count: int = 0
    skipped: list[str] = field(default_factory=list)


def add_noqa_comments(findings: tuple[Finding, ...], cwd: Path) -> Added:
    added = Added()
    by_path: dict[str, dict[int, list[Finding]]] = {}
    for finding in findings:
        if not can_carry_noqa(finding):
            # A file that could not be analysed: a directive would hide that. A stale or mistyped directive is
            # mended (`--fix`), not suppressed by another.
            continue
        if not finding.path.endswith(".py"):
            added.skipped.append(f"{finding.path}:{finding.span.line}: {finding.code} is not in a Python file; "
                                 "add `# noqa: CODE` there by hand if its format allows comments")  # fmt: skip
            continue
        by_path.setdefault(finding.path, {}).setdefault(finding.span.line, []).append(finding)
    for path, lines in sorted(by_path.items()):
        file = cwd / path
        try:
            with open(file, encoding="utf-8", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            added.skipped.append(f"{path}: cannot read it as UTF-8 ({error}); nothing added")
            continue
        changed = text
        for line, on_line in sorted(lines.items()):
            attempt = with_noqa(changed, line, on_line)
            if attempt is not None:
                changed = attempt
                added.count += 1
            else:
                added.skipped.append(f"{path}:{line}: a comment cannot go at the end of this line (inside a "
                                     "string?); nothing added")  # fmt: skip
        if changed != text:
            with open(file, "w", encoding="utf-8", newline="") as handle:
                handle.write(changed)
    return added


def can_carry_noqa(finding: Finding) -> bool:
    """A finding `# noqa` may silence: not a file the analysis could not read, nor a directive's own problem."""
    return finding.code not in FILE_PROBLEM_CODES and finding.code not in _ABOUT_DIRECTIVES


def with_noqa(text: str, line: int, findings: list[Finding]) -> str | None:
    """`text` with a `# noqa` for these findings on `line` (merged into one already there), or None when a comment
    there would change the program or not cover them (the line ends inside a string)."""
    attempt = _with_directive(text, line, sorted({finding.code for finding in findings}))
    if attempt is not None and _same_program(text, attempt) and _covered(attempt, findings):
        return attempt
    return None


def _with_directive(text: str, line: int, codes: list[str]) -> str | None:
    rows = text.splitlines(keepends=True)
    if not 0 < line <= len(rows):
        return None
    row = rows[line - 1]
    body = row.rstrip("\r\n")
    ending = row[len(body) :]
    existing = [directive for directive in read_noqa(text)[1] if directive.line == line and not directive.file_level]
    if existing:
        directive = existing[0]
        merged = list(dict.fromkeys([*directive.codes, *codes]))
        body = body[: directive.column] + "# noqa: " + ", ".join(merged) + body[directive.end_column :]
    else:
        body = body.rstrip() + "  # noqa: " + ", ".join(codes)
    rows[line - 1] = body + ending
    return "".join(rows)


def _same_program(before: str, after: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.dump(ast.parse(before)) == ast.dump(ast.parse(after))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _covered(text: str, findings: list[Finding]) -> bool:
    noqa = read_noqa(text)[0]
    return all(is_suppressed(noqa, range(f.span.line, f.span.end_line + 1), f.code) for f in findings)
