"""Servers started from Python: a call such as `uvicorn.run("proj.asgi:application", ...)` (ServerStartFact) or a
command line built as a list, `["gunicorn", "proj.wsgi", "--workers", "4"]` (ServerArgvFact)."""

from __future__ import annotations

import ast

from django_protolint.knowledge.servers import PROGRAMMATIC_STARTS, SERVERS
from django_protolint.source import static
from django_protolint.source.facts import ServerArgvFact, ServerStartFact
from django_protolint.source.static import dotted
from django_protolint.source.walk import Walk, on_enter

_SERVER_PROGRAMS = frozenset(SERVERS) - {"runserver"}


@on_enter(ast.Call)
def record_server_start(walk: Walk, node: ast.Call) -> None:
    callee = walk.callee
    if callee not in PROGRAMMATIC_STARTS:
        return
    app = None
    positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
    if positional and isinstance(positional[0], ast.Constant) and isinstance(positional[0].value, str):
        app = positional[0].value
    options = []
    for keyword in node.keywords:
        if keyword.arg is not None:
            literal = walk.to_static(keyword.value)
            if isinstance(literal, static.Literal) and not isinstance(literal.value, float):
                options.append((keyword.arg, literal.value))
            elif isinstance(keyword.value, ast.Attribute):  # `interface=Interfaces.ASGI`: an enum member
                options.append((keyword.arg, dotted(keyword.value)))
            else:  # a value we cannot know: present, not the server's default
                options.append((keyword.arg, None))
    walk.found["server_starts"].append(ServerStartFact(callee, app, tuple(options), walk.span(node)))


@on_enter(ast.List, ast.Tuple)
def record_server_argv(walk: Walk, node: ast.List | ast.Tuple) -> None:
    if node.elts and _may_start_server(node.elts):
        argv = tuple(_argv_word(element) for element in node.elts)
        if any(word.startswith("-") and word not in ("-m", "-") for word in argv):  # a command, not a list of names
            walk.found["server_argvs"].append(ServerArgvFact(argv, walk.span(node)))


def _argv_word(node: ast.expr) -> str:
    """One element of a command list as the command would see it; what we cannot know is `…`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # f"--bind={host}" -> "--bind=…"
        return "".join(str(part.value) if isinstance(part, ast.Constant) else "…" for part in node.values)
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
