"""What a rule reports, and the edits a fix makes: the neutral types that rules, fixes, filters and output share.

Kept apart from `django_protolint.rules` so that `fixes` and `output` read findings without importing the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django_protolint.source.facts import Span

# "safe": `--fix` applies it; "unsafe": only with `--unsafe-fixes` (it may change what the code does).
Applicability = Literal["safe", "unsafe"]


@dataclass(frozen=True)
class Edit:
    """Replace the text between two positions (lines 1-based, columns 0-based, end exclusive) with `content`.
    An insertion has start == end."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True)
class ReleasedImport:
    """An import statement (lines `line`..`end_line`) whose name a fix stops using once. The name has `uses`
    mentions in the file: the statement goes when the fixes applied together replace all of them."""

    line: int
    end_line: int
    uses: int


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]
    imports: tuple[str, ...] = ()  # import lines the fix needs, added once per file if missing
    import_line: int = 1  # where new imports go (FileFacts.import_line)
    releases: tuple[ReleasedImport, ...] = ()

    @property
    def all_edits(self) -> tuple[Edit, ...]:
        """The fix on its own, as ordered, non-overlapping edits: the code edits, the imports it adds, and the
        imports it leaves unused (ruff's shape). An import removed just above where the new one goes becomes one
        replacement."""
        removed = [Edit(release.line, 0, release.end_line + 1, 0, "") for release in self.releases if release.uses <= 1]
        added = "".join(f"{statement}\n" for statement in self.imports)
        import_edits = sorted(removed, key=lambda edit: edit.line)
        if added:
            last = import_edits[-1] if import_edits else None
            if last is not None and last.end_line == self.import_line:
                import_edits[-1] = Edit(last.line, 0, last.end_line, 0, added)
            else:
                import_edits.append(Edit(self.import_line, 0, self.import_line, 0, added))
        return tuple(sorted((*self.edits, *import_edits), key=lambda e: (e.line, e.column, e.end_line, e.end_column)))


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    path: str
    span: Span  # lines 1-based, columns 0-based; output converts
    message: str
    help: str = ""
    fix: Fix | None = None
    # The lines of the code the finding is about (a whole view for DPL202), when findings inside it can make
    # this one redundant (Rule.yields_to). Not shown; compared like the rest.
    extent: tuple[int, int] | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)
