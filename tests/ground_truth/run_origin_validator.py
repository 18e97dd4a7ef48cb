"""Ground truth for DPL302's advice: which websocket handshakes Channels' origin validators let through.

Run with the python of a virtualenv holding Django and Channels (tests/django_versions.py); imports only them.
Prints one JSON object: for each (validator, ALLOWED_HOSTS) case, the Origin headers whose handshake reached the
application ("accepted") and those the validator closed ("denied"). `None` is a handshake without an Origin.
"""

from __future__ import annotations

import asyncio
import json

import django
from django.conf import settings

ORIGINS = ("https://chat.example.com", "https://evil.example.net", None)


async def handshake(application, origin):
    headers = [(b"origin", origin.encode())] if origin else []
    scope = {"type": "websocket", "path": "/ws/", "headers": headers}
    sent = []
    reached = []

    async def inner(scope, receive, send):
        reached.append(True)

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message["type"])

    validator = application(inner)
    try:
        await asyncio.wait_for(validator(scope, receive, send), timeout=5)
    except asyncio.TimeoutError:
        pass
    return "accepted" if reached else "denied"


def outcomes(make):
    return {str(origin): asyncio.run(handshake(make, origin)) for origin in ORIGINS}


def main() -> None:
    settings.configure(DEBUG=False, ALLOWED_HOSTS=["chat.example.com"], INSTALLED_APPS=[])
    django.setup()
    import channels
    from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator

    result = {"channels": channels.__version__, "django": django.get_version()}
    result["allowed_hosts_explicit"] = outcomes(AllowedHostsOriginValidator)
    settings.ALLOWED_HOSTS = ["*"]
    result["allowed_hosts_wildcard"] = outcomes(AllowedHostsOriginValidator)
    result["origin_validator_explicit"] = outcomes(lambda app: OriginValidator(app, ["https://chat.example.com"]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
