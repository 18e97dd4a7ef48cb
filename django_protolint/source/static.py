"""Module-level code as plain data, so the project pass can evaluate settings, URLconfs and `asgi.py` routing
without parsing again (and without ever importing the user's code).

An expression becomes a small tree: literals, containers, references (names resolved through imports) and
calls (with their callee resolved). What we cannot represent becomes `Unknown`, never a guess.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

_SLOTS: dict[str, bool] = {"slots": True} if sys.version_info >= (3, 11) else {}  # see facts.py


@dataclass(frozen=True, **_SLOTS)
class Literal:
    value: str | int | float | bool | None


@dataclass(frozen=True, **_SLOTS)
class Sequence:
    kind: str  # "list", "tuple", "set"
    items: tuple[StaticExpr, ...]
    has_star: bool = False  # `[*BASE, "x"]`: the starred part is in `items` as a Starred


@dataclass(frozen=True, **_SLOTS)
class Starred:
    value: StaticExpr


@dataclass(frozen=True, **_SLOTS)
class Mapping:
    items: tuple[tuple[StaticExpr, StaticExpr], ...]
    # Per item, where its key and its value start (line, column, value line, value column): a finding about one
    # entry sits on it (DPL302 at the "websocket" key, DPL303 at the BACKEND value). Not part of the value.
    positions: tuple[tuple[int, int, int, int], ...] = field(default=(), compare=False)

    def position_of(self, key: str) -> tuple[int, int, int, int] | None:
        for (item_key, _), position in zip(self.items, self.positions):
            if isinstance(item_key, Literal) and item_key.value == key:
                return position
        return None


@dataclass(frozen=True, **_SLOTS)
class Reference:
    qualname: str | None  # through imports: "django.conf.settings.DEBUG"; local names: "<module>.NAME"
    text: str  # as written: "settings.DEBUG", "BASE"
    line: int = 0


@dataclass(frozen=True, **_SLOTS)
class Call:
    callee: str | None
    text: str  # the callee as written
    args: tuple[StaticExpr, ...]
    kwargs: tuple[tuple[str, StaticExpr], ...]
    line: int = 0
    column: int = 0

    def kwarg(self, name: str) -> StaticExpr | None:
        for key, value in self.kwargs:
            if key == name:
                return value
        return None

    def argument(self, position: int, name: str) -> StaticExpr | None:
        """A parameter given by position or by keyword."""
        if len(self.args) > position:
            return self.args[position]
        return self.kwarg(name)


@dataclass(frozen=True, **_SLOTS)
class BinaryOp:
    operator: str  # "+", "|", ...
    left: StaticExpr
    right: StaticExpr


@dataclass(frozen=True, **_SLOTS)
class Choice:
    """`a if cond else b`: either, we do not know which."""

    options: tuple[StaticExpr, ...]


@dataclass(frozen=True, **_SLOTS)
class Subscript:
    value: StaticExpr
    index: StaticExpr


@dataclass(frozen=True, **_SLOTS)
class Unknown:
    text: str


StaticExpr = Literal | Sequence | Starred | Mapping | Reference | Call | BinaryOp | Choice | Subscript | Unknown

Resolver = Callable[[ast.expr], str | None]
Positioner = Callable[[ast.expr], tuple[int, int]]

_OPERATORS = {ast.Add: "+", ast.BitOr: "|", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_CONTAINERS = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set"}


def dotted(expression: ast.AST) -> str:
    """Short source text of an expression, for messages: `Article.objects.filter(…).count`."""
    if isinstance(expression, ast.Name):
        return expression.id
    if isinstance(expression, ast.Attribute):
        return f"{dotted(expression.value)}.{expression.attr}"
    if isinstance(expression, ast.Call):
        suffix = "(…)" if expression.args or expression.keywords else "()"
        return f"{dotted(expression.func)}{suffix}"
    if isinstance(expression, ast.Subscript):
        return f"{dotted(expression.value)}[…]"
    if isinstance(expression, ast.Await):
        return f"await {dotted(expression.value)}"
    if isinstance(expression, ast.BinOp) and isinstance(expression.op, ast.Div):  # a path: `(base / "media").mkdir`
        return f"({dotted(expression.left)} / {dotted(expression.right)})"
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str) and len(expression.value) <= 30:
        value = expression.value
        return f'"{value}"' if '"' not in value and "\\" not in value and value.isprintable() else repr(value)
    return "…"


def _short_text(expression: ast.expr) -> str:
    """As written for a reference or call chain; the kind of expression for anything else (an Unknown's text)."""
    if isinstance(expression, (ast.Name, ast.Attribute, ast.Call)):
        return dotted(expression)
    return type(expression).__name__


def _constant(value: object) -> StaticExpr:
    if value is None or isinstance(value, (str, bool, int, float)):
        return Literal(value)
    if isinstance(value, bytes):
        return Literal(None)  # a bytes literal is not a setting's string: known to be no string
    return Unknown(type(value).__name__)  # complex, Ellipsis


def to_static(expression: ast.expr, resolve: Resolver, position: Positioner, depth: int = 0) -> StaticExpr:
    if depth > 40:
        return Unknown("…")

    def again(child: ast.expr) -> StaticExpr:
        return to_static(child, resolve, position, depth + 1)

    if isinstance(expression, ast.Constant):
        return _constant(expression.value)
    if isinstance(expression, ast.JoinedStr):
        return Unknown("string")  # an f-string: its value is only known at run time
    if isinstance(expression, ast.UnaryOp) and isinstance(expression.op, ast.USub):
        inner = again(expression.operand)
        if isinstance(inner, Literal) and isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool):
            return Literal(-inner.value)
        return Unknown("-…")
    if isinstance(expression, (ast.List, ast.Tuple, ast.Set)):
        items: list[StaticExpr] = []
        has_star = False
        for element in expression.elts:
            if isinstance(element, ast.Starred):
                has_star = True
                items.append(Starred(again(element.value)))
            else:
                items.append(again(element))
        return Sequence(_CONTAINERS[type(expression)], tuple(items), has_star)
    if isinstance(expression, ast.Dict):
        pairs = []
        positions = []
        for key, value in zip(expression.keys, expression.values):
            pairs.append((again(key) if key is not None else Unknown("**"), again(value)))
            positions.append((*position(key if key is not None else value), *position(value)))
        return Mapping(tuple(pairs), tuple(positions))
    if isinstance(expression, (ast.Name, ast.Attribute)):
        return Reference(resolve(expression), _short_text(expression), position(expression)[0])
    if isinstance(expression, ast.Call):
        args: list[StaticExpr] = []
        kwargs = []
        for arg in expression.args:
            args.append(Starred(again(arg.value)) if isinstance(arg, ast.Starred) else again(arg))
        for keyword in expression.keywords:
            if keyword.arg is None:
                args.append(Starred(again(keyword.value)))  # `**options`
            else:
                kwargs.append((keyword.arg, again(keyword.value)))
        line, column = position(expression)
        return Call(resolve(expression.func), _short_text(expression.func), tuple(args), tuple(kwargs), line, column)
    if isinstance(expression, ast.BinOp):
        return BinaryOp(_OPERATORS.get(type(expression.op), "?"), again(expression.left), again(expression.right))
    if isinstance(expression, ast.IfExp):
        return Choice((again(expression.body), again(expression.orelse)))
    if isinstance(expression, ast.BoolOp):
        return Choice(tuple(again(value) for value in expression.values))  # `a or b or c`: any of them
    if isinstance(expression, ast.Subscript) and not isinstance(expression.slice, (ast.Slice, ast.Tuple)):
        return Subscript(again(expression.value), again(expression.slice))
    return Unknown(_short_text(expression))


# ----------------------------------------------------------------------------- module statements


# Module-level `NAME.method(...)` statements worth keeping (lists, dicts, DRF routers).
MUTATING_METHODS = frozenset({"append", "extend", "insert", "update", "remove", "register"})


@dataclass(frozen=True, **_SLOTS)
class Assignment:
    """`NAME = value`, `NAME += value` (operator "+="), `NAME.append(x)` (operator "append", value the Call)."""

    target: str
    operator: str  # "=", "+=", "|=", or one of MUTATING_METHODS
    value: StaticExpr
    line: int
    conditional: bool  # under an `if`/`try`/`for`/`with` at module level: may or may not run


@dataclass(frozen=True, **_SLOTS)
class ItemAssignment:
    """`NAME[key]... = value` (`DATABASES["default"]["CONN_MAX_AGE"] = 60`); also `del NAME[key]` and augmented
    item assignments, whose value is Unknown: they change the container in ways we do not follow."""

    target: str
    keys: tuple[StaticExpr, ...]  # outermost first: ("default", "CONN_MAX_AGE")
    value: StaticExpr
    line: int
    conditional: bool


@dataclass(frozen=True, **_SLOTS)
class StarImport:
    module: str
    line: int
    conditional: bool


ModuleStatement = Assignment | ItemAssignment | StarImport
