"""What each MIDDLEWARE entry can run as: sync, async or both (BaseHandler.load_middleware, Django 3.1+).

- A class or function factory defaults to `sync_capable = True`, `async_capable = False`.
- `MiddlewareMixin` subclasses are both (whichever name Django exports it by: `django.utils.deprecation`, or
  `django.middleware` from 6.2); so is every middleware Django ships (../shared/facts.md §3.3).
- `@sync_only_middleware`, `@async_only_middleware`, `@sync_and_async_middleware`, or the two attributes set on
  the class, say otherwise.
Third-party middleware is looked up in knowledge/middleware.py, by the releases the project's dependency files
allow; without a row, or when those releases may differ in mode, it is "unknown", and no rule guesses about it.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import Version

from django_protolint.knowledge.middleware import DJANGO_MIDDLEWARE_MIXINS, TABLE, ThirdPartyMiddleware
from django_protolint.project.classes import ClassHierarchy
from django_protolint.project.dependencies import VersionRange, version_range
from django_protolint.project.modules import ModuleIndex
from django_protolint.source.facts import ClassFact, FileFacts, Span
from django_protolint.source.static import Literal

DECORATOR_MODES = {
    "django.utils.decorators.sync_only_middleware": "sync",
    "django.utils.decorators.async_only_middleware": "async",
    "django.utils.decorators.sync_and_async_middleware": "both",
}


@dataclass(frozen=True)
class Middleware:
    dotted_path: str  # as listed in MIDDLEWARE
    mode: str  # "sync", "async", "both", "unknown"
    path: str | None  # where it is defined, for project middleware
    span: Span | None
    reason: str  # why we say so


def _mode_from_flags(sync_capable: bool, async_capable: bool) -> str:
    if sync_capable and async_capable:
        return "both"
    return "async" if async_capable else "sync"


def _modes_within(row: ThirdPartyMiddleware, allowed: VersionRange | None) -> set[tuple[str, str]]:
    """(mode, what decides) of every release in `allowed` that the row covers; ("unknown", ...) for the rest."""
    low = allowed.low if allowed else None
    high = allowed.high if allowed else None
    inclusive = allowed.high_inclusive if allowed else False
    starts = [Version(first) for first, _, _ in row.modes]
    found: set[tuple[str, str]] = set()
    if low is None or low < starts[0]:
        found.add(("unknown", f"releases before {row.modes[0][0]} were not read"))
    for number, (_, mode, why) in enumerate(row.modes):
        start = starts[number]
        end = starts[number + 1] if number + 1 < len(starts) else None  # exclusive
        if end is not None and low is not None and low >= end:
            continue
        if high is not None and (high < start or (high == start and not inclusive)):
            continue
        found.add((mode, why))
    checked = Version(row.checked)
    if row.modes[-1][1] != "both" and (high is None or high > checked):
        found.add(("unknown", f"releases after {row.checked} were not read"))
    return found


def third_party(row: ThirdPartyMiddleware, dependency_texts: dict[str, str]) -> tuple[str, str]:
    """(mode, reason) of a tabled middleware, for the releases the project's dependency files allow."""
    allowed = version_range(dependency_texts, row.distribution)
    if allowed is None:
        return "unknown", f"no dependency file names {row.distribution}: its mode depends on the release"
    if allowed.empty:
        return "unknown", f"the dependency files allow no release of it ({allowed.label()})"
    modes = _modes_within(row, allowed)
    kinds = {mode for mode, _ in modes}
    if len(kinds) != 1 or kinds == {"unknown"}:
        return (
            "unknown",
            f"{allowed.label()} allows releases that differ or that were not read (read up to {row.checked})",
        )
    # Same mode for different reasons (corsheaders: MiddlewareMixin, then its own flags) is still one mode.
    return kinds.pop(), f"{' or '.join(sorted(why for _, why in modes))} in {allowed.label()}"


class MiddlewareReader:
    def __init__(self, index: ModuleIndex, dependency_texts: dict[str, str] | None = None) -> None:
        self.classes = ClassHierarchy.of(index)
        self.dependency_texts = dependency_texts or {}

    def read(self, dotted_path: str, root: str) -> Middleware:
        if dotted_path.startswith("django."):
            return Middleware(dotted_path, "both", None, None, "Django's own middleware is sync and async capable")
        located = self.classes.locate(dotted_path, root)
        if located is None:
            row = TABLE.get(dotted_path)
            if row is None:
                return Middleware(dotted_path, "unknown", None, None, "defined outside the project")
            mode, reason = third_party(row, self.dependency_texts)
            return Middleware(dotted_path, mode, None, None, reason)
        facts, local = located
        cls = next((c for c in facts.classes if c.qualname == local), None)
        if cls is not None:
            return self._class(dotted_path, facts, cls)
        function = next((f for f in facts.functions if f.qualname == local), None)
        if function is None:
            return Middleware(dotted_path, "unknown", facts.path, None, "not found in its module")
        for decorator in function.decorators:
            if decorator in DECORATOR_MODES:
                name = decorator.rsplit(".", 1)[-1]
                return Middleware(dotted_path, DECORATOR_MODES[decorator], facts.path, function.span, f"@{name}")
        return Middleware(dotted_path, "sync", facts.path, function.span, "a function factory without a decorator "
                          "is sync-only")  # fmt: skip

    def _class(self, dotted_path: str, facts: FileFacts, cls: ClassFact) -> Middleware:
        for decorator in cls.decorators:
            if decorator in DECORATOR_MODES:
                name = decorator.rsplit(".", 1)[-1]
                return Middleware(dotted_path, DECORATOR_MODES[decorator], facts.path, cls.span, f"@{name}")
        flags: dict[str, bool] = {}
        mixin = False
        for _owner_facts, owner in self.classes.mro(facts, cls):
            if isinstance(owner, str):
                mixin |= owner in DJANGO_MIDDLEWARE_MIXINS
                continue
            for flag in ("sync_capable", "async_capable"):
                value = owner.attribute(flag)
                if flag not in flags and isinstance(value, Literal) and isinstance(value.value, bool):
                    flags[flag] = value.value
        if flags:
            mode = _mode_from_flags(flags.get("sync_capable", True), flags.get("async_capable", mixin))
            return Middleware(dotted_path, mode, facts.path, cls.span, "its sync_capable/async_capable flags")
        if mixin:
            return Middleware(dotted_path, "both", facts.path, cls.span, "a MiddlewareMixin subclass")
        return Middleware(dotted_path, "sync", facts.path, cls.span, "a plain class without async_capable = True "
                          "is sync-only")  # fmt: skip
