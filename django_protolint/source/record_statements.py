"""What a module does at its top level, in order: assignments (a settings module's `INSTALLED_APPS = [...]`,
`MIDDLEWARE.insert(0, ...)`, `CACHES["default"] = ...`), star imports, the modules it imports, the environment
defaults it sets (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)`, `os.environ[...] = ...`,
`os.environ.update(...)`) and the names holding a `Path`."""

from __future__ import annotations

import ast

from django_protolint.knowledge.blocking import PATH_TYPE
from django_protolint.source import static
from django_protolint.source.facts import EnvironmentDefault, ImportLine
from django_protolint.source.scopes import INSTANCE
from django_protolint.source.walk import Walk, is_star, on_enter, on_leave, relative_base

_AUGMENTED = {ast.Add: "+=", ast.BitOr: "|="}


@on_enter(ast.Assign)
def record_assignment(walk: Walk, node: ast.Assign) -> None:
    _record_assignment(walk, node.targets[-1], "=", node.value, node)


@on_enter(ast.AnnAssign)
def record_annotated(walk: Walk, node: ast.AnnAssign) -> None:
    if node.value is not None:
        _record_assignment(walk, node.target, "=", node.value, node)


@on_enter(ast.AugAssign)
def record_augmented(walk: Walk, node: ast.AugAssign) -> None:
    operator = _AUGMENTED.get(type(node.op))
    if operator or isinstance(node.target, ast.Subscript):
        _record_assignment(walk, node.target, operator or "?=", node.value, node)


def _record_assignment(walk: Walk, target: ast.expr, operator: str, value: ast.expr, node: ast.stmt) -> None:
    if isinstance(target, ast.Name):
        if walk.at_module_level:
            _record_statement(walk, target.id, operator, value, node)
    elif isinstance(target, ast.Subscript):
        # os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
        if (
            operator == "="
            and walk.resolve_name(target.value) == "os.environ"
            and not isinstance(target.slice, (ast.Slice, ast.Tuple))
        ):
            _environment_default(walk, target.slice, value, node)
        elif walk.at_module_level:
            _record_item_assignment(walk, target, value if operator == "=" else None, node)


def _record_statement(walk: Walk, target: str, operator: str, value: ast.expr, node: ast.AST) -> None:
    walk.found["statements"].append(
        static.Assignment(target, operator, walk.to_static(value), node.lineno, walk.module_blocks > 0)  # type: ignore[attr-defined]
    )


def _record_item_assignment(walk: Walk, target: ast.Subscript, value: ast.expr | None, node: ast.stmt) -> None:
    keys = []
    base: ast.expr = target
    while isinstance(base, ast.Subscript):
        keys.append(base.slice)
        base = base.value
    if not isinstance(base, ast.Name):
        return
    walk.found["statements"].append(
        static.ItemAssignment(
            base.id,
            tuple(static.Unknown("slice") if isinstance(k, ast.Slice) else walk.to_static(k) for k in reversed(keys)),
            walk.to_static(value) if value is not None else static.Unknown("changed in place"),
            node.lineno,
            walk.module_blocks > 0,
        )
    )


@on_enter(ast.Delete)
def record_deletion(walk: Walk, node: ast.Delete) -> None:
    if walk.at_module_level:
        for target in node.targets:
            if isinstance(target, ast.Subscript):
                _record_item_assignment(walk, target, None, node)  # `del CACHES["default"]`


@on_enter(ast.Call)
def record_call(walk: Walk, node: ast.Call) -> None:
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and walk.at_module_level
        and id(node) in walk.discarded
        and isinstance(func.value, ast.Name)
        and func.attr in static.MUTATING_METHODS
    ):
        # INSTALLED_APPS.append("x"), MIDDLEWARE.insert(0, "x"), router.register("p", ViewSet): the whole call.
        _record_statement(walk, func.value.id, func.attr, node, node)
    if walk.callee == "os.environ.setdefault" and len(node.args) >= 2:
        _environment_default(walk, node.args[0], node.args[1], node)
    elif walk.callee == "os.environ.update":
        # os.environ.update({"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}) or os.environ.update(NAME="value")
        if len(node.args) == 1 and isinstance(node.args[0], ast.Dict):
            for key, value in zip(node.args[0].keys, node.args[0].values):
                _environment_default(walk, key, value, node)
        for keyword in node.keywords:
            if keyword.arg is not None:
                _environment_default(walk, ast.Constant(keyword.arg), keyword.value, node)


def _environment_default(walk: Walk, key: ast.expr | None, value: ast.expr | None, node: ast.AST) -> None:
    if (
        isinstance(key, ast.Constant)
        and isinstance(key.value, str)
        and isinstance(value, ast.Constant)
        and isinstance(value.value, str)
    ):
        walk.found["environment_defaults"].append(EnvironmentDefault(key.value, value.value, walk.span(node)))


@on_enter(ast.Import)
def record_import(walk: Walk, node: ast.Import) -> None:
    if walk.at_module_level and not walk.type_checking:
        for alias in node.names:
            walk.found["import_lines"].append(ImportLine(alias.name, node.lineno))


@on_enter(ast.ImportFrom)
def record_import_from(walk: Walk, node: ast.ImportFrom) -> None:
    if not walk.at_module_level or walk.type_checking:
        return
    base = node.module or ""
    if node.level:
        package = relative_base(walk.module, walk.is_package, node.level)
        base = ".".join(part for part in (package or "", base) if part)
    if is_star(node):
        walk.found["statements"].append(static.StarImport(base, node.lineno, walk.module_blocks > 0))
    import_lines = walk.found["import_lines"]
    import_lines.append(ImportLine(base, node.lineno))
    if not is_star(node):
        # `from app import models` imports the module app.models too.
        for alias in node.names:
            import_lines.append(ImportLine(f"{base}.{alias.name}", node.lineno))


@on_leave(ast.Module)
def record_path_names(walk: Walk, node: ast.Module) -> None:
    # A settings module's `BASE_DIR = Path(__file__).resolve().parent.parent`: what `settings.BASE_DIR` is.
    walk.found["path_names"] = tuple(
        name
        for name, binding in walk.scopes.frames[0].bindings.items()
        if binding.kind == INSTANCE and binding.qualname == PATH_TYPE
    )
