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
