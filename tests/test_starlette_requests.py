"""A `request` annotated with a starlette or FastAPI type is not Django's HttpRequest: its `.user` and `.session`
are values starlette's middlewares put in the ASGI scope, so reading them is no request access (DPL104/DPL105).
Everything else named `request` stays Django's: unannotated, `HttpRequest`, a Django Ninja operation."""

from __future__ import annotations

from textwrap import dedent

import pytest

from django_protolint.knowledge.asgi_frameworks import NON_DJANGO_REQUESTS
from django_protolint.source.parse import build_facts


def _accesses(source: str) -> list[tuple[str, str]]:
    facts = build_facts(dedent(source).encode(), "views.py", "views", False)
    return [(access.attribute, access.scope.function) for access in facts.request_accesses]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """
            from fastapi import Request
            async def route(request: Request):
                return request.user.email, request.session.get("k")
            """,
            id="fastapi.Request",
        ),
        pytest.param(
            """
            import fastapi
            async def route(request: fastapi.Request):
                request.session["k"] = request.user.email
            """,
            id="fastapi.Request by attribute",
        ),
        pytest.param(
            """
            from starlette.requests import HTTPConnection
            class Backend:
                async def authenticate(self, request: HTTPConnection):
                    return request.session.get("user")
            """,
            id="starlette HTTPConnection in an AuthenticationBackend",
        ),
        pytest.param(
            """
            from fastapi.requests import Request
            async def route(request: Request | None):
                if request.user:
                    return 1
            """,
            id="fastapi.requests.Request | None",
        ),
        pytest.param(
            """
            from typing import Optional
            from starlette.requests import Request
            async def route(request: Optional[Request]):
                return request.user.email
            """,
            id="Optional[starlette Request]",
        ),
        pytest.param(
            """
            from fastapi import Request, WebSocket
            async def helper(request: Request | WebSocket):
                return request.user.object if request.user.is_authenticated else None
            """,
            id="Request | WebSocket (khoj routers/helpers.py)",
        ),
        pytest.param(
            """
            from starlette.websockets import WebSocket
            async def route(request: WebSocket):
                return request.user.email
            """,
            id="starlette WebSocket",
        ),
        pytest.param(
            """
            from fastapi import Request
            async def route(request: Request):
                async def inner():
                    return request.user.email
                return await inner()
            """,
            id="a nested function reads the enclosing route's request",
        ),
    ],
)
def test_a_starlette_request_is_no_django_request(source: str) -> None:
    assert _accesses(source) == []


@pytest.mark.parametrize(
    "source, expected",
    [
        pytest.param(
            """
            async def view(request):
                return request.user.email
            """,
            [("user", "view")],
            id="unannotated",
        ),
        pytest.param(
            """
            from django.http import HttpRequest
            async def view(request: HttpRequest):
                return request.session.get("k")
            """,
            [("session", "view")],
            id="annotated HttpRequest",
        ),
        pytest.param(
            """
            from ninja import Router
            router = Router()
            @router.get("/me")
            async def me(request):
                return request.user.email
            """,
            [("user", "me")],
            id="a Django Ninja operation gets Django's HttpRequest",
        ),
        pytest.param(
            """
            from fastapi import Request
            async def route(request: Request):
                return 1
            async def view(request):
                return request.user.email
            """,
            [("user", "view")],
            id="the annotation of another function does not carry over",
        ),
        pytest.param(
            """
            from myapp.types import Request
            async def view(request: Request):
                return request.user.email
            """,
            [("user", "view")],
            id="a project type named Request is not known to be starlette's",
        ),
        pytest.param(
            """
            from fastapi import Request
            class View:
                async def get(self, request: Request):
                    return self.request.user.email
            """,
            [("user", "View.get")],
            id="self.request is not the annotated parameter",
        ),
    ],
)
def test_any_other_request_stays_django(source: str, expected: list[tuple[str, str]]) -> None:
    assert _accesses(source) == expected


def test_the_table_names_only_starlette_and_fastapi_types() -> None:
    assert all(name.split(".")[0] in {"starlette", "fastapi"} for name in NON_DJANGO_REQUESTS)
    assert "ninja" not in " ".join(NON_DJANGO_REQUESTS)
