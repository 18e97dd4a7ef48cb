"""What each routed view is: a function or a class, sync or async, the way Django itself decides.

- A function view is async iff it is `async def` (django/core/handlers/base.py). A sync wrapper (a decorator
  that is not async-capable on the project's Django) makes it sync: see rules/views.py.
- A class-based view is async iff every handler in `http_method_names` except `options` is `async def`
  (View.view_is_async, Django 4.1+); a mix raises ImproperlyConfigured at `as_view()`. Handlers come from the
  class, its project bases (in MRO order) and Django's generic views (knowledge/django_views.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django_protolint.knowledge.django_views import (
    ADRF_PREFIX,
    DRF_VIEW_PREFIXES,
    GENERIC_VIEW_HANDLERS,
    HTTP_METHOD_NAMES,
)
from django_protolint.project.classes import ClassHierarchy
from django_protolint.project.modules import ModuleIndex
from django_protolint.project.urls import Route
from django_protolint.source.facts import ClassFact, FileFacts, FunctionFact, Span
from django_protolint.source.static import Literal, Sequence

HANDLERS = tuple(name for name in HTTP_METHOD_NAMES if name != "options")


@dataclass(frozen=True)
class Handler:
    name: str
    is_async: bool
    owner: str  # qualified name of the class that defines it
    path: str  # "" for Django's own classes
    line: int
    function: FunctionFact | None = None


@dataclass
class View:
    qualname: str
    kind: str  # "function", "class", "viewset"
    path: str
    span: Span  # the def or class name
    routes: list[Route] = field(default_factory=list)
    function: FunctionFact | None = None  # function views
    facts: FileFacts | None = None
    handlers: tuple[Handler, ...] = ()  # class-based views
    drf: bool = False  # a Django REST framework view (rejects async handlers unless from adrf)
    class_fact: ClassFact | None = None
    complete: bool = True  # False when a base class is outside the project and not in our tables

    @property
    def is_async(self) -> bool:
        if self.function is not None:
            return self.function.is_async
        return bool(self.handlers) and all(handler.is_async for handler in self.handlers)

    @property
    def is_mixed(self) -> bool:
        return any(h.is_async for h in self.handlers) and any(not h.is_async for h in self.handlers)

    @property
    def async_functions(self) -> list[tuple[FileFacts, FunctionFact]]:
        """The async code Django runs for this view (the function, or each async handler)."""
        if self.drf:
            # DRF's sync dispatch calls an `async def` handler and gets a coroutine it never awaits (DPL204): the
            # body never runs, so it awaits no I/O and is no reason to serve the project with ASGI.
            return []
        if self.function is not None and self.facts is not None:
            return [(self.facts, self.function)] if self.function.is_async else []
        return [
            (self.facts, handler.function)
            for handler in self.handlers
            if handler.is_async and handler.function is not None and self.facts is not None
        ]


class ViewResolver:
    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.classes = ClassHierarchy.of(index)

    def view(self, route: Route, root: str) -> View | None:
        if route.view is None or route.kind in ("admin", "unresolved"):
            return None
        located = self.classes.locate(route.view, root)
        if located is None:
            return None
        facts, local = located
        function = next((f for f in facts.functions if f.qualname == local), None)
        if function is not None and route.kind == "function":
            return View(route.view, "function", facts.path, function.span, function=function, facts=facts)
        cls = next((c for c in facts.classes if c.qualname == local), None)
        if cls is None:
            return None
        handlers, drf, complete = self._handlers(facts, cls)
        kind = "viewset" if route.kind == "viewset" else "class"
        return View(route.view, kind, facts.path, cls.span, facts=facts, handlers=handlers, drf=drf,
                    complete=complete, class_fact=cls)  # fmt: skip

    def _handlers(self, facts: FileFacts, cls: ClassFact) -> tuple[tuple[Handler, ...], bool, bool]:
        found: dict[str, Handler] = {}
        allowed: tuple[str, ...] | None = None
        drf = False
        complete = True
        for owner_facts, owner in self.classes.mro(facts, cls):
            if isinstance(owner, str):  # a class outside the project
                if owner.startswith(DRF_VIEW_PREFIXES):
                    drf = True
                    continue
                if owner.startswith(ADRF_PREFIX):
                    continue
                known = GENERIC_VIEW_HANDLERS.get(owner)
                if known is None:
                    complete = False
                    continue
                for name in known:
                    found.setdefault(name, Handler(name, False, owner, "", 0))
                continue
            if allowed is None:
                names = owner.attribute("http_method_names")
                if isinstance(names, Sequence) and all(isinstance(i, Literal) for i in names.items):
                    allowed = tuple(str(i.value) for i in names.items)  # type: ignore[union-attr]
            owner_name = f"{owner_facts.module}.{owner.qualname}"
            for function in owner_facts.functions:
                if function.class_name == owner.qualname and function.name in HANDLERS:
                    found.setdefault(
                        function.name,
                        Handler(
                            function.name, function.is_async, owner_name, owner_facts.path, function.span.line, function
                        ),  # fmt: skip
                    )
        handlers = tuple(h for name, h in sorted(found.items()) if allowed is None or name in allowed)
        return handlers, drf, complete
