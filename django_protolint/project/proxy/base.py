"""What every reverse-proxy reader yields: routes, each a path pattern and the addresses it sends requests to.

A reader is `(path, text, lookup) -> list[Route]`; it never raises for bad input (a file it cannot read gives no
routes). Targets keep what the file wrote; a value the file does not fix (`${UPSTREAM}`, `$backend`) is unknown,
and an unknown target is never joined to a server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# How a route's pattern matches a request path.
EXACT, PREFIX, PREFIX_STOP, REGEX, REGEX_ICASE = "exact", "prefix", "prefix-stop", "regex", "regex-icase"
# A route chosen by something other than the path (a header matcher, a compound rule): the group's choice for a
# path is then unsure.
OTHER = "other"


@dataclass(frozen=True)
class Target:
    """Where a route sends requests: a TCP address, a unix socket, or a name the file does not resolve."""

    text: str  # as written: "http://django", "127.0.0.1:8001", "unix:/app/uwsgi.sock"
    host: str | None = None
    port: int | None = None
    socket: str | None = None

    @property
    def known(self) -> bool:
        return self.socket is not None or self.host is not None


@dataclass(frozen=True)
class Route:
    proxy: str  # "nginx", "caddy", "traefik"
    match: str  # EXACT, PREFIX, PREFIX_STOP, REGEX, REGEX_ICASE
    pattern: str  # "/ws/", "^/api/(.*)$"
    targets: tuple[Target, ...]  # empty: the location answers itself (static files, `return`)
    via: str  # "proxy_pass", "uwsgi_pass", "reverse_proxy", "router `ws`"
    path: str
    line: int
    group: str  # the server block (or site) the route belongs to: routes compete only within one group
    # The route changes the path before passing it on (`proxy_pass http://app/;` `rewrite`, Caddy's
    # `handle_path`, Traefik's stripprefix): the app then sees paths other than the client's.
    rewrites: bool = False
    # Whether the route passes a websocket handshake's `Upgrade` and `Connection: upgrade` on to the server: False
    # where the proxy drops them (an nginx location that does not set them again), None where we cannot tell or
    # the proxy passes them by itself (Caddy, Traefik, HAProxy).
    upgrade: bool | None = None
    upgrade_note: str = ""  # why not, for the verdict: "no `proxy_set_header Upgrade` applies here"

    @property
    def label(self) -> str:
        marks = {EXACT: "= ", PREFIX_STOP: "^~ ", REGEX: "~ ", REGEX_ICASE: "~* "}
        return f"{marks.get(self.match, '')}{self.pattern}"


Lookup = Callable[[str, str], "list[tuple[str, str]]"]  # (pattern named by `include`, including file) → files

_VARIABLE = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")


def parse_address(text: str, default_port: int | None = None) -> Target:
    """`127.0.0.1:8001`, `web:8000`, `unix:/run/x.sock`, `[::1]:8000`, `localhost`; a variable is unknown."""
    value = text.strip()
    if not value or _VARIABLE.search(value) or "{{" in value:
        return Target(text)
    if value.startswith("unix:"):
        return Target(text, socket=value.removeprefix("unix:").rstrip(":") or None)
    if value.startswith("/"):
        return Target(text, socket=value)
    host, port = value, default_port
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else default_port
    elif value.count(":") == 1:
        host, _, digits = value.partition(":")
        if not digits.isdigit():
            return Target(text)
        port = int(digits)
    return Target(text, host=host or "0.0.0.0", port=port)


def strip_scheme(url: str) -> tuple[str, str]:
    """`http://127.0.0.1:8001/api/` → ("http", "127.0.0.1:8001"); `http://unix:/x.sock:/` → ("http", "unix:/x.sock")."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return "", url
    if rest.startswith("unix:"):  # nginx: the socket path ends at the next colon
        path, _, _ = rest.removeprefix("unix:").partition(":")
        return scheme, f"unix:{path}"
    return scheme, rest.split("/", 1)[0]
