"""Evaluate module-level statements (source/static.py) into plain values, the way Python would if it ran them,
but only as far as is sure. Used for settings modules, and for any module constant the project pass needs.

- `os.environ.get("X", default)`, `os.getenv`, `env("X", default=...)`, `config("X", default=...)`: the default,
  marked uncertain (the deployment's environment decides).
- Conditional code (`if DEBUG:`, `try:`): applied, but the value is marked uncertain; lists take the union.
- `from .base import *`: the other module's names first, followed through the chain.
- Anything else we cannot know is UNKNOWN: never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_protolint.source import static


class _Unknown:
    def __repr__(self) -> str:
        return "<unknown>"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()

# Calls whose value is their `default` argument: environment readers (os, django-environ, python-decouple).
ENVIRONMENT_READERS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})
_ENVIRONMENT_READER_TAILS = ("env", "config", "getenv")
# django-environ readers that parse their (string) default into something else: `env.db("DATABASE_URL",
# default="postgres:///app")` is a DATABASES entry (a dict), not the URL. Their value is unknown, not the default.
_PARSING_ENVIRONMENT_READERS = frozenset(
    {
        "db",
        "db_url",
        "cache",
        "cache_url",
        "email",
        "email_url",
        "search_url",
        "url",
        "path",
        "channels",
        "channels_url",
    }  # fmt: skip
)
_CASTS = {"builtins.bool": bool, "builtins.int": int, "builtins.str": str, "builtins.list": list,
          "builtins.tuple": tuple, "bool": bool, "int": int, "str": str, "list": list, "tuple": tuple}  # fmt: skip


@dataclass(frozen=True)
class Value:
    value: Any
    uncertain: bool = False
    path: str = ""
    line: int = 0


ModuleLookup = Callable[[str], "Namespace | None"]


class Namespace:
    """A module's names after running its top-level statements statically."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.values: dict[str, Value] = {}
        self.incomplete: list[str] = []  # star imports we could not follow

    def get(self, name: str) -> Value | None:
        return self.values.get(name)


def evaluate_module(path: str, statements: tuple[static.ModuleStatement, ...], lookup: ModuleLookup) -> Namespace:
    namespace = Namespace(path)
    for statement in statements:
        if isinstance(statement, static.StarImport):
            other = lookup(statement.module)
            if other is None:
                namespace.incomplete.append(statement.module)
                continue
            for name, value in other.values.items():
                if not name.startswith("_"):
                    namespace.values[name] = _maybe(value, statement.conditional)
            continue
        if isinstance(statement, static.ItemAssignment):
            _apply_item(namespace, statement, lookup)
            continue
        _apply(namespace, statement, lookup)
    return namespace


def _apply_item(namespace: Namespace, statement: static.ItemAssignment, lookup: ModuleLookup) -> None:
    current = namespace.values.get(statement.target)
    if current is None:
        return  # a NameError at import, or a name from a star import we could not follow
    evaluator = Evaluator(namespace, lookup)
    keys = [evaluator.value(key) for key in statement.keys]
    value = evaluator.value(statement.value)
    updated = _set_item(current.value, [key.value for key in keys], value.value)
    if updated is UNKNOWN or value.value is UNKNOWN:
        # Keep what we knew, but no longer vouch for it: the container changed in a way we cannot follow.
        changed = Value(current.value, True)
    else:
        changed = Value(updated, current.uncertain or value.uncertain or any(key.uncertain for key in keys))
    namespace.values[statement.target] = _located(_maybe(changed, statement.conditional), namespace, statement)


def _set_item(container: Any, keys: list[Any], value: Any) -> Any:
    """A copy of `container` with `value` at `keys` (the containers may be shared with other modules' values), or
    UNKNOWN when a key is unknown or the path does not exist the way Python would need it."""
    key, rest = keys[0], keys[1:]
    if key is UNKNOWN:
        return UNKNOWN
    if isinstance(container, dict):
        if rest and key not in container:
            return UNKNOWN  # KeyError at import time
        inner = _set_item(container[key], rest, value) if rest else value
        return UNKNOWN if inner is UNKNOWN else {**container, key: inner}
    if isinstance(container, list) and isinstance(key, int) and not isinstance(key, bool):
        if not -len(container) <= key < len(container):
            return UNKNOWN
        inner = _set_item(container[key], rest, value) if rest else value
        if inner is UNKNOWN:
            return UNKNOWN
        copy = list(container)
        copy[key] = inner
        return copy
    return UNKNOWN


def _maybe(value: Value, conditional: bool) -> Value:
    return Value(value.value, True, value.path, value.line) if conditional and not value.uncertain else value


def _apply(namespace: Namespace, statement: static.Assignment, lookup: ModuleLookup) -> None:
    current = namespace.values.get(statement.target)
    evaluator = Evaluator(namespace, lookup)
    if statement.operator == "=":
        new = evaluator.value(statement.value)
        if statement.conditional and current is not None:
            new = _union(current, new)
        namespace.values[statement.target] = _located(_maybe(new, statement.conditional), namespace, statement)
        return
    if current is None:
        return  # `X += ...` on a name we never saw: a NameError at import, or set by an unknown star import
    if statement.operator in ("+=", "|="):
        added = evaluator.value(statement.value)
        combined = _combine(current, added, "+" if statement.operator == "+=" else "|")
    else:
        combined = _mutate(current, statement.operator, statement.value, evaluator)
    namespace.values[statement.target] = _located(_maybe(combined, statement.conditional), namespace, statement)


def _located(value: Value, namespace: Namespace, statement: static.Assignment | static.ItemAssignment) -> Value:
    return Value(value.value, value.uncertain, namespace.path, statement.line)


def _union(old: Value, new: Value) -> Value:
    if isinstance(old.value, (list, tuple)) and isinstance(new.value, (list, tuple)):
        merged = list(new.value) + [item for item in old.value if item not in new.value]
        return Value(type(new.value)(merged), True)
    return Value(new.value, True)


def _combine(left: Value, right: Value, operator: str) -> Value:
    uncertain = left.uncertain or right.uncertain
    a, b = left.value, right.value
    if operator == "+" and isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return Value(type(a)(list(a) + list(b)), uncertain)
    if operator == "+" and isinstance(a, str) and isinstance(b, str):
        return Value(a + b, uncertain)
    if operator == "+" and isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return Value(a + b, uncertain)
    if operator == "|" and isinstance(a, dict) and isinstance(b, dict):
        return Value({**a, **b}, uncertain)
    return Value(UNKNOWN, True)


def _mutate(current: Value, method: str, call: static.StaticExpr, evaluator: Evaluator) -> Value:
    if not isinstance(call, static.Call):
        return Value(UNKNOWN, True)
    args = [evaluator.value(arg) for arg in call.args if not isinstance(arg, static.Starred)]
    base = current.value
    uncertain = current.uncertain or any(arg.uncertain for arg in args)
    if isinstance(base, (list, tuple)):
        items = list(base)
        if method == "append" and args:
            items.append(args[0].value)
        elif method == "extend" and args and isinstance(args[0].value, (list, tuple)):
            items.extend(args[0].value)
        elif method == "insert" and len(args) == 2 and isinstance(args[0].value, int):
            items.insert(args[0].value, args[1].value)
        elif method == "remove" and args and args[0].value is UNKNOWN:
            # `for app in [...]: INSTALLED_APPS.remove(app)`: one entry we cannot name goes. Keep what we knew, but no
            # longer vouch for it, as for an item assignment we cannot follow.
            return Value(base, True)
        elif method == "remove" and args and args[0].value in items:
            items.remove(args[0].value)
        else:
            return Value(UNKNOWN, True)
        return Value(type(base)(items) if isinstance(base, tuple) else items, uncertain)
    if isinstance(base, dict) and method == "update" and args and isinstance(args[0].value, dict):
        return Value({**base, **args[0].value}, uncertain)
    return Value(UNKNOWN, True)


class Evaluator:
    def __init__(self, namespace: Namespace, lookup: ModuleLookup) -> None:
        self.namespace = namespace
        self.lookup = lookup

    def value(self, expression: static.StaticExpr) -> Value:
        if isinstance(expression, static.Literal):
            return Value(expression.value)
        if isinstance(expression, static.Sequence):
            items: list[Any] = []
            uncertain = False
            for item in expression.items:
                if isinstance(item, static.Starred):
                    inner = self.value(item.value)
                    uncertain |= inner.uncertain
                    if isinstance(inner.value, (list, tuple)):
                        items.extend(inner.value)
                    else:
                        items.append(UNKNOWN)
                        uncertain = True
                    continue
                inner = self.value(item)
                uncertain |= inner.uncertain
                items.append(inner.value)
            build = {"list": list, "tuple": tuple, "set": list}[expression.kind]
            return Value(build(items), uncertain)
        if isinstance(expression, static.Mapping):
            result: dict[Any, Any] = {}
            uncertain = False
            for key_expression, value_expression in expression.items:
                key, value = self.value(key_expression), self.value(value_expression)
                uncertain |= key.uncertain or value.uncertain
                if isinstance(key.value, (str, int, float, bool)) or key.value is None:
                    result[key.value] = value.value
                else:
                    uncertain = True
            return Value(result, uncertain)
        if isinstance(expression, static.Reference):
            return self.reference(expression)
        if isinstance(expression, static.Call):
            return self.call(expression)
        if isinstance(expression, static.BinaryOp):
            return _combine(self.value(expression.left), self.value(expression.right), expression.operator)
        if isinstance(expression, static.Choice):
            options = [self.value(option) for option in expression.options]
            known = [option for option in options if option.value is not UNKNOWN]
            if not known:
                return Value(UNKNOWN, True)
            merged = known[0]
            for other in known[1:]:
                merged = _union(other, merged)
            return Value(merged.value, True)
        if isinstance(expression, static.Subscript):
            container, index = self.value(expression.value), self.value(expression.index)
            try:
                return Value(container.value[index.value], container.uncertain or index.uncertain)
            except (TypeError, KeyError, IndexError):
                return Value(UNKNOWN, True)
        return Value(UNKNOWN, True)

    def reference(self, reference: static.Reference) -> Value:
        if "." not in reference.text and (local := self.namespace.get(reference.text)) is not None:
            return local
        if reference.qualname and "." in reference.qualname:
            module, _, name = reference.qualname.rpartition(".")
            other = self.lookup(module)
            if other is not None and (found := other.get(name)) is not None:
                return found
        return Value(UNKNOWN, True)

    def call(self, call: static.Call) -> Value:
        callee = call.callee or call.text
        if callee in _CASTS and len(call.args) == 1:
            inner = self.value(call.args[0])
            try:
                return Value(_CASTS[callee](inner.value), inner.uncertain) if inner.value is not UNKNOWN else inner
            except (TypeError, ValueError):
                return Value(UNKNOWN, True)
        if (
            callee in ENVIRONMENT_READERS
            or callee.rsplit(".", 1)[-1] in _ENVIRONMENT_READER_TAILS
            or (".env." in f".{callee}." or callee.split(".")[0] == "env")
        ):
            default = call.kwarg("default")
            if default is None and len(call.args) >= 2 and callee in ENVIRONMENT_READERS:
                default = call.args[1]
            if default is None:
                return Value(None if callee in ENVIRONMENT_READERS else UNKNOWN, True)
            if callee.rsplit(".", 1)[-1] in _PARSING_ENVIRONMENT_READERS:
                return Value(UNKNOWN, True)
            found = self.value(default)
            return Value(found.value, True)
        return Value(UNKNOWN, True)
