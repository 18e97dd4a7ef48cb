"""Module-level code as plain data, so the project pass can evaluate settings, URLconfs and `asgi.py` routing
without parsing again (and without ever importing the user's code).

An expression becomes a small tree: literals, containers, references (names resolved through imports) and
calls (with their callee resolved). What we cannot represent becomes `Unknown`, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable
import sys
from dataclasses import dataclass

import libcst as cst

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

Resolver = Callable[[cst.BaseExpression], str | None]
Positioner = Callable[[cst.CSTNode], tuple[int, int]]

_OPERATORS = {cst.Add: "+", cst.BitOr: "|", cst.Subtract: "-", cst.Multiply: "*", cst.Divide: "/"}


def _short_text(expression: cst.BaseExpression) -> str:
    if isinstance(expression, cst.Name):
        return expression.value
    if isinstance(expression, cst.Attribute):
        return f"{_short_text(expression.value)}.{expression.attr.value}"
    if isinstance(expression, cst.Call):
        return f"{_short_text(expression.func)}(…)"
    return type(expression).__name__


def to_static(expression: cst.BaseExpression, resolve: Resolver, position: Positioner, depth: int = 0) -> StaticExpr:
    if depth > 40:
        return Unknown("…")

    def again(child: cst.BaseExpression) -> StaticExpr:
        return to_static(child, resolve, position, depth + 1)

    if isinstance(expression, (cst.SimpleString, cst.ConcatenatedString)):
        value = expression.evaluated_value
        return Literal(value if isinstance(value, str) else None) if value is not None else Unknown("string")
    if isinstance(expression, cst.Integer):
        return Literal(int(expression.evaluated_value))
    if isinstance(expression, cst.Float):
        return Literal(float(expression.evaluated_value))
    if isinstance(expression, cst.Name) and expression.value in ("True", "False", "None"):
        return Literal({"True": True, "False": False, "None": None}[expression.value])
    if isinstance(expression, cst.UnaryOperation) and isinstance(expression.operator, cst.Minus):
        inner = again(expression.expression)
        if isinstance(inner, Literal) and isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool):
            return Literal(-inner.value)
        return Unknown("-…")
    if isinstance(expression, (cst.List, cst.Tuple, cst.Set)):
        kind = {cst.List: "list", cst.Tuple: "tuple", cst.Set: "set"}[type(expression)]
        items = []
        has_star = False
        for element in expression.elements:
            if isinstance(element, cst.StarredElement):
                has_star = True
                items.append(Starred(again(element.value)))
            else:
                items.append(again(element.value))
        return Sequence(kind, tuple(items), has_star)
    if isinstance(expression, cst.Dict):
        pairs = []
        for element in expression.elements:
            if isinstance(element, cst.DictElement):
                pairs.append((again(element.key), again(element.value)))
            else:
                pairs.append((Unknown("**"), again(element.value)))
        return Mapping(tuple(pairs))
    if isinstance(expression, (cst.Name, cst.Attribute)):
        return Reference(resolve(expression), _short_text(expression), position(expression)[0])
    if isinstance(expression, cst.Call):
        args = []
        kwargs = []
        for arg in expression.args:
            if arg.keyword is not None:
                kwargs.append((arg.keyword.value, again(arg.value)))
            elif arg.star:
                args.append(Starred(again(arg.value)))
            else:
                args.append(again(arg.value))
        line, column = position(expression)
        return Call(resolve(expression.func), _short_text(expression.func), tuple(args), tuple(kwargs), line, column)
    if isinstance(expression, cst.BinaryOperation):
        operator = _OPERATORS.get(type(expression.operator), "?")
        return BinaryOp(operator, again(expression.left), again(expression.right))
    if isinstance(expression, cst.IfExp):
        return Choice((again(expression.body), again(expression.orelse)))
    if isinstance(expression, cst.BooleanOperation):
        return Choice((again(expression.left), again(expression.right)))
    if isinstance(expression, cst.Subscript) and len(expression.slice) == 1:
        index = expression.slice[0].slice
        if isinstance(index, cst.Index):
            return Subscript(again(expression.value), again(index.value))
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
class StarImport:
    module: str
    line: int
    conditional: bool


ModuleStatement = Assignment | StarImport
