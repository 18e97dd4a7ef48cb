"""What a project-defined decorator makes of an async view: still a coroutine function, or a plain `def`.

Django decides whether a view is async with `iscoroutinefunction(view)` (asgiref's up to 6.0, `inspect`'s from
6.1), on the object the decorators return. Checked on CPython 3.10, 3.11, 3.12 and 3.13 with asgiref 3.13:
- an `async def` wrapper is a coroutine function for every check;
- a plain `def` wrapper marked with `markcoroutinefunction` is one for asgiref's check on all four, and for
  `inspect`'s on 3.12+ (the only Pythons Django 6.1 supports);
- a plain `def` wrapper with `functools.wraps(view)` (or `update_wrapper`) alone is not, on any of them: `wraps`
  copies names and `__wrapped__`, not the coroutine flag.
So a decorator whose wrapper is a plain, unmarked `def` that calls the view makes Django call the view as sync;
the wrapper returns the coroutine and Django fails with "didn't return an HttpResponse object. It returned an
unawaited coroutine instead."

Read from the facts only, and only in shapes that say so plainly: the decorator (or the decorator a factory
returns) is a project `def` whose every `return` names one nested `def`, the wrapper. Any doubt (an `async def`
of the same name on another branch, a marker call, a wrapper that runs the view with `async_to_sync`, a return
we cannot read) means "not known to be sync", and nothing is reported.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from django_protolint.knowledge.asyncio_api import COROUTINE_MARKERS, COROUTINE_RUNNERS
from django_protolint.project.modules import ModuleIndex, sole_assignment, source_root
from django_protolint.source import static
from django_protolint.source.facts import FileFacts, FunctionFact

# They copy names, docstring and `__wrapped__`; not the coroutine flag (checked on CPython 3.10-3.13).
TRANSPARENT_WRAPPERS = frozenset({"functools.wraps", "functools.update_wrapper"})
MAX_FACTORY_DEPTH = 2  # `@decorator` and `@factory(...)`; deeper nesting is not followed


@dataclass(frozen=True)
class Wrapping:
    """The wrapper a decorator puts around a view: where it is defined and whether Django sees it as async."""

    decorator: str  # qualified name of the decorator as used on the view
    wrapper: FunctionFact
    path: str
    is_async: bool

    @property
    def chain(self) -> str:
        return (
            f"`{self.decorator.rsplit('.', 1)[-1]}` → `{self.wrapper.qualname}` ({self.path}:{self.wrapper.span.line})"
        )


def wrapping(facts: FileFacts, decorator: FunctionFact, qualname: str) -> Wrapping | None:
    """The wrapper `decorator` (a project function, `qualname`) returns around the function it decorates, when
    the facts say plainly which `def` that is; None when unknown or when the decorator returns no wrapper."""
    current = decorator
    for _ in range(MAX_FACTORY_DEPTH):
        nested = _returned_defs(facts, current)
        if not nested:
            return None
        if any(function.is_async for function in nested) or _marked(facts, current, nested[0].name):
            return Wrapping(qualname, nested[0], facts.path, is_async=True)
        inner = nested[0]
        if len(nested) == 1 and _returned_defs(facts, inner) and not _calls_parameter(facts, current, inner):
            current = inner  # a factory: `@factory(...)` returns the decorator, which returns the wrapper
            continue
        if (
            len(nested) == 1
            and _calls_parameter(facts, current, inner)
            and not _runs_coroutine(facts, inner)
            and not _changed_after_def(facts, current, inner)
        ):
            return Wrapping(qualname, inner, facts.path, is_async=False)
        return None
    return None


def _returned_defs(facts: FileFacts, function: FunctionFact) -> list[FunctionFact]:
    """The nested `def`s of that name when every `return` of `function` names the same nested `def`."""
    names = set(function.returns)
    if len(names) != 1 or "" in names or function.is_async or function.yields:
        return []
    (name,) = names
    qualname = f"{function.qualname}.<locals>.{name}"
    return [nested for nested in facts.functions if nested.qualname == qualname]


def _marked(facts: FileFacts, function: FunctionFact, wrapper: str) -> bool:
    """`markcoroutinefunction(wrapper)` in the decorator, or as a decorator on the wrapper."""
    qualname = f"{function.qualname}.<locals>.{wrapper}"
    return any(
        call.callee in COROUTINE_MARKERS and call.scope.function in (function.qualname, qualname)
        for call in facts.calls
    ) or any(
        marker in COROUTINE_MARKERS
        for nested in facts.functions
        if nested.qualname == qualname
        for marker in nested.decorators
    )


def _calls_parameter(facts: FileFacts, decorator: FunctionFact, wrapper: FunctionFact) -> bool:
    """The wrapper calls what the decorator was given: `return view(request, *args, **kwargs)`."""
    if not decorator.parameters:
        return False
    parameter = decorator.parameters[0]
    return any(call.scope.function == wrapper.qualname and call.text == parameter for call in facts.calls)


def _changed_after_def(facts: FileFacts, decorator: FunctionFact, wrapper: FunctionFact) -> bool:
    """Something but `functools.wraps` decorates the wrapper, or the decorator passes it to a call other than
    `functools.update_wrapper` (`wrapper = sync_to_async(wrapper)`): what is returned may not be the plain def."""
    if any(name not in TRANSPARENT_WRAPPERS for name in wrapper.decorators):
        return True
    return any(
        call.scope.function == decorator.qualname
        and call.argument_text == wrapper.name
        and call.callee not in TRANSPARENT_WRAPPERS
        for call in facts.calls
    )


def _runs_coroutine(facts: FileFacts, wrapper: FunctionFact) -> bool:
    """`async_to_sync(view)(...)` or `asyncio.run(view(...))`: the sync wrapper gives a result, not a coroutine."""
    return any(call.scope.function == wrapper.qualname and call.callee in COROUTINE_RUNNERS for call in facts.calls)


MAX_ALIAS_DEPTH = 2  # `staff_only = user_passes_test(...)`, and a name imported from the module that defines it


@dataclass(frozen=True)
class DjangoDecoratorAlias:
    """A project name that stands for one of Django's view decorators: `staff_only = user_passes_test(...)`,
    `header = decorator_from_middleware(HeaderMiddleware)`, `my_login = login_required`."""

    django_decorator: str  # qualified name of Django's decorator (a knowledge/django_views.py row)
    path: str
    line: int
    text: str  # the assigned value as written, shortened

    @property
    def chain(self) -> str:
        return f"`{self.text}` at {self.path}:{self.line}"


def called_name(decorator: str) -> str:
    """`header_with` for `@header_with(...)`: a decorator call the visitor could not resolve keeps its source text
    (`header_with()`, `header_with(…)`)."""
    return decorator.removesuffix("(…)").removesuffix("()")


def django_decorator_alias(index: ModuleIndex, facts: FileFacts, name: str, known: Container[str],
                           depth: int = 0) -> DjangoDecoratorAlias | None:  # fmt: skip
    """The Django decorator (a name in `known`) that the decorator `name`, as used in `facts`, was made from by a
    module-level assignment; None when it is not one, or when the assignment is conditional or rebound."""
    name = called_name(name)
    module, _, attribute = name.rpartition(".")
    if module:
        owner = index.find(module, source_root(facts))
    else:
        owner, attribute = facts, name
    if owner is None or depth > MAX_ALIAS_DEPTH:
        return None
    assignment = sole_assignment(owner, attribute)
    if assignment is None:
        return None
    value = assignment.value
    if isinstance(value, static.Call):
        target, text = value.callee, f"{value.text}(…)"
    elif isinstance(value, static.Reference):
        target, text = value.qualname, value.text
    else:
        return None
    if target is None:
        return None
    if target in known:
        return DjangoDecoratorAlias(target, owner.path, assignment.line, f"{attribute} = {text}")
    return django_decorator_alias(index, owner, target, known, depth + 1)
