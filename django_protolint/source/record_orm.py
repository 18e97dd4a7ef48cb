"""Where code runs a database query (QueryFact) or reads a relation of a fetched instance (RelatedAccessFact).

A query is a method that executes (`.get()`, `.count()`), an instance method that writes (`.save()`), or a lazy
QuerySet evaluated by Python itself: iterated, tested, indexed, unpacked, given to `list()`/`len()`, formatted.
"""

from __future__ import annotations

import ast

from django_protolint.knowledge import django_api
from django_protolint.source.facts import QueryFact, RelatedAccessFact
from django_protolint.source.meaning import first_argument, is_manager
from django_protolint.source.scopes import MODEL_INSTANCE, Binding
from django_protolint.source.static import dotted
from django_protolint.source.walk import Walk, on_enter, on_truth_test


def _query(walk: Walk, kind: str, operation: str, model: str, receiver: ast.AST, node: ast.AST,
           model_qualname: str | None = None) -> None:  # fmt: skip
    method = node.func if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None
    walk.found["queries"].append(
        QueryFact(
            kind=kind,
            operation=operation,
            model=model,
            receiver=dotted(receiver),
            span=walk.span(node),
            scope=walk.scope(),
            awaited=id(node) in walk.awaited,
            discarded=id(node) in walk.discarded,
            method_span=walk.attribute_span(method) if method is not None else None,
            chained=id(node) in walk.chained,
            model_qualname=model_qualname,
            in_generator=walk.in_generator(),
        )
    )


def _related_access(walk: Walk, binding: Binding, attribute: str, method: str | None, node: ast.expr) -> None:
    walk.found["related_accesses"].append(
        RelatedAccessFact(
            binding.qualname,
            binding.model,
            attribute,
            method,
            binding.loaded,
            walk.span(node),
            walk.scope(),
            id(node) in walk.awaited,
            dotted(node),
        )  # fmt: skip
    )


@on_enter(ast.Call)
def record_call(walk: Walk, node: ast.Call) -> None:
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Attribute)
        and isinstance(func.value.value, ast.Name)
        and (binding := walk.scopes.lookup(func.value.value.id)) is not None
        and binding.kind == MODEL_INSTANCE
    ):
        _related_access(walk, binding, func.value.attr, func.attr, node)  # `article.tags.add(tag)`
    if isinstance(func, ast.Attribute):
        _method_call(walk, node, func)
    elif isinstance(func, ast.Name) and walk.callee is not None and walk.callee.startswith("builtins."):
        operation = django_api.EVALUATING_BUILTINS.get(func.id)
        argument = first_argument(node)
        if operation and argument is not None and (model := walk.queryset_model(argument)) is not None:
            _query(walk, "evaluate", operation, model, argument, node)


def _method_call(walk: Walk, node: ast.Call, func: ast.Attribute) -> None:
    method = func.attr
    model = walk.queryset_model(func.value)
    if (
        model is not None
        and (
            method in django_api.QUERYSET_EXECUTING
            or method in django_api.QUERYSET_ASYNC
            or (method in django_api.AUTH_MANAGER and is_manager(func.value))
        )
        and method != "iterator"  # only builds a generator: iterating it is what queries
        and not (method == "delete" and is_manager(func.value))  # managers have no delete()
    ):
        _query(walk, "method", method, model, func.value, node)
    elif (instance_model := walk.model_instance(func.value)) is not None and isinstance(func.value, ast.Name):
        if method in django_api.MODEL_INSTANCE or method.startswith("a") and method[1:] in django_api.MODEL_INSTANCE:
            _query(walk, "instance", method, instance_model, func.value, node)
        elif method in django_api.USER_INSTANCE:  # the rule decides whether the model is a user model
            binding = walk.scopes.lookup(func.value.id)
            _query(walk, "instance", method, instance_model, func.value, node, binding.model if binding else None)


@on_enter(ast.Attribute)
def record_attribute(walk: Walk, node: ast.Attribute) -> None:
    if isinstance(node.value, ast.Name) and id(node) not in walk.called and type(node.ctx) is ast.Load:
        binding = walk.scopes.lookup(node.value.id)
        if binding is not None and binding.kind == MODEL_INSTANCE:
            _related_access(walk, binding, node.attr, None, node)  # `article.author`


@on_enter(ast.Subscript)
def record_subscript(walk: Walk, node: ast.Subscript) -> None:
    if (model := walk.queryset_model(node.value)) is not None:
        if not isinstance(node.slice, (ast.Slice, ast.Tuple)):
            _query(walk, "evaluate", "index", model, node.value, node)
        elif isinstance(node.slice, ast.Slice) and node.slice.step is not None:
            _query(walk, "evaluate", "step-slice", model, node.value, node)


@on_enter(ast.Compare)
def record_membership(walk: Walk, node: ast.Compare) -> None:
    for operator, comparator in zip(node.ops, node.comparators):
        if isinstance(operator, (ast.In, ast.NotIn)):
            if (model := walk.queryset_model(comparator)) is not None:
                _query(walk, "evaluate", "contains", model, comparator, node)


@on_enter(ast.Assign)
def record_unpacking(walk: Walk, node: ast.Assign) -> None:
    for target in node.targets:
        if isinstance(target, (ast.Tuple, ast.List)) and (model := walk.queryset_model(node.value)) is not None:
            _query(walk, "evaluate", "unpack", model, node.value, node.value)  # `first, *rest = qs` iterates it


@on_enter(ast.For, ast.comprehension)
def record_iteration(walk: Walk, node: ast.For | ast.comprehension) -> None:
    if isinstance(node, ast.comprehension) and node.is_async:
        return
    if (model := walk.queryset_model(node.iter)) is not None:
        operation = "iterate" if isinstance(node, ast.For) else "comprehension"
        _query(walk, "evaluate", operation, model, node.iter, node.iter)


@on_truth_test
def record_truth_test(walk: Walk, test: ast.expr) -> None:
    if (model := walk.queryset_model(test)) is not None:
        _query(walk, "evaluate", "bool", model, test, test)


@on_enter(ast.FormattedValue)
def record_formatted(walk: Walk, node: ast.FormattedValue) -> None:
    if (model := walk.queryset_model(node.value)) is not None:
        _query(walk, "evaluate", "repr", model, node.value, node.value)  # repr() fetches 21 rows
