"""Channels (4.x) names the project model needs, as data.

Sources: django/channels `channels/routing.py`, `security/websocket.py`, `auth.py`, `sessions.py`,
`consumer.py`, `generic/websocket.py`, `generic/http.py`, `layers.py` (see ../shared/facts.md §5).
"""

from __future__ import annotations

PROTOCOL_ROUTER = "channels.routing.ProtocolTypeRouter"
URL_ROUTER = "channels.routing.URLRouter"
GET_ASGI_APPLICATION = "django.core.asgi.get_asgi_application"
DJANGO_SETUP = "django.setup"

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
    {"send", "accept", "close", "send_json", "encode_json", "decode_json", "send_response", "send_headers",
     "send_body", "base_send"}  # fmt: skip
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
