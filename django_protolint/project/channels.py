"""ASGI entry points and websocket routing, read from `asgi.py` statically.

`application = ProtocolTypeRouter({"http": ..., "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(
URLRouter(websocket_urlpatterns)))})` is unwrapped layer by layer down to the consumers; a hand-written ASGI app
that compares `scope["type"]` with "websocket" counts as serving websockets too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django_protolint.knowledge import channels_api
from django_protolint.project.classes import ClassHierarchy
from django_protolint.project.modules import ModuleIndex, source_root
from django_protolint.source import static
from django_protolint.source.facts import FileFacts, Span

MAX_DEPTH = 10
ALWAYS = ("", "")  # importing the module loads models on every release


@dataclass(frozen=True)
class WebsocketRoute:
    route: str
    consumer: str | None  # qualified name of the consumer class
    as_asgi: bool  # routed as `Consumer.as_asgi()`; a bare class fails at connect
    path: str
    line: int
    text: str


@dataclass
class AsgiApplication:
    module: str
    path: str
    line: int  # where `application` is assigned (or defined)
    kind: str  # "django" (get_asgi_application), "router" (ProtocolTypeRouter), "raw", "unknown"
    protocols: tuple[str, ...] = ()
    http_app: str | None = None  # what the router's "http" key holds: a callee or a name, qualified
    websocket_routes: list[WebsocketRoute] = field(default_factory=list)
    # Routes of the router's "http" branch to something other than Django (a Channels `AsyncHttpConsumer`, an
    # ASGI callable): those paths exist only under an ASGI server.
    http_consumer_routes: list[WebsocketRoute] = field(default_factory=list)
    origin_validated: bool = False
    custom_wrappers: list[str] = field(default_factory=list)  # project/unknown middleware around websockets
    raw_websocket_checks: tuple[Span, ...] = ()
    websocket_entry: Span | None = None  # the router's "websocket" key, when written in this file
    setup_line: int | None = None  # first module-level get_asgi_application() / django.setup()
    early_model_imports: list[tuple[str, int]] = field(default_factory=list)  # (module, line) before setup
    # Imports before setup that load models only on Channels releases before one (`channels.auth` before 3.0.4,
    # or a project module that imports it): (module, line, the Channels module, that release).
    early_release_imports: list[tuple[str, int, str, str]] = field(default_factory=list)
    name: str = "application"  # the attribute: `application`, or the one ASGI_APPLICATION names

    @property
    def serves_websockets(self) -> bool:
        return bool(self.websocket_routes) or "websocket" in self.protocols or bool(self.raw_websocket_checks)


def _tail(name: str | None) -> str:
    return (name or "").rsplit(".", 1)[-1]


def _last_assignment(facts: FileFacts, target: str) -> static.Assignment | None:
    found = None
    for statement in facts.statements:
        if isinstance(statement, static.Assignment) and statement.target == target and statement.operator == "=":
            found = statement
    return found


def _setup_line(facts: FileFacts) -> int | None:
    """The first module-level `get_asgi_application()` or `django.setup()`: the app registry is ready below it."""
    lines = [
        call.span.line
        for call in facts.calls
        if call.scope.function is None and call.callee in (channels_api.GET_ASGI_APPLICATION, channels_api.DJANGO_SETUP)
    ]
    return min(lines) if lines else None


class AsgiReader:
    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.classes = ClassHierarchy.of(index)
        self._models_memo: dict[str, tuple[str, str] | None] = {}

    def applications(self, files: tuple[FileFacts, ...], root: str, asgi_setting: object) -> list[AsgiApplication]:
        wanted = {(f.path, "application"): f for f in files if f.path.rsplit("/", 1)[-1] == "asgi.py"
                  and source_root(f) == root}  # fmt: skip
        if isinstance(asgi_setting, str) and "." in asgi_setting:
            # the attribute the setting names, whatever it is called (`proj.routing.channel_app`)
            module, _, name = asgi_setting.rpartition(".")
            configured = self.index.find(module, root)
            if configured is not None:
                wanted.setdefault((configured.path, name), configured)
        return [app for (_, name), facts in wanted.items() if (app := self.read(facts, name)) is not None]

    def read(self, facts: FileFacts, name: str = "application") -> AsgiApplication | None:
        assignment = _last_assignment(facts, name)
        function = next((f for f in facts.functions if f.qualname == name), None)
        if assignment is None and function is None:
            return None
        line = assignment.line if assignment else function.span.line  # type: ignore[union-attr]
        app = AsgiApplication(facts.module, facts.path, line, "unknown", raw_websocket_checks=facts.websocket_checks,
                              name=name)  # fmt: skip
        if assignment is not None:
            self._application(app, self._deref(assignment.value, facts), facts)
        elif facts.websocket_checks:
            app.kind = "raw"
        self._import_order(app, facts)
        return app

    def _deref(self, value: static.StaticExpr, facts: FileFacts, depth: int = 0) -> static.StaticExpr:
        """A local name (`django_asgi_app`) stands for the value assigned to it in the same module."""
        if isinstance(value, static.Reference) and "." not in value.text and depth < MAX_DEPTH:
            assigned = _last_assignment(facts, value.text)
            if assigned is not None:
                return self._deref(assigned.value, facts, depth + 1)
        return value

    def _application(self, app: AsgiApplication, value: static.StaticExpr, facts: FileFacts) -> None:
        if not isinstance(value, static.Call):
            app.kind = "raw" if facts.websocket_checks else "unknown"
            return
        if value.callee == channels_api.GET_ASGI_APPLICATION:
            app.kind = "django"
            return
        if value.callee != channels_api.PROTOCOL_ROUTER:
            app.kind = "raw" if facts.websocket_checks else "unknown"
            return
        app.kind = "router"
        mapping = self._deref(value.args[0], facts) if value.args else None
        if not isinstance(mapping, static.Mapping):
            return
        if isinstance(value.args[0], static.Mapping) and (entry := mapping.position_of("websocket")) is not None:
            app.websocket_entry = Span(entry[0], entry[1], entry[0], entry[1])
        protocols = []
        for key, protocol_app in mapping.items:
            if isinstance(key, static.Literal) and isinstance(key.value, str):
                protocols.append(key.value)
                if key.value == "http":
                    target = self._deref(protocol_app, facts)
                    app.http_app = (target.callee if isinstance(target, static.Call) else
                                    target.qualname if isinstance(target, static.Reference) else None)  # fmt: skip
                    self._http(app, target, facts, depth=0)
                if key.value == "websocket":
                    self._websocket(app, self._deref(protocol_app, facts), facts, prefix="", depth=0)
        app.protocols = tuple(protocols)

    def _websocket(self, app: AsgiApplication, value: static.StaticExpr, facts: FileFacts, prefix: str,
                   depth: int) -> None:  # fmt: skip
        if depth > MAX_DEPTH or not isinstance(value, static.Call):
            return
        callee = value.callee or value.text
        inner = self._deref(value.args[0], facts) if value.args else None
        if callee in channels_api.ORIGIN_VALIDATORS:
            app.origin_validated = True
        elif callee == channels_api.URL_ROUTER:
            for route in self._route_items(inner, facts, depth):
                self._route(app.websocket_routes, route, facts, prefix, depth)
            return
        elif callee not in channels_api.PASS_THROUGH:
            app.custom_wrappers.append(callee)
        if inner is not None:
            self._websocket(app, inner, facts, prefix, depth + 1)

    def _http(self, app: AsgiApplication, value: static.StaticExpr, facts: FileFacts, depth: int) -> None:
        """`"http": URLRouter([path("collect/", NewsConsumer.as_asgi()), re_path("^", django_asgi_app)])`, through
        any middleware: the routes that do not reach Django."""
        if depth > MAX_DEPTH or not isinstance(value, static.Call):
            return
        callee = value.callee or value.text
        inner = self._deref(value.args[0], facts) if value.args else None
        if callee == channels_api.URL_ROUTER:
            routes: list[WebsocketRoute] = []
            for route in self._route_items(inner, facts, depth):
                self._route(routes, route, facts, "", depth)
            app.http_consumer_routes.extend(route for route in routes if not self._is_django(route, facts))
        elif inner is not None:
            self._http(app, inner, facts, depth + 1)

    def _is_django(self, route: WebsocketRoute, facts: FileFacts) -> bool:
        """Django's own handler: Channels' AsgiHandler, `get_asgi_application()` or a name bound to it."""
        if route.consumer in (channels_api.HTTP_HANDLER, channels_api.DJANGO_ASGI_HANDLER):
            return True
        target = self._deref(static.Reference(route.consumer, route.text), facts)
        return isinstance(target, static.Call) and target.callee == channels_api.GET_ASGI_APPLICATION

    def _route_items(
        self, value: static.StaticExpr | None, facts: FileFacts, depth: int
    ) -> list[tuple[static.StaticExpr, FileFacts]]:
        if isinstance(value, static.Sequence):
            return [(item, facts) for item in value.items if not isinstance(item, static.Starred)]
        if isinstance(value, static.BinaryOp):
            return self._route_items(value.left, facts, depth) + self._route_items(value.right, facts, depth)
        if isinstance(value, static.Reference) and value.qualname and "." in value.qualname and depth < MAX_DEPTH:
            module, _, name = value.qualname.rpartition(".")
            other = self.index.find(module, source_root(facts))
            if other is not None:
                assigned = _last_assignment(other, name)
                if assigned is not None:
                    return [(item, other) for item, _ in self._route_items(assigned.value, other, depth + 1)]
        return []

    def _route(self, into: list[WebsocketRoute], item: tuple[static.StaticExpr, FileFacts], facts: FileFacts, prefix: str,
               depth: int) -> None:  # fmt: skip
        route_call, route_facts = item
        if not isinstance(route_call, static.Call) or _tail(route_call.callee or route_call.text) not in (
            "path", "re_path", "url"
        ):  # fmt: skip
            return
        pattern = route_call.argument(0, "route")
        route = f"{prefix}{pattern.value if isinstance(pattern, static.Literal) else '<dynamic>'}"
        target = route_call.argument(1, "view")
        if isinstance(target, static.Call) and target.callee == channels_api.URL_ROUTER:
            for nested in self._route_items(target.args[0] if target.args else None, route_facts, depth + 1):
                self._route(into, nested, route_facts, route, depth + 1)
            return
        if isinstance(target, static.Call) and _tail(target.callee or target.text) == "as_asgi":
            consumer = target.callee.rsplit(".", 1)[0] if target.callee else None
            into.append(WebsocketRoute(route, consumer, True, route_facts.path, route_call.line,
                                                       target.text))  # fmt: skip
        elif isinstance(target, static.Reference):
            into.append(WebsocketRoute(route, target.qualname, False, route_facts.path,
                                                       route_call.line, target.text))  # fmt: skip

    # ------------------------------------------------------------------ import order in asgi.py

    def _import_order(self, app: AsgiApplication, facts: FileFacts) -> None:
        app.setup_line = _setup_line(facts)
        if app.setup_line is None:
            return
        root = source_root(facts)
        for imported in facts.import_lines:
            if imported.line >= app.setup_line:
                continue
            loads = self.models_loaded(imported.qualname, root, depth=0)
            if loads == ALWAYS:
                app.early_model_imports.append((imported.qualname, imported.line))
            elif loads is not None:
                app.early_release_imports.append((imported.qualname, imported.line, *loads))

    def models_loaded(self, module: str, root: str, depth: int) -> tuple[str, str] | None:
        """Whether importing `module` loads models: ALWAYS, or (Channels module, release) when it does only on
        Channels releases before that one (knowledge/channels_api.py MODULES_LOADING_MODELS), or None."""
        if module.startswith("django.contrib.") and module.endswith(".models"):
            return ALWAYS
        if module in channels_api.MODULES_LOADING_MODELS:
            return module, channels_api.MODULES_LOADING_MODELS[module].release
        if depth > 4:
            return None
        key = f"{root}:{module}"
        if key in self._models_memo:
            return self._models_memo[key]
        self._models_memo[key] = None  # cycles: assume not, until shown otherwise
        facts = self.index.find(module, root)
        result = None
        if facts is not None:
            # A module that calls `django.setup()` itself before its model imports (a consumers module written to
            # be importable on its own) loads nothing before the registry is ready.
            setup = _setup_line(facts) or float("inf")
            if any(self._is_model(facts, cls) for cls in facts.classes if cls.span.line < setup) or any(
                call.scope.function is None and call.callee in channels_api.APP_REGISTRY_CALLS
                and call.span.line < setup for call in facts.calls
            ):  # fmt: skip
                result = ALWAYS
            for imported in facts.import_lines:
                if result == ALWAYS:
                    break
                if imported.qualname != module and imported.line < setup:
                    loads = self.models_loaded(imported.qualname, root, depth + 1)
                    result = loads if loads == ALWAYS or result is None else result
        self._models_memo[key] = result
        return result

    def _is_model(self, facts: FileFacts, cls) -> bool:  # noqa: ANN001 - ClassFact
        return any(
            name in ("django.db.models.Model", "django.db.models.base.Model")
            for name in self.classes.ancestors(facts, cls)
        )
