"""A project's routes: the proxy routes that reach its production servers (or sit beside it and reach none), and
where each of the code's websocket routes goes through them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django_protolint.knowledge.servers import ASGI
from django_protolint.project.deploy.base import Deployment, directory_related
from django_protolint.project.django_project import DjangoProject
from django_protolint.project.proxy.base import Route
from django_protolint.project.proxy.join import RoutedPath, WebsocketReach, join, websocket_reach


@dataclass(frozen=True)
class Routing:
    routes: list[RoutedPath] = field(default_factory=list)
    websockets: list[WebsocketReach] = field(default_factory=list)

    @property
    def mismatches(self) -> list[WebsocketReach]:
        return [reach for reach in self.websockets if reach.outcome == "mismatch"]


def _beside(path: str, root: str) -> bool:
    return directory_related(path.rsplit("/", 1)[0] if "/" in path else ".", root)


def _served_websocket_routes(project: DjangoProject, production: list[Deployment]) -> list[str]:
    """The websocket routes of the ASGI application the ASGI servers run (all of them when we cannot tell)."""
    served = {d.command.app.split(":", 1)[0] for d in production if d.command.protocol == ASGI and d.command.app}
    apps = [app for app in project.asgi_applications if app.module in served] or project.asgi_applications
    return list(dict.fromkeys(route.route for app in apps for route in app.websocket_routes))


def routing_for(project: DjangoProject, production: list[Deployment], routes: list[Route]) -> Routing:
    if not routes or not production:
        return Routing()
    joined = join(routes, production)
    reaching = [path for path in joined if path.servers]
    if not reaching:
        shown = [path for path in joined if _beside(path.route.path, project.root)]
        return Routing(shown)
    groups_reaching = {path.route.group for path in reaching}
    shown = [path for path in joined if path.servers or path.route.group in groups_reaching]
    groups: dict[str, list[Route]] = {}
    for route in routes:
        if route.group in groups_reaching:
            groups.setdefault(route.group, []).append(route)
    by_route = {path.route: path for path in joined}
    websockets = [websocket_reach(route, groups, by_route) for route in _served_websocket_routes(project, production)]
    return Routing(shown, websockets)
