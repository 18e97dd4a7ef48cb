"""The one visitor: walks a libcst tree once and records the facts the rules need."""

from __future__ import annotations

import bisect
import re

import libcst as cst
from libcst.metadata import ByteSpanPositionProvider, CodeSpan

from django_protolint.knowledge import django_api
from django_protolint.knowledge.blocking import FACTORY_RETURNS
from django_protolint.knowledge.servers import PROGRAMMATIC_STARTS
from django_protolint.source import static
from django_protolint.source.facts import (
    CallFact,
    ClassFact,
    EnvironmentDefault,
    ImportLine,
    RelatedAccessFact,
    ServerStartFact,
    StreamingResponseFact,
    FunctionFact,
    QueryFact,
    RequestAccessFact,
    Scope,
    Span,
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

# Builtins whose calls matter; any other unbound bare name is kept as written.
BUILTINS = frozenset({"open", "input", "print", "list", "tuple", "set", "frozenset", "len", "bool", "sorted",
                      "sum", "any", "all", "dict", "max", "min", "next", "iter", "enumerate", "zip", "map"})  # fmt: skip
# Builtins that consume an iterable whole (or test it), forcing a lazy QuerySet to run its query.
EVALUATING_BUILTINS = {
    "list": "list", "tuple": "list", "set": "list", "frozenset": "list", "sorted": "list", "dict": "list",
    "sum": "list", "any": "list", "all": "list", "max": "list", "min": "list", "len": "len", "bool": "bool",
}  # fmt: skip
STREAMING_RESPONSES = frozenset({"django.http.StreamingHttpResponse", "django.http.response.StreamingHttpResponse"})
# Session methods that load the session synchronously (the a-prefixed twins arrived in 5.1).
SESSION_SYNC_METHODS = frozenset({"get", "set", "setdefault", "pop", "keys", "values", "items", "has_key", "update",
                                  "clear", "flush", "cycle_key", "save", "set_expiry", "get_expiry_age",
                                  "get_expiry_date", "delete", "load", "create", "exists"})  # fmt: skip


class LinePositions:
    """UTF-8 byte offsets → (1-based line, 0-based column in characters), with libcst's line breaks."""

    def __init__(self, source: str) -> None:
        self.data = source.encode("utf-8")
        self.ascii = source.isascii()
        self.starts = [0] + [match.end() for match in re.finditer(rb"\r\n|\r|\n", self.data)]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[index]
        column = offset - start if self.ascii else len(self.data[start:offset].decode("utf-8", errors="replace"))
        return index + 1, column


def dotted(expression: cst.BaseExpression) -> str:
    """Short source text of an expression, for messages: `Article.objects.filter(…).count`."""
    if isinstance(expression, cst.Name):
        return expression.value
    if isinstance(expression, cst.Attribute):
        return f"{dotted(expression.value)}.{expression.attr.value}"
    if isinstance(expression, cst.Call):
        return f"{dotted(expression.func)}(…)" if expression.args else f"{dotted(expression.func)}()"
    if isinstance(expression, cst.Subscript):
        return f"{dotted(expression.value)}[…]"
    if isinstance(expression, cst.Await):
        return f"await {dotted(expression.expression)}"
    return "…"


def _relative_base(module: str, is_package: bool, level: int) -> str | None:
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts):
        return None
    return ".".join(parts[: len(parts) - (level - 1)])


class FactsVisitor(cst.CSTVisitor):
    # Byte spans, turned into lines and columns here: the same positions as PositionProvider (checked node by node
    # on Django's source), at about half its cost, which was over half of the whole per-file pass.
    METADATA_DEPENDENCIES = (ByteSpanPositionProvider,)

    def __init__(self, module: str, is_package: bool, source: str = "") -> None:
        super().__init__()
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
        self._assigned: set[int] = set()  # assignment targets: `obj.title` in `obj.title = x`
        self.related_accesses: list[RelatedAccessFact] = []
        self.server_starts: list[ServerStartFact] = []
        self.import_line = 1
        self.statements: list[static.ModuleStatement] = []
        self.import_lines: list[ImportLine] = []
        self.environment_defaults: list[EnvironmentDefault] = []
        self.websocket_checks: list[Span] = []
        self.streaming_responses: list[StreamingResponseFact] = []
        self._class_attributes: list[list[tuple[str, static.StaticExpr]]] = []
        self._module_blocks = 0  # compound statements open at module level: what runs there is conditional
        self._reported_request_nodes: set[int] = set()

    # ----------------------------------------------------------------- helpers

    def span(self, node: cst.CSTNode) -> Span:
        code_span: CodeSpan = self.get_metadata(ByteSpanPositionProvider, node)
        line, column = self._positions.at(code_span.start)
        end_line, end_column = self._positions.at(code_span.start + code_span.length)
        return Span(line, column, end_line, end_column)

    def scope(self) -> Scope:
        function = self.scopes.function
        if function is None:
            return Scope(function=None, is_async=False)
        return Scope(function=function.qualname, is_async=function.is_async)

    def qualify(self, local_qualname: str) -> str:
        return f"{self.module}.{local_qualname}" if self.module else local_qualname

    def resolve_name(self, expression: cst.BaseExpression) -> str | None:
        """Qualified name of a name or attribute chain, through imports, definitions and known instance types."""
        if isinstance(expression, cst.Name):
            binding = self.scopes.lookup(expression.value)
            if binding is None:
                if expression.value in BUILTINS:
                    return f"builtins.{expression.value}"
                # Unbound (a missing import, a star import): keep the name as written, as flake8-async does.
                return expression.value
            return binding.qualname if binding.kind in (IMPORT, DEFINITION) else None
        if isinstance(expression, cst.Attribute):
            attribute = expression.attr.value
            value = expression.value
            if isinstance(value, cst.Name) and value.value in ("self", "cls"):
                owner = self.scopes.method_class
                if owner is not None and self.scopes.lookup(value.value) is not None:
                    return self.qualify(f"{owner}.{attribute}")
                return None
            instance_type = self.instance_type(value)
            if instance_type is not None:
                return f"{instance_type}.{attribute}"
            base = self.resolve_name(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
            return f"{base}.{attribute}" if base else None
        return None

    def instance_type(self, expression: cst.BaseExpression) -> str | None:
        """The type of an object we can type: a variable bound to a constructor call, or the call itself."""
        if isinstance(expression, cst.Name):
            binding = self.scopes.lookup(expression.value)
            return binding.qualname if binding is not None and binding.kind == INSTANCE else None
        if isinstance(expression, cst.Call):
            callee = self.resolve_name(expression.func)
            if callee is None:
                return None
            return FACTORY_RETURNS.get(callee, callee)
        return None

    def queryset_model(self, expression: cst.BaseExpression) -> str | None:
        """The model (as written) if the expression is a Manager or a lazy QuerySet; None if it is not one."""
        if isinstance(expression, cst.Attribute):
            if expression.attr.value in django_api.MANAGER_ATTRIBUTES and _looks_like_model(expression.value):
                return dotted(expression.value)
            return None
        if isinstance(expression, cst.Name):
            binding = self.scopes.lookup(expression.value)
            return binding.qualname if binding is not None and binding.kind == QUERYSET else None
        if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute):
            if expression.func.attr.value in django_api.QUERYSET_LAZY or expression.func.attr.value == "iterator":
                return self.queryset_model(expression.func.value)
            return None
        if isinstance(expression, cst.Subscript) and _is_plain_slice(expression):
            return self.queryset_model(expression.value)
        return None

    def model_instance(self, expression: cst.BaseExpression) -> str | None:
        """The model (as written) if the expression evaluates to a model instance fetched from the ORM."""
        if isinstance(expression, cst.Await):
            expression = expression.expression
        if isinstance(expression, cst.Name):
            binding = self.scopes.lookup(expression.value)
            return binding.qualname if binding is not None and binding.kind == MODEL_INSTANCE else None
        if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute):
            if expression.func.attr.value in django_api.RETURNS_INSTANCE:
                return self.queryset_model(expression.func.value)
            return None
        if isinstance(expression, cst.Call):
            callee = self.resolve_name(expression.func)
            if callee in ("django.shortcuts.get_object_or_404", "django.shortcuts.aget_object_or_404"):
                if expression.args and isinstance(expression.args[0].value, (cst.Name, cst.Attribute)):
                    return dotted(expression.args[0].value)
        return None

    def to_static(self, expression: cst.BaseExpression) -> static.StaticExpr:
        return static.to_static(expression, self.resolve_name, self._line_column)

    def _line_column(self, node: cst.CSTNode) -> tuple[int, int]:
        span = self.span(node)
        return span.line, span.column

    @property
    def at_module_level(self) -> bool:
        return self.scopes.innermost.kind == "module"

    def record_statement(self, target: str, operator: str, value: cst.BaseExpression, node: cst.CSTNode) -> None:
        self.statements.append(
            static.Assignment(target, operator, self.to_static(value), self.span(node).line, self._module_blocks > 0)
        )

    def annotation_type(self, annotation: cst.BaseExpression) -> str | None:
        """`httpx.Client`, `Client | None`, `Optional[Client]` → "httpx.Client"; anything else → None."""
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            resolved = self.resolve_name(annotation)
            return None if resolved in (None, "None") else resolved
        if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
            for side in (annotation.left, annotation.right):
                if not (isinstance(side, cst.Name) and side.value == "None"):
                    return self.annotation_type(side)
        if isinstance(annotation, cst.Subscript) and len(annotation.slice) == 1:
            container = self.resolve_name(annotation.value) or ""
            element = annotation.slice[0].slice
            if container.rsplit(".", 1)[-1] == "Optional" and isinstance(element, cst.Index):
                return self.annotation_type(element.value)
        return None

    def annotated_binding(self, annotation: cst.Annotation | None) -> Binding:
        if annotation is not None and (type_name := self.annotation_type(annotation.annotation)) is not None:
            return Binding(INSTANCE, type_name)
        return Binding(LOCAL, "")

    def loaded_relations(self, expression: cst.BaseExpression) -> tuple[str, ...]:
        """Relations a QuerySet chain fetches with its rows: `select_related("author")` → ("author",)."""
        found: list[str] = []
        for _ in range(50):
            if isinstance(expression, cst.Await):
                expression = expression.expression
            elif isinstance(expression, cst.Subscript):
                expression = expression.value
            elif isinstance(expression, cst.Name):
                binding = self.scopes.lookup(expression.value)
                if binding is not None and binding.kind in (QUERYSET, MODEL_INSTANCE):
                    found.extend(binding.loaded)
                break
            elif isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute):
                if expression.func.attr.value in ("select_related", "prefetch_related"):
                    if not expression.args:
                        found.append("*")  # select_related() follows every non-null foreign key
                    for arg in expression.args:
                        if isinstance(arg.value, cst.SimpleString) and isinstance(arg.value.evaluated_value, str):
                            found.append(arg.value.evaluated_value.split("__")[0])
                        else:
                            found.append("*")  # Prefetch(...) or a variable: assume it covers what is read
                expression = expression.func.value
            else:
                break
        return tuple(found)

    def model_qualname(self, model: str) -> str | None:
        head, _, rest = model.partition(".")
        binding = self.scopes.lookup(head)
        if binding is None or binding.kind not in (IMPORT, DEFINITION):
            return None
        return f"{binding.qualname}.{rest}" if rest else binding.qualname

    def model_binding(self, kind: str, model: str, value: cst.BaseExpression) -> Binding:
        return Binding(kind, model, self.loaded_relations(value), self.model_qualname(model))

    def binding_for(self, value: cst.BaseExpression) -> Binding:
        if isinstance(value, cst.Name) and (copied := self.scopes.lookup(value.value)) is not None:
            if copied.kind in (INSTANCE, QUERYSET, MODEL_INSTANCE):
                return copied
        if (model := self.queryset_model(value)) is not None:
            return self.model_binding(QUERYSET, model, value)
        if (model := self.model_instance(value)) is not None:
            return self.model_binding(MODEL_INSTANCE, model, value)
        if isinstance(value, cst.Call) and (instance := self.instance_type(value)) is not None:
            return Binding(INSTANCE, instance)
        return Binding(LOCAL, "")

    def bind_target(self, target: cst.BaseExpression, binding: Binding) -> None:
        if isinstance(target, cst.Name):
            self.scopes.bind(target.value, binding)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind_target(element.value, Binding(LOCAL, ""))

    def query(self, kind: str, operation: str, model: str, receiver: cst.BaseExpression, node: cst.CSTNode) -> None:
        method = node.func.attr if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) else None
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
                method_span=self.span(method) if method is not None else None,
                chained=id(node) in self._chained,
            )
        )

    def mark_await(self) -> None:
        if (function := self.scopes.function) is not None:
            function.awaits = True

    # ----------------------------------------------------------------- module, imports

    def visit_Module(self, node: cst.Module) -> None:
        # Top-level definitions and imports first, so a function may use a name defined below it.
        for statement in node.body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                self.scopes.bind(statement.name.value, Binding(DEFINITION, self.qualify(statement.name.value)))
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        self._record_import(small)
                        self.import_line = self.span(statement).end_line + 1
                if self.import_line == 1 and _is_docstring(statement) and statement is node.body[0]:
                    self.import_line = self.span(statement).end_line + 1
        # Then module-level objects (`client = httpx.Client()`), which functions defined above them may use.
        for statement in node.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        self.bind_target(small.targets[0].target, self.binding_for(small.value))

    def visit_Import(self, node: cst.Import) -> None:
        if self.scopes.innermost.kind != "module":
            self._record_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if self.scopes.innermost.kind != "module":
            self._record_import(node)

    def _record_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = _attribute_text(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self._bind_import(alias.asname.name.value, full)
                else:
                    head = full.split(".")[0]
                    self._bind_import(head, head)
            return
        base = _attribute_text(node.module) if node.module is not None else ""
        if node.relative:
            package = _relative_base(self.module, self.is_package, len(node.relative))
            if package is None:
                return
            base = ".".join(part for part in (package, base) if part)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = _attribute_text(alias.name)
            bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            self._bind_import(bound, f"{base}.{name}" if base else name)

    def _bind_import(self, bound: str, qualname: str) -> None:
        self.scopes.bind(bound, Binding(IMPORT, qualname))
        if self.scopes.innermost.kind == "module":
            self.imports.append((bound, qualname))

    def leave_Import(self, original_node: cst.Import) -> None:
        if self.at_module_level:
            line = self.span(original_node).line
            for alias in original_node.names:
                self.import_lines.append(ImportLine(_attribute_text(alias.name), line))

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        if not self.at_module_level:
            return
        base = _attribute_text(original_node.module) if original_node.module is not None else ""
        if original_node.relative:
            package = _relative_base(self.module, self.is_package, len(original_node.relative))
            base = ".".join(part for part in (package or "", base) if part)
        line = self.span(original_node).line
        if isinstance(original_node.names, cst.ImportStar):
            self.statements.append(static.StarImport(base, line, self._module_blocks > 0))
        self.import_lines.append(ImportLine(base, line))
        if not isinstance(original_node.names, cst.ImportStar):
            # `from app import models` imports the module app.models too.
            for alias in original_node.names:
                self.import_lines.append(ImportLine(f"{base}.{_attribute_text(alias.name)}", line))

    # ----------------------------------------------------------------- definitions

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        qualname = self.scopes.nested_qualname(node.name.value)
        if self.scopes.innermost.kind != "module":
            self.scopes.bind(node.name.value, Binding(DEFINITION, self.qualify(qualname)))
        self._class_attributes.append([])
        self.scopes.push(Frame(kind="class", qualname=qualname))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        frame = self.scopes.pop()
        attributes = self._class_attributes.pop()
        self.classes.append(
            ClassFact(
                qualname=frame.qualname or original_node.name.value,
                bases=tuple(self.resolve_name(arg.value) or dotted(arg.value) for arg in original_node.bases),
                span=self.span(original_node.name),
                decorators=tuple(
                    self.resolve_name(_decorator_callee(d.decorator)) or dotted(d.decorator)
                    for d in original_node.decorators
                ),
                attributes=tuple(attributes),
            )
        )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parent = self.scopes.innermost
        qualname = self.scopes.nested_qualname(node.name.value)
        if parent.kind == "function" or parent.kind == "lambda":
            self.scopes.bind(node.name.value, Binding(DEFINITION, self.qualify(qualname)))
        frame = Frame(
            kind="function",
            qualname=qualname,
            is_async=node.asynchronous is not None,
            class_qualname=parent.qualname if parent.kind == "class" else None,
        )
        for parameter in _parameter_nodes(node.params):
            frame.bindings[parameter.name.value] = self.annotated_binding(parameter.annotation)
        self.scopes.push(frame)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        frame = self.scopes.pop()
        name_span = self.span(original_node.name)
        def_span = self.span(original_node)
        self.functions.append(
            FunctionFact(
                qualname=frame.qualname or original_node.name.value,
                name=original_node.name.value,
                is_async=frame.is_async,
                span=Span(def_span.line, def_span.column, name_span.end_line, name_span.end_column),
                class_name=frame.class_qualname,
                decorators=tuple(
                    self.resolve_name(_decorator_callee(d.decorator)) or dotted(d.decorator)
                    for d in original_node.decorators
                ),
                decorator_spans=tuple(self.span(d.decorator) for d in original_node.decorators),
                parameters=tuple(_parameters(original_node.params)),
                awaits=frame.awaits,
                yields=frame.yields,
            )
        )

    def visit_Lambda(self, node: cst.Lambda) -> None:
        parent_name = self.scopes.function.qualname if self.scopes.function else None
        frame = Frame(kind="lambda", qualname=f"{parent_name}.<lambda>" if parent_name else "<lambda>")
        for parameter in _parameters(node.params):
            frame.bindings[parameter] = Binding(LOCAL, "")
        self.scopes.push(frame)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.scopes.pop()

    # ----------------------------------------------------------------- bindings

    def visit_Assign(self, node: cst.Assign) -> None:
        self._record_assignment(node.targets[-1].target, "=", node.value, node)
        binding = self.binding_for(node.value)
        for target in node.targets:
            if isinstance(target.target, (cst.Tuple, cst.List)):
                self._bind_unpacked(target.target, node.value)
            else:
                self.bind_target(target.target, binding)

    def _bind_unpacked(self, target: cst.Tuple | cst.List, value: cst.BaseExpression) -> None:
        if (model := self.queryset_model(value)) is not None:
            self.query("evaluate", "unpack", model, value, value)  # `first, *rest = qs` iterates it
        # `obj, created = Model.objects.get_or_create(...)`: the first element is a model instance.
        call = value.expression if isinstance(value, cst.Await) else value
        elements = list(target.elements)
        if (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value.lstrip("a") in ("get_or_create", "update_or_create")
            and (model := self.queryset_model(call.func.value)) is not None
            and elements
        ):
            self.bind_target(elements[0].value, self.model_binding(MODEL_INSTANCE, model, call))
            elements = elements[1:]
        for element in elements:
            self.bind_target(element.value, Binding(LOCAL, ""))

    def _record_assignment(
        self, target: cst.BaseExpression, operator: str, value: cst.BaseExpression, node: cst.CSTNode
    ) -> None:
        innermost = self.scopes.innermost
        if isinstance(target, cst.Name):
            if innermost.kind == "module":
                self.record_statement(target.value, operator, value, node)
            elif innermost.kind == "class" and self._class_attributes and operator == "=":
                self._class_attributes[-1].append((target.value, self.to_static(value)))
        elif isinstance(target, cst.Subscript) and operator == "=":
            # os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
            if self.resolve_name(target.value) == "os.environ" and len(target.slice) == 1:
                key = target.slice[0].slice
                if isinstance(key, cst.Index):
                    self._environment_default(key.value, value, node)

    def _environment_default(self, key: cst.BaseExpression, value: cst.BaseExpression, node: cst.CSTNode) -> None:
        if isinstance(key, cst.SimpleString) and isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            name, text = key.evaluated_value, value.evaluated_value
            if isinstance(name, str) and isinstance(text, str):
                self.environment_defaults.append(EnvironmentDefault(name, text, self.span(node)))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._record_assignment(node.target, "=", node.value, node)
        binding = self.annotated_binding(node.annotation)
        if binding.kind == LOCAL and node.value is not None:
            binding = self.binding_for(node.value)
        self.bind_target(node.target, binding)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        operator = {cst.AddAssign: "+=", cst.BitOrAssign: "|="}.get(type(node.operator))
        if operator:
            self._record_assignment(node.target, operator, node.value, node)
        if isinstance(node.target, cst.Name) and self.scopes.lookup(node.target.value) is None:
            self.scopes.bind(node.target.value, Binding(LOCAL, ""))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.bind_target(node.target, self.binding_for(node.value))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        self._entered.add(id(node.item))
        if node.asname is not None:
            self.bind_target(node.asname.name, self.binding_for(node.item))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self.bind_target(node.name.name, Binding(LOCAL, ""))

    def visit_For(self, node: cst.For) -> None:
        model = self.queryset_model(node.iter)
        if node.asynchronous is not None:
            self.mark_await()
            self._results_cached(node.iter)
        elif model is not None:
            self.query("evaluate", "iterate", model, node.iter, node.iter)
        self.bind_target(
            node.target, self.model_binding(MODEL_INSTANCE, model, node.iter) if model is not None else Binding(LOCAL, "")
        )

    def visit_CompFor(self, node: cst.CompFor) -> None:
        model = self.queryset_model(node.iter)
        if node.asynchronous is not None:
            self.mark_await()
            self._results_cached(node.iter)
        elif model is not None:
            self.query("evaluate", "comprehension", model, node.iter, node.iter)
        self.bind_target(
            node.target, self.model_binding(MODEL_INSTANCE, model, node.iter) if model is not None else Binding(LOCAL, "")
        )

    def _results_cached(self, iterated: cst.BaseExpression) -> None:
        # `async for` fills the QuerySet's result cache (QuerySet.__aiter__ runs _fetch_all in a thread), so
        # later len()/bool()/iteration of the same variable make no query.
        if isinstance(iterated, cst.Name) and self.queryset_model(iterated) is not None:
            self.scopes.bind(iterated.value, Binding(LOCAL, ""))

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self.mark_await()

    # ----------------------------------------------------------------- expressions

    def visit_Yield(self, node: cst.Yield) -> None:
        if (function := self.scopes.function) is not None:
            function.yields = True

    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))
        self.mark_await()

    def visit_Expr(self, node: cst.Expr) -> None:
        self._discarded.add(id(node.value))

    def visit_If(self, node: cst.If) -> None:
        self._truth_test(node.test)
        self._enter_block()

    def leave_If(self, original_node: cst.If) -> None:
        self._leave_block()

    def visit_Try(self, node: cst.Try) -> None:
        self._enter_block()

    def leave_Try(self, original_node: cst.Try) -> None:
        self._leave_block()

    def _enter_block(self) -> None:
        if self.at_module_level:
            self._module_blocks += 1

    def _leave_block(self) -> None:
        if self.at_module_level and self._module_blocks:
            self._module_blocks -= 1

    def visit_While(self, node: cst.While) -> None:
        self._truth_test(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._truth_test(node.test)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self._truth_test(node.expression)

    def _truth_test(self, test: cst.BaseExpression) -> None:
        if (model := self.queryset_model(test)) is not None:
            self.query("evaluate", "bool", model, test, test)
        elif isinstance(test, cst.Attribute) and test.attr.value == "user" and _is_request(test.value):
            self._request_access("user", test)  # `if request.user:` evaluates the lazy user

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        if (model := self.queryset_model(node.expression)) is not None:
            self.query("evaluate", "repr", model, node.expression, node.expression)  # repr() fetches 21 rows

    def visit_Comparison(self, node: cst.Comparison) -> None:
        # `scope["type"] == "websocket"`: a hand-written ASGI app that serves websockets.
        operands = [node.left, *(target.comparator for target in node.comparisons)]
        if any(isinstance(o, cst.SimpleString) and o.evaluated_value in ("websocket", "websocket.connect")
               for o in operands):  # fmt: skip
            self.websocket_checks.append(self.span(node))
        for target in node.comparisons:
            if isinstance(target.operator, (cst.In, cst.NotIn)):
                if (model := self.queryset_model(target.comparator)) is not None:
                    self.query("evaluate", "contains", model, target.comparator, node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._chained.add(id(node.value))
        if (model := self.queryset_model(node.value)) is None:
            return
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            self.query("evaluate", "index", model, node.value, node)
        elif len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Slice) and node.slice[0].slice.step:
            self.query("evaluate", "step-slice", model, node.value, node)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._assigned.add(id(node.target))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._chained.add(id(node.value))
        if isinstance(node.value, cst.Name) and id(node) not in self._call_funcs and id(node) not in self._assigned:
            binding = self.scopes.lookup(node.value.value)
            if binding is not None and binding.kind == MODEL_INSTANCE:
                self._related_access(binding, node.attr.value, None, node)
        # request.user.<attr>: reading any attribute evaluates the lazy user, which loads the session and the user.
        if isinstance(node.value, cst.Attribute) and node.value.attr.value == "user" and _is_request(node.value.value):
            if id(node.value) not in self._reported_request_nodes:
                self._reported_request_nodes.add(id(node.value))
                self._request_access("user", node.value)

    def visit_Call(self, node: cst.Call) -> None:
        self._chained.add(id(node.func))
        self._call_funcs.add(id(node.func))
        if (
            isinstance(node.func, cst.Attribute)
            and isinstance(node.func.value, cst.Attribute)
            and isinstance(node.func.value.value, cst.Name)
            and (binding := self.scopes.lookup(node.func.value.value.value)) is not None
            and binding.kind == MODEL_INSTANCE
        ):
            self._related_access(binding, node.func.value.attr.value, node.func.attr.value, node)
        callee = self.resolve_name(node.func)
        self.calls.append(
            CallFact(
                callee=callee,
                text=dotted(node.func),
                span=self.span(node),
                scope=self.scope(),
                awaited=id(node) in self._awaited,
                discarded=id(node) in self._discarded,
                entered=id(node) in self._entered,
                callee_span=self.span(node.func),
                chained=id(node) in self._chained,
            )
        )
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and self.at_module_level
            and id(node) in self._discarded
            and isinstance(func.value, cst.Name)
            and func.attr.value in static.MUTATING_METHODS
        ):
            # INSTALLED_APPS.append("x"), MIDDLEWARE.insert(0, "x"), router.register("p", ViewSet): the whole call.
            self.record_statement(func.value.value, func.attr.value, node, node)
        if callee in PROGRAMMATIC_STARTS:
            self._server_start(callee, node)
        if callee in STREAMING_RESPONSES and node.args:
            self._streaming_response(node)
        if callee == "os.environ.setdefault" and len(node.args) >= 2:
            self._environment_default(node.args[0].value, node.args[1].value, node)
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            model = self.queryset_model(func.value)
            if (
                model is not None
                and (method in django_api.QUERYSET_EXECUTING or method in django_api.QUERYSET_ASYNC)
                and method != "iterator"  # only builds a generator: iterating it is what queries
                and not (method == "delete" and _is_manager(func.value))  # managers have no delete()
            ):
                self.query("method", method, model, func.value, node)
            elif (instance_model := self.model_instance(func.value)) is not None and isinstance(func.value, cst.Name):
                if method in django_api.MODEL_INSTANCE or method.startswith("a") and method[1:] in django_api.MODEL_INSTANCE:
                    self.query("instance", method, instance_model, func.value, node)
            if (
                isinstance(func.value, cst.Attribute)
                and func.value.attr.value == "session"
                and _is_request(func.value.value)
                and method in SESSION_SYNC_METHODS
            ):
                self._request_access("session", func.value, node)
        elif isinstance(func, cst.Name) and callee is not None and callee.startswith("builtins."):
            operation = EVALUATING_BUILTINS.get(func.value)
            if operation and node.args and (model := self.queryset_model(node.args[0].value)) is not None:
                self.query("evaluate", operation, model, node.args[0].value, node)

    def leave_Subscript(self, original_node: cst.Subscript) -> None:
        value = original_node.value
        if isinstance(value, cst.Attribute) and value.attr.value == "session" and _is_request(value.value):
            self._request_access("session", value, original_node)

    def _related_access(self, binding: Binding, attribute: str, method: str | None, node: cst.CSTNode) -> None:
        self.related_accesses.append(
            RelatedAccessFact(binding.qualname, binding.model, attribute, method, binding.loaded, self.span(node),
                              self.scope(), id(node) in self._awaited, dotted(node))  # fmt: skip
        )

    def _server_start(self, callee: str, node: cst.Call) -> None:
        app = None
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        if positional and isinstance(positional[0].value, cst.SimpleString):
            value = positional[0].value.evaluated_value
            app = value if isinstance(value, str) else None
        options = []
        for arg in node.args:
            if arg.keyword is not None:
                literal = self.to_static(arg.value)
                if isinstance(literal, static.Literal) and not isinstance(literal.value, float):
                    options.append((arg.keyword.value, literal.value))
        self.server_starts.append(ServerStartFact(callee, app, tuple(options), self.span(node)))

    def _streaming_response(self, node: cst.Call) -> None:
        iterator = node.args[0].value
        kind = None
        if isinstance(iterator, cst.GeneratorExp):
            kind = "async" if _has_async_for(iterator.for_in) else "sync"
        callee = self.resolve_name(iterator.func) if isinstance(iterator, cst.Call) else None
        self.streaming_responses.append(StreamingResponseFact(self.span(node), self.scope(), callee, kind))

    def _request_access(self, attribute: str, node: cst.CSTNode, whole: cst.CSTNode | None = None) -> None:
        self.request_accesses.append(
            RequestAccessFact(
                attribute=attribute,
                text=dotted(whole) if isinstance(whole, cst.BaseExpression) else dotted(node),  # type: ignore[arg-type]
                span=self.span(node),
                scope=self.scope(),
                chained=id(node) in self._chained,
            )
        )


def _is_docstring(statement: cst.SimpleStatementLine) -> bool:
    return len(statement.body) == 1 and isinstance(statement.body[0], cst.Expr) and isinstance(
        statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString)
    )


def _has_async_for(comp: cst.CompFor | None) -> bool:
    while comp is not None:
        if comp.asynchronous is not None:
            return True
        comp = comp.inner_for_in
    return False


def _is_manager(expression: cst.BaseExpression) -> bool:
    return isinstance(expression, cst.Attribute) and expression.attr.value in django_api.MANAGER_ATTRIBUTES


def _looks_like_model(expression: cst.BaseExpression) -> bool:
    """`Article`, `models.Article`, `self.model`, `get_user_model()`: what `.objects` hangs off in Django code.

    Instances do not count: `bucket.objects.all()` is boto3's S3 collection, not a QuerySet.
    """
    if isinstance(expression, cst.Name):
        return expression.value[:1].isupper()
    if isinstance(expression, cst.Attribute):
        return expression.attr.value[:1].isupper() or expression.attr.value == "model"
    if isinstance(expression, cst.Call):
        return dotted(expression.func).rsplit(".", 1)[-1] == "get_user_model"
    return False


def _is_plain_slice(node: cst.Subscript) -> bool:
    return len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Slice) and node.slice[0].slice.step is None


def _is_request(expression: cst.BaseExpression) -> bool:
    if isinstance(expression, cst.Name):
        return expression.value == "request"
    return (
        isinstance(expression, cst.Attribute)
        and expression.attr.value == "request"
        and isinstance(expression.value, cst.Name)
        and expression.value.value == "self"
    )


def _attribute_text(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_attribute_text(node.value)}.{node.attr.value}"
    return ""


def _decorator_callee(decorator: cst.BaseExpression) -> cst.BaseExpression:
    return decorator.func if isinstance(decorator, cst.Call) else decorator


def _parameter_nodes(params: cst.Parameters) -> list[cst.Param]:
    nodes = [*params.posonly_params, *params.params, *params.kwonly_params]
    if isinstance(params.star_arg, cst.Param):
        nodes.append(params.star_arg)
    if params.star_kwarg is not None:
        nodes.append(params.star_kwarg)
    return nodes


def _parameters(params: cst.Parameters) -> list[str]:
    return [param.name.value for param in _parameter_nodes(params)]
