"""Functions and classes: what each is, and what its body does that the rules care about (awaits, yields,
returns, class attributes). A definition's fact is made when its body has been walked."""

from __future__ import annotations

import ast
from collections.abc import Callable

from django_protolint.source.facts import ClassFact, FunctionFact, Span
from django_protolint.source.static import dotted
from django_protolint.source.walk import FunctionNode, Walk, on_enter, on_leave, parameter_nodes


@on_enter(ast.ClassDef)
def open_class(walk: Walk, node: ast.ClassDef) -> None:
    walk.class_attributes.append([])


@on_enter(ast.Assign, ast.AnnAssign)
def record_class_attribute(walk: Walk, node: ast.Assign | ast.AnnAssign) -> None:
    target = node.targets[-1] if isinstance(node, ast.Assign) else node.target
    if (
        isinstance(target, ast.Name)
        and node.value is not None
        and walk.scopes.innermost.kind == "class"
        and walk.class_attributes
    ):
        walk.class_attributes[-1].append((target.id, walk.to_static(node.value)))


@on_leave(ast.ClassDef)
def record_class(walk: Walk, node: ast.ClassDef) -> None:
    frame = walk.closed_frame
    attributes = walk.class_attributes.pop()
    walk.found["classes"].append(
        ClassFact(
            qualname=(frame.qualname if frame is not None else None) or node.name,
            bases=tuple(walk.resolve_name(base) or dotted(base) for base in node.bases),
            span=walk.name_span(node),
            decorators=_decorators(walk, node),
            attributes=tuple(attributes),
        )
    )


@on_leave(ast.FunctionDef, ast.AsyncFunctionDef)
def record_function(walk: Walk, node: FunctionNode) -> None:
    frame = walk.closed_frame
    assert frame is not None
    def_line, def_column = walk.positions.line_column(node)
    name_span = walk.name_span(node)
    walk.found["functions"].append(
        FunctionFact(
            qualname=frame.qualname or node.name,
            name=node.name,
            is_async=frame.is_async,
            span=Span(def_line, def_column, name_span.end_line, name_span.end_column),
            class_name=frame.class_qualname,
            decorators=_decorators(walk, node),
            decorator_spans=tuple(walk.span(decorator) for decorator in node.decorator_list),
            parameters=tuple(parameter.arg for parameter in parameter_nodes(node.args)),
            awaits=frame.awaits,
            yields=frame.yields,
            returns=tuple(frame.returns),
            end_line=node.end_lineno or def_line,
        )
    )


def _decorators(walk: Walk, node: FunctionNode | ast.ClassDef) -> tuple[str, ...]:
    return tuple(
        walk.resolve_name(_decorator_callee(decorator)) or dotted(decorator) for decorator in node.decorator_list
    )


@on_enter(ast.Await, ast.AsyncWith)
def record_await(walk: Walk, node: ast.Await | ast.AsyncWith) -> None:
    walk.mark_await()


@on_enter(ast.AsyncFor)
def record_async_for(walk: Walk, node: ast.AsyncFor) -> None:
    walk.mark_await()


@on_enter(ast.comprehension)
def record_async_comprehension(walk: Walk, node: ast.comprehension) -> None:
    if node.is_async:
        walk.mark_await()


@on_enter(ast.Yield, ast.YieldFrom)
def record_yield(walk: Walk, node: ast.Yield | ast.YieldFrom) -> None:
    if (function := walk.scopes.function) is not None:
        function.yields = True


@on_enter(ast.Return)
def record_return(walk: Walk, node: ast.Return) -> None:
    if (function := walk.scopes.function) is not None and function.kind == "function":
        function.returns.append(_returned_name(node.value, walk.resolve_name))


def _returned_name(value: ast.expr | None, resolve: Callable[[ast.AST], str | None]) -> str:
    """`return wrapper` and `return functools.update_wrapper(wrapper, view)` give "wrapper"; anything else ""."""
    if isinstance(value, ast.Name):
        return value.id
    if (
        isinstance(value, ast.Call)
        and value.args
        and isinstance(value.args[0], ast.Name)
        and resolve(value.func) == "functools.update_wrapper"
    ):
        return value.args[0].id
    return ""


def _decorator_callee(decorator: ast.expr) -> ast.expr:
    return decorator.func if isinstance(decorator, ast.Call) else decorator
