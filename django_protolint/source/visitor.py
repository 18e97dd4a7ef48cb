"""The one visitor: walks a file's `ast` tree once and records the facts the rules need.

The standard library's tree, not a concrete syntax tree: the facts need names, nesting and positions, never the
whitespace and comments a CST keeps, and `ast` parses about ten times faster than libcst. Fixes are text edits
at the positions recorded here, so they need no CST either.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Iterable

from django_protolint.knowledge import django_api, django_services, streaming
from django_protolint.knowledge.blocking import (
    FACTORY_RETURNS,
    IN_MEMORY_BUFFERS,
    PATH_PROPERTIES,
    PATH_SEQUENCE_PROPERTIES,
    PATH_TYPE,
    SETTINGS_QUALNAME,
    WRAPPING_FILE_TYPES,
)
from django_protolint.knowledge.servers import PROGRAMMATIC_STARTS, SERVERS
from django_protolint.source import static
from django_protolint.source.facts import (
    CallFact,
    ClassFact,
    EnvironmentDefault,
    FunctionFact,
    ImportLine,
    LoneImport,
    QueryFact,
    RelatedAccessFact,
    RequestAccessFact,
    Scope,
    ServerArgvFact,
    ServerStartFact,
    Span,
    StreamingResponseFact,
    pack_positions,
)
from django_protolint.source.scopes import (
    DEFINITION,
    IMPORT,
    INSTANCE,
    LOCAL,
    MODEL_INSTANCE,
    QUERYSET,
    Binding,
    Frame,
    ScopeStack,
)
from django_protolint.source.static import dotted

# Builtins whose calls matter; any other unbound bare name is kept as written.
BUILTINS = frozenset({"open", "input", "print", "list", "tuple", "set", "frozenset", "len", "bool", "sorted",
                      "sum", "any", "all", "dict", "max", "min", "next", "iter", "enumerate", "zip", "map"})  # fmt: skip
# Builtins that consume an iterable whole (or test it), forcing a lazy QuerySet to run its query.
EVALUATING_BUILTINS = {
    "list": "list", "tuple": "list", "set": "list", "frozenset": "list", "sorted": "list", "dict": "list",
    "sum": "list", "any": "list", "all": "list", "max": "list", "min": "list", "len": "len", "bool": "bool",
}  # fmt: skip
STREAMING_RESPONSES = frozenset(
    {
        "django.http.StreamingHttpResponse",
        "django.http.response.StreamingHttpResponse",
        "django.http.FileResponse",
        "django.http.response.FileResponse",
    }
)
# Session methods that load the session synchronously (the a-prefixed twins arrived in 5.1).
SESSION_SYNC_METHODS = frozenset({"get", "set", "setdefault", "pop", "keys", "values", "items", "has_key", "update",
                                  "clear", "flush", "cycle_key", "save", "set_expiry", "get_expiry_age",
                                  "get_expiry_date", "delete", "load", "create", "exists"})  # fmt: skip

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what CPython's tokenizer ends a line on (not \f or \v)
_DEFINITION_KEYWORD = re.compile(r"(?:async\s+)?def\s+|class\s+")
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_MODULE_SCOPE = Scope(function=None, is_async=False)
# What a fix may stop using: `time.sleep` becomes `asyncio.sleep`, a Django function its async twin. Only imports
# of these are counted (LoneImport), so that the per-file pass does not scan the text for every import.
_FIX_REPLACED = frozenset({"time", "time.sleep", *(name for name, row in django_api.FUNCTIONS.items() if row.twin)})
_OUTSIDE = object()  # on FactsVisitor._generator_bodies: a generator's first iterable, evaluated outside it


class LinePositions:
    """`ast` counts columns in UTF-8 bytes; editors (and our output) count characters."""

    def __init__(self, source: str) -> None:
        self.ascii = source.isascii()
        self.lines = _LINE_BREAK.split(source)

    def text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def column(self, line: int, byte_column: int) -> int:
        if self.ascii:
            return byte_column
        text = self.text(line)
        if text.isascii():
            return byte_column
        return len(text.encode("utf-8")[:byte_column].decode("utf-8", errors="replace"))


def _relative_base(module: str, is_package: bool, level: int) -> str | None:
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts):
        return None
    return ".".join(parts[: len(parts) - (level - 1)])


# Fields that can hold nodes worth visiting, per node type: contexts, operators and plain values are skipped.
_LEAF_TYPES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(node_type: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(node_type)
    if fields is None:
        fields = tuple(name for name in node_type._fields if name not in ("ctx", "op", "ops", "type_comment", "kind"))
        _CHILD_FIELDS[node_type] = fields
    return fields


_DISPATCH: dict[type, Callable[[FactsVisitor, ast.AST], None]] = {}
_SERVER_PROGRAMS = frozenset(SERVERS) - {"runserver"}


def _argv_word(node: ast.expr) -> str:
    """One element of a command list as the command would see it; what we cannot know is `…`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # f"--bind={host}" -> "--bind=…"
        return "".join(part.value if isinstance(part, ast.Constant) else "…" for part in node.values)
    if dotted(node) == "sys.executable":
        return "python"
    return "…"


def _may_start_server(elements: list[ast.expr]) -> bool:
    """The list starts with a server program, `python -m <server>` or `python manage.py` (cheap test first)."""
    words = [_argv_word(element) for element in elements[:3]]
    head = words[0].rsplit("/", 1)[-1]
    if head in _SERVER_PROGRAMS:
        return True
    if head.startswith(("python", "pypy")) and len(words) >= 2:
        return (words[1] == "-m" and len(words) == 3 and words[2] in _SERVER_PROGRAMS) or words[1].endswith("manage.py")
    return False


class FactsVisitor:
    def __init__(self, module: str, is_package: bool, source: str = "") -> None:
        self._positions = LinePositions(source)
        self.module = module
        self.is_package = is_package
        self.scopes = ScopeStack(Frame(kind="module", qualname=None))
        self.functions: list[FunctionFact] = []
        self.classes: list[ClassFact] = []
        self.calls: list[CallFact] = []
        self.queries: list[QueryFact] = []
        self.request_accesses: list[RequestAccessFact] = []
        self.imports: list[tuple[str, str]] = []
        self._awaited: set[int] = set()
        self._discarded: set[int] = set()
        self._entered: set[int] = set()
        self._chained: set[int] = set()  # nodes that are the value of an attribute, subscript or call
        self._call_funcs: set[int] = set()  # nodes that are called: `obj.save` in `obj.save()`
        self._bound_imports: set[int] = set()  # top-level imports already bound before the walk
        self.related_accesses: list[RelatedAccessFact] = []
        self.server_starts: list[ServerStartFact] = []
        self.server_argvs: list[ServerArgvFact] = []
        self.import_line = 1
        self.lone_imports: list[LoneImport] = []
        self.statements: list[static.ModuleStatement] = []
        self.import_lines: list[ImportLine] = []
        self.environment_defaults: list[EnvironmentDefault] = []
        self.websocket_checks: list[Span] = []
        self.streaming_responses: list[StreamingResponseFact] = []
        self._class_attributes: list[list[tuple[str, static.StaticExpr]]] = []
        self._module_blocks = 0  # compound statements open at module level: what runs there is conditional
        self._type_checking = 0  # inside `if TYPE_CHECKING:`: imports there never run
        self._reported_request_nodes: set[int] = set()
        self.path_names: tuple[str, ...] = ()
        # The functions whose generator expression we are in (innermost last; `_OUTSIDE` for a first iterable,
        # which runs where the generator is made): an `await` put here would make it an async generator.
        self._generator_bodies: list[object] = []
        self._first_iterables: set[int] = set()

    # ----------------------------------------------------------------- walking

    def visit(self, node: ast.AST) -> None:
        node_type = type(node)
        handler = _DISPATCH.get(node_type)
        if handler is None:
            # Plain functions kept on the class, not bound methods on the instance: a visitor that referred to
            # itself would be a reference cycle, freed only by the cyclic GC, which the run keeps paused.
            handler = getattr(FactsVisitor, f"visit_{node_type.__name__}", FactsVisitor.generic_visit)
            _DISPATCH[node_type] = handler
        handler(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        for name in _CHILD_FIELDS.get(type(node)) or _child_fields(type(node)):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, _LEAF_TYPES):
                        self.visit(item)
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAF_TYPES):
                self.visit(value)

    def visit_all(self, nodes: Iterable[ast.AST | None]) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node)

    # Leaves: nothing inside them matters.
    def visit_Constant(self, node: ast.Constant) -> None:
        return None

    def visit_Name(self, node: ast.Name) -> None:
        return None

    # ----------------------------------------------------------------- helpers

    def span(self, node: ast.AST) -> Span:
        positions = self._positions
        line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        return Span(
            line,
            positions.column(line, node.col_offset),  # type: ignore[attr-defined]
            end_line,
            positions.column(end_line, node.end_col_offset or 0),  # type: ignore[attr-defined]
        )

    def name_span(self, node: FunctionNode | ast.ClassDef) -> Span:
        """The name after `def`/`class`: `ast` gives the statement's position, not the name's."""
        line = node.lineno
        text = self._positions.text(line)
        start = self._positions.column(line, node.col_offset)
        keyword = _DEFINITION_KEYWORD.match(text, start)
        if keyword is not None and text.startswith(node.name, keyword.end()):
            return Span(line, keyword.end(), line, keyword.end() + len(node.name))
        return Span(line, start, line, start)  # a line continuation between `def` and the name

    def attribute_span(self, node: ast.Attribute) -> Span:
        """The attribute's name alone (`get` in `Article.objects.get`): it ends where the whole attribute ends."""
        whole = self.span(node)
        start = whole.end_column - len(node.attr)
        if self._positions.text(whole.end_line)[start : whole.end_column] == node.attr:
            return Span(whole.end_line, start, whole.end_line, whole.end_column)
        return whole  # an identifier NFKC-normalised by the parser: its written length differs

    def scope(self) -> Scope:
        # One Scope object per function, shared by all its facts: pickle (the cache, worker processes) then
        # writes and rebuilds it once instead of once per call.
        function = self.scopes.function
        if function is None:
            return _MODULE_SCOPE
        if function.scope is None:
            function.scope = Scope(function=function.qualname, is_async=function.is_async)
        return function.scope

    def qualify(self, local_qualname: str) -> str:
        return f"{self.module}.{local_qualname}" if self.module else local_qualname

    def resolve_name(self, expression: ast.AST) -> str | None:
        """Qualified name of a name or attribute chain, through imports, definitions and known instance types."""
        if isinstance(expression, ast.Name):
            binding = self.scopes.lookup(expression.id)
            if binding is None:
                if expression.id in BUILTINS:
                    return f"builtins.{expression.id}"
                # Unbound (a missing import, a star import): keep the name as written, as flake8-async does.
                return expression.id
            return binding.qualname if binding.kind in (IMPORT, DEFINITION) else None
        if isinstance(expression, ast.Attribute):
            attribute = expression.attr
            value = expression.value
            if isinstance(value, ast.Name) and value.id in ("self", "cls"):
                owner = self.scopes.method_class
                if owner is not None and self.scopes.lookup(value.id) is not None:
                    return self.qualify(f"{owner}.{attribute}")
                return None
            instance_type = self.instance_type(value)
            if instance_type is not None:
                return f"{instance_type}.{attribute}"
            base = self.resolve_name(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
            return f"{base}.{attribute}" if base else None
        return None

    def instance_type(self, expression: ast.AST) -> str | None:
        """The type of an object we can type: a variable bound to a constructor call, or the call itself."""
        if isinstance(expression, ast.Name):
            binding = self.scopes.lookup(expression.id)
            return binding.qualname if binding is not None and binding.kind == INSTANCE else None
        if isinstance(expression, ast.Call):
            callee = self.resolve_name(expression.func)
            if callee is None:
                return None
            made = FACTORY_RETURNS.get(callee, callee)
            if made in WRAPPING_FILE_TYPES and any(
                self.instance_type(argument) in IN_MEMORY_BUFFERS for argument in _arguments(expression)
            ):
                return None  # decompressing a bytes buffer: no file I/O
            if made in django_services.PAGINATORS and self.queryset_model(_paginated(expression)) is None:
                return None  # over a list (or what we cannot tell): counting it queries nothing
            return made
        if isinstance(expression, (ast.BinOp, ast.Subscript)) or (
            isinstance(expression, ast.Attribute) and expression.attr in PATH_PROPERTIES
        ):
            return self.path_type(expression)
        return None

    def path_type(self, expression: ast.AST) -> str | None:
        """PATH_TYPE when the expression is a concrete `pathlib.Path` (`Path(x) / "y"`, `p.parent`, a name bound to
        one); a setting's qualname for a path built from a setting (`settings.BASE_DIR / "media"`), which the
        project pass confirms against the settings module; None for anything else (pure paths, strings)."""
        if isinstance(expression, ast.BinOp):
            if not isinstance(expression.op, ast.Div):
                return None
            if (left := self.path_type(expression.left)) is not None:
                return left
            # `"prefix" / path` (`__rtruediv__`): only with a string on the left, which cannot be a PurePath.
            if _is_string(expression.left) and self.path_type(expression.right) == PATH_TYPE:
                return PATH_TYPE
            return None
        if isinstance(expression, ast.Attribute):
            if expression.attr in PATH_PROPERTIES:
                return self.path_type(expression.value)
            return _setting(self.resolve_name(expression))
        if isinstance(expression, ast.Subscript):
            value = expression.value
            if isinstance(value, ast.Attribute) and value.attr in PATH_SEQUENCE_PROPERTIES:
                return self.path_type(value.value)
            return None
        made = self.instance_type(expression) if isinstance(expression, (ast.Name, ast.Call)) else None
        return made if made == PATH_TYPE or _setting(made) is not None else None

    def queryset_model(self, expression: ast.AST) -> str | None:
        """The model (as written) if the expression is a Manager or a lazy QuerySet; None if it is not one."""
        if isinstance(expression, ast.Attribute):
            if expression.attr in django_api.MANAGER_ATTRIBUTES and _looks_like_model(expression.value):
                return dotted(expression.value)
            return None
        if isinstance(expression, ast.Name):
            binding = self.scopes.lookup(expression.id)
            return binding.qualname if binding is not None and binding.kind == QUERYSET else None
        if isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute):
            if expression.func.attr in django_api.QUERYSET_LAZY or expression.func.attr == "iterator":
                return self.queryset_model(expression.func.value)
            return None
        if isinstance(expression, ast.Subscript) and _is_plain_slice(expression):
            return self.queryset_model(expression.value)
        return None

    def model_instance(self, expression: ast.AST) -> str | None:
        """The model (as written) if the expression evaluates to a model instance fetched from the ORM."""
        if isinstance(expression, ast.Await):
            expression = expression.value
        if isinstance(expression, ast.Name):
            binding = self.scopes.lookup(expression.id)
            return binding.qualname if binding is not None and binding.kind == MODEL_INSTANCE else None
        if (
            isinstance(expression, ast.Call)
            and isinstance(expression.func, ast.Attribute)
            and expression.func.attr == "auser"
            and _is_request(expression.func.value)
        ) or (isinstance(expression, ast.Call) and self.resolve_name(expression.func) in django_api.RETURNS_USER):
            return "get_user_model()"  # the project's user model, whichever AUTH_USER_MODEL names
        if isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute):
            if expression.func.attr in django_api.RETURNS_INSTANCE:
                return self.queryset_model(expression.func.value)
            return None
        if isinstance(expression, ast.Call):
            callee = self.resolve_name(expression.func)
            if callee in ("django.shortcuts.get_object_or_404", "django.shortcuts.aget_object_or_404"):
                first = _first_argument(expression)
                if isinstance(first, (ast.Name, ast.Attribute)):
                    return dotted(first)
        return None

    def to_static(self, expression: ast.expr) -> static.StaticExpr:
        return static.to_static(expression, self.resolve_name, self._line_column)

    def _line_column(self, node: ast.AST) -> tuple[int, int]:
        return node.lineno, self._positions.column(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    @property
    def at_module_level(self) -> bool:
        return self.scopes.innermost.kind == "module"

    def record_statement(self, target: str, operator: str, value: ast.expr, node: ast.AST) -> None:
        self.statements.append(
            static.Assignment(target, operator, self.to_static(value), node.lineno, self._module_blocks > 0)  # type: ignore[attr-defined]
        )

    def annotation_type(self, annotation: ast.AST) -> str | None:
        """`httpx.Client`, `Client | None`, `Optional[Client]` → "httpx.Client"; anything else → None."""
        if isinstance(annotation, (ast.Name, ast.Attribute)):
            resolved = self.resolve_name(annotation)
            return None if resolved in (None, "None") else resolved
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            for side in (annotation.left, annotation.right):
                if not (isinstance(side, ast.Constant) and side.value is None):
                    return self.annotation_type(side)
        if isinstance(annotation, ast.Subscript) and not isinstance(annotation.slice, (ast.Slice, ast.Tuple)):
            container = self.resolve_name(annotation.value) or ""
            if container.rsplit(".", 1)[-1] == "Optional":
                return self.annotation_type(annotation.slice)
        return None

    def annotated_binding(self, annotation: ast.expr | None) -> Binding:
        if annotation is not None and (type_name := self.annotation_type(annotation)) is not None:
            return Binding(INSTANCE, type_name)
        return Binding(LOCAL, "")

    def loaded_relations(self, expression: ast.AST) -> tuple[str, ...]:
        """Relations a QuerySet chain fetches with its rows: `select_related("author")` → ("author",)."""
        found: list[str] = []
        for _ in range(50):
            if isinstance(expression, ast.Await):
                expression = expression.value
            elif isinstance(expression, ast.Subscript):
                expression = expression.value
            elif isinstance(expression, ast.Name):
                binding = self.scopes.lookup(expression.id)
                if binding is not None and binding.kind in (QUERYSET, MODEL_INSTANCE):
                    found.extend(binding.loaded)
                break
            elif isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute):
                if expression.func.attr in ("select_related", "prefetch_related"):
                    arguments = _arguments(expression)
                    if not arguments:
                        found.append("*")  # select_related() follows every non-null foreign key
                    for argument in arguments:
                        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                            found.append(argument.value.split("__")[0])
                        else:
                            found.append("*")  # Prefetch(...) or a variable: assume it covers what is read
                expression = expression.func.value
            else:
                break
        return tuple(found)

    def model_qualname(self, model: str) -> str | None:
        if model.rsplit(".", 1)[-1] == "get_user_model()":
            return django_api.PROJECT_USER_MODEL
        head, _, rest = model.partition(".")
        binding = self.scopes.lookup(head)
        if (
            binding is not None
            and binding.kind == INSTANCE
            and binding.qualname == "django.contrib.auth.get_user_model"
        ):
            return django_api.PROJECT_USER_MODEL if not rest else None  # `User = get_user_model()`
        if binding is None or binding.kind not in (IMPORT, DEFINITION):
            return None
        return f"{binding.qualname}.{rest}" if rest else binding.qualname

    def model_binding(self, kind: str, model: str, value: ast.AST) -> Binding:
        return Binding(kind, model, self.loaded_relations(value), self.model_qualname(model))

    def binding_for(self, value: ast.AST) -> Binding:
        if isinstance(value, ast.Name) and (copied := self.scopes.lookup(value.id)) is not None:
            if copied.kind in (INSTANCE, QUERYSET, MODEL_INSTANCE):
                return copied
        if (model := self.queryset_model(value)) is not None:
            return self.model_binding(QUERYSET, model, value)
        if (model := self.model_instance(value)) is not None:
            return self.model_binding(MODEL_INSTANCE, model, value)
        if isinstance(value, ast.Call) and (instance := self.instance_type(value)) is not None:
            return Binding(INSTANCE, instance)
        if isinstance(value, (ast.BinOp, ast.Attribute, ast.Subscript)) and (path := self.path_type(value)) is not None:
            return Binding(INSTANCE, path)
        return Binding(LOCAL, "")

    def bind_target(self, target: ast.AST, binding: Binding) -> None:
        if isinstance(target, ast.Starred):
            target = target.value
        if isinstance(target, ast.Name):
            self.scopes.bind(target.id, binding)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element, Binding(LOCAL, ""))

    def query(self, kind: str, operation: str, model: str, receiver: ast.AST, node: ast.AST,
              model_qualname: str | None = None) -> None:  # fmt: skip
        method = node.func if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None
        self.queries.append(
            QueryFact(
                kind=kind,
                operation=operation,
                model=model,
                receiver=dotted(receiver),
                span=self.span(node),
                scope=self.scope(),
                awaited=id(node) in self._awaited,
                discarded=id(node) in self._discarded,
                method_span=self.attribute_span(method) if method is not None else None,
                chained=id(node) in self._chained,
                model_qualname=model_qualname,
                in_generator=self.in_generator(),
            )
        )

    def mark_await(self) -> None:
        if (function := self.scopes.function) is not None:
            function.awaits = True

    # ----------------------------------------------------------------- module, imports

    def visit_Module(self, node: ast.Module) -> None:
        # Top-level definitions and imports first, so a function may use a name defined below it.
        for index, statement in enumerate(node.body):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.scopes.bind(statement.name, Binding(DEFINITION, self.qualify(statement.name)))
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                bound_before = len(self.imports)
                self._record_import(statement)
                self._bound_imports.add(id(statement))
                self._lone_import(statement, self.imports[bound_before:])
                self.import_line = (statement.end_lineno or statement.lineno) + 1
            elif index == 0 and self.import_line == 1 and _is_docstring(statement):
                self.import_line = (statement.end_lineno or statement.lineno) + 1
        # Then module-level objects (`client = httpx.Client()`), which functions defined above them may use.
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                self.bind_target(statement.targets[0], self.binding_for(statement.value))
        self.visit_all(node.body)
        # A settings module's `BASE_DIR = Path(__file__).resolve().parent.parent`: what `settings.BASE_DIR` is.
        self.path_names = tuple(
            name
            for name, binding in self.scopes.frames[0].bindings.items()
            if binding.kind == INSTANCE and binding.qualname == PATH_TYPE
        )

    def _lone_import(self, node: ast.Import | ast.ImportFrom, bound_here: list[tuple[str, str]]) -> None:
        if len(bound_here) != 1 or len(node.names) != 1:
            return
        ((bound, qualname),) = bound_here
        if qualname not in _FIX_REPLACED:
            return
        lines = self._positions.lines
        line, end_line = node.lineno, node.end_lineno or node.lineno
        after = lines[end_line - 1][self._positions.column(end_line, node.end_col_offset or 0) :]
        if node.col_offset != 0 or not (after.strip() == "" or after.lstrip().startswith("#")):
            return  # shares a line with another statement (`import time; import os`)
        word = re.compile(rf"\b{re.escape(bound)}\b")
        mentions = sum(
            len(word.findall(text)) for number, text in enumerate(lines, 1) if not line <= number <= end_line
        )
        self.lone_imports.append(LoneImport(bound, qualname, line, end_line, mentions))

    def visit_Import(self, node: ast.Import) -> None:
        if id(node) not in self._bound_imports:
            self._record_import(node)  # in a function, or under a module-level `try:`/`if`
        if self.at_module_level and not self._type_checking:
            for alias in node.names:
                self.import_lines.append(ImportLine(alias.name, node.lineno))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if id(node) not in self._bound_imports:
            self._record_import(node)
        if not self.at_module_level or self._type_checking:
            return
        base = node.module or ""
        if node.level:
            package = _relative_base(self.module, self.is_package, node.level)
            base = ".".join(part for part in (package or "", base) if part)
        if _is_star(node):
            self.statements.append(static.StarImport(base, node.lineno, self._module_blocks > 0))
        self.import_lines.append(ImportLine(base, node.lineno))
        if not _is_star(node):
            # `from app import models` imports the module app.models too.
            for alias in node.names:
                self.import_lines.append(ImportLine(f"{base}.{alias.name}", node.lineno))

    def _record_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    self._bind_import(alias.asname, alias.name)
                else:
                    head = alias.name.split(".")[0]
                    self._bind_import(head, head)
            return
        base = node.module or ""
        if node.level:
            package = _relative_base(self.module, self.is_package, node.level)
            if package is None:
                return
            base = ".".join(part for part in (package, base) if part)
        if _is_star(node):
            return
        for alias in node.names:
            self._bind_import(alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name)

    def _bind_import(self, bound: str, qualname: str) -> None:
        self.scopes.bind(bound, Binding(IMPORT, qualname))
        if self.scopes.innermost.kind == "module":
            self.imports.append((bound, qualname))

    # ----------------------------------------------------------------- definitions

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        # Decorators, bases and keywords run in the enclosing scope, before the class exists.
        self.visit_all(node.decorator_list)
        self.visit_all(node.bases)
        self.visit_all(node.keywords)
        qualname = self.scopes.nested_qualname(node.name)
        if self.scopes.innermost.kind != "module":
            self.scopes.bind(node.name, Binding(DEFINITION, self.qualify(qualname)))
        self._class_attributes.append([])
        self.scopes.push(Frame(kind="class", qualname=qualname))
        self.visit_all(node.body)
        frame = self.scopes.pop()
        attributes = self._class_attributes.pop()
        self.classes.append(
            ClassFact(
                qualname=frame.qualname or node.name,
                bases=tuple(self.resolve_name(base) or dotted(base) for base in node.bases),
                span=self.name_span(node),
                decorators=tuple(
                    self.resolve_name(_decorator_callee(decorator)) or dotted(decorator)
                    for decorator in node.decorator_list
                ),
                attributes=tuple(attributes),
            )
        )

    def visit_FunctionDef(self, node: FunctionNode) -> None:
        # Decorators, defaults and annotations run in the enclosing scope, when the `def` runs.
        self.visit_all(node.decorator_list)
        self.visit_all(node.args.defaults)
        self.visit_all(node.args.kw_defaults)
        self.visit_all(parameter.annotation for parameter in _parameter_nodes(node.args))
        self.visit_all((node.returns,))
        parent = self.scopes.innermost
        qualname = self.scopes.nested_qualname(node.name)
        if parent.kind == "function" or parent.kind == "lambda":
            self.scopes.bind(node.name, Binding(DEFINITION, self.qualify(qualname)))
        frame = Frame(
            kind="function",
            qualname=qualname,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            class_qualname=parent.qualname if parent.kind == "class" else None,
        )
        for parameter in _parameter_nodes(node.args):
            frame.bindings[parameter.arg] = self.annotated_binding(parameter.annotation)
        self.scopes.push(frame)
        self.visit_all(node.body)
        self.scopes.pop()
        def_line, def_column = self._line_column(node)
        name_span = self.name_span(node)
        self.functions.append(
            FunctionFact(
                qualname=frame.qualname or node.name,
                name=node.name,
                is_async=frame.is_async,
                span=Span(def_line, def_column, name_span.end_line, name_span.end_column),
                class_name=frame.class_qualname,
                decorators=tuple(
                    self.resolve_name(_decorator_callee(decorator)) or dotted(decorator)
                    for decorator in node.decorator_list
                ),
                decorator_spans=tuple(self.span(decorator) for decorator in node.decorator_list),
                parameters=tuple(parameter.arg for parameter in _parameter_nodes(node.args)),
                awaits=frame.awaits,
                yields=frame.yields,
                returns=tuple(frame.returns),
                end_line=node.end_lineno or def_line,
            )
        )

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit_all(node.args.defaults)
        self.visit_all(node.args.kw_defaults)
        parent_name = self.scopes.function.qualname if self.scopes.function else None
        frame = Frame(kind="lambda", qualname=f"{parent_name}.<lambda>" if parent_name else "<lambda>")
        for parameter in _parameter_nodes(node.args):
            frame.bindings[parameter.arg] = Binding(LOCAL, "")
        self.scopes.push(frame)
        self.visit(node.body)
        self.scopes.pop()

    # ----------------------------------------------------------------- bindings

    def visit_Assign(self, node: ast.Assign) -> None:
        self._record_assignment(node.targets[-1], "=", node.value, node)
        binding = self.binding_for(node.value)
        for target in node.targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                self._bind_unpacked(target, node.value)
            else:
                self.bind_target(target, binding)
        self.generic_visit(node)

    def _bind_unpacked(self, target: ast.Tuple | ast.List, value: ast.expr) -> None:
        if (model := self.queryset_model(value)) is not None:
            self.query("evaluate", "unpack", model, value, value)  # `first, *rest = qs` iterates it
        # `obj, created = Model.objects.get_or_create(...)`: the first element is a model instance.
        call = value.value if isinstance(value, ast.Await) else value
        elements = list(target.elts)
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr.lstrip("a") in ("get_or_create", "update_or_create")
            and (model := self.queryset_model(call.func.value)) is not None
            and elements
        ):
            self.bind_target(elements[0], self.model_binding(MODEL_INSTANCE, model, call))
            elements = elements[1:]
        for element in elements:
            self.bind_target(element, Binding(LOCAL, ""))

    def _record_assignment(self, target: ast.expr, operator: str, value: ast.expr, node: ast.stmt) -> None:
        innermost = self.scopes.innermost
        if isinstance(target, ast.Name):
            if innermost.kind == "module":
                self.record_statement(target.id, operator, value, node)
            elif innermost.kind == "class" and self._class_attributes and operator == "=":
                self._class_attributes[-1].append((target.id, self.to_static(value)))
        elif isinstance(target, ast.Subscript):
            # os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
            if (
                operator == "="
                and self.resolve_name(target.value) == "os.environ"
                and not isinstance(target.slice, (ast.Slice, ast.Tuple))
            ):
                self._environment_default(target.slice, value, node)
            elif innermost.kind == "module":
                self._record_item_assignment(target, value if operator == "=" else None, node)

    def _record_item_assignment(self, target: ast.Subscript, value: ast.expr | None, node: ast.stmt) -> None:
        keys = []
        base: ast.expr = target
        while isinstance(base, ast.Subscript):
            keys.append(base.slice)
            base = base.value
        if not isinstance(base, ast.Name):
            return
        self.statements.append(
            static.ItemAssignment(
                base.id,
                tuple(
                    static.Unknown("slice") if isinstance(k, ast.Slice) else self.to_static(k) for k in reversed(keys)
                ),
                self.to_static(value) if value is not None else static.Unknown("changed in place"),
                node.lineno,
                self._module_blocks > 0,
            )
        )

    def visit_Delete(self, node: ast.Delete) -> None:
        if self.at_module_level:
            for target in node.targets:
                if isinstance(target, ast.Subscript):
                    self._record_item_assignment(target, None, node)  # `del CACHES["default"]`
        self.generic_visit(node)

    def _environment_default(self, key: ast.expr | None, value: ast.expr | None, node: ast.AST) -> None:
        if (
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            self.environment_defaults.append(EnvironmentDefault(key.value, value.value, self.span(node)))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._record_assignment(node.target, "=", node.value, node)
        binding = self.annotated_binding(node.annotation)
        if binding.kind == LOCAL and node.value is not None:
            binding = self.binding_for(node.value)
        self.bind_target(node.target, binding)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        operator = {ast.Add: "+=", ast.BitOr: "|="}.get(type(node.op))
        if operator or isinstance(node.target, ast.Subscript):
            self._record_assignment(node.target, operator or "?=", node.value, node)
        if isinstance(node.target, ast.Name) and self.scopes.lookup(node.target.id) is None:
            self.scopes.bind(node.target.id, Binding(LOCAL, ""))
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.bind_target(node.target, self.binding_for(node.value))
        self.generic_visit(node)

    def visit_withitem(self, node: ast.withitem) -> None:
        self._entered.add(id(node.context_expr))
        if node.optional_vars is not None:
            self.bind_target(node.optional_vars, self.binding_for(node.context_expr))
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name is not None:
            self.scopes.bind(node.name, Binding(LOCAL, ""))
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self._iteration(node, "iterate", isinstance(node, ast.AsyncFor))
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._iteration(node, "comprehension", bool(node.is_async))
        self.visit(node.target)
        if id(node.iter) in self._first_iterables:
            self._generator_bodies.append(_OUTSIDE)
            self.visit(node.iter)
            self._generator_bodies.pop()
        else:
            self.visit(node.iter)
        self.visit_all(node.ifs)

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> None:
        # `await` inside a generator expression makes it an async generator, which `sorted()`, `sum()` or
        # `list()` cannot consume (TypeError), where a list, set or dict comprehension just becomes an async
        # comprehension. Only the first iterable runs in the enclosing function, when the generator is made.
        self._generator_bodies.append(self.scopes.function)
        self._first_iterables.add(id(node.generators[0].iter))
        self.visit(node.elt)
        self.visit_all(node.generators)
        self._generator_bodies.pop()

    def in_generator(self) -> bool:
        """Whether the node being visited runs inside a generator expression of the current function."""
        function = self.scopes.function
        return function is not None and bool(self._generator_bodies) and self._generator_bodies[-1] is function

    def _iteration(self, node: ast.For | ast.AsyncFor | ast.comprehension, operation: str, is_async: bool) -> None:
        model = self.queryset_model(node.iter)
        if is_async:
            self.mark_await()
            self._results_cached(node.iter)
        elif model is not None:
            self.query("evaluate", operation, model, node.iter, node.iter)
        binding = self.model_binding(MODEL_INSTANCE, model, node.iter) if model is not None else Binding(LOCAL, "")
        self.bind_target(node.target, binding)

    def _results_cached(self, iterated: ast.expr) -> None:
        # `async for` fills the QuerySet's result cache (QuerySet.__aiter__ runs _fetch_all in a thread), so
        # later len()/bool()/iteration of the same variable make no query.
        if isinstance(iterated, ast.Name) and self.queryset_model(iterated) is not None:
            self.scopes.bind(iterated.id, Binding(LOCAL, ""))

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        self.mark_await()
        self.generic_visit(node)

    # ----------------------------------------------------------------- expressions

    def visit_Yield(self, node: ast.Yield | ast.YieldFrom) -> None:
        if (function := self.scopes.function) is not None:
            function.yields = True
        self.generic_visit(node)

    visit_YieldFrom = visit_Yield

    def visit_Return(self, node: ast.Return) -> None:
        if (function := self.scopes.function) is not None and function.kind == "function":
            function.returns.append(_returned_name(node.value, self.resolve_name))
        self.generic_visit(node)

    def visit_Await(self, node: ast.Await) -> None:
        self._awaited.add(id(node.value))
        self.mark_await()
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        self._discarded.add(id(node.value))
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        self._truth_test(node.test)
        if self.resolve_name(node.test) == "typing.TYPE_CHECKING" and not node.orelse:
            self._type_checking += 1
            self._in_block(node)
            self._type_checking -= 1
            return
        self._in_block(node)

    def visit_Try(self, node: ast.Try) -> None:
        self._in_block(node)

    visit_TryStar = visit_Try

    def _in_block(self, node: ast.stmt) -> None:
        at_module_level = self.at_module_level
        if at_module_level:
            self._module_blocks += 1
        self.generic_visit(node)
        if at_module_level:
            self._module_blocks -= 1

    def visit_While(self, node: ast.While) -> None:
        self._truth_test(node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._truth_test(node.test)
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self._truth_test(node.operand)
        self.generic_visit(node)

    def _truth_test(self, test: ast.expr) -> None:
        if (model := self.queryset_model(test)) is not None:
            self.query("evaluate", "bool", model, test, test)
        elif isinstance(test, ast.Attribute) and test.attr == "user" and _is_request(test.value):
            self._request_access("user", test)  # `if request.user:` evaluates the lazy user

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        if (model := self.queryset_model(node.value)) is not None:
            self.query("evaluate", "repr", model, node.value, node.value)  # repr() fetches 21 rows
        self.generic_visit(node)

    def visit_List(self, node: ast.List | ast.Tuple) -> None:
        if node.elts and _may_start_server(node.elts):
            argv = tuple(_argv_word(element) for element in node.elts)
            if any(word.startswith("-") and word not in ("-m", "-") for word in argv):  # a command, not a list of names
                self.server_argvs.append(ServerArgvFact(argv, self.span(node)))
        self.generic_visit(node)

    visit_Tuple = visit_List

    def visit_Compare(self, node: ast.Compare) -> None:
        # `scope["type"] == "websocket"`: a hand-written ASGI app that serves websockets.
        operands = [node.left, *node.comparators]
        if any(isinstance(o, ast.Constant) and o.value in ("websocket", "websocket.connect") for o in operands):
            self.websocket_checks.append(self.span(node))
        for operator, comparator in zip(node.ops, node.comparators):
            if isinstance(operator, (ast.In, ast.NotIn)):
                if (model := self.queryset_model(comparator)) is not None:
                    self.query("evaluate", "contains", model, comparator, node)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self._chained.add(id(node.value))
        if (model := self.queryset_model(node.value)) is not None:
            if not isinstance(node.slice, (ast.Slice, ast.Tuple)):
                self.query("evaluate", "index", model, node.value, node)
            elif isinstance(node.slice, ast.Slice) and node.slice.step is not None:
                self.query("evaluate", "step-slice", model, node.value, node)
        self.generic_visit(node)
        value = node.value
        if isinstance(value, ast.Attribute) and value.attr == "session" and _is_request(value.value):
            self._request_access("session", value, node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._chained.add(id(node.value))
        if isinstance(node.value, ast.Name) and id(node) not in self._call_funcs and type(node.ctx) is ast.Load:
            binding = self.scopes.lookup(node.value.id)
            if binding is not None and binding.kind == MODEL_INSTANCE:
                self._related_access(binding, node.attr, None, node)
        # request.user.<attr>: reading any attribute evaluates the lazy user, which loads the session and the user.
        if isinstance(node.value, ast.Attribute) and node.value.attr == "user" and _is_request(node.value.value):
            if id(node.value) not in self._reported_request_nodes:
                self._reported_request_nodes.add(id(node.value))
                self._request_access("user", node.value, then=node.attr)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        self._chained.add(id(func))
        self._call_funcs.add(id(func))
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Attribute)
            and isinstance(func.value.value, ast.Name)
            and (binding := self.scopes.lookup(func.value.value.id)) is not None
            and binding.kind == MODEL_INSTANCE
        ):
            self._related_access(binding, func.value.attr, func.attr, node)
        callee = self.resolve_name(func)
        argument = node.args[0] if node.args else None
        referenced = argument if isinstance(argument, (ast.Name, ast.Attribute)) else None
        argument_name = self.resolve_name(referenced) if referenced is not None else None
        self.calls.append(
            CallFact(
                # Interned: a file calls the same few names over and over, and pickle writes a shared string once.
                callee=sys.intern(callee) if callee is not None else None,
                text=sys.intern(dotted(func)),
                scope=self.scope(),
                awaited=id(node) in self._awaited,
                discarded=id(node) in self._discarded,
                entered=id(node) in self._entered,
                chained=id(node) in self._chained,
                positions=pack_positions(self.span(node), self.span(func)),
                argument=sys.intern(argument_name) if argument_name is not None else None,
                argument_text=sys.intern(dotted(referenced)) if referenced is not None else None,
                in_generator=self.in_generator(),
            )
        )
        if (
            isinstance(func, ast.Attribute)
            and self.at_module_level
            and id(node) in self._discarded
            and isinstance(func.value, ast.Name)
            and func.attr in static.MUTATING_METHODS
        ):
            # INSTALLED_APPS.append("x"), MIDDLEWARE.insert(0, "x"), router.register("p", ViewSet): the whole call.
            self.record_statement(func.value.id, func.attr, node, node)
        if callee in PROGRAMMATIC_STARTS:
            self._server_start(callee, node)
        if callee in STREAMING_RESPONSES and (iterator := _first_argument(node)) is not None:
            self._streaming_response(node, iterator, callee)
        if callee == "os.environ.setdefault" and len(node.args) >= 2:
            self._environment_default(node.args[0], node.args[1], node)
        if isinstance(func, ast.Attribute):
            self._method_call(node, func)
        elif isinstance(func, ast.Name) and callee is not None and callee.startswith("builtins."):
            operation = EVALUATING_BUILTINS.get(func.id)
            argument = _first_argument(node)
            if operation and argument is not None and (model := self.queryset_model(argument)) is not None:
                self.query("evaluate", operation, model, argument, node)
        self.generic_visit(node)

    def _method_call(self, node: ast.Call, func: ast.Attribute) -> None:
        method = func.attr
        model = self.queryset_model(func.value)
        if (
            model is not None
            and (
                method in django_api.QUERYSET_EXECUTING
                or method in django_api.QUERYSET_ASYNC
                or (method in django_api.AUTH_MANAGER and _is_manager(func.value))
            )
            and method != "iterator"  # only builds a generator: iterating it is what queries
            and not (method == "delete" and _is_manager(func.value))  # managers have no delete()
        ):
            self.query("method", method, model, func.value, node)
        elif (instance_model := self.model_instance(func.value)) is not None and isinstance(func.value, ast.Name):
            if (
                method in django_api.MODEL_INSTANCE
                or method.startswith("a")
                and method[1:] in django_api.MODEL_INSTANCE
            ):
                self.query("instance", method, instance_model, func.value, node)
            elif method in django_api.USER_INSTANCE:  # the rule decides whether the model is a user model
                binding = self.scopes.lookup(func.value.id)
                self.query("instance", method, instance_model, func.value, node, binding.model if binding else None)
        if (
            isinstance(func.value, ast.Attribute)
            and func.value.attr == "session"
            and _is_request(func.value.value)
            and method in SESSION_SYNC_METHODS
        ):
            self._request_access("session", func.value, node)

    def _related_access(self, binding: Binding, attribute: str, method: str | None, node: ast.expr) -> None:
        self.related_accesses.append(
            RelatedAccessFact(
                binding.qualname,
                binding.model,
                attribute,
                method,
                binding.loaded,
                self.span(node),
                self.scope(),
                id(node) in self._awaited,
                dotted(node),
            )  # fmt: skip
        )

    def _server_start(self, callee: str, node: ast.Call) -> None:
        app = None
        positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        if positional and isinstance(positional[0], ast.Constant) and isinstance(positional[0].value, str):
            app = positional[0].value
        options = []
        for keyword in node.keywords:
            if keyword.arg is not None:
                literal = self.to_static(keyword.value)
                if isinstance(literal, static.Literal) and not isinstance(literal.value, float):
                    options.append((keyword.arg, literal.value))
                elif isinstance(keyword.value, ast.Attribute):  # `interface=Interfaces.ASGI`: an enum member
                    options.append((keyword.arg, dotted(keyword.value)))
                else:  # a value we cannot know: present, not the server's default
                    options.append((keyword.arg, None))
        self.server_starts.append(ServerStartFact(callee, app, tuple(options), self.span(node)))

    def _streaming_response(self, node: ast.Call, iterator: ast.expr, response_callee: str) -> None:
        kind = None
        if isinstance(iterator, ast.GeneratorExp):
            kind = "async" if any(generator.is_async for generator in iterator.generators) else "sync"
        callee = self.resolve_name(iterator.func) if isinstance(iterator, ast.Call) else None
        if isinstance(iterator, ast.Name):  # `reader = RangedFileReader(f)`, `stream = events()`: what made it
            callee = self.instance_type(iterator)
        response = "FileResponse" if response_callee.endswith("FileResponse") else "StreamingHttpResponse"
        if response == "FileResponse" and self._opened_file(iterator):
            kind = streaming.FILE
        self.streaming_responses.append(StreamingResponseFact(self.span(node), self.scope(), callee, kind, response))

    def _opened_file(self, expression: ast.expr) -> bool:
        """`open(path, "rb")`, a name bound to one, or an `.open(...)` call (`default_storage.open(name)`,
        `document.file.open("rb")`, `path.open("rb")`): a file read from disk or storage."""
        if self.instance_type(expression) in streaming.DISK_FILE_TYPES:
            return True
        if not (isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute)):
            return False
        opener = self.resolve_name(expression.func) or ""
        return expression.func.attr == "open" and not opener.startswith(streaming.ASYNC_FILE_LIBRARIES)

    def _request_access(self, attribute: str, node: ast.expr, whole: ast.expr | None = None, then: str = "") -> None:
        self.request_accesses.append(
            RequestAccessFact(
                attribute=attribute,
                text=dotted(whole if whole is not None else node),
                span=self.span(node),
                scope=self.scope(),
                chained=id(node) in self._chained,
                then=then,
                in_generator=self.in_generator(),
            )
        )


def _is_string(expression: ast.expr) -> bool:
    return isinstance(expression, ast.JoinedStr) or (
        isinstance(expression, ast.Constant) and isinstance(expression.value, str)
    )


def _setting(qualname: str | None) -> str | None:
    """ "django.conf.settings.BASE_DIR" for a setting (an upper-case name right under `settings`), else None."""
    if qualname is None:
        return None
    owner, _, name = qualname.rpartition(".")
    return qualname if owner == SETTINGS_QUALNAME and name.isupper() else None


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _is_star(node: ast.ImportFrom) -> bool:
    return len(node.names) == 1 and node.names[0].name == "*"


def _arguments(call: ast.Call) -> list[ast.expr]:
    """Every argument's value in source order (keywords follow positionals in valid code)."""
    return [*(arg.value if isinstance(arg, ast.Starred) else arg for arg in call.args),
            *(keyword.value for keyword in call.keywords)]  # fmt: skip


def _paginated(call: ast.Call) -> ast.expr | None:
    """`Paginator(object_list, per_page)`: the object list, given by position or by keyword."""
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    return next((keyword.value for keyword in call.keywords if keyword.arg == "object_list"), None)


def _first_argument(call: ast.Call) -> ast.expr | None:
    """The first argument however it is passed: `StreamingHttpResponse(streaming_content=events())` too."""
    if call.args:
        first = call.args[0]
        return first.value if isinstance(first, ast.Starred) else first
    return call.keywords[0].value if call.keywords else None


def _is_manager(expression: ast.expr) -> bool:
    return isinstance(expression, ast.Attribute) and expression.attr in django_api.MANAGER_ATTRIBUTES


def _looks_like_model(expression: ast.expr) -> bool:
    """`Article`, `models.Article`, `self.model`, `get_user_model()`: what `.objects` hangs off in Django code.

    Instances do not count: `bucket.objects.all()` is boto3's S3 collection, not a QuerySet.
    """
    if isinstance(expression, ast.Name):
        return expression.id[:1].isupper()
    if isinstance(expression, ast.Attribute):
        return expression.attr[:1].isupper() or expression.attr == "model"
    if isinstance(expression, ast.Call):
        return dotted(expression.func).rsplit(".", 1)[-1] == "get_user_model"
    return False


def _is_plain_slice(node: ast.Subscript) -> bool:
    return isinstance(node.slice, ast.Slice) and node.slice.step is None


def _is_request(expression: ast.expr) -> bool:
    if isinstance(expression, ast.Name):
        return expression.id == "request"
    return (
        isinstance(expression, ast.Attribute)
        and expression.attr == "request"
        and isinstance(expression.value, ast.Name)
        and expression.value.id == "self"
    )


def _returned_name(value: ast.expr | None, resolve: Callable[[ast.AST], str | None]) -> str:
    """`return wrapper` and `return functools.update_wrapper(wrapper, view)` give "wrapper"; anything else ""."""
    if isinstance(value, ast.Name):
        return value.id
    if (
        isinstance(value, ast.Call)
        and value.args
        and isinstance(value.args[0], ast.Name)
        and resolve(value.func) == "functools.update_wrapper"
    ):
        return value.args[0].id
    return ""


def _decorator_callee(decorator: ast.expr) -> ast.expr:
    return decorator.func if isinstance(decorator, ast.Call) else decorator


def _parameter_nodes(arguments: ast.arguments) -> list[ast.arg]:
    nodes = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    if arguments.vararg is not None:
        nodes.append(arguments.vararg)
    if arguments.kwarg is not None:
        nodes.append(arguments.kwarg)
    return nodes
