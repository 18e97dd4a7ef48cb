"""The names a module defines at its top level: what `getattr(module, name)` can find once it is imported.

A server loads `proj.asgi:application` with `getattr`; whether the module has that name is decided here, on the
syntax tree, for every way Python binds a global: assignments (tuple targets, annotated, augmented, walrus), `def`,
`class`, imports, `for`/`with`/`except ... as` targets, `match` captures, and `global NAME` assignments inside
functions. Blocks under `if`/`try`/`for`/`while`/`with`/`match` count (they may run). A module whose globals we
cannot list (a `*` import, a module `__getattr__`, `globals()`/`vars()`/`exec` or `sys.modules` tricks) is
`dynamic`: any name may exist.
"""

from __future__ import annotations

import ast
import re
import unicodedata

_DYNAMIC_CALLS = frozenset({"globals", "vars", "exec", "__import__"})
# The words the walk over the whole tree below looks for: without any of them in the source, it finds nothing, and
# 95% of Django's modules are spared a walk that cost a fifth of the per-file pass. The parser NFKC-normalises an
# identifier (`ｇｌｏｂａｌｓ` is `globals`), so a non-ASCII source is searched as normalised: its identifiers
# become what the tree holds, between the same ASCII delimiters (a text that is not ASCII is mostly prose in
# strings and comments, which used to cost a walk each: 9 in 10 of the walks on a corpus of Django packages).
_WHOLE_TREE_WORDS = re.compile(r"\b(?:global|globals|vars|exec|__import__|modules)\b")


def module_bindings(tree: ast.Module, text: str | None = None) -> tuple[tuple[str, ...], bool]:
    """(names bound at module level, whether the module's globals are dynamic). `text`: the source of `tree`."""
    names: set[str] = set()
    dynamic = False
    # A module-level expression binds a name only through `:=` or a comprehension's `for` (an assignment's value,
    # a test, an iterable): without either in its lines, it is not walked. Lines as the parser counts them, which a
    # carriage return alone would break.
    lines = text.split("\n") if text is not None and "\r" not in text else None
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            dynamic = dynamic or node.name == "__getattr__"
            continue  # their bodies bind locals; `global` declarations are found by the walk below
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    dynamic = True
                else:
                    names.add(alias.asname or alias.name.split(".")[0])
            continue
        for child in ast.walk(node) if not isinstance(node, ast.stmt) else _own_parts(node, lines):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
            elif isinstance(child, (ast.MatchAs, ast.MatchStar)) and child.name:
                names.add(child.name)
            elif isinstance(child, ast.MatchMapping) and child.rest:
                names.add(child.rest)
            elif isinstance(child, ast.ExceptHandler) and child.name:
                names.add(child.name)
        pending.extend(_nested_statements(node))
    whole_tree = ast.walk(tree) if text is None or _has_whole_tree_words(_as_parsed(text)) else ()
    for node in whole_tree:
        if isinstance(node, ast.Global):
            names.update(node.names)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _DYNAMIC_CALLS:
            dynamic = True
        elif (isinstance(node, ast.Attribute) and node.attr == "modules" and isinstance(node.value, ast.Name)
              and node.value.id == "sys"):  # fmt: skip
            dynamic = True
    return tuple(sorted(names)), dynamic


def _has_whole_tree_words(text: str) -> bool:
    # Substrings first: on the corpus of Django packages, searching every module for the bare words took 0.14 s, the
    # expression with its word boundaries 1.6 s; nine modules in ten hold none of the words.
    return any(word in text for word in _WORDS) and _WHOLE_TREE_WORDS.search(text) is not None


_WORDS = ("global", "vars", "exec", "__import__", "modules")  # each word of _WHOLE_TREE_WORDS holds one


def _as_parsed(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _nested_statements(node: ast.AST) -> list[ast.AST]:
    """The statements of a compound statement's blocks (not of a function's or class's body)."""
    found: list[ast.AST] = []
    for name in ("body", "orelse", "finalbody"):
        found.extend(getattr(node, name, None) or [])
    for handler in getattr(node, "handlers", None) or []:
        found.extend(handler.body)
    for case in getattr(node, "cases", None) or []:
        found.extend(case.body)
    return found


_VALUE_FIELDS = frozenset({"value", "test", "iter", "msg", "exc", "cause", "annotation", "subject"})  # never targets
_BINDS_INSIDE = re.compile(r":=|\bfor\b")


def _own_parts(statement: ast.stmt, lines: list[str] | None = None) -> list[ast.AST]:
    """The nodes of a statement outside its nested blocks: its targets, tests and expressions (`lines`: the
    source's, to leave out expressions that cannot bind a name)."""
    parts: list[ast.AST] = []
    for field, value in ast.iter_fields(statement):
        if field in ("body", "orelse", "finalbody", "cases"):
            continue
        if field == "handlers":
            parts.extend(value)  # `except E as name`: the handler node itself, not its body
            continue
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, ast.AST):
                continue
            if lines is not None and field in _VALUE_FIELDS and isinstance(item, ast.expr):
                end = getattr(item, "end_lineno", None) or len(lines)
                written = "\n".join(lines[item.lineno - 1 : end])
                if not (("for" in written or ":=" in written) and _BINDS_INSIDE.search(written)):
                    continue
            parts.extend(ast.walk(item))
    for case in getattr(statement, "cases", None) or []:
        parts.extend(ast.walk(case.pattern))
    return parts
