"""URL routing, followed statically from ROOT_URLCONF to the view callables.

Handles `urlpatterns = [...]`, `+=`, `.append/.extend/.insert`, `path`/`re_path`/`url`, `include()` of a module
string, a module object, a list, or a `(patterns, app_name)` tuple, views wrapped in decorators inside the
URLconf (`login_required(views.x)`), `View.as_view()`, and DRF routers (`router.register(...)` + `router.urls`).
What cannot be followed is kept as an unresolved route, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from django_protolint.project.modules import ModuleIndex, source_root
from django_protolint.source import static
from django_protolint.source.facts import FileFacts

ROUTE_FUNCTIONS = frozenset({"path", "re_path", "url"})
MAX_INCLUDE_DEPTH = 12


@dataclass(frozen=True)
class Route:
    route: str  # joined through includes: "articles/<int:pk>/"
    view: str | None  # qualified name of the function, class or viewset
    kind: str  # "function", "class" (as_view), "viewset" (DRF router), "admin", "unresolved"
    wrappers: tuple[str, ...]  # decorators applied in the URLconf, outermost first
    path: str  # the URLconf file
    line: int
    text: str  # the view as written, for messages


def _tail(name: str | None) -> str:
    return (name or "").rsplit(".", 1)[-1]


class UrlResolver:
    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.routes: list[Route] = []
        self.visited: set[tuple[str, str]] = set()
        # URLconf modules whose patterns a project function builds at runtime (`urlpatterns.extend(
        # urls_with_prefix("async", async_views.all_functions))`): which views they route cannot be read.
        self.built_at_runtime: list[FileFacts] = []

    def resolve(self, urlconf: str, root: str) -> list[Route]:
        self._module(urlconf, root, prefix="", depth=0)
        return self.routes

    def _module(self, module: str, root: str, prefix: str, depth: int) -> None:
        facts = self.index.find(module, root)
        if facts is None or depth > MAX_INCLUDE_DEPTH:
            return
        key = (source_root(facts), facts.module)
        if key in self.visited:
            return  # the same URLconf included twice: its views are reachable already
        self.visited.add(key)
        for item in self._list_items(facts, "urlpatterns"):
            self._item(item, facts, prefix, depth)

    def _list_items(self, facts: FileFacts, target: str) -> list[static.StaticExpr]:
        items: list[static.StaticExpr] = []
        for statement in facts.statements:
            if not isinstance(statement, static.Assignment) or statement.target != target:
                continue
            value = statement.value
            if statement.operator == "=":
                new = self._expand(value, target, items)
                items = items + [item for item in new if item not in items] if statement.conditional else new
            elif statement.operator == "+=":
                items += self._expand(value, target, items)
            elif isinstance(value, static.Call) and value.args:
                if statement.operator == "append":
                    items.append(value.args[0])
                elif statement.operator == "extend":
                    items += self._expand(value.args[0], target, items)
                elif statement.operator == "insert" and len(value.args) == 2:
                    items.append(value.args[1])
        return items

    def _expand(
        self, value: static.StaticExpr, target: str, before: list[static.StaticExpr]
    ) -> list[static.StaticExpr]:
        """The list's own name inside its new value stands for the list so far. DRF's tutorial ends its URLconf
        with `urlpatterns = format_suffix_patterns(urlpatterns)`; read as a reference to itself, that recursed
        until RecursionError and the whole run stopped with an internal error."""
        expanded: list[static.StaticExpr] = []
        for item in self._flatten(value):
            if isinstance(item, static.Reference) and item.text == target:
                expanded += before
            else:
                expanded.append(item)
        return expanded

    def _flatten(self, value: static.StaticExpr) -> list[static.StaticExpr]:
        if isinstance(value, static.Sequence):
            flat: list[static.StaticExpr] = []
            for item in value.items:
                flat += self._flatten(item.value) if isinstance(item, static.Starred) else [item]
            return flat
        if isinstance(value, static.BinaryOp) and value.operator == "+":
            return self._flatten(value.left) + self._flatten(value.right)
        if isinstance(value, static.Call) and _tail(value.callee or value.text) in (
            "i18n_patterns", "format_suffix_patterns"
        ):  # fmt: skip
            return [item for arg in value.args for item in self._flatten(arg)]
        return [value]

    def _item(self, item: static.StaticExpr, facts: FileFacts, prefix: str, depth: int) -> None:
        if isinstance(item, static.Reference):
            self._reference_list(item, facts, prefix, depth)
            return
        if isinstance(item, static.Call) and _tail(item.callee or item.text) not in ROUTE_FUNCTIONS:
            if self._project_function(item.callee, facts) and facts not in self.built_at_runtime:
                self.built_at_runtime.append(facts)
            return
        if not isinstance(item, static.Call):
            return
        route_expression = item.argument(0, "route")
        route = route_expression.value if isinstance(route_expression, static.Literal) else "<dynamic>"
        full = f"{prefix}{route if isinstance(route, str) else '<dynamic>'}"
        view = item.argument(1, "view")
        if view is None:
            return
        if isinstance(view, static.Call) and _tail(view.callee or view.text) == "include":
            self._include(view, facts, full, depth)
            return
        self._view(view, facts, full, item.line, ())

    def _project_function(self, qualname: str | None, facts: FileFacts) -> bool:
        if not qualname or "." not in qualname:
            return False
        module, _, name = qualname.rpartition(".")
        found = self.index.find(module, source_root(facts))
        return found is not None and any(function.qualname == name for function in found.functions)

    def _include(self, call: static.Call, facts: FileFacts, prefix: str, depth: int) -> None:
        target = call.argument(0, "arg")
        root = source_root(facts)
        if isinstance(target, static.Sequence) and target.kind == "tuple" and target.items:
            target = target.items[0]  # (patterns_or_module, app_name)
        if isinstance(target, static.Literal) and isinstance(target.value, str):
            self._module(target.value, root, prefix, depth + 1)
        elif isinstance(target, static.Reference):
            self._reference_list(target, facts, prefix, depth)
        elif isinstance(target, static.Sequence):
            for item in self._flatten(target):
                self._item(item, facts, prefix, depth + 1)

    def _reference_list(self, reference: static.Reference, facts: FileFacts, prefix: str, depth: int) -> None:
        """`include(api_patterns)`, `include(blog.urls)`, `router.urls`, `admin.site.urls`."""
        root = source_root(facts)
        if reference.text.endswith("site.urls"):
            return  # the admin: sync views, not the project's own
        if depth > MAX_INCLUDE_DEPTH:
            return  # lists naming each other in a cycle
        if "." not in reference.text:
            local = self._list_items(facts, reference.text)
            if local:
                for item in local:
                    self._item(item, facts, prefix, depth + 1)
                return
        if reference.text.endswith(".urls") and "." in reference.text:
            router = reference.text.rsplit(".", 1)[0]
            registered = self._router_viewsets(facts, router, prefix)
            if registered:
                return
        if reference.qualname and self.index.find(reference.qualname, root) is not None:
            self._module(reference.qualname, root, prefix, depth + 1)
            return
        if reference.qualname and reference.qualname.endswith(".urlpatterns"):
            self._module(reference.qualname.rsplit(".", 1)[0], root, prefix, depth + 1)
            return
        if self._imported_list(reference, root, prefix, depth):
            return
        qualname = reference.qualname or ""
        if "." in qualname and self.index.find(qualname.split(".")[0], root) is None:
            return  # imported from outside the project (`include(debug_toolbar.urls)`): not the project's views
        # Anything else (a name we cannot find, a router we cannot read) stays visible as an unresolved route.
        self.routes.append(Route(prefix, None, "unresolved", (), facts.path, reference.line or 0, reference.text))

    def _imported_list(self, reference: static.Reference, root: str, prefix: str, depth: int) -> bool:
        """A router or a pattern list imported from another project module (`from .api import router`, the
        `config/api_router.py` of cookiecutter-django): read it where it is defined. Before, both were dropped
        without a trace, which hid every viewset registered on an imported router."""
        parts = (reference.qualname or "").split(".")
        for cut in range(len(parts) - 1, 0, -1):
            other = self.index.find(".".join(parts[:cut]), root)
            if other is None:
                continue
            local = parts[cut:]
            if len(local) == 2 and local[1] == "urls" and self._router_viewsets(other, local[0], prefix):
                return True
            if len(local) != 1 or depth > MAX_INCLUDE_DEPTH:
                return False
            for item in self._list_items(other, local[0]):
                self._item(item, other, prefix, depth + 1)
            return any(isinstance(s, static.Assignment) and s.target == local[0] for s in other.statements)
        return False

    def _router_viewsets(self, facts: FileFacts, router: str, prefix: str) -> bool:
        found = False
        for statement in facts.statements:
            if (
                isinstance(statement, static.Assignment)
                and statement.target == router
                and statement.operator == "register"
                and isinstance(statement.value, static.Call)
            ):
                registered_prefix = statement.value.argument(0, "prefix")
                viewset = statement.value.argument(1, "viewset")
                route = registered_prefix.value if isinstance(registered_prefix, static.Literal) else "<dynamic>"
                if isinstance(viewset, static.Reference):
                    self.routes.append(
                        Route(
                            f"{prefix}{route}/",
                            viewset.qualname,
                            "viewset",
                            (),
                            facts.path,
                            statement.line,
                            viewset.text,
                        )  # fmt: skip
                    )
                    found = True
        return found

    def _view(
        self, view: static.StaticExpr, facts: FileFacts, route: str, line: int, wrappers: tuple[str, ...]
    ) -> None:
        if isinstance(view, static.Reference):
            kind = "admin" if view.text.endswith("site.urls") else "function"
            self.routes.append(Route(route, view.qualname, kind, wrappers, facts.path, line, view.text))
            return
        if isinstance(view, static.Call):
            callee = view.callee or view.text
            if _tail(callee) in ("as_view", "as_asgi"):
                cls = callee.rsplit(".", 1)[0] if view.callee else None
                self.routes.append(Route(route, cls, "class", wrappers, facts.path, line, view.text))
                return
            if view.args:  # login_required(views.x), csrf_exempt(V.as_view()), cache_page(60)(views.x)
                self._view(view.args[0], facts, route, line, (*wrappers, callee))
                return
        self.routes.append(Route(route, None, "unresolved", wrappers, facts.path, line, "<dynamic>"))
