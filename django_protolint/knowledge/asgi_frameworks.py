"""ASGI frameworks mounted beside Django: where they declare websocket endpoints.

A project may wrap Django in another ASGI application (`app = FastAPI(); app.mount("/", get_asgi_application())`)
and serve websockets from it: those endpoints need an ASGI server as much as a Channels route does.
"""

from __future__ import annotations

# Decorators that register a websocket endpoint, by the qualified name of the method.
# fastapi/routing.py `APIRouter.websocket` and `APIRouter.websocket_route`, fastapi/applications.py
# `FastAPI.websocket` and `FastAPI.websocket_route` (FastAPI 0.115, docs: https://fastapi.tiangolo.com/advanced/websockets/);
# starlette/applications.py `Starlette.websocket_route` and starlette/routing.py `Router.websocket_route`
# (deprecated since Starlette 0.23 but still present in 0.4x).
WEBSOCKET_DECORATORS = frozenset(
    {
        "fastapi.APIRouter.websocket",
        "fastapi.APIRouter.websocket_route",
        "fastapi.FastAPI.websocket",
        "fastapi.FastAPI.websocket_route",
        "fastapi.routing.APIRouter.websocket",
        "fastapi.applications.FastAPI.websocket",
        "starlette.applications.Starlette.websocket_route",
        "starlette.routing.Router.websocket_route",
    }
)

# Route objects for websocket endpoints: starlette/routing.py `WebSocketRoute`, fastapi/routing.py
# `APIWebSocketRoute`.
# Mounting another ASGI application under a path: starlette/applications.py `Starlette.mount` (FastAPI subclasses
# Starlette: fastapi/applications.py `class FastAPI(Starlette)`) and starlette/routing.py `Router.mount`, which
# fastapi/routing.py `APIRouter` subclasses. A module that mounts what `get_asgi_application()` returns serves
# Django inside the framework's application (khoj's src/khoj/main.py: `app.mount("/server", django_app)`).
MOUNTS = frozenset(
    {
        "fastapi.FastAPI.mount",
        "fastapi.applications.FastAPI.mount",
        "starlette.applications.Starlette.mount",
        "fastapi.APIRouter.mount",
        "fastapi.routing.APIRouter.mount",
        "starlette.routing.Router.mount",
    }
)

WEBSOCKET_ROUTES = frozenset(
    {"starlette.routing.WebSocketRoute", "fastapi.routing.APIWebSocketRoute", "fastapi.routing.WebSocketRoute"}
)

# Values a hand-written ASGI application compares `scope["type"]` or an event's type with when it serves
# websockets: the ASGI WebSocket spec (asgiref docs/specs/www.rst, "WebSocket": scope type "websocket", first
# event "websocket.connect").
WEBSOCKET_SCOPE_TYPES = frozenset({"websocket", "websocket.connect"})

# Request types that are surely not Django's `HttpRequest`: a parameter annotated with one of them is a
# starlette connection, whose `.user` and `.session` are plain values the starlette middlewares put in the ASGI
# scope (`AuthenticationMiddleware` sets `scope["user"]`, `SessionMiddleware` `scope["session"]`): reading them
# loads nothing. Defined in starlette/requests.py (`class HTTPConnection`, `class Request(HTTPConnection)`) and
# starlette/websockets.py (`class WebSocket(HTTPConnection)`); re-exported by fastapi/requests.py (`Request`,
# `HTTPConnection`), fastapi/websockets.py (`WebSocket`) and fastapi/__init__.py (`Request`, `WebSocket`)
# (FastAPI 0.118, Starlette 0.48). Django Ninja is not here: its `request` is Django's HttpRequest.
NON_DJANGO_REQUESTS = frozenset(
    {
        "starlette.requests.HTTPConnection",
        "starlette.requests.Request",
        "starlette.websockets.WebSocket",
        "fastapi.Request",
        "fastapi.WebSocket",
        "fastapi.requests.HTTPConnection",
        "fastapi.requests.Request",
        "fastapi.websockets.WebSocket",
    }
)
