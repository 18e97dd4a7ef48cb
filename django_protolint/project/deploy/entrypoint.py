"""Does the app a server command names exist? `uvicorn shop.asgi:application` with no shop/asgi.py cannot start.

Each server imports the module and looks the attribute up its own way (knowledge/servers.py `default_attribute`,
read in each server's source): gunicorn defaults to `application`, hypercorn and granian to `app`, uvicorn and
daphne require `module:attribute`. We answer only when sure:
- the module's top-level package is in the linted tree (else it may be installed: `gunicorn myapp:app`);
- the command names it literally (no `$APP_MODULE`, no template, no `--chdir $DIR`);
- the module's globals can be listed (no `*` import, module `__getattr__`, `globals()` tricks) and it parsed;
- no deployment file copies or writes a file of that name into place (`COPY deploy/asgi.py proj/asgi.py`).
Anything else is unknown, never an error.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django_protolint.knowledge.servers import NO_DEFAULT_CHECKED, SERVERS_BY_NAME
from django_protolint.project.deploy.commands import ServerCommand
from django_protolint.project.modules import ModuleIndex, source_root
from django_protolint.source.facts import FileFacts, FileProblem, Span

_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_ATTRIBUTE = re.compile(r"([A-Za-z_]\w*)(\s*\(.*\)|\.[A-Za-z_][\w.]*)?\s*")  # `app`, `create_app()`, `app.inner`
_UNKNOWN_MARKS = ("$", "%", "{", "}", "<", ">", "`", "@")
# A line of a deployment file that puts a file in place: Dockerfile COPY/ADD, shell cp/mv/ln/install, redirection.
_WRITES = re.compile(r"(^|[\s;&|])(COPY|ADD|cp|mv|ln|install|tee|envsubst|>)(\s|$)", re.I)


# A stand-in for a module found in several places: its attribute is not checked.
_UNCHECKED = FileProblem("DPL003", "several candidate files", Span(1, 0, 1, 0))


@dataclass(frozen=True)
class AppProblem:
    kind: str  # "module" (not in the project), "attribute" (the module does not define it), "format" (no `:attr`)
    server: str
    app: str
    module: str
    attribute: str | None
    detail: str  # what is missing, for the message


def app_problem(command: ServerCommand, modules: ModuleIndex, file: Callable[[str], FileFacts | None],
                paths: Collection[str] = (), deployment_texts: Iterable[str] = ()) -> AppProblem | None:  # fmt: skip
    """What keeps this command's server from loading its app, when we are sure; None when it loads or we cannot
    tell."""
    server = SERVERS_BY_NAME.get(command.server)
    app = command.app
    if server is None or server.default_attribute == NO_DEFAULT_CHECKED or not app:
        return None
    if any(mark in app for mark in _UNKNOWN_MARKS) or any(
        mark in (command.app_dir or "") for mark in (*_UNKNOWN_MARKS, ",")
    ):
        return None
    target = app
    if server.name == "hypercorn" and target.count(":") == 2 and target.startswith(("asgi:", "wsgi:")):
        target = target.split(":", 1)[1]  # hypercorn's `asgi:module:app` mode prefix
    module, colon, written = target.partition(":")
    if not _DOTTED.fullmatch(module):
        return None  # a file path (`proj/wsgi.py`, hypercorn and granian take those) or something we do not model
    roots = _roots_with_package(module.split(".")[0], modules)
    if not roots:
        return None  # not the project's package: installed, or built elsewhere
    facts = _module_file(module, roots, modules) or _elsewhere(module, paths, file)
    if facts is None:
        if _put_in_place(module, deployment_texts):
            return None
        relative = module.replace(".", "/")
        where = ", ".join(sorted(f"{posixpath.join(root, relative)}.py" if root != "." else f"{relative}.py"
                                 for root in roots))  # fmt: skip
        return AppProblem("module", server.name, app, module, None, f"no module `{module}` (no {where})")
    if not colon:
        if server.default_attribute is None:
            return AppProblem("format", server.name, app, module, None,
                              f"{server.name} needs `module:attribute`, and `{app}` names no attribute")  # fmt: skip
        attribute = server.default_attribute
    else:
        match = _ATTRIBUTE.fullmatch(written)
        if match is None:
            return None
        attribute = match.group(1)
    if facts.problem is not None or facts.dynamic_globals or attribute in facts.bound_names:
        return None
    if facts.path.endswith("__init__.py") and _module_file(f"{module}.{attribute}", roots, modules) is not None:
        return None  # `proj:wsgi` may find the submodule once something imported it
    default = "" if colon else f" ({server.name}'s default when the command names none)"
    return AppProblem("attribute", server.name, app, module, attribute,
                      f"`{module}` ({facts.path}) defines no `{attribute}`{default}")  # fmt: skip


def _roots_with_package(top: str, modules: ModuleIndex) -> set[str]:
    return {source_root(facts) for facts in modules.by_name.get(top, [])}


def _module_file(module: str, roots: set[str], modules: ModuleIndex) -> FileFacts | None:
    return next((found for root in sorted(roots) if (found := modules.by_root.get((root, module))) is not None), None)


def _elsewhere(module: str, paths: Collection[str], file: Callable[[str], FileFacts | None]) -> FileFacts | None:
    """The module's file under another directory the server may import from (`--chdir src`, a Docker WORKDIR
    that is a subdirectory): one file whose path ends the way the module's does. Several: we cannot tell which,
    so any of them counts as found (an empty FileFacts with a problem keeps the attribute unchecked)."""
    relative = module.replace(".", "/")
    endings = (f"{relative}.py", f"{relative}/__init__.py")
    matches = [path for path in paths if path in endings or path.endswith(tuple(f"/{e}" for e in endings))]
    if len(matches) == 1:
        return file(matches[0])
    return FileFacts(path=matches[0], module=module, problem=_UNCHECKED) if matches else None


def _put_in_place(module: str, texts: Iterable[str]) -> bool:
    """A deployment file that copies, moves or writes a file named like the module (`COPY asgi.py proj/`)."""
    name = module.rsplit(".", 1)[-1] + ".py"
    return any(name in line and _WRITES.search(line) for text in texts for line in text.splitlines())
