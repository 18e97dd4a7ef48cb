"""Routes joined to the servers they reach, and which route a websocket path takes.

A route's target is matched to a production server by what the server listens on: the same unix socket, or the
same port, on a loopback address or on the compose service the target names. A match by the server's default
port, by a socket's file name alone or by port on a host we do not know is only `likely`: it is shown, and may
confirm that websockets reach ASGI, but a MISMATCH is never claimed from it (precision first).

Which location serves a request is nginx's rule (nginx.org/en/docs/http/ngx_http_core_module.html#location):
an exact `=` match wins; else the longest prefix is remembered, and used at once when it is `^~`; else the first
regular expression, in file order, that matches; else the longest prefix. Caddy (path matchers sorted by
specificity, caddyserver.com/docs/caddyfile/directives#sorting-algorithm) and Traefik (rule length as
priority) come to the same longest-prefix choice for plain path prefixes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django_protolint.knowledge.servers import ASGI, WSGI
from django_protolint.project.deploy.base import Deployment
from django_protolint.project.proxy.base import EXACT, OTHER, PREFIX, PREFIX_STOP, REGEX_ICASE, Route, Target
from django_protolint.project.proxy.binds import Listener, listeners, service_of

LOOPBACK = frozenset({"127.0.0.1", "localhost", "0.0.0.0", "::1", "::", "[::1]"})
SURE, LIKELY = "sure", "likely"


@dataclass(frozen=True)
class Reach:
    """One target of a route and the servers listening there (none: `note` says why)."""

    target: Target
    servers: tuple[Deployment, ...]
    strength: str  # SURE or LIKELY; meaningless without servers
    note: str = ""


@dataclass(frozen=True)
class RoutedPath:
    route: Route
    reaches: tuple[Reach, ...]

    @property
    def servers(self) -> tuple[Deployment, ...]:
        return _unique(server for reach in self.reaches for server in reach.servers)

    @property
    def protocols(self) -> set[str]:
        return {server.command.protocol for server in self.servers}

    @property
    def surely_wsgi_only(self) -> bool:
        """Every target is matched for sure, and every server it reaches speaks WSGI only."""
        return (
            bool(self.reaches)
            and all(r.servers and r.strength == SURE for r in self.reaches)
            and (self.protocols == {WSGI})
        )

    def describe(self) -> str:
        where = f"{self.route.path}:{self.route.line}"
        parts = []
        for reach in self.reaches:
            if reach.servers:
                names = ", ".join(f"{d.command.server} ({d.command.protocol.upper()}, {d.path}:{d.line})"
                                  for d in reach.servers)  # fmt: skip
                parts.append(names + (" [matched by port only]" if reach.strength == LIKELY else ""))
            else:
                parts.append(f"{reach.target.text}: {reach.note}")
        return f"{self.route.label} → {'; '.join(parts) or 'nothing'} ({self.route.proxy} {where})"

    def as_dict(self) -> dict[str, object]:
        return {
            "proxy": self.route.proxy, "match": self.route.match, "pattern": self.route.pattern,
            "path": self.route.path, "line": self.route.line, "via": self.route.via,
            "targets": [
                {"address": reach.target.text, "match": reach.strength if reach.servers else None,
                 "note": reach.note or None,
                 "servers": [{"name": d.command.server, "protocol": d.command.protocol, "path": d.path,
                              "line": d.line} for d in reach.servers]}
                for reach in self.reaches
            ],
        }  # fmt: skip


def _unique(deployments: Iterable[Deployment]) -> tuple[Deployment, ...]:
    """In order, each once (deployments hold dicts: they compare by value but do not hash)."""
    found: list[Deployment] = []
    for deployment in deployments:
        if not any(deployment is seen for seen in found):
            found.append(deployment)
    return tuple(found)


def reach(target: Target, deployments: list[Deployment]) -> Reach:
    if not target.known:
        return Reach(target, (), SURE, "address not fixed in the file")
    listening = [(deployment, listener) for deployment in deployments for listener in listeners(deployment)]
    if target.socket is not None:
        exact = [d for d, listener in listening if listener.target.socket == target.socket]
        if exact:
            return Reach(target, _unique(exact), SURE)
        name = target.socket.rsplit("/", 1)[-1]
        same_name = [d for d, listener in listening if (listener.target.socket or "").rsplit("/", 1)[-1] == name]
        if same_name:  # the socket's directory as mounted in another container
            return Reach(target, _unique(same_name), LIKELY)
        return Reach(target, (), SURE, "no server found listening on this socket")
    on_port = [(d, listener) for d, listener in listening if _same_port(listener, target.port)]
    services = [d for d in deployments if service_of(d) == target.host]
    if services and target.port is None:  # Traefik without a port label: the container's one exposed port
        return Reach(target, tuple(services), LIKELY)
    ported = [d for d in services if any(d is other for other, _ in on_port)]
    if ported:
        return Reach(target, _unique(ported), SURE)
    # A service of that name without a server on the port (another compose file's service of the same name,
    # an image whose CMD runs a script): the port alone may still find it, as a likely match.
    explicit = _unique(d for d, listener in on_port if not listener.default)
    defaulted = _unique(d for d, listener in on_port if listener.default)
    if explicit:
        return Reach(target, explicit, SURE if target.host in LOOPBACK and not services else LIKELY)
    if defaulted:
        return Reach(target, defaulted, LIKELY)
    if services:
        return Reach(target, (), SURE, f"service `{target.host}` has no server on port {target.port}")
    return Reach(target, (), SURE, f"no server found listening on port {target.port}")


def _same_port(listener: Listener, port: int | None) -> bool:
    return port is not None and listener.target.port == port and listener.target.socket is None


def join(routes: list[Route], deployments: list[Deployment]) -> list[RoutedPath]:
    return [RoutedPath(route, tuple(reach(target, deployments) for target in route.targets))
            for route in routes if route.targets]  # fmt: skip


# ----------------------------------------------------------------------------- which route a path takes


@dataclass(frozen=True)
class SamplePath:
    """A request path a websocket route accepts: whole, or only its literal beginning (`complete=False`)."""

    text: str
    complete: bool


_REGEX_MARKS = re.compile(r"[\\^$()\[\]{}*+?|]")


def sample_path(route: str) -> SamplePath | None:
    """Channels matches the path without its leading slash: `ws/chat/<room>/` accepts `/ws/chat/…`."""
    if "<dynamic>" in route:
        literal = route.split("<dynamic>", 1)[0]
        return SamplePath("/" + literal.lstrip("^/"), False) if literal.strip("^/") else None
    if _REGEX_MARKS.search(route.lstrip("^").rstrip("$")):  # re_path(): its literal beginning
        body = route.lstrip("^")
        end = _REGEX_MARKS.search(body)
        literal = body[: end.start()] if end else body
        complete = end is None or body[end.start() :] == "$"
        return SamplePath("/" + literal.lstrip("/"), complete)
    body = route.lstrip("^").rstrip("$")
    literal, converter, _ = body.partition("<")
    return SamplePath("/" + literal.lstrip("/"), not converter)


UNSURE = "unsure"


def _python_regex(pattern: str) -> str:
    """PCRE's named group `(?<name>...)` is Python's `(?P<name>...)`; lookbehinds `(?<=`, `(?<!` stay."""
    return re.sub(r"\(\?<(?![=!])", "(?P<", pattern)


def covering(routes: list[Route], sample: SamplePath) -> Route | str | None:
    """The route of one group (server block) that serves the path; UNSURE when the path's unknown tail or a
    pattern we cannot evaluate could change the answer; None when no route matches."""
    path = sample.text
    if any(route.match == OTHER for route in routes):
        return UNSURE  # a header or compound matcher may take the websocket before any path does
    for route in routes:
        if route.match == EXACT:
            if sample.complete and route.pattern == path:
                return route
            if not sample.complete and route.pattern.startswith(path) and route.pattern != path:
                return UNSURE
    prefixes = [r for r in routes if r.match in (PREFIX, PREFIX_STOP)]
    if not sample.complete and any(r.pattern.startswith(path) and r.pattern != path for r in prefixes):
        return UNSURE  # a longer prefix may take the real path
    matching = [r for r in prefixes if path.startswith(r.pattern)]
    longest = max(matching, key=lambda r: len(r.pattern), default=None)
    if longest is not None and longest.match == PREFIX_STOP:
        return longest
    for route in routes:
        if route.match not in (EXACT, PREFIX, PREFIX_STOP):
            if not sample.complete:
                return UNSURE
            try:
                found = re.search(
                    _python_regex(route.pattern), path, re.IGNORECASE if route.match == REGEX_ICASE else 0
                )
            except (re.error, RecursionError):
                return UNSURE  # PCRE syntax Python does not read
            if found:
                return route
    return longest


@dataclass(frozen=True)
class WebsocketReach:
    """Where a websocket route of the code goes through the proxy: `fit`, `mismatch`, or `unknown`."""

    route: str  # the Channels route, "ws/chat/<room>/"
    outcome: str
    via: RoutedPath | None
    why: str
    remedy: str = ""  # for a mismatch whose proxy reaches an ASGI server: what to change in the proxy


def websocket_reach(route: str, groups: dict[str, list[Route]], routed: dict[Route, RoutedPath]) -> WebsocketReach:
    """Across the proxy's server blocks that reach this project: fit when one sends the path to an ASGI server;
    mismatch only when every one of them surely sends it to WSGI servers alone."""
    sample = sample_path(route)
    if sample is None:
        return WebsocketReach(route, "unknown", None, "the route's path is not a literal")
    outcomes: list[tuple[str, RoutedPath | None]] = []
    for group in groups.values():
        chosen = covering(group, sample)
        # A route that rewrites the path on its way to an ASGI server: the client's path for this websocket
        # route may be another one (`location /realtime/ { proxy_pass http://daphne/; }`), so no mismatch.
        rewritten_to_asgi = any(
            route.rewrites and (path := routed.get(route)) is not None and ASGI in path.protocols for route in group
        )
        if not isinstance(chosen, Route):
            outcomes.append(("unknown", None))
            continue
        path = routed.get(chosen)
        if path is None or not path.servers:
            outcomes.append(("unknown", path))
        elif ASGI in path.protocols and chosen.upgrade is False:
            outcomes.append(("no-upgrade", path))  # the handshake reaches the ASGI server as plain HTTP
        elif ASGI in path.protocols:
            outcomes.append(("fit", path))
        elif path.surely_wsgi_only and not rewritten_to_asgi:
            outcomes.append(("mismatch", path))
        else:
            outcomes.append(("unknown", path))
    fit = next((path for outcome, path in outcomes if outcome == "fit"), None)
    if fit is not None:
        return WebsocketReach(route, "fit", fit, f"`{sample.text}` takes {fit.describe()}")
    if outcomes and all(outcome == "mismatch" for outcome, _ in outcomes):
        path = outcomes[0][1]
        assert path is not None
        return WebsocketReach(route, "mismatch", path, f"`{sample.text}` reaches only WSGI: it takes {path.describe()}")
    if outcomes and all(outcome in ("mismatch", "no-upgrade") for outcome, _ in outcomes):
        path = next(path for outcome, path in outcomes if outcome == "no-upgrade")
        assert path is not None
        where = f"`location {path.route.label}` ({path.route.path}:{path.route.line})"
        return WebsocketReach(
            route, "mismatch", path,
            f"`{sample.text}` takes {path.describe()}, but the handshake arrives without its upgrade headers: "
            f"{path.route.upgrade_note}",
            f"add `proxy_http_version 1.1;`, `proxy_set_header Upgrade $http_upgrade;` and "
            f"`proxy_set_header Connection \"upgrade\";` to {where}",
        )  # fmt: skip
    reached = next((path for outcome, path in outcomes if path is not None), None)
    why = (f"`{sample.text}` takes {reached.describe()}" if reached is not None else
           f"no route of the proxy surely takes `{sample.text}`")  # fmt: skip
    return WebsocketReach(route, "unknown", None, why)
