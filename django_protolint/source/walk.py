"""The one walk over a file's `ast` tree, and the registry of recorders it calls (pyupgrade's shape).

A recorder is a plain function `(walk, node) -> None` registered for node types with `on_enter` (called before the
node's children are walked) or `on_leave` (after). Each concern is one module, `source/record_<concern>.py`, and
writes one or more fields of FileFacts through `walk.found[field]`; source/parse.py builds FileFacts from that
dict, so a new fact is one recorder plus one field in facts.py.

What recorders share lives here, as the walk's context, and only the walk changes it:
- the scopes and what each name is bound to (`scopes`, changed by the binding steps below, which run after every
  recorder of a node: a fact about a statement sees the names as they were before it ran);
- the marks a parent leaves on its children before they are walked (awaited, discarded, entered with `with`,
  chained into a longer expression, called);
- whether code runs under a module-level `if`/`try`, under `if TYPE_CHECKING:`, or in a generator expression.

The standard library's tree, not a concrete syntax tree: the facts need names, nesting and positions, never the
whitespace and comments a CST keeps, and `ast` parses about ten times faster than libcst. Fixes are text edits
at the positions recorded here, so they need no CST either.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django_protolint.knowledge import django_api
from django_protolint.source.facts import Span
from django_protolint.source.meaning import Meaning
from django_protolint.source.positions import LinePositions
from django_protolint.source.scopes import DEFINITION, IMPORT, LOCAL, MODEL_INSTANCE, Binding, Frame, ScopeStack

Recorder = Callable[["Walk", Any], None]
_Registered = TypeVar("_Registered", bound=Callable[..., None])
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

_ENTER: dict[type[ast.AST], list[Recorder]] = defaultdict(list)
_LEAVE: dict[type[ast.AST], list[Recorder]] = defaultdict(list)


class _Handlers(dict[type, Callable[["Walk", Any], None]]):
    """One handler per type of value met in a node's fields, composed on first use: for a node, its recorders, the
    walk's own steps and its children; for anything else (a string, a number, None, an operator) nothing. One
    lookup per child then replaces the tests of what a child is, in the walk's innermost loop."""

    def __missing__(self, value_type: type) -> Callable[[Walk, Any], None]:
        if issubclass(value_type, ast.AST) and not issubclass(value_type, _LEAF_TYPES):
            handler = _compose(value_type)
        else:
            handler = _walk_nothing
        self[value_type] = handler
        return handler


_HANDLERS = _Handlers()


def _registrar(table: dict[type[ast.AST], list[Recorder]],
               node_types: tuple[type[ast.AST], ...]) -> Callable[[_Registered], _Registered]:  # fmt: skip
    def register(recorder: _Registered) -> _Registered:
        for node_type in node_types:
            table[node_type].append(recorder)
        _HANDLERS.clear()
        return recorder

    return register


def on_enter(*node_types: type[ast.AST]) -> Callable[[_Registered], _Registered]:
    """Register a recorder called before the node's children are walked, in registration order."""
    return _registrar(_ENTER, node_types)


def on_leave(*node_types: type[ast.AST]) -> Callable[[_Registered], _Registered]:
    """Register a recorder called after the node's children are walked (a definition's fact, once its body is)."""
    return _registrar(_LEAVE, node_types)


def on_truth_test(recorder: Callable[[Walk, ast.expr], None]) -> Callable[[Walk, ast.expr], None]:
    """Register a recorder of each expression whose truth is tested: `if x:`, `while x:`, `a if x else b`, `not x`
    (each evaluates a lazy object: a QuerySet, `request.user`)."""

    @on_enter(ast.If, ast.While, ast.IfExp)
    def tested(walk: Walk, node: ast.If | ast.While | ast.IfExp) -> None:
        recorder(walk, node.test)

    @on_enter(ast.UnaryOp)
    def negated(walk: Walk, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            recorder(walk, node.operand)

    return recorder


OUTSIDE = object()  # on Walk.generator_bodies: a generator's first iterable, evaluated outside it


class Walk(Meaning):
    def __init__(self, module: str, is_package: bool, source: str = "") -> None:
        self.positions = LinePositions(source)
        # Bound methods of the positions, not of the walk: a walk that referred to itself would be a reference
        # cycle, freed only by the cyclic GC, which the run keeps paused.
        self.span: Callable[[ast.AST], Span] = self.positions.span
        self.name_span = self.positions.name_span
        self.attribute_span = self.positions.attribute_span
        self.module = module
        self.is_package = is_package
        self.scopes = ScopeStack(Frame(kind="module", qualname=None))
        # FileFacts field -> what the recorders found, in walk order (a list, or a value such as `import_line`).
        self.found: defaultdict[str, Any] = defaultdict(list)
        self.imports: list[tuple[str, str]] = self.found["imports"]  # module-level imports: (bound name, qualname)
        self.awaited: set[int] = set()
        self.discarded: set[int] = set()
        self.entered: set[int] = set()
        self.chained: set[int] = set()  # nodes that are the value of an attribute, subscript or call
        self.called: set[int] = set()  # nodes that are called: `obj.save` in `obj.save()`
        self._bound_imports: set[int] = set()  # top-level imports already bound before the walk
        self.module_blocks = 0  # compound statements open at module level: what runs there is conditional
        self.type_checking = 0  # inside `if TYPE_CHECKING:`: imports there never run
        self.generator_bodies: list[object] = []
        self._first_iterables: set[int] = set()
        self.callee: str | None = None  # of the call whose enter recorders are running
        self.closed_frame: Frame | None = None  # of the definition whose leave recorders are running
        self.class_attributes: list[list[tuple[str, Any]]] = []  # one list per class body being walked
        self.seen: defaultdict[str, set[int]] = defaultdict(set)  # nodes a recorder has handled, by recorder

    def visit(self, node: ast.AST) -> None:
        _HANDLERS[type(node)](self, node)

    def generic_visit(self, node: ast.AST) -> None:
        _generic_children(type(node))(self, node)

    def visit_all(self, nodes: Iterable[ast.AST | None]) -> None:
        handlers = _HANDLERS
        for node in nodes:
            handlers[type(node)](self, node)  # None's handler does nothing

    def facts(self) -> dict[str, Any]:
        """FileFacts fields: lists become tuples."""
        return {name: tuple(value) if type(value) is list else value for name, value in self.found.items()}

    def mark_await(self) -> None:
        if (function := self.scopes.function) is not None:
            function.awaits = True

    def bind_target(self, target: ast.AST, binding: Binding) -> None:
        if isinstance(target, ast.Starred):
            target = target.value
        if isinstance(target, ast.Name):
            self.scopes.bind(target.id, binding)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element, Binding(LOCAL, ""))

    def import_bindings(self, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
        """The names an import statement binds: (bound name, qualified name)."""
        if isinstance(node, ast.Import):
            return [
                (alias.asname, alias.name) if alias.asname is not None else (head := alias.name.split(".")[0], head)
                for alias in node.names
            ]
        base = node.module or ""
        if node.level:
            package = relative_base(self.module, self.is_package, node.level)
            if package is None:
                return []
            base = ".".join(part for part in (package, base) if part)
        if is_star(node):
            return []
        return [(alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name) for alias in node.names]

    def _record_import(self, node: ast.Import | ast.ImportFrom) -> None:
        at_module_level = self.scopes.innermost.kind == "module"
        for bound, qualname in self.import_bindings(node):
            self.scopes.bind(bound, Binding(IMPORT, qualname))
            if at_module_level:
                self.imports.append((bound, qualname))


# ----------------------------------------------------------------------------- composing a node's handler

# Contexts and operators: nodes with nothing inside worth visiting.
_LEAF_TYPES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
# Fields that never hold a node worth visiting, in any node type: contexts, operators, names and numbers. Leaving
# them out only saves a lookup; what else a field holds that is no node finds a handler that does nothing.
_SCALAR_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "kind", "id", "attr", "arg", "asname", "module",
                            "level", "conversion", "is_async", "simple", "kwd_attrs"})  # fmt: skip
_GENERIC_CHILDREN: dict[type[ast.AST], Callable[[Walk, Any], None]] = {}


def _child_fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    fields = [name for name in node_type._fields if name not in _SCALAR_FIELDS]
    if node_type in (ast.Global, ast.Nonlocal):
        fields.remove("names")  # identifiers, where Import's `names` are nodes
    return tuple(fields)


def _generic_children(node_type: type[ast.AST]) -> Callable[[Walk, Any], None]:
    """The walk of a node's children in field order, written out for its type: a field holds a list of values or
    one value, and each value is handed to the handler of its type."""
    children = _GENERIC_CHILDREN.get(node_type)
    if children is None:
        lines = ["def children(walk, node):"]
        for name in _child_fields(node_type):
            lines += [
                f"    value = getattr(node, {name!r}, None)",  # a node built by hand may lack a field
                "    if type(value) is list:",
                "        for item in value:",
                "            handlers[type(item)](walk, item)",
                "    else:",
                "        handlers[type(value)](walk, value)",
            ]
        lines.append("    return None")
        children = _generated(lines, "children", handlers=_HANDLERS)
        _GENERIC_CHILDREN[node_type] = children
    return children


def _compose(node_type: type[ast.AST]) -> Callable[[Walk, Any], None]:
    """The node's handler written out as one function: its marks and enter recorders in order, its binding step,
    its children, its leave recorders (one call each, no loop over a tuple per node)."""
    enters = (*_MARKS.get(node_type, ()), *_ENTER.get(node_type, ()))
    bind = _BINDINGS.get(node_type)
    walk_children = _CHILDREN.get(node_type) or _generic_children(node_type)
    leaves = tuple(_LEAVE.get(node_type, ()))
    if not enters and bind is None and not leaves:
        return walk_children
    steps = [*enters, *((bind,) if bind is not None else ()), walk_children, *leaves]
    lines = ["def handle(walk, node):", *(f"    step{index}(walk, node)" for index in range(len(steps)))]
    return _generated(lines, "handle", **{f"step{index}": step for index, step in enumerate(steps)})


def _generated(lines: list[str], name: str, **namespace: Any) -> Callable[[Walk, Any], None]:
    exec("\n".join(lines), namespace)  # noqa: S102 - our own text, from node types' field names
    function: Callable[[Walk, Any], None] = namespace[name]
    return function


# ----------------------------------------------------------------------------- marks a parent leaves on children


def _mark_call(walk: Walk, node: ast.Call) -> None:
    walk.chained.add(id(node.func))
    walk.called.add(id(node.func))
    walk.callee = walk.resolve_name(node.func)


def _mark_value(walk: Walk, node: ast.Attribute | ast.Subscript) -> None:
    walk.chained.add(id(node.value))


def _mark_awaited(walk: Walk, node: ast.Await) -> None:
    walk.awaited.add(id(node.value))


def _mark_discarded(walk: Walk, node: ast.Expr) -> None:
    walk.discarded.add(id(node.value))


def _mark_entered(walk: Walk, node: ast.withitem) -> None:
    walk.entered.add(id(node.context_expr))


_MARKS: dict[type[ast.AST], tuple[Recorder, ...]] = {
    ast.Call: (_mark_call,),
    ast.Attribute: (_mark_value,),
    ast.Subscript: (_mark_value,),
    ast.Await: (_mark_awaited,),
    ast.Expr: (_mark_discarded,),
    ast.withitem: (_mark_entered,),
}


# ----------------------------------------------------------------------------- binding steps


def _bind_assign(walk: Walk, node: ast.Assign) -> None:
    binding = walk.binding_for(node.value)
    for target in node.targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            _bind_unpacked(walk, target, node.value)
        else:
            walk.bind_target(target, binding)


def _bind_unpacked(walk: Walk, target: ast.Tuple | ast.List, value: ast.expr) -> None:
    # `obj, created = Model.objects.get_or_create(...)`: the first element is a model instance.
    call = value.value if isinstance(value, ast.Await) else value
    elements = list(target.elts)
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr.lstrip("a") in django_api.RETURNS_INSTANCE_AND_FLAG
        and (model := walk.queryset_model(call.func.value)) is not None
        and elements
    ):
        walk.bind_target(elements[0], walk.model_binding(MODEL_INSTANCE, model, call))
        elements = elements[1:]
    for element in elements:
        walk.bind_target(element, Binding(LOCAL, ""))


def _bind_annotated(walk: Walk, node: ast.AnnAssign) -> None:
    binding = walk.annotated_binding(node.annotation)
    if binding.kind == LOCAL and node.value is not None:
        binding = walk.binding_for(node.value)
    walk.bind_target(node.target, binding)


def _bind_augmented(walk: Walk, node: ast.AugAssign) -> None:
    if isinstance(node.target, ast.Name) and walk.scopes.lookup(node.target.id) is None:
        walk.scopes.bind(node.target.id, Binding(LOCAL, ""))


def _bind_named(walk: Walk, node: ast.NamedExpr) -> None:
    walk.bind_target(node.target, walk.binding_for(node.value))


def _bind_with(walk: Walk, node: ast.withitem) -> None:
    if node.optional_vars is not None:
        walk.bind_target(node.optional_vars, walk.binding_for(node.context_expr))


def _bind_handler(walk: Walk, node: ast.ExceptHandler) -> None:
    if node.name is not None:
        walk.scopes.bind(node.name, Binding(LOCAL, ""))


def _bind_iteration(walk: Walk, node: ast.For | ast.AsyncFor | ast.comprehension) -> None:
    model = walk.queryset_model(node.iter)
    if isinstance(node, ast.AsyncFor) or (isinstance(node, ast.comprehension) and node.is_async):
        # `async for` fills the QuerySet's result cache (QuerySet.__aiter__ runs _fetch_all in a thread), so
        # later len()/bool()/iteration of the same variable make no query.
        if isinstance(node.iter, ast.Name) and model is not None:
            walk.scopes.bind(node.iter.id, Binding(LOCAL, ""))
    binding = walk.model_binding(MODEL_INSTANCE, model, node.iter) if model is not None else Binding(LOCAL, "")
    walk.bind_target(node.target, binding)


_BINDINGS: dict[type[ast.AST], Recorder] = {
    ast.Assign: _bind_assign,
    ast.AnnAssign: _bind_annotated,
    ast.AugAssign: _bind_augmented,
    ast.NamedExpr: _bind_named,
    ast.withitem: _bind_with,
    ast.ExceptHandler: _bind_handler,
    ast.For: _bind_iteration,
    ast.AsyncFor: _bind_iteration,
    ast.comprehension: _bind_iteration,
}


# ----------------------------------------------------------------------------- children, where order or scope matter


def _walk_module(walk: Walk, node: ast.Module) -> None:
    # Top-level definitions and imports first, so a function may use a name defined below it.
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            walk.scopes.bind(statement.name, Binding(DEFINITION, walk.qualify(statement.name)))
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            walk._record_import(statement)
            walk._bound_imports.add(id(statement))
    # Then module-level objects (`client = httpx.Client()`), which functions defined above them may use.
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            walk.bind_target(statement.targets[0], walk.binding_for(statement.value))
    walk.visit_all(node.body)


def _walk_import(walk: Walk, node: ast.Import | ast.ImportFrom) -> None:
    if id(node) not in walk._bound_imports:
        walk._record_import(node)  # in a function, or under a module-level `try:`/`if`


def _walk_class(walk: Walk, node: ast.ClassDef) -> None:
    # Decorators, bases and keywords run in the enclosing scope, before the class exists.
    walk.visit_all(node.decorator_list)
    walk.visit_all(node.bases)
    walk.visit_all(node.keywords)
    qualname = walk.scopes.nested_qualname(node.name)
    if walk.scopes.innermost.kind != "module":
        walk.scopes.bind(node.name, Binding(DEFINITION, walk.qualify(qualname)))
    walk.scopes.push(Frame(kind="class", qualname=qualname))
    walk.visit_all(node.body)
    walk.closed_frame = walk.scopes.pop()


def _walk_function(walk: Walk, node: FunctionNode) -> None:
    # Decorators, defaults and annotations run in the enclosing scope, when the `def` runs.
    walk.visit_all(node.decorator_list)
    walk.visit_all(node.args.defaults)
    walk.visit_all(node.args.kw_defaults)
    walk.visit_all(parameter.annotation for parameter in parameter_nodes(node.args))
    walk.visit_all((node.returns,))
    parent = walk.scopes.innermost
    qualname = walk.scopes.nested_qualname(node.name)
    if parent.kind == "function" or parent.kind == "lambda":
        walk.scopes.bind(node.name, Binding(DEFINITION, walk.qualify(qualname)))
    frame = Frame(
        kind="function",
        qualname=qualname,
        is_async=isinstance(node, ast.AsyncFunctionDef),
        class_qualname=parent.qualname if parent.kind == "class" else None,
    )
    for parameter in parameter_nodes(node.args):
        frame.bindings[parameter.arg] = walk.annotated_binding(parameter.annotation)
    walk.scopes.push(frame)
    walk.visit_all(node.body)
    walk.closed_frame = walk.scopes.pop()


def _walk_lambda(walk: Walk, node: ast.Lambda) -> None:
    walk.visit_all(node.args.defaults)
    walk.visit_all(node.args.kw_defaults)
    parent_name = walk.scopes.function.qualname if walk.scopes.function else None
    frame = Frame(kind="lambda", qualname=f"{parent_name}.<lambda>" if parent_name else "<lambda>")
    for parameter in parameter_nodes(node.args):
        frame.bindings[parameter.arg] = Binding(LOCAL, "")
    walk.scopes.push(frame)
    walk.visit(node.body)
    walk.scopes.pop()


def _walk_comprehension(walk: Walk, node: ast.comprehension) -> None:
    walk.visit(node.target)
    if id(node.iter) in walk._first_iterables:
        walk.generator_bodies.append(OUTSIDE)
        walk.visit(node.iter)
        walk.generator_bodies.pop()
    else:
        walk.visit(node.iter)
    walk.visit_all(node.ifs)


def _walk_generator(walk: Walk, node: ast.GeneratorExp) -> None:
    # `await` inside a generator expression makes it an async generator, which `sorted()`, `sum()` or
    # `list()` cannot consume (TypeError), where a list, set or dict comprehension just becomes an async
    # comprehension. Only the first iterable runs in the enclosing function, when the generator is made.
    walk.generator_bodies.append(walk.scopes.function)
    walk._first_iterables.add(id(node.generators[0].iter))
    walk.visit(node.elt)
    walk.visit_all(node.generators)
    walk.generator_bodies.pop()


def _walk_if(walk: Walk, node: ast.If) -> None:
    if walk.resolve_name(node.test) == "typing.TYPE_CHECKING" and not node.orelse:
        walk.type_checking += 1
        _walk_block(walk, node)
        walk.type_checking -= 1
        return
    _walk_block(walk, node)


def _walk_block(walk: Walk, node: ast.stmt) -> None:
    at_module_level = walk.at_module_level
    if at_module_level:
        walk.module_blocks += 1
    walk.generic_visit(node)
    if at_module_level:
        walk.module_blocks -= 1


def _walk_nothing(walk: Walk, node: ast.AST) -> None:
    return None


_CHILDREN: dict[type[ast.AST], Callable[[Walk, Any], None]] = {
    ast.Module: _walk_module,
    ast.Import: _walk_import,
    ast.ImportFrom: _walk_import,
    ast.ClassDef: _walk_class,
    ast.FunctionDef: _walk_function,
    ast.AsyncFunctionDef: _walk_function,
    ast.Lambda: _walk_lambda,
    ast.comprehension: _walk_comprehension,
    ast.GeneratorExp: _walk_generator,
    ast.If: _walk_if,
    ast.Try: _walk_block,
    # Leaves: nothing inside them matters.
    ast.Constant: _walk_nothing,
    ast.Name: _walk_nothing,
}
if (try_star := getattr(ast, "TryStar", None)) is not None:  # Python 3.11+
    _CHILDREN[try_star] = _walk_block


# ----------------------------------------------------------------------------- small readings of the tree


def relative_base(module: str, is_package: bool, level: int) -> str | None:
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts):
        return None
    return ".".join(parts[: len(parts) - (level - 1)])


def is_star(node: ast.ImportFrom) -> bool:
    return len(node.names) == 1 and node.names[0].name == "*"


def parameter_nodes(arguments: ast.arguments) -> list[ast.arg]:
    nodes = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    if arguments.vararg is not None:
        nodes.append(arguments.vararg)
    if arguments.kwarg is not None:
        nodes.append(arguments.kwarg)
    return nodes
