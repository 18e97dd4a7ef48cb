"""Files written for a newer Python than the one running us, analysed anyway.

pre-commit's interpreter is often older than the project's. Python 3.12 reads f-strings the PEP 701 way
(`f"{d["k"]}"`, a backslash, a comment or a line break inside a replacement field) and PEP 695 type parameters
(`def f[T]()`, `class C[T]`, `type X = ...`); 3.13 adds their defaults (PEP 696); 3.11 adds `except*`. An older
CPython refuses such a file. Here it gets the tree Python 3.12/3.13's `ast` gives, as far as the facts read it:

1. libcst, whose grammar runs ahead, must accept the file: otherwise it is broken on every Python (DPL001).
2. newer_scan finds each newer construct, in bytes: f-strings and their replacement fields, type-parameter
   lists, `type` statements, `except*`.
3. Each construct the running Python lacks is replaced by text it accepts, byte for byte the same length and with
   every line break where it was, so every other node keeps its line and (byte) column:
   - an f-string, or a concatenation holding one, by a `( … )` placeholder;
   - a `type X[T] = v` statement by a `( … )` expression statement;
   - a def's or class's type-parameter list by blanks (a `\\` before each line break inside it);
   - the `*` of `except*` by a blank.
   CPython parses that text: everything outside the newer constructs is its own tree, as before.
4. Each expression inside a construct (a replacement field, an alias's value, a type parameter's bound or default)
   is parsed by CPython on its own and moved to its place in the file. The placeholders are then swapped for the
   nodes Python 3.12 builds there: `JoinedStr` of `FormattedValue`s, `TypeAlias` with its `TypeVar`s.

So CPython builds every node and position but the shells of step 4, and those hold only nodes it built. Nothing
the facts read is lost: not rebuilt are the literal text between replacement fields (no fact reads it: an
f-string's value is unknown until run time) and a def's or class's type parameters (the facts never visit them).
The other way, translating libcst's tree into `ast` nodes, is one converter per node type (about a hundred), each
of which must reproduce CPython's byte positions for the whole file; and libcst's position metadata alone costs
more than its parse (7.8 s against 5.2 s on a 330 KB file), where the scan of step 2 costs 0.4 s.

tests/test_newer_syntax.py checks that the facts equal those Python 3.12/3.13 build from the same file, with
those interpreters when present. What this module does not bridge (3.14's t-strings and `except A, B:`, 3.11's
`*` in subscripts on 3.10, a type-parameter list with an empty line in it) leaves the file unanalysed, reported
as newer syntax, never as a syntax error.
"""

from __future__ import annotations

import ast
import bisect
import re
import sys
import warnings
from typing import Any, NamedTuple

from django_protolint.source.newer_scan import (
    Blank,
    Construct,
    Field,
    FString,
    Piece,
    Scan,
    TypeAliasStatement,
    scan,
)

RUNNING = sys.version_info[:2]


class NewerSyntax(Exception):
    """libcst reads the file, the running Python cannot, and this module cannot bridge the two for it."""

    def __init__(self, what: str, where: tuple[int, int] | None = None) -> None:
        super().__init__(what)
        self.what = what  # the construct, when known
        self.where = where  # its line and column (characters), when known


# ----------------------------------------------------------------------------------------------- stand-in nodes


class TypeAlias(ast.stmt):
    """`type X[T] = v`: Python 3.12's `ast.TypeAlias`, named and shaped alike so the visitor treats both the same
    (these fields in this order; Python 3.13's, for the type parameters)."""

    _fields = ("name", "type_params", "value")


class TypeVar(ast.AST):
    _fields = ("name", "bound", "default_value")
    _attributes = ("lineno", "col_offset", "end_lineno", "end_col_offset")


class ParamSpec(ast.AST):
    _fields = ("name", "default_value")
    _attributes = ("lineno", "col_offset", "end_lineno", "end_col_offset")


class TypeVarTuple(ast.AST):
    _fields = ("name", "default_value")
    _attributes = ("lineno", "col_offset", "end_lineno", "end_col_offset")


# ----------------------------------------------------------------------------------------------- entry point


class NewerTree(NamedTuple):
    tree: ast.Module
    scan: Scan  # its comments, as the newer Python's tokenizer sees them, for noqa comments


def parse_newer_syntax(text: str) -> NewerTree | None:
    """The tree of a file the running CPython refused, as Python 3.12/3.13 would build it for our facts.

    None when libcst refuses it too (or is not asked: see newer_scan): a syntax error on any Python. Raises
    NewerSyntax when libcst reads it but it cannot be analysed here; RecursionError or MemoryError on a file too
    deep for the walk."""
    data = text.encode("utf-8")
    found = scan(data)
    if found is None:
        return None
    try:
        import libcst  # only for files CPython refused: most runs never pay its import
    except ImportError:  # a broken install: nothing can tell newer syntax from an error
        return None
    try:
        libcst.parse_module(text)
    except Exception:  # noqa: BLE001 - any refusal means "not newer syntax", which is all we ask
        return None
    if not hasattr(libcst, "TypeAlias"):  # libcst < 1.1 has neither PEP 695 nor PEP 701 (its f-strings are 3.11's)
        raise NewerSyntax(f"libcst {_version('libcst')} is too old to read it (django-protolint needs 1.1 or later)")
    if not found.complete:  # libcst reads strings or brackets our scan found unclosed: do not guess
        raise NewerSyntax("")
    return NewerTree(_Reader(data).tree(found.root), found)


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "(unknown version)"


# Every byte to a space, except line breaks: blanked text keeps each line where it was.
_BLANKS = bytes(byte if byte in b"\r\n" else 0x20 for byte in range(256))
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")  # what CPython's tokenizer ends a line on
_STAND_INS = {0: TypeVar, 1: TypeVarTuple, 2: ParamSpec}


def _needed(construct: Construct) -> bool:
    return RUNNING < construct.since


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.line_starts = [0, *(match.end() for match in _LINE_BREAK.finditer(data))]

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line, 0-based byte column: `ast`'s own units."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index]

    def where(self, offset: int) -> tuple[int, int]:
        """1-based line, 0-based column in characters: a finding's units."""
        line, column = self.line_column(offset)
        start = self.line_starts[line - 1]
        return line, len(self.data[start : start + column].decode("utf-8", errors="replace"))

    def located(self, node: Any, start: int, end: int) -> Any:
        node.lineno, node.col_offset = self.line_column(start)
        node.end_lineno, node.end_col_offset = self.line_column(end)
        return node

    def key(self, construct: Construct) -> tuple[int, int, int, int]:
        return (*self.line_column(construct.start), *self.line_column(construct.end))

    # ------------------------------------------------------------------------------------------- parsing

    def tree(self, root: Piece) -> ast.Module:
        text = self.render(root, 0).decode("utf-8")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except SyntaxError:  # a construct we do not bridge (or libcst reads more than any Python does)
            raise NewerSyntax("") from None  # where the running Python first refused the file says enough
        return self.splice(tree, root)

    def render(self, piece: Piece, base: int) -> bytearray:
        """The bytes from `base` to the piece's end, with its newer constructs replaced by placeholders."""
        buffer = bytearray(self.data[base : piece.end])
        for construct in piece.inner:
            if not _needed(construct):
                continue
            if isinstance(construct, FString) and construct.template:
                raise NewerSyntax("a template string (t-string), new in Python 3.14", self.where(construct.start))
            start, end = construct.start - base, construct.end - base
            buffer[start:end] = buffer[start:end].translate(_BLANKS)
            if isinstance(construct, Blank):
                for match in _LINE_BREAK.finditer(buffer, start, end):
                    if match.start() - 1 < start or buffer[match.start() - 1] in b"\r\n":
                        # An empty line has no byte to hold the `\\` that keeps the statement going.
                        raise NewerSyntax("a type parameter list with an empty line in it", self.where(construct.start))
                    buffer[match.start() - 1] = ord("\\")
            else:
                buffer[start] = ord("(")
                buffer[end - 1] = ord(")")
        return buffer

    def parse_expression(self, piece: Piece) -> ast.expr:
        """Parse one expression at its own place in the file: lines and byte columns are the file's."""
        line, column = self.line_column(piece.start)
        buffer = self.render(piece, piece.start)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expression = ast.parse(b"(" + buffer + b")", mode="eval").body
        except SyntaxError:
            raise NewerSyntax("", self.where(piece.start)) from None
        # Parsed from its own first byte, after our parenthesis: what stands on its first line moves right by the
        # text before it there, and every line down to its own.
        shift = column - 1
        walked: list[Any] = list(ast.walk(expression))  # positioned nodes, moved in place
        for node in walked:
            if getattr(node, "end_lineno", None) is None:
                continue
            if node.lineno == 1:
                node.col_offset += shift
            if node.end_lineno == 1:
                node.end_col_offset += shift
            node.lineno += line - 1
            node.end_lineno += line - 1
        if isinstance(expression, ast.Tuple) and (line, column) > (expression.lineno, expression.col_offset):
            self.located(expression, piece.start, piece.end)  # `{a, b}`: our parenthesis is not the tuple's
        return self.splice(expression, piece)

    # ------------------------------------------------------------------------------------------- splicing

    def splice(self, tree: Any, piece: Piece) -> Any:
        """Swap each placeholder in the tree for the node Python 3.12 builds there."""
        waiting: dict[tuple[int, int, int, int], Construct] = {
            self.key(each): each for each in piece.inner if _needed(each) and not isinstance(each, Blank)
        }
        if waiting and (whole := self.built(tree, waiting)) is not None:
            return whole  # the expression is the construct: `{f"{x}"}`
        stack = [tree]
        while stack and waiting:
            node = stack.pop()
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, list):
                    for index, item in enumerate(value):
                        built = self.built(item, waiting)
                        if built is not None:
                            value[index] = built
                        elif isinstance(item, ast.AST):
                            stack.append(item)
                elif isinstance(value, ast.AST):
                    built = self.built(value, waiting)
                    if built is not None:
                        setattr(node, name, built)
                    else:
                        stack.append(value)
        if waiting:  # a placeholder where no expression may stand (a `case` pattern): not Python we know
            raise NewerSyntax("", self.where(next(iter(waiting.values())).start))
        return tree

    def built(self, node: Any, waiting: dict[tuple[int, int, int, int], Construct]) -> ast.AST | None:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Tuple):
            key = _key(node.value)
            if isinstance(waiting.get(key), TypeAliasStatement):
                return self.type_alias(waiting.pop(key))  # type: ignore[arg-type]
        elif isinstance(node, ast.Tuple) and not node.elts:
            key = _key(node)
            if isinstance(waiting.get(key), FString):
                return self.joined(waiting.pop(key))  # type: ignore[arg-type]
        return None

    def joined(self, found: FString) -> ast.JoinedStr:
        values: list[ast.expr] = [self.formatted(each) for each in found.fields]
        return self.located(ast.JoinedStr(values=values), found.start, found.end)

    def formatted(self, found: Field) -> ast.FormattedValue:
        value = self.parse_expression(found.expression)
        spec = None
        if found.spec is not None:
            parts: list[ast.expr] = [self.formatted(each) for each in found.spec]
            spec = self.located(ast.JoinedStr(values=parts), found.start, found.end)
        node = ast.FormattedValue(value=value, conversion=found.conversion, format_spec=spec)
        return self.located(node, found.start, found.end)

    def type_alias(self, found: TypeAliasStatement) -> TypeAlias:
        parameters = []
        for parameter in found.parameters:
            values: dict[str, Any] = {"name": parameter.name}
            if parameter.stars == 0:
                values["bound"] = self.parse_expression(parameter.bound) if parameter.bound is not None else None
            values["default_value"] = (
                self.parse_expression(parameter.default) if parameter.default is not None else None
            )
            parameters.append(self.located(_STAND_INS[parameter.stars](**values), parameter.start, parameter.end))
        name = self.located(ast.Name(id=found.name, ctx=ast.Store()), found.name_start, found.name_end)
        value = self.parse_expression(found.value)
        fields: dict[str, Any] = {"name": name, "type_params": parameters, "value": value}
        return self.located(TypeAlias(**fields), found.start, found.end)


def _key(node: Any) -> tuple[int, int, int, int]:
    return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
