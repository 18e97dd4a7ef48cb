"""What a cookiecutter template's post-generation hook deletes, read without running it.

cookiecutter renders `hooks/post_gen_project.py` with the answers (here: cookiecutter.json's defaults) and runs it
in the generated project's directory. Templates use it to delete what an option leaves out:

    def remove_async_files():
        for file_path in [Path("config", "asgi.py"), Path("config", "websocket.py")]:
            file_path.unlink()

    if "{{ cookiecutter.use_async }}".lower() == "n":
        remove_async_files()

A file the hook surely deletes is no part of the generated project. The hook is rendered as cookiecutter renders
it (jinja2's sandbox over the defaults), parsed with `ast`, and its statements are followed from the module level
(`if __name__ == "__main__":`) through the helper functions it defines, with a small evaluator of constants:
strings and their `lower()`/`strip()`..., `==`/`!=`/`in`/`not`/`and`/`or`, `os.path.join`, `Path(a, b)`, `/`,
loops over literal lists. Never `eval`, never the hook's own code.

Precision first: a deletion counts only where every condition on the way is decided. An `if` the evaluator cannot
decide, a loop over something not literal, a `try`/`with`/`while` body: what they delete is unsure and kept; a
`return`/`break`/`continue` inside them makes the rest of the function unsure too, and a possible successful early
exit (`sys.exit(0)`) the rest of the hook. `raise` and `sys.exit(1)` make cookiecutter discard the whole project,
so the paths through them are not the project's. A path the hook writes or moves a file to is never deleted.
`os.path.exists(p)`/`p.exists()` guards are true: a missing file is deleted either way.

Left out: `hooks/post_gen_project.sh` (shell), `shutil.move`'s source (its content lives on under another name),
globs and `os.listdir`, and file names that render empty (cookiecutter skips those itself).
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django_protolint.source.template import defaults_of, render_whole

HOOK = "hooks/post_gen_project.py"
_DEPTH = 25  # helper calls deep
_BUDGET = 50_000  # statements executed: a hook is straight-line code and short lists; past this, nothing is sure

_DELETE = frozenset({"os.remove", "os.unlink", "shutil.rmtree", "os.rmdir"})
_DELETE_METHODS = frozenset({"unlink", "rmdir"})
# Calls that make a file exist at their last path argument (or at the receiver, for a method).
_CREATE = frozenset({"os.rename", "os.replace", "shutil.move", "shutil.copy", "shutil.copy2", "shutil.copyfile",
                     "shutil.copytree", "os.makedirs", "os.mkdir", "os.symlink", "os.link"})  # fmt: skip
_CREATE_METHODS = frozenset({"rename", "replace", "write_text", "write_bytes", "touch", "mkdir", "symlink_to"})
_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"})
_SAME_PATH = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "os.fspath", "builtins.str"})
_EXISTS = frozenset({"os.path.exists", "os.path.isfile", "os.path.isdir", "os.path.lexists"})
_EXISTS_METHODS = frozenset({"exists", "is_file", "is_dir"})
_CURRENT = frozenset({"os.getcwd", "pathlib.Path.cwd"})
_STRING_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "title", "capitalize",
                             "startswith", "endswith", "replace"})  # fmt: skip
_CONSTANTS = {"os.curdir": ".", "os.path.curdir": ".", "os.sep": "/", "os.path.sep": "/"}
_EXITS = frozenset({"sys.exit", "builtins.exit", "builtins.quit", "os._exit"})


@dataclass(frozen=True)
class Deletion:
    path: str  # POSIX, relative to the generated project's directory, as rendered
    line: int  # of the deleting call in the hook as rendered (a `{% %}` line may shift it)


@dataclass(frozen=True)
class HookReading:
    deletions: tuple[Deletion, ...] = ()
    problem: str | None = None  # why the hook could not be read: then nothing counts as deleted

    def deletes(self, path: str) -> bool:
        """Whether the hook surely deletes this project-relative POSIX path (or a directory above it)."""
        return any(path == each.path or path.startswith(each.path + "/") for each in self.deletions)


def read_hook(hook_text: str, config_text: str | None) -> HookReading:
    defaults = defaults_of(config_text)
    rendered = render_whole(hook_text, defaults)
    if rendered is None:
        return HookReading(problem="the hook cannot be rendered with cookiecutter.json's defaults")
    try:
        module = ast.parse(rendered)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return HookReading(problem=f"the rendered hook is no Python: {error}")
    run = _Run()
    try:
        run.block(module.body, _Scope({"__name__": "__main__"}, None))
    except _Halt:
        pass  # what was deleted before it stands
    except (_OutOfBudget, RecursionError):
        return HookReading(problem="the hook runs too long to follow")
    except Exception as error:  # noqa: BLE001 - a shape the evaluator trips on: nothing is dropped, no traceback
        return HookReading(problem=f"the hook could not be followed: {type(error).__name__}")
    created = run.created
    kept = tuple(each for each in run.deleted if not any(_overlaps(each.path, path) for path in created))
    return HookReading(tuple(dict.fromkeys(kept)))


def _overlaps(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


# ----------------------------------------------------------------------------------------------- values


class _Unknown:
    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class _Path:
    """A pathlib path, relative to the project's directory ("." is the directory itself)."""

    text: str


@dataclass(frozen=True)
class _Name:
    """A module, class or function of the standard library, by its qualified name: `os.path.join`."""

    qualname: str


@dataclass(frozen=True)
class _Method:
    """A method of a string or a path, about to be called."""

    owner: Any
    name: str


def _truth(value: Any) -> bool | None:
    """A value's truth; None when it is unknown."""
    return bool(value) if _plain(value) else None


def _plain(value: Any) -> bool:
    """A value the hook's comparisons may compare: a constant, a path, a list of them."""
    if isinstance(value, list):
        return all(map(_plain, value))
    return isinstance(value, (str, int, float, bool, _Path)) or value is None


def _text(value: Any) -> str | None:
    """A value that names a path: a string or a pathlib path."""
    if isinstance(value, _Path):
        return value.text
    return value if isinstance(value, str) else None


def _relative(value: Any) -> str | None:
    """The project-relative POSIX path a value names; None when unknown or outside the project."""
    text = _text(value)
    if text is None or not text or posixpath.isabs(text):
        return None
    normal = posixpath.normpath(text)
    if normal == "." or normal == ".." or normal.startswith("../"):
        return None
    return normal


def _join(*parts: Any) -> str | None:
    texts = [_text(part) for part in parts]
    if any(text is None for text in texts):
        return None
    return posixpath.join(*texts) if texts else "."  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------- statements


class _OutOfBudget(Exception):
    pass


class _Status:
    """How a block ended, when not by falling off its end."""

    def __init__(self, kind: str, value: Any = UNKNOWN) -> None:
        self.kind = kind  # "return", "break", "continue", "unsure" (rest of the function), "halt" (rest of the hook)
        self.value = value


@dataclass
class _Scope:
    names: dict[str, Any]
    outer: _Scope | None  # the module's scope, for a function's
    global_names: set[str] = field(default_factory=set)

    def get(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        if self.outer is not None and name in self.outer.names:
            return self.outer.names[name]
        return _Name(f"builtins.{name}")

    def set(self, name: str, value: Any) -> None:
        if name in self.global_names and self.outer is not None:
            self.outer.names[name] = value
        else:
            self.names[name] = value

    @property
    def module(self) -> _Scope:
        return self.outer if self.outer is not None else self


class _Run:
    def __init__(self) -> None:
        self.deleted: list[Deletion] = []
        self.created: list[str] = []
        self.steps = 0
        self.depth = 0

    def block(self, statements: list[ast.stmt], scope: _Scope) -> _Status | None:
        for statement in statements:
            self.steps += 1
            if self.steps > _BUDGET:
                raise _OutOfBudget
            status = self.statement(statement, scope)
            if status is not None:
                return status
        return None

    def statement(self, node: ast.stmt, scope: _Scope) -> _Status | None:  # noqa: PLR0911 - one arm per shape
        if isinstance(node, ast.Expr):
            self.value(node.value, scope)
            return _Status("halt") if self._exit(node.value, scope) is not None else None
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            value = self.value(node.value, scope) if node.value is not None else UNKNOWN
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                self.bind(target, value, scope)
            return None
        if isinstance(node, ast.AugAssign):
            value = self.value(ast.BinOp(node.target, node.op, node.value), scope) if isinstance(
                node.target, ast.Name) else UNKNOWN  # fmt: skip
            self.bind(node.target, value, scope)
            return None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.set(node.name, node)
            return None
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self.imported(node, scope)
            return None
        if isinstance(node, ast.Global):
            scope.global_names.update(node.names)
            return None
        if isinstance(node, ast.If):
            truth = _truth(self.value(node.test, scope))
            if truth is None:
                return self.unsure([*node.body, *node.orelse], scope)
            return self.block(node.body if truth else node.orelse, scope)
        if isinstance(node, ast.For):
            return self.loop(node, scope)
        if isinstance(node, ast.Return):
            return _Status("return", self.value(node.value, scope) if node.value is not None else None)
        if isinstance(node, ast.Break):
            return _Status("break")
        if isinstance(node, ast.Continue):
            return _Status("continue")
        if isinstance(node, ast.Raise):
            return _Status("halt")  # cookiecutter discards the project: nothing after it is the project's
        if isinstance(node, ast.Pass):
            return None
        return self.unsure([node], scope)  # try, with, while, match, class, del, async for...

    def unsure(self, statements: list[ast.stmt], scope: _Scope) -> _Status | None:
        """Statements that may or may not run: none of their deletions count; the names they assign are unknown;
        a jump inside them makes what follows unsure."""
        outcome: _Status | None = None
        for statement in statements:
            for node in _walk_local(statement):
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    scope.set(node.id, UNKNOWN)
                elif isinstance(node, (ast.Subscript, ast.Attribute)) and not isinstance(node.ctx, ast.Load):
                    self.bind(node, UNKNOWN, scope)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    scope.set(node.name, UNKNOWN)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    for alias in node.names:
                        scope.set((alias.asname or alias.name).split(".")[0], UNKNOWN)
                elif isinstance(node, ast.Call):
                    if isinstance(node.func, ast.Attribute):
                        self.mutated(node.func.value, scope)
                    if self._exit(node, scope) == "success":
                        outcome = _Status("halt")
                elif isinstance(node, (ast.Return, ast.Break, ast.Continue)) and outcome is None:
                    outcome = _Status("unsure")
        return outcome

    def loop(self, node: ast.For, scope: _Scope) -> _Status | None:
        items = self.value(node.iter, scope)
        if not isinstance(items, (list, tuple)):
            return self.unsure([node], scope)
        for item in items:
            self.bind(node.target, item, scope)
            status = self.block(node.body, scope)
            if status is None or status.kind == "continue":
                continue
            if status.kind == "break":
                return None
            return status
        return self.block(node.orelse, scope)

    def bind(self, target: ast.expr, value: Any, scope: _Scope) -> None:
        if isinstance(target, ast.Name):
            scope.set(target.id, value)
        elif isinstance(target, (ast.Subscript, ast.Attribute)) and isinstance(target.value, ast.Name):
            scope.set(target.value.id, UNKNOWN)  # `names[0] = ...`: that list is no longer known
        elif isinstance(target, (ast.Tuple, ast.List)):
            parts = value if isinstance(value, (list, tuple)) and len(value) == len(target.elts) else None
            for index, element in enumerate(target.elts):
                self.bind(element, parts[index] if parts is not None else UNKNOWN, scope)

    def mutated(self, receiver: ast.expr, scope: _Scope) -> None:
        """A method called on a list (`names.remove("Procfile")`): what the list holds is no longer known."""
        if isinstance(receiver, ast.Name) and isinstance(scope.get(receiver.id), list):
            scope.set(receiver.id, UNKNOWN)

    def imported(self, node: ast.Import | ast.ImportFrom, scope: _Scope) -> None:
        for alias in node.names:
            if isinstance(node, ast.Import):
                if alias.asname:
                    scope.set(alias.asname, _Name(alias.name))
                else:
                    head = alias.name.split(".")[0]
                    scope.set(head, _Name(head))
            elif node.module and not node.level:
                scope.set(alias.asname or alias.name, _Name(f"{node.module}.{alias.name}"))

    def _exit(self, node: ast.expr, scope: _Scope) -> str | None:
        """Whether a call ends the hook: "failure" (`sys.exit(1)`, `sys.exit("message")`: cookiecutter discards the
        project), "success" (`sys.exit()`, `sys.exit(0)`, or a code we cannot read), None (no exit)."""
        if not isinstance(node, ast.Call):
            return None
        function = self.value(node.func, scope, calls=False)
        if not isinstance(function, _Name) or function.qualname not in _EXITS:
            return None
        code = self.value(node.args[0], scope, calls=False) if node.args else None
        return "failure" if isinstance(code, str) or (isinstance(code, int) and code != 0) else "success"

    # ------------------------------------------------------------------------------------------- expressions

    def value(self, node: ast.expr, scope: _Scope, calls: bool = True) -> Any:  # noqa: PLR0911, PLR0912
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str) and ("{{" in node.value or "{%" in node.value):
                return UNKNOWN  # an option's default cookiecutter.json could not render
            return node.value if isinstance(node.value, (str, int, float, bool)) or node.value is None else UNKNOWN
        if isinstance(node, ast.Name):
            return scope.get(node.id)
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.value(element, scope, calls) for element in node.elts]
        if isinstance(node, ast.JoinedStr):
            pieces = [self.value(part.value, scope, calls) if isinstance(part, ast.FormattedValue)
                      and part.conversion == -1 and part.format_spec is None else
                      part.value if isinstance(part, ast.Constant) else UNKNOWN for part in node.values]  # fmt: skip
            texts = [_text(piece) for piece in pieces]
            return "".join(texts) if all(text is not None for text in texts) else UNKNOWN  # type: ignore[arg-type]
        if isinstance(node, ast.Attribute):
            return self.attribute(self.value(node.value, scope, calls), node.attr)
        if isinstance(node, ast.Compare):
            return self.compare(node, scope, calls)
        if isinstance(node, ast.BoolOp):
            result: Any = UNKNOWN
            for operand in node.values:  # short-circuit; an unknown operand stops: what follows may not run
                result = self.value(operand, scope, calls)
                truth = _truth(result)
                if truth is None:
                    return UNKNOWN
                if truth == isinstance(node.op, ast.Or):
                    return result
            return result
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            truth = _truth(self.value(node.operand, scope, calls))
            return UNKNOWN if truth is None else not truth
        if isinstance(node, ast.IfExp):
            truth = _truth(self.value(node.test, scope, calls))
            return UNKNOWN if truth is None else self.value(node.body if truth else node.orelse, scope, calls)
        if isinstance(node, ast.BinOp):
            left, right = self.value(node.left, scope, calls), self.value(node.right, scope, calls)
            if isinstance(node.op, ast.Div) and isinstance(left, _Path):
                joined = _join(left, right)
                return _Path(joined) if joined is not None else UNKNOWN
            if isinstance(node.op, ast.Add) and type(left) is type(right) and isinstance(left, (str, list)):
                return left + right
            return UNKNOWN
        if isinstance(node, ast.Call) and calls:
            return self.call(node, scope)
        return UNKNOWN

    def attribute(self, owner: Any, name: str) -> Any:
        if isinstance(owner, _Name):
            qualname = f"{owner.qualname}.{name}"
            return _CONSTANTS.get(qualname, _Name(qualname))
        if isinstance(owner, _Path) and name == "parent":
            return _Path(posixpath.dirname(posixpath.normpath(owner.text)) or ".")
        if isinstance(owner, (str, _Path)):
            return _Method(owner, name)
        return UNKNOWN

    def compare(self, node: ast.Compare, scope: _Scope, calls: bool) -> Any:
        left = self.value(node.left, scope, calls)
        for operator, comparator in zip(node.ops, node.comparators):
            right = self.value(comparator, scope, calls)
            if not _plain(left) or not _plain(right):
                return UNKNOWN
            if isinstance(operator, ast.Eq):
                result = left == right
            elif isinstance(operator, ast.NotEq):
                result = left != right
            elif isinstance(operator, (ast.In, ast.NotIn)) and isinstance(right, (str, list)):
                if isinstance(right, str) and not isinstance(left, str):
                    return UNKNOWN
                result = (left in right) == isinstance(operator, ast.In)
            elif isinstance(operator, (ast.Is, ast.IsNot)) and (left is None or right is None):
                result = (left is right) == isinstance(operator, ast.Is)
            else:
                return UNKNOWN
            if not result:
                return False
            left = right
        return True

    def call(self, node: ast.Call, scope: _Scope) -> Any:
        if isinstance(node.func, ast.Attribute):
            self.mutated(node.func.value, scope)
        function = self.value(node.func, scope)
        arguments = [self.value(argument, scope) for argument in node.args if not isinstance(argument, ast.Starred)]
        if any(isinstance(argument, ast.Starred) for argument in node.args):
            arguments = [UNKNOWN]
        keywords = {keyword.arg: self.value(keyword.value, scope) for keyword in node.keywords if keyword.arg}
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if isinstance(function, ast.AsyncFunctionDef) or any(keyword.arg is None for keyword in node.keywords):
                return UNKNOWN
            return self.helper(function, arguments, keywords, scope.module)
        if isinstance(function, _Name):
            return self.library(function.qualname, arguments, node.lineno)
        if isinstance(function, _Method):
            return self.method(function.owner, function.name, arguments, node.lineno)
        return UNKNOWN

    def helper(self, function: ast.FunctionDef, arguments: list[Any], keywords: dict[str, Any],
               module: _Scope) -> Any:  # fmt: skip
        if self.depth >= _DEPTH:
            return UNKNOWN
        names: dict[str, Any] = {}
        parameters = [*function.args.posonlyargs, *function.args.args]
        defaults = [None] * (len(parameters) - len(function.args.defaults)) + list(function.args.defaults)
        for index, (parameter, default) in enumerate(zip(parameters, defaults)):
            if index < len(arguments):
                names[parameter.arg] = arguments[index]
            elif parameter.arg in keywords:
                names[parameter.arg] = keywords[parameter.arg]
            else:
                names[parameter.arg] = self.value(default, module) if default is not None else UNKNOWN
        for parameter, default in zip(function.args.kwonlyargs, function.args.kw_defaults):
            known = keywords.get(parameter.arg, UNKNOWN)
            names[parameter.arg] = known if parameter.arg in keywords or default is None else self.value(default,
                                                                                                       module)  # fmt: skip
        for rest in (function.args.vararg, function.args.kwarg):
            if rest is not None:
                names[rest.arg] = UNKNOWN
        self.depth += 1
        try:
            status = self.block(function.body, _Scope(names, module))
        finally:
            self.depth -= 1
        if status is not None and status.kind == "halt":
            raise _Halt
        return status.value if status is not None and status.kind == "return" else (
            None if status is None else UNKNOWN)  # fmt: skip

    def library(self, qualname: str, arguments: list[Any], line: int) -> Any:
        if qualname in _DELETE and arguments:
            self.delete(arguments[0], line)
            return None
        if qualname in _CREATE and arguments:
            self.create(arguments[-1] if len(arguments) > 1 else arguments[0])
            return UNKNOWN
        if qualname in _PATH_TYPES:
            joined = _join(*arguments)
            return _Path(joined) if joined is not None else UNKNOWN
        if qualname == "os.path.join":
            return _join(*arguments) or UNKNOWN
        if qualname in _SAME_PATH and len(arguments) == 1:
            return _text(arguments[0]) if qualname in ("builtins.str", "os.fspath") else arguments[0]
        if qualname in _EXISTS:
            return True
        if qualname in _CURRENT or (qualname.startswith("pathlib.") and qualname.endswith(".cwd")):
            return _Path(".") if qualname.startswith("pathlib.") else "."
        if qualname == "builtins.open" and arguments:
            mode = arguments[1] if len(arguments) > 1 else "r"
            if not isinstance(mode, str) or set(mode) & set("wax+"):
                self.create(arguments[0])
        return UNKNOWN

    def method(self, owner: Any, method: str, arguments: list[Any], line: int) -> Any:
        if isinstance(owner, _Path):
            if method in _DELETE_METHODS:
                self.delete(owner, line)
                return None
            if method in _CREATE_METHODS:
                self.create(arguments[0] if method in ("rename", "replace") and arguments else owner)
                return UNKNOWN
            if method in _EXISTS_METHODS:
                return True
            if method in ("resolve", "absolute"):
                return owner
            if method == "joinpath":
                joined = _join(owner, *arguments)
                return _Path(joined) if joined is not None else UNKNOWN
            if method == "open":
                mode = arguments[0] if arguments else "r"
                if not isinstance(mode, str) or set(mode) & set("wax+"):
                    self.create(owner)
            return UNKNOWN
        if isinstance(owner, str) and method in _STRING_METHODS:
            if any(not isinstance(argument, (str, tuple)) for argument in arguments):
                return UNKNOWN
            try:
                return getattr(owner, method)(*arguments)
            except (TypeError, ValueError):
                return UNKNOWN
        return UNKNOWN

    def delete(self, value: Any, line: int) -> None:
        path = _relative(value)
        if path is not None:
            self.deleted.append(Deletion(path, line))

    def create(self, value: Any) -> None:
        path = _relative(value)
        if path is not None:
            self.created.append(path)


class _Halt(Exception):
    """The hook may end here: nothing after this point is sure."""


def _walk_local(node: ast.AST) -> Iterator[ast.AST]:
    """Every node of a statement, without entering the functions and classes it defines."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is not node and isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                                        ast.Lambda)):  # fmt: skip
            continue
        stack.extend(ast.iter_child_nodes(current))
