"""What a name means at a point in a file: the explicit stack of scopes the facts visitor walks with.

Python resolves a name in the innermost function, then enclosing functions, then the module (class bodies are
skipped for code inside methods). We keep that, flow-insensitively: a name bound anywhere in a scope means the
same thing everywhere in it. Good enough for a linter and never unsound for the rules (an unknown binding
resolves to nothing rather than to a guess).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_protolint.source.facts import Scope

# Binding kinds
IMPORT = "import"  # qualname: what was imported ("requests", "time.sleep")
DEFINITION = "def"  # qualname: project function or class ("blog.services.count")
INSTANCE = "instance"  # qualname: the type ("httpx.Client", "io.TextIOWrapper")
QUERYSET = "queryset"  # qualname: the model as written ("Article"), "" when unknown
MODEL_INSTANCE = "model-instance"  # qualname: the model as written
LOCAL = "local"  # a parameter or anything else we cannot type: resolves to nothing


@dataclass(frozen=True)
class Binding:
    kind: str
    qualname: str
    # For querysets and model instances: relations fetched with the rows (select_related/prefetch_related),
    # and the model's qualified name when the import says it.
    loaded: tuple[str, ...] = ()
    model: str | None = None


@dataclass
class Frame:
    kind: str  # "module", "class", "function", "lambda"
    qualname: str | None  # module-relative; None for the module
    is_async: bool = False
    class_qualname: str | None = None  # for a method: the class it is defined in
    bindings: dict[str, Binding] = field(default_factory=dict)
    awaits: bool = False
    yields: bool = False
    returns: list[str] = field(default_factory=list)
    scope: Scope | None = None  # the facts' Scope for this function, made once

    @property
    def is_function(self) -> bool:
        return self.kind in ("function", "lambda")


class ScopeStack:
    def __init__(self, module_frame: Frame) -> None:
        self.frames: list[Frame] = [module_frame]
        # Per frame, the bindings a name is looked up in from there, innermost first: its own, then those of the
        # enclosing frames that are not class bodies. Made once per frame, where `lookup` used to skip the class
        # bodies again for every name.
        self._visible: list[tuple[dict[str, Binding], ...]] = [(module_frame.bindings,)]
        self._functions: list[Frame | None] = [module_frame if module_frame.is_function else None]  # `function`

    def push(self, frame: Frame) -> None:
        enclosing = self._visible[-1]
        if self.frames[-1].kind == "class":
            enclosing = enclosing[1:]
        self.frames.append(frame)
        self._visible.append((frame.bindings, *enclosing))
        self._functions.append(frame if frame.is_function else None)

    def pop(self) -> Frame:
        self._visible.pop()
        self._functions.pop()
        return self.frames.pop()

    @property
    def innermost(self) -> Frame:
        return self.frames[-1]

    @property
    def function(self) -> Frame | None:
        """The innermost function or lambda; None at module level and directly in class bodies."""
        return self._functions[-1]

    @property
    def method_class(self) -> str | None:
        """The class whose method we are directly in (for `self.x`), else None."""
        for frame in reversed(self.frames):
            if frame.kind == "function":
                return frame.class_qualname
            if frame.kind == "lambda":
                continue
            return None
        return None

    def lookup(self, name: str) -> Binding | None:
        for bindings in self._visible[-1]:
            if (binding := bindings.get(name)) is not None:
                return binding
        return None

    def bind(self, name: str, binding: Binding) -> None:
        self.frames[-1].bindings[name] = binding

    def nested_qualname(self, name: str) -> str:
        parent = self.frames[-1]
        if parent.kind == "module":
            return name
        if parent.kind == "class":
            return f"{parent.qualname}.{name}"
        return f"{parent.qualname}.<locals>.{name}"
