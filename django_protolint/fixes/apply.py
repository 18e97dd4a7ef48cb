"""Apply the fixes findings carry: in reverse position order, skipping any fix that overlaps one already taken,
adding the imports they need once, and writing a file only if the result still parses."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django_protolint.findings import Edit, Finding, Fix, ReleasedImport
from django_protolint.source.parse import parses_as_python

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the parser's line breaks (str.splitlines also splits on \f, \v, ...)
_BOM = "\ufeff"


@dataclass
class FileChange:
    path: str
    before: str
    after: str
    fixed: list[Finding] = field(default_factory=list)

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                fromfile=f"a/{self.path}", tofile=f"b/{self.path}",
            )
        )  # fmt: skip


@dataclass
class FixOutcome:
    changes: list[FileChange] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # files left alone, with why

    @property
    def fixed_count(self) -> int:
        return sum(len(change.fixed) for change in self.changes)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for match in _LINE_BREAK.finditer(text):
        starts.append(match.end())
    return starts


def _offset(starts: list[int], line: int, column: int) -> int:
    return starts[line - 1] + column if 0 < line <= len(starts) else starts[-1]


def _line_offset(starts: list[int], line: int, text: str) -> int:
    """Where `line` starts; past the last line, the end of the text."""
    return starts[line - 1] if 0 < line <= len(starts) else len(text)


def _missing_imports(text: str, imports: Iterable[str]) -> list[str]:
    # Unindented lines only: an `import asyncio` inside a function binds nothing at module level.
    present = {line.rstrip() for line in _LINE_BREAK.split(text)}
    return [statement for statement in dict.fromkeys(imports) if statement not in present]


def fix_text(text: str, fixes: list[tuple[Finding, Fix]]) -> tuple[str, list[Finding]]:
    """Every edit is placed on the original text, then all are applied from the end: the code edits of the fixes
    that do not overlap one taken before, the imports they need (once), and the imports they leave unused."""
    starts = _line_starts(text)
    taken: list[tuple[int, int]] = []
    accepted: list[tuple[Finding, Fix]] = []
    edits: list[tuple[int, int, str]] = []
    for finding, fix in sorted(fixes, key=lambda item: (item[1].edits[0].line, item[1].edits[0].column)):
        ranges = [(_offset(starts, e.line, e.column), _offset(starts, e.end_line, e.end_column), e.content)
                  for e in fix.edits]  # fmt: skip
        if any(not (end < start_taken or start > end_taken) for start, end, _ in ranges
               for start_taken, end_taken in taken):  # fmt: skip
            continue  # overlaps a fix already taken: a second `--fix` run picks it up
        taken.extend((start, end) for start, end, _ in ranges)
        accepted.append((finding, fix))
        edits.extend(ranges)
    # An import goes when the fixes taken together replace every mention of its name in the file.
    replaced: dict[ReleasedImport, int] = defaultdict(int)
    for _, fix in accepted:
        for release in fix.releases:
            replaced[release] += 1
    for release, count in replaced.items():
        if count >= release.uses:
            lines = (_line_offset(starts, release.line, text), _line_offset(starts, release.end_line + 1, text))
            edits.append((*lines, ""))
    missing = _missing_imports(text, [statement for _, fix in accepted for statement in fix.imports])
    if missing and accepted:
        position = _line_offset(starts, min(fix.import_line for _, fix in accepted), text)
        separator = "\n" if position == len(text) and text and not text.endswith(("\n", "\r")) else ""
        edits.append((position, position, separator + "".join(f"{statement}\n" for statement in missing)))
    result = text
    for start, end, content in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        result = result[:start] + content + result[end:]
    return result, [finding for finding, _ in accepted]


def apply_fixes(findings: Iterable[Finding], base: Path, unsafe: bool = False) -> FixOutcome:
    outcome = FixOutcome()
    by_path: dict[str, list[tuple[Finding, Fix]]] = defaultdict(list)
    for finding in findings:
        fix = finding.fix
        if fix is not None and fix.edits and (fix.applicability == "safe" or unsafe):
            by_path[finding.path].append((finding, fix))
    for path, fixes in sorted(by_path.items()):
        file = base / path
        try:
            raw = file.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            outcome.failures.append(f"{path}: not fixed, cannot read it as UTF-8 ({error})")
            continue
        bom = raw.startswith(_BOM)
        text = raw[1:] if bom else raw
        after, fixed = fix_text(text, fixes)
        if not fixed or after == text:
            continue
        if not parses_as_python(after):
            outcome.failures.append(f"{path}: not fixed, the fixed code would not parse (please report this)")
            continue
        outcome.changes.append(FileChange(path, text, after, fixed))
    return outcome


def write_changes(outcome: FixOutcome, base: Path) -> None:
    for change in outcome.changes:
        target = base / change.path
        original = target.read_bytes().decode("utf-8")
        prefix = _BOM if original.startswith(_BOM) else ""
        target.write_bytes((prefix + change.after).encode("utf-8"))


__all__ = ["Edit", "FileChange", "FixOutcome", "apply_fixes", "fix_text", "write_changes"]
