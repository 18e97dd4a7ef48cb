"""Per-file facts: what one Python file says, as plain frozen data.

The per-file pass turns bytes into a `FileFacts` and nothing else; the project pass and the rules read only
these. They are picklable so that they can be cached by content hash and built in worker processes.
Lines are 1-based and columns 0-based, in characters as editors count them; only the output layer converts columns.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar, overload

from django_protolint.source.noqa import NoqaDirective
from django_protolint.source.pickling import dump_facts
from django_protolint.source.static import ModuleStatement, StaticExpr

# Facts are named tuples, not dataclasses: a large project has hundreds of thousands of them, and tuples take
# less memory and pickle (cache, worker processes) about ten times faster than frozen slotted dataclasses, whose
# unpickling sets every field through Python code.


class Span(NamedTuple):
    line: int
    column: int
    end_line: int
    end_column: int


class Scope(NamedTuple):
    """Where a fact happens: the innermost function, and whether that function runs on the event loop."""

    function: str | None  # module-relative qualname ("ArticleView.get"); None at module or class level
    is_async: bool


class FunctionFact(NamedTuple):
    qualname: str  # module-relative: "article_detail", "ArticleView.get", "outer.<locals>.inner"
    name: str
    is_async: bool
    span: Span  # the `def` line, name included
    class_name: str | None  # set for methods defined directly in a class body
    decorators: tuple[str, ...]  # resolved qualnames where possible, else source text
    decorator_spans: tuple[Span, ...]  # one per decorator, same order
    parameters: tuple[str, ...]
    awaits: bool  # any await / async for / async with in its own body
    yields: bool = False  # a generator (an async generator when is_async)
    # What its own `return` statements give back: a name as written ("wrapper"), the first argument's name of
    # `functools.update_wrapper(wrapper, view)`, or "" for anything else. What a decorator makes of a view.
    returns: tuple[str, ...] = ()
    end_line: int = 0  # the last line of its body


_FIELD = 0xFFFFFFFF  # 32 bits per line or column number


def pack_positions(*spans: Span) -> int:
    packed = 0
    for index, number in enumerate(value for span in spans for value in span):
        packed |= (number & _FIELD) << (32 * index)
    return packed


def _unpack_span(packed: int) -> Span:
    return Span(packed & _FIELD, (packed >> 32) & _FIELD, (packed >> 64) & _FIELD, (packed >> 96) & _FIELD)


class CallFact(NamedTuple):
    callee: str | None  # qualified name ("time.sleep", "blog.services.count", "httpx.Client.get"), None if unknown
    text: str  # the callee as written ("r.get", "self.helper")
    scope: Scope
    awaited: bool
    discarded: bool  # the call is a whole expression statement: its result is thrown away
    entered: bool  # the call is a `with` item: its context manager is entered
    chained: bool  # `f().x`, `f()[0]`, `f()()`: an `await` put in front must be parenthesised
    # Where the call is, and where its callee is (`time.sleep` in `time.sleep(1)`: what a fix renames), packed
    # into one int (pack_positions): calls are the most numerous facts (312k in the benchmark corpus), and two Span
    # objects each, then a tuple of eight ints, were most of the facts' memory and of what the cache loads.
    positions: int
    # The first argument when it is a name or an attribute chain: what `async_to_sync(layer.group_send)` or
    # `sync_to_async(helper)` adapt. Qualified as a callee would be, and as written.
    argument: str | None = None
    argument_text: str | None = None
    # In a generator expression's body (not its first iterable): an `await` there would make the generator async,
    # and `sorted()`/`sum()`/`list()` cannot consume that, so no fix adds one.
    in_generator: bool = False

    @property
    def span(self) -> Span:
        return _unpack_span(self.positions)

    @property
    def callee_span(self) -> Span:
        return _unpack_span(self.positions >> 128)


class QueryFact(NamedTuple):
    """A use of the Django ORM that matters in async code.

    kind: "method" (a QuerySet/Manager method call: `Article.objects.get()`, `qs.acount()`),
          "evaluate" (a lazy QuerySet forced: iteration, `list(qs)`, `len(qs)`, `if qs:`, `x in qs`, `qs[0]`),
          "instance" (a method on a model instance known to come from the ORM: `obj.save()`).
    """

    kind: str
    operation: (
        str  # the method name, or for "evaluate": iterate, comprehension, list, len, bool, contains, index, step-slice
    )
    model: str  # the model as written ("Article"), or "" when the chain does not start at a model
    receiver: str  # short source text of what the operation applies to
    span: Span
    scope: Scope
    awaited: bool
    discarded: bool
    method_span: Span | None = None  # the method name (`get` in `Article.objects.get()`), for a fix
    chained: bool = False
    model_qualname: str | None = None  # for "instance": the model's qualified name when the imports say it
    in_generator: bool = False  # see CallFact.in_generator


class RelatedAccessFact(NamedTuple):
    """`book.author` (an attribute of a model instance from the ORM) or `book.tags.count()` (a method on one)."""

    model: str  # as written
    model_qualname: str | None
    attribute: str
    method: str | None  # `count` in `book.tags.count()`; None for a plain read
    loaded: tuple[str, ...]  # select_related/prefetch_related names on the query that fetched it ("*": all)
    span: Span
    scope: Scope
    awaited: bool = False
    text: str = ""  # as written: "book.author", "book.tags.count()"


class ServerStartFact(NamedTuple):
    """`uvicorn.run("proj.asgi:application", reload=True)`: a server started from Python."""

    callee: str
    app: str | None  # the first argument when it is a string
    options: tuple[tuple[str, str | bool | int | None], ...]  # literal keyword arguments
    span: Span


class ServerArgvFact(NamedTuple):
    """`["gunicorn", "--config", CONF, "server.wsgi"]`: a server command line built in Python (a launcher script's
    table of commands, a management command's `subprocess.Popen`). Values we cannot read are `…`."""

    argv: tuple[str, ...]
    span: Span


class StreamingResponseFact(NamedTuple):
    """`StreamingHttpResponse(<iterator>)` or `FileResponse(<file>)`: what feeds it decides whether it streams."""

    span: Span
    scope: Scope
    iterator_callee: str | None  # `StreamingHttpResponse(events())` → qualified name of `events`
    # "sync"/"async" when the argument itself shows it (a generator expression); "file" for a file opened from
    # disk or storage (knowledge/streaming.py)
    iterator_kind: str | None
    response: str = "StreamingHttpResponse"  # or "FileResponse"


class RequestAccessFact(NamedTuple):
    """`request.user.<attr>` or `request.session...` read inside a function that has a request."""

    attribute: str  # "user" or "session"
    text: str
    span: Span
    scope: Scope
    chained: bool = False  # `request.user.x`: a replacement with `await` must be parenthesised
    then: str = ""  # the attribute read on it: "has_perm" in `request.user.has_perm(...)`
    in_generator: bool = False  # see CallFact.in_generator


class ClassFact(NamedTuple):
    qualname: str
    bases: tuple[str, ...]  # resolved qualnames where possible, else source text
    span: Span
    decorators: tuple[str, ...] = ()
    attributes: tuple[tuple[str, StaticExpr], ...] = ()  # class-body assignments: `async_capable = True`

    def attribute(self, name: str) -> StaticExpr | None:
        for key, value in self.attributes:
            if key == name:
                return value
        return None


class EnvironmentDefault(NamedTuple):
    """`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")`, `os.environ[...] = ...` or
    `os.environ.update(...)`, anywhere in the module."""

    name: str
    value: str
    span: Span


class ImportLine(NamedTuple):
    """A module-level import, in source order: what `asgi.py` imports before `get_asgi_application()`."""

    qualname: str
    line: int


class LoneImport(NamedTuple):
    """A top-level import statement on lines of its own that binds one name a fix may stop using (`import time`,
    `from django.shortcuts import get_object_or_404`). `mentions`: how often the name appears as a word in the
    rest of the file, comments and strings included, so that a fix drops the import only when it replaces every
    use, and never one it cannot see (`__all__`, a string annotation)."""

    bound: str
    qualname: str
    line: int
    end_line: int
    mentions: int


class FileProblem(NamedTuple):
    """Why a file could not be analysed: it is reported as a finding and the run goes on."""

    code: str  # DPL001 (cannot parse), DPL002 (cannot read or decode)
    message: str
    span: Span
    help: str = ""  # overrides the rule's fix text when the reason needs other advice


# Why a file has no facts: DPL001 cannot parse, DPL002 cannot read or decode, DPL003 the analysis failed.
CANNOT_PARSE = "DPL001"
CANNOT_READ = "DPL002"
INTERNAL_ERROR = "DPL003"
FILE_PROBLEM_CODES = frozenset({CANNOT_PARSE, CANNOT_READ, INTERNAL_ERROR})


Fact = TypeVar("Fact")


class Packed(Generic[Fact]):
    """A FileFacts attribute whose facts are kept packed (`pack`) in the field `packed_<name>`, and unpacked when
    read. The files read last stay unpacked: a rule or a model index reading one file's calls again and again (each
    function of a module, each decorator wrapper) unpacks them once."""

    def __init__(self) -> None:
        self.field = ""
        self.unpack: Callable[[bytes], tuple[Fact, ...]] = _unpacker(256)

    def __set_name__(self, owner: type, name: str) -> None:
        self.field = f"packed_{name}"

    @overload
    def __get__(self, facts: None, owner: type) -> Packed[Fact]: ...

    @overload
    def __get__(self, facts: object, owner: type | None = None) -> tuple[Fact, ...]: ...

    def __get__(self, facts: object, owner: type | None = None) -> Packed[Fact] | tuple[Fact, ...]:
        if facts is None:
            return self
        return self.unpack(getattr(facts, self.field))


def _unpacker(maxsize: int) -> Callable[[bytes], Any]:
    # Keyed by the bytes, whose hash Python computes once per object; equal bytes are the same facts.
    @lru_cache(maxsize=maxsize)
    def unpacked(packed: bytes) -> Any:
        return pickle.loads(zlib.decompress(packed))

    def read(packed: bytes) -> Any:
        return unpacked(packed) if packed else ()

    return read


@dataclass(frozen=True)
class FileFacts:
    path: str  # POSIX, as shown to the user
    module: str  # dotted module name ("blog.views")
    # The numerous facts, packed (`pack`): read through the properties of the same name without `packed_`
    # (`functions`, `calls`, ...). They are most of the facts' memory (the calls alone two thirds of it at 360k calls
    # in the benchmark corpus), and most of them are not read again once the model's per-file shares are made:
    # packed, they take a sixth of the objects' size, and a file's facts are unpacked only while something reads them.
    packed_functions: bytes = b""
    # Whether the file has an `async def`: code that runs on the event loop. Most files have none, and what is
    # asked of async code (its calls, its decorators) need not unpack their functions and calls.
    has_async_def: bool = False
    classes: tuple[ClassFact, ...] = ()  # not packed: the class graph's shares keep most of what they hold
    packed_calls: bytes = b""
    packed_queries: bytes = b""
    request_accesses: tuple[RequestAccessFact, ...] = ()
    packed_imports: bytes = b""  # (bound name, qualified name)
    packed_import_lines: bytes = b""
    statements: tuple[ModuleStatement, ...] = ()  # module-level assignments, in order
    environment_defaults: tuple[EnvironmentDefault, ...] = ()
    websocket_checks: tuple[Span, ...] = ()
    streaming_responses: tuple[StreamingResponseFact, ...] = ()
    packed_related_accesses: bytes = b""
    server_starts: tuple[ServerStartFact, ...] = ()
    server_argvs: tuple[ServerArgvFact, ...] = ()
    # Names the module binds at its top level, and whether its globals are dynamic (source/bindings.py): what a
    # server's `module:attribute` can find.
    packed_bound_names: bytes = b""
    dynamic_globals: bool = False
    path_names: tuple[str, ...] = ()  # top-level names that hold a `pathlib.Path` (a settings module's BASE_DIR)
    lone_imports: tuple[LoneImport, ...] = ()
    import_line: int = 1  # where a fix inserts a new import: after the module's last top-level import
    # line -> codes suppressed there; an empty frozenset means a bare `# noqa` (everything)
    noqa: dict[int, frozenset[str]] = field(default_factory=dict)
    noqa_directives: tuple[NoqaDirective, ...] = ()  # the `# noqa: CODES` comments themselves (DPL004, DPL005)
    problem: FileProblem | None = None
    # A file of a cookiecutter template tree, read as it renders: "rendered with cookiecutter.json's defaults", or
    # "rendered with assumptions: ..." when a condition or a value could not be evaluated. "" for any other file.
    rendered: str = ""

    functions = Packed[FunctionFact]()
    calls = Packed[CallFact]()
    queries = Packed[QueryFact]()
    imports = Packed[tuple[str, str]]()
    import_lines = Packed[ImportLine]()
    related_accesses = Packed[RelatedAccessFact]()
    bound_names = Packed[str]()


# The facts `FileFacts` keeps packed, by the name of the attribute that unpacks them.
PACKED_FIELDS = tuple(name for name, value in vars(FileFacts).items() if isinstance(value, Packed))


def pack(values: tuple[object, ...]) -> bytes:
    """Pickled, then compressed at zlib's fastest level: a third of the pickle's size for the cost of one more pass
    over its bytes, in the worker that made the facts; unpacking costs a third more than unpickling alone."""
    return zlib.compress(dump_facts(values), 1) if values else b""


def packed_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """The recorders' facts as FileFacts takes them: the numerous ones packed under `packed_<name>`."""
    fields = {(f"packed_{name}" if name in PACKED_FIELDS else name): (pack(value) if name in PACKED_FIELDS else value)
              for name, value in facts.items()}  # fmt: skip
    fields["has_async_def"] = any(function.is_async for function in facts.get("functions", ()))
    return fields


# For the model's indexes that group one file's facts (project/model.py), keyed by the packed bytes like the caches.
unpacked_calls = FileFacts.calls.unpack
unpacked_functions = FileFacts.functions.unpack
unpacked_queries = FileFacts.queries.unpack
