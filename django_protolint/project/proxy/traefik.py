"""Traefik's Docker provider labels in compose files → routes (doc.traefik.io/traefik/routing/providers/docker/).

`traefik.http.routers.R.rule=PathPrefix(`/ws`)` routes to the container that carries the label (or to the
service `traefik.http.routers.R.service` names), on `traefik.http.services.S.loadbalancer.server.port`, else on
the container's one exposed port (unknown here). `Host(...)` conditions are left aside; a rule with `||`, a
regular expression or a negation is a route whose paths we do not claim to know.

Which router takes a request is not the longest path: Traefik tries routers by priority, the length of the rule
by default or the `priority` label (doc.traefik.io/traefik/routing/routers/#priority). Where a router whose path
is less specific outranks a more specific one (`Host(`example.com`) && PathPrefix(`/`)` against
`PathPrefix(`/ws`)`), the file's paths cannot be judged by the path alone: that router becomes one we do not claim
to know, and no path of its file is said to go one way or the other.
"""

from __future__ import annotations

import re
from dataclasses import replace

import yaml

from django_protolint.project.deploy.base import basename, line_of
from django_protolint.project.proxy.base import EXACT, OTHER, PREFIX, Route, Target

_COMPOSE = re.compile(r"^(docker-)?compose[^/]*\.ya?ml$")
_ROUTER = re.compile(r"^traefik\.http\.routers\.([^.]+)\.(rule|service)$")
_SERVICE_PORT = re.compile(r"^traefik\.http\.services\.([^.]+)\.loadbalancer\.server\.port$")
_PATH = re.compile(r"\b(PathPrefix|Path)\(\s*`([^`]*)`\s*\)")


def is_compose(path: str) -> bool:
    return bool(_COMPOSE.match(basename(path).lower()))


def _labels(spec: dict) -> dict[str, str]:
    labels = spec.get("labels")
    deploy = spec.get("deploy")
    found: dict[str, str] = {}
    for source in (labels, deploy.get("labels") if isinstance(deploy, dict) else None):
        if isinstance(source, dict):
            found.update({str(k): str(v) for k, v in source.items()})
        elif isinstance(source, list):
            found.update(str(item).split("=", 1) for item in source if "=" in str(item))  # type: ignore[misc]
    return found


def _patterns(rule: str) -> list[tuple[str, str]]:
    if re.search(r"\|\||!|PathRegexp|PathPrefix\([^)]*,", rule):
        return [(OTHER, rule)]
    found = [(PREFIX if kind == "PathPrefix" else EXACT, value) for kind, value in _PATH.findall(rule)]
    return found or [(PREFIX, "/")]


def read_labels(path: str, text: str) -> list[Route]:
    if "traefik.http.routers." not in text:
        return []
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return []
    ports: dict[str, int | None] = {}
    owner: dict[str, str] = {}  # Traefik service → compose service that defines it
    routers: list[tuple[str, str, dict[str, str]]] = []
    for service, spec in services.items():
        labels = _labels(spec) if isinstance(spec, dict) else {}
        for key, value in labels.items():
            if (match := _SERVICE_PORT.match(key)) is not None:
                ports[match.group(1)] = int(value) if value.strip().isdigit() else None
                owner[match.group(1)] = str(service)
        names = [match.group(1) for match in map(_ROUTER.match, labels) if match is not None]
        routers.extend((str(service), name, labels) for name in dict.fromkeys(names))
    found: list[Route] = []
    priorities: dict[Route, int | None] = {}
    rules: dict[Route, str] = {}
    for service, router, labels in routers:
        rule = labels.get(f"traefik.http.routers.{router}.rule")
        if rule is None:
            continue
        named = labels.get(f"traefik.http.routers.{router}.service")
        own = [name for name, where in owner.items() if where == service]
        traefik_service = named or (own[0] if len(own) == 1 else None)
        host = owner.get(traefik_service or "", service)
        port = ports.get(traefik_service) if traefik_service else None
        target = Target(f"{host}:{port if port is not None else '?'}", host=host, port=port)
        line = line_of(text, rf".*traefik\.http\.routers\.{re.escape(router)}\.rule")
        middlewares = labels.get(f"traefik.http.routers.{router}.middlewares", "")
        rewrites = any(".stripprefix" in key.lower() or ".replacepath" in key.lower() for key in labels
                       if any(name.split("@")[0] in key for name in middlewares.split(",") if name))  # fmt: skip
        explicit = labels.get(f"traefik.http.routers.{router}.priority", "").strip()
        priority = int(explicit) if explicit.isdigit() else None if explicit else len(rule)
        for kind, pattern in _patterns(rule):
            route = Route("traefik", kind, pattern, (target,), f"router `{router}`", path, line, path, rewrites)
            found.append(route)
            priorities[route], rules[route] = priority, rule
    return _outranked(found, priorities, rules)


def _more_specific(a: Route, b: Route) -> bool:
    """Every path `a` takes, `b` takes too, and the path alone would pick `a` (project/proxy/join.covering)."""
    if b.match != PREFIX or not a.pattern.startswith(b.pattern) or a.via == b.via:
        return False
    return a.match == EXACT or (a.match == PREFIX and len(a.pattern) > len(b.pattern))


def _outranked(found: list[Route], priorities: dict[Route, int | None], rules: dict[Route, str]) -> list[Route]:
    """A router that Traefik tries before a more specific one (or may: an unreadable or equal priority) takes
    paths the path alone gives the other: it becomes a route we do not claim to know (OTHER)."""
    unsure = set()
    for specific in found:
        for general in found:
            if _more_specific(specific, general):
                mine, theirs = priorities[specific], priorities[general]
                if mine is None or theirs is None or theirs >= mine:
                    unsure.add(general)
    return [replace(route, match=OTHER, pattern=rules[route]) if route in unsure else route for route in found]
