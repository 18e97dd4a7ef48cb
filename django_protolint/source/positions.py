"""Where a node is, in characters: `ast` counts columns in UTF-8 bytes; editors (and our output) count characters."""

from __future__ import annotations

import ast
import re

from django_protolint.source.facts import Span

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what CPython's tokenizer ends a line on (not \f or \v)
_DEFINITION_KEYWORD = re.compile(r"(?:async\s+)?def\s+|class\s+")


class LinePositions:
    def __init__(self, source: str) -> None:
        self.ascii = source.isascii()
        # Without a carriage return, "\n" is the only line break: the same lines as the regular expression, faster.
        self.lines = source.split("\n") if "\r" not in source else _LINE_BREAK.split(source)

    def text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def column(self, line: int, byte_column: int) -> int:
        if self.ascii:
            return byte_column
        lines = self.lines
        text = lines[line - 1] if 0 < line <= len(lines) else ""  # self.text(line), without a call per column
        if text.isascii():
            return byte_column
        return len(text.encode("utf-8")[:byte_column].decode("utf-8", errors="replace"))

    def span(self, node: ast.AST) -> Span:
        return tuple.__new__(Span, self.numbers(node))  # Span(*numbers) without its Python-level __new__

    def numbers(self, node: ast.AST) -> tuple[int, int, int, int]:
        """The span's four numbers as a plain tuple: for what packs them (a call's positions) without a Span."""
        line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        if self.ascii:  # columns in bytes are columns in characters
            return line, node.col_offset, end_line, node.end_col_offset or 0  # type: ignore[attr-defined]
        return (
            line,
            self.column(line, node.col_offset),  # type: ignore[attr-defined]
            end_line,
            self.column(end_line, node.end_col_offset or 0),  # type: ignore[attr-defined]
        )

    def line_column(self, node: ast.AST) -> tuple[int, int]:
        return node.lineno, self.column(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def name_span(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Span:
        """The name after `def`/`class`: `ast` gives the statement's position, not the name's."""
        line = node.lineno
        text = self.text(line)
        start = self.column(line, node.col_offset)
        keyword = _DEFINITION_KEYWORD.match(text, start)
        if keyword is not None and text.startswith(node.name, keyword.end()):
            return Span(line, keyword.end(), line, keyword.end() + len(node.name))
        return Span(line, start, line, start)  # a line continuation between `def` and the name

    def attribute_span(self, node: ast.Attribute) -> Span:
        """The attribute's name alone (`get` in `Article.objects.get`): it ends where the whole attribute ends."""
        whole = self.span(node)
        start = whole.end_column - len(node.attr)
        if self.text(whole.end_line)[start : whole.end_column] == node.attr:
            return Span(whole.end_line, start, whole.end_line, whole.end_column)
        return whole  # an identifier NFKC-normalised by the parser: its written length differs
