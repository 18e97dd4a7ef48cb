"""What an expression means where the walk stands: its qualified name, the type of the object it gives, whether it
is a QuerySet or a model instance. Read by every recorder; the bindings it reads are kept by source/walk.py."""

from __future__ import annotations

import ast

from django_protolint.knowledge import django_api, django_services
from django_protolint.knowledge.blocking import (
    FACTORY_RETURNS,
    IN_MEMORY_BUFFERS,
    PATH_PROPERTIES,
    PATH_SEQUENCE_PROPERTIES,
    PATH_TYPE,
    SETTINGS_QUALNAME,
    WRAPPING_FILE_TYPES,
)
from django_protolint.source import static
from django_protolint.source.facts import Scope
from django_protolint.source.positions import LinePositions
from django_protolint.source.scopes import (
    DEFINITION,
    IMPORT,
    INSTANCE,
    LOCAL,
    MODEL_INSTANCE,
    QUERYSET,
    Binding,
    ScopeStack,
)
from django_protolint.source.static import dotted

# Builtins whose calls matter; any other unbound bare name is kept as written.
BUILTINS = frozenset({"open", "input", "print", "list", "tuple", "set", "frozenset", "len", "bool", "sorted",
                      "sum", "any", "all", "dict", "max", "min", "next", "iter", "enumerate", "zip", "map"})  # fmt: skip
_MODULE_SCOPE = Scope(function=None, is_async=False)


class Meaning:
    """The reading half of the walk: everything here looks at the bindings and never changes them."""

    module: str
    scopes: ScopeStack
    positions: LinePositions
    # The functions whose generator expression we are in (innermost last; `OUTSIDE` for a first iterable, which
    # runs where the generator is made): an `await` put here would make it an async generator.
    generator_bodies: list[object]

    def scope(self) -> Scope:
        # One Scope object per function, shared by all its facts: pickle (the cache, worker processes) then
        # writes and rebuilds it once instead of once per call.
        function = self.scopes.function
        if function is None:
            return _MODULE_SCOPE
        if function.scope is None:
            function.scope = Scope(function=function.qualname, is_async=function.is_async)
        return function.scope

    def in_generator(self) -> bool:
        """Whether the node being visited runs inside a generator expression of the current function."""
        function = self.scopes.function
        return function is not None and bool(self.generator_bodies) and self.generator_bodies[-1] is function

    @property
    def at_module_level(self) -> bool:
        return self.scopes.innermost.kind == "module"

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
            if isinstance(value, ast.Name):
                if value.id in ("self", "cls"):
                    owner = self.scopes.method_class
                    if owner is not None and self.scopes.lookup(value.id) is not None:
                        return self.qualify(f"{owner}.{attribute}")
                    return None
                # instance_type(value), then resolve_name(value), on one lookup: `name.attribute` is most chains.
                binding = self.scopes.lookup(value.id)
                if binding is None:
                    base: str | None = f"builtins.{value.id}" if value.id in BUILTINS else value.id
                elif binding.kind == INSTANCE:
                    return f"{binding.qualname}.{attribute}"
                else:
                    base = binding.qualname if binding.kind in (IMPORT, DEFINITION) else None
                return f"{base}.{attribute}" if base else None
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
                self.instance_type(argument) in IN_MEMORY_BUFFERS for argument in arguments(expression)
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

    def queryset_model(self, expression: ast.AST | None) -> str | None:
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
            and expression.func.attr == django_api.REQUEST_USER_COROUTINE
            and is_request(expression.func.value)
        ) or (isinstance(expression, ast.Call) and self.resolve_name(expression.func) in django_api.RETURNS_USER):
            return "get_user_model()"  # the project's user model, whichever AUTH_USER_MODEL names
        if isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute):
            if expression.func.attr in django_api.RETURNS_INSTANCE:
                return self.queryset_model(expression.func.value)
            return None
        if isinstance(expression, ast.Call):
            if self.resolve_name(expression.func) in django_api.RETURNS_INSTANCE_OF_ARGUMENT:
                first = first_argument(expression)
                if isinstance(first, (ast.Name, ast.Attribute)):
                    return dotted(first)
        return None

    def to_static(self, expression: ast.expr) -> static.StaticExpr:
        return static.to_static(expression, self.resolve_name, self.positions.line_column)

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
                if expression.func.attr in django_api.RELATION_LOADERS:
                    given = arguments(expression)
                    if not given:
                        found.append("*")  # select_related() follows every non-null foreign key
                    for argument in given:
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
        if binding is not None and binding.kind == INSTANCE and binding.qualname == django_api.GET_USER_MODEL:
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


def arguments(call: ast.Call) -> list[ast.expr]:
    """Every argument's value in source order (keywords follow positionals in valid code)."""
    return [*(arg.value if isinstance(arg, ast.Starred) else arg for arg in call.args),
            *(keyword.value for keyword in call.keywords)]  # fmt: skip


def _paginated(call: ast.Call) -> ast.expr | None:
    """`Paginator(object_list, per_page)`: the object list, given by position or by keyword."""
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    return next((keyword.value for keyword in call.keywords if keyword.arg == "object_list"), None)


def first_argument(call: ast.Call) -> ast.expr | None:
    """The first argument however it is passed: `StreamingHttpResponse(streaming_content=events())` too."""
    if call.args:
        first = call.args[0]
        return first.value if isinstance(first, ast.Starred) else first
    return call.keywords[0].value if call.keywords else None


def is_manager(expression: ast.expr) -> bool:
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


def is_request(expression: ast.expr) -> bool:
    """`request` or `self.request`: the name Django code gives the request, by convention."""
    if isinstance(expression, ast.Name):
        return expression.id == "request"
    return (
        isinstance(expression, ast.Attribute)
        and expression.attr == "request"
        and isinstance(expression.value, ast.Name)
        and expression.value.id == "self"
    )
