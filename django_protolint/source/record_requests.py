"""Reads of `request.user` and `request.session` (RequestAccessFact): each loads the session, and the user, from
the database the first time, synchronously."""

from __future__ import annotations

import ast

from django_protolint.knowledge import asgi_frameworks, django_api
from django_protolint.source.facts import RequestAccessFact
from django_protolint.source.meaning import is_request
from django_protolint.source.scopes import INSTANCE
from django_protolint.source.static import dotted
from django_protolint.source.walk import Walk, on_enter, on_leave, on_truth_test


def _django_request(walk: Walk, expression: ast.expr) -> bool:
    """`request` or `self.request`, unless annotated with a starlette/FastAPI type: a FastAPI route or a starlette
    authentication backend mounted beside Django has a `request` whose `.user` and `.session` load nothing.
    An unannotated `request` stays Django's, even in a function decorated `@router.get(...)`: Django Ninja
    routes look the same and do get an HttpRequest, while FastAPI injects its Request only through the
    annotation (an unannotated `request` parameter is a query parameter there)."""
    if not is_request(expression):
        return False
    if isinstance(expression, ast.Name):
        binding = walk.scopes.lookup(expression.id)
        if binding is not None and binding.kind == INSTANCE:
            return binding.qualname not in asgi_frameworks.NON_DJANGO_REQUESTS
    return True


def _request_access(walk: Walk, attribute: str, node: ast.expr, whole: ast.expr | None = None, then: str = "") -> None:
    walk.found["request_accesses"].append(
        RequestAccessFact(
            attribute=attribute,
            text=dotted(whole if whole is not None else node),
            span=walk.span(node),
            scope=walk.scope(),
            chained=id(node) in walk.chained,
            then=then,
            in_generator=walk.in_generator(),
        )
    )


@on_enter(ast.Attribute)
def record_user_attribute(walk: Walk, node: ast.Attribute) -> None:
    # request.user.<attr>: reading any attribute evaluates the lazy user, which loads the session and the user.
    value = node.value
    if isinstance(value, ast.Attribute) and value.attr == "user" and _django_request(walk, value.value):
        reported = walk.seen["request.user"]  # one fact per `request.user`, however many reads chain off it
        if id(value) not in reported:
            reported.add(id(value))
            _request_access(walk, "user", value, then=node.attr)


@on_enter(ast.Call)
def record_session_method(walk: Walk, node: ast.Call) -> None:
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "session"
        and _django_request(walk, func.value.value)
        and func.attr in django_api.SESSION_SYNC_METHODS
    ):
        _request_access(walk, "session", func.value, node)


@on_leave(ast.Subscript)
def record_session_item(walk: Walk, node: ast.Subscript) -> None:
    value = node.value
    if isinstance(value, ast.Attribute) and value.attr == "session" and _django_request(walk, value.value):
        _request_access(walk, "session", value, node)


@on_truth_test
def record_user_test(walk: Walk, test: ast.expr) -> None:
    if isinstance(test, ast.Attribute) and test.attr == "user" and _django_request(walk, test.value):
        _request_access(walk, "user", test)  # `if request.user:` evaluates the lazy user
