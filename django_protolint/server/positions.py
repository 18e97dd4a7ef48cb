"""Our coordinates to the client's: lines 1-based become 0-based, and columns (code points) become the units the
client and server agreed on at `initialize` (UTF-16 by default, as LSP says: one per code point below U+10000,
two above)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from lsprotocol import types

# The line breaks LSP counts (the specification: "\n", "\r\n" and "\r"); str.splitlines also splits on \f, \v, ...
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
BOM = "\ufeff"


@dataclass(frozen=True)
class Lines:
    """A text's lines as LSP counts them, to place positions."""

    text: str
    starts: tuple[int, ...]
    encoding: str = types.PositionEncodingKind.Utf16

    @classmethod
    def of(cls, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> Lines:
        return cls(text, (0, *(match.end() for match in _LINE_BREAK.finditer(text))), encoding)

    def line_text(self, index: int) -> str:
        """The text of 0-based line `index`, without its line break ("" past the end)."""
        if not 0 <= index < len(self.starts):
            return ""
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[index] : end].rstrip("\r\n")

    def units(self, characters: str) -> int:
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(characters.encode("utf-8", "surrogatepass"))
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(characters)
        if characters.isascii():
            return len(characters)
        return len(characters.encode("utf-16-le", "surrogatepass")) // 2

    def position(self, line: int, column: int) -> types.Position:
        """Our position (line 1-based, column 0-based in code points) as the client's. The pipeline reads a file
        as Python does, without its byte order mark; a client that keeps the mark counts it."""
        index = max(line - 1, 0)
        mark = 1 if index == 0 and self.text.startswith(BOM) else 0
        return types.Position(index, self.units(self.line_text(index)[: max(column, 0) + mark]))

    def at_offset(self, offset: int) -> types.Position:
        """A position for an offset into the text."""
        index = max(0, _last_at_most(self.starts, offset))
        return types.Position(index, self.units(self.text[self.starts[index] : offset]))

    def end(self) -> types.Position:
        return self.at_offset(len(self.text))


def _last_at_most(starts: tuple[int, ...], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def text_edits(before: str, after: str, encoding: str = types.PositionEncodingKind.Utf16) -> list[types.TextEdit]:
    """Edits that turn `before` into `after`, one per block of changed lines: small edits keep the reader's cursor,
    folds and marks where they were (a fix that adds an import at the top and awaits a call far below is two)."""
    old, new = _split(before), _split(after)
    lines = Lines.of(before, encoding)
    offsets = [*lines.starts[: len(old)], len(before)]
    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, first, last, new_first, new_last in matcher.get_opcodes():
        if tag != "equal":
            span = types.Range(lines.at_offset(offsets[first]), lines.at_offset(offsets[last]))
            edits.append(types.TextEdit(span, "".join(new[new_first:new_last])))
    return edits


def _split(text: str) -> list[str]:
    """Lines with their breaks, as LSP counts them."""
    rows, start = [], 0
    for match in _LINE_BREAK.finditer(text):
        rows.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        rows.append(text[start:])
    return rows
