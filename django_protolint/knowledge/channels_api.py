"""Channels names the project model needs, and the Channels releases that changed them, as data.

Sources: django/channels `channels/routing.py`, `security/websocket.py`, `auth.py`, `sessions.py`,
`consumer.py`, `generic/websocket.py`, `generic/http.py`, `layers.py` (see ../shared/facts.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass

PROTOCOL_ROUTER = "channels.routing.ProtocolTypeRouter"
URL_ROUTER = "channels.routing.URLRouter"
GET_ASGI_APPLICATION = "django.core.asgi.get_asgi_application"
DJANGO_SETUP = "django.setup"
# Calls that need the app registry: made at module level (`User = get_user_model()` in consumers.py) before
# django.setup(), they raise AppRegistryNotReady like a model import. django/contrib/auth/__init__.py
# `get_user_model` is `django_apps.get_model(settings.AUTH_USER_MODEL, require_ready=False)`, and
# django/apps/registry.py `Apps.get_model` starts with `check_models_ready()` (`check_apps_ready()` with
# require_ready=False), both raising AppRegistryNotReady before setup (read in 4.2; run in
# tests/test_ground_truth_channels_auth.py).
APP_REGISTRY_CALLS = frozenset({"django.contrib.auth.get_user_model", "django.apps.apps.get_model"})

ORIGIN_VALIDATORS = frozenset(
    {"channels.security.websocket.AllowedHostsOriginValidator", "channels.security.websocket.OriginValidator"}
)
# Wrappers that pass the connection on unchanged as far as routing and origin checks go.
PASS_THROUGH = frozenset(
    {
        "channels.auth.AuthMiddlewareStack",
        "channels.auth.AuthMiddleware",
        "channels.sessions.SessionMiddlewareStack",
        "channels.sessions.SessionMiddleware",
        "channels.sessions.CookieMiddleware",
    }
)

ASYNC_CONSUMERS = frozenset(
    {
        "channels.consumer.AsyncConsumer",
        "channels.generic.websocket.AsyncWebsocketConsumer",
        "channels.generic.websocket.AsyncJsonWebsocketConsumer",
        "channels.generic.http.AsyncHttpConsumer",
    }
)
SYNC_CONSUMERS = frozenset(
    {
        "channels.consumer.SyncConsumer",
        "channels.generic.websocket.WebsocketConsumer",
        "channels.generic.websocket.JsonWebsocketConsumer",
    }
)
# Methods of an async consumer that are coroutines: without `await`, nothing is sent.
ASYNC_CONSUMER_COROUTINES = frozenset(
    {
        "send",
        "accept",
        "close",
        "send_json",
        "encode_json",
        "decode_json",
        "send_response",
        "send_headers",
        "send_body",
        "base_send",
    }  # fmt: skip
)
# Channel layer methods: all coroutines (sync code must wrap them in async_to_sync).
CHANNEL_LAYER_COROUTINES = frozenset({"send", "receive", "new_channel", "group_add", "group_discard", "group_send",
                                      "flush", "close"})  # fmt: skip
GET_CHANNEL_LAYER = "channels.layers.get_channel_layer"
# What sync code wraps a layer method in: `async_to_sync(layer.group_send)(...)` calls it all the same.
ASYNC_TO_SYNC = frozenset({"asgiref.sync.async_to_sync", "asgiref.sync.AsyncToSync"})
IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"
CHANNEL_LAYERS_SETTING = "CHANNEL_LAYERS"
# Generic consumers that join `groups = [...]` on connect (channels/generic/websocket.py): with no layer, the
# connection fails with InvalidChannelLayerError("BACKEND is unconfigured or doesn't support groups").
GROUP_CONSUMERS = frozenset(
    {
        "channels.generic.websocket.WebsocketConsumer",
        "channels.generic.websocket.JsonWebsocketConsumer",
        "channels.generic.websocket.AsyncWebsocketConsumer",
        "channels.generic.websocket.AsyncJsonWebsocketConsumer",
    }
)
# Calls that set settings our static evaluation of the settings module cannot see: a project that makes them
# may define CHANNEL_LAYERS somewhere we do not look (settings.configure(**...), django-split-settings).
SETTINGS_WRITERS = frozenset({"django.conf.settings.configure", "split_settings.tools.include"})
HTTP_HANDLER = "channels.http.AsgiHandler"  # Channels' own HTTP handler, gone in 4.0
DJANGO_ASGI_HANDLER = "django.core.handlers.asgi.ASGIHandler"  # what get_asgi_application() returns


# ---------------------------------------------------------------------------------------------- releases
# Rules whose premise changed between Channels releases read these rows, never a version number in rule code.
# Each row was read in the releases' wheels from PyPI (`pip download channels==X --no-deps`): 2.1.5, 2.4.0, 3.0.0,
# 3.0.5 and 4.0.0, and checked by running them (tests/ground_truth/channels_releases.py; the result is in `checked`).


@dataclass(frozen=True)
class ReleaseChange:
    """Behaviour that Channels releases before `release` have, and `release` and later ones do not."""

    name: str
    release: str  # the first release with the new behaviour
    before: str
    after: str
    source: str
    checked: str = ""  # what running the releases showed


ROUTER_ADDS_HTTP = ReleaseChange(
    name="router-adds-http",
    release="4.0",
    before='`ProtocolTypeRouter` adds `"http": AsgiHandler` itself when the mapping has no "http" key (2.x '
    "silently, 3.x with a DeprecationWarning)",
    after='a router without "http" answers every HTTP request with `ValueError: No application configured for '
    "scope type 'http'`",
    source='channels/routing.py `ProtocolTypeRouter.__init__`: 2.4.0 `if "http" not in self.application_mapping: '
    'self.application_mapping["http"] = AsgiHandler`; 3.0.5 the same after `warnings.warn(DEPRECATION_MSG, '
    "DeprecationWarning)`; 4.0.0 only `self.application_mapping = application_mapping` (and no channels/http.py); "
    "docs/releases/4.0.0.rst",
    checked='GET / through `ProtocolTypeRouter({"websocket": ...})`: 200 on 2.4.0 and 3.0.5 (Django 3.2; 3.0.5 '
    "warns DeprecationWarning); `ValueError: No application configured for scope type 'http'` on 4.0.0 (Django 4.2)",
)
AS_ASGI = ReleaseChange(
    name="as-asgi",
    release="3.0",
    before="consumers are ASGI 2 double callables (`__init__(self, scope)`, then `__call__(self, receive, send)`): "
    "`URLRouter` routes the consumer class itself, and there is no `as_asgi()`",
    after="a route needs `Consumer.as_asgi()`; a bare class fails on the first connection with a TypeError",
    source="channels/consumer.py: 2.4.0 `AsyncConsumer.__init__(self, scope)` and no `as_asgi`; 3.0.0 "
    "`async def __call__(self, scope, receive, send)` and `@classmethod def as_asgi(cls, **initkwargs)`",
    checked="a websocket to a consumer class routed bare: connects on 2.4.0; on 3.0.5 `TypeError: "
    "AsyncConsumer.__call__() missing 1 required positional argument: 'send'`; on 4.0.0 `TypeError: object Chat "
    "can't be used in 'await' expression`; routed with `as_asgi()` it connects on 3.0.5 and 4.0.0",
)
RUNSERVER_IN_CHANNELS = ReleaseChange(
    name="runserver-in-channels",
    release="4.0",
    before="the `channels` app replaces `runserver` with daphne's ASGI server wherever it is listed in "
    "INSTALLED_APPS (`manage.py runserver --noasgi` runs Django's WSGI one)",
    after="`runserver` lives in the `daphne` app (daphne >= 4.0); `channels` in INSTALLED_APPS leaves Django's "
    "WSGI runserver",
    source="channels/management/commands/runserver.py (a daphne `Server`, option `--noasgi`) in 2.1.5-3.0.5, "
    "with channels/hacks.py `monkeypatch_django()` rebasing staticfiles' runserver onto it from "
    "`ChannelsConfig.ready()`, so the app order does not matter; 4.0.0 ships only runworker; "
    "daphne 4.0.0 adds daphne/management/commands/runserver.py",
    checked="`channels` after django.contrib.staticfiles, no daphne app: 2.4.0 and 3.0.5 print `Starting "
    "ASGI/Channels version X development server` and a websocket handshake gets 101 (with `--noasgi`: `Starting "
    "development server`, 404); 4.0.0 prints `Starting development server`, 404",
)
AUTH_IMPORTS_MODELS = ReleaseChange(
    name="auth-imports-models",
    release="3.0.4",
    before="`channels/auth.py` runs `from django.contrib.auth.models import AnonymousUser` at module level, so "
    "importing `channels.auth` (`AuthMiddlewareStack`, `login`, `get_user`) before Django is set up fails with "
    "AppRegistryNotReady, like a models import",
    after="the import sits inside `get_user()` and `logout()`: importing `channels.auth` early is harmless",
    source="channels/auth.py at every tag (django/channels): line 12 `from django.contrib.auth.models import "
    "AnonymousUser` in 2.4.0 through 3.0.3; from 3.0.4 on (through 4.3.2) only inside `get_user` and `logout`, "
    "under the comment 'postpone model import to avoid ImproperlyConfigured error before Django setup is "
    "complete'. No other module of the package imports models at module level in 2.4.0, 3.0.3, 3.0.4 or 4.3.2",
    checked="tests/test_ground_truth_channels_auth.py: `from channels.auth import AuthMiddlewareStack` above "
    "`get_asgi_application()`, DJANGO_SETTINGS_MODULE set: AppRegistryNotReady on 3.0.3, imports on 3.0.4 "
    "(Django 3.2)",
)
# Channels modules whose import loads models on the releases before the change, and not from it on.
MODULES_LOADING_MODELS = {"channels.auth": AUTH_IMPORTS_MODELS}


@dataclass(frozen=True)
class ReleaseMarker:
    """Code that only works on some Channels releases, so it tells which one a project without a pin runs on."""

    shape: str
    at_least: str | None  # the code needs this release or a later one
    below: str | None  # the code needs a release before this one
    source: str


MARKER_AS_ASGI = ReleaseMarker(
    "`Consumer.as_asgi()`", "3.0", None, "AS_ASGI: `as_asgi()` is new in 3.0.0's channels/consumer.py"
)
MARKER_DJANGO_HTTP = ReleaseMarker(
    '`"http": get_asgi_application()` in a `ProtocolTypeRouter`',
    "3.0",
    None,
    "Django's handler is an ASGI 3 single callable; the 2.x router calls `application(scope)` (2.4.0 "
    "channels/routing.py `ProtocolTypeRouter.__call__(self, scope)`), which fails with it",
)
MARKER_HTTP_HANDLER = ReleaseMarker(
    "`channels.http.AsgiHandler`", None, "4.0", "channels/http.py is gone in 4.0.0 (docs/releases/4.0.0.rst)"
)
MARKER_DAPHNE_APP = ReleaseMarker(
    '`"daphne"` in INSTALLED_APPS',
    "4.0",
    None,
    "the daphne Django app (its runserver) is new in daphne 4.0.0, and Channels 3.0.5 requires `daphne<4,>=3.0` "
    "(2.4.0: `daphne~=2.3`) in its METADATA",
)
