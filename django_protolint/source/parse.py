"""The per-file pass: bytes in, FileFacts out. Pure, and it never raises."""

from __future__ import annotations

import ast
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from django_protolint.source.bindings import module_bindings
from django_protolint.source.decode import UndecodableSource, decode_source
from django_protolint.source.facts import (
    CANNOT_PARSE,
    CANNOT_READ,
    INTERNAL_ERROR,
    FileFacts,
    FileProblem,
    Span,
    packed_facts,
)
from django_protolint.source.newer_syntax import NewerSyntax, parse_newer_syntax
from django_protolint.source.noqa import noqa_directives, noqa_from_comments, read_noqa
from django_protolint.source.template import defaults_of, has_template_syntax, render
from django_protolint.source.visitor import FactsVisitor

_FILE_START = Span(1, 0, 1, 0)


def build_facts(data: bytes, path: str, module: str, is_package: bool, template: str | None = None) -> FileFacts:
    """`template`: the text of the cookiecutter.json of the template tree the file lies in, if it does: the file is
    then read as it renders with its defaults, line for line (source/template.py)."""
    try:
        text = decode_source(data)
    except UndecodableSource as reason:
        where = Span(reason.line, 0, reason.line, 0)
        return FileFacts(path=path, module=module, problem=FileProblem(CANNOT_READ, f"File {reason}", where))
    rendered = ""
    if template is not None and has_template_syntax(text):
        rendering = render(text, defaults_of(template), python=True)
        text, rendered = rendering.text, rendering.note
    # A file that cannot be analysed keeps no directives: its findings are not there to use them (DPL004).
    noqa, directives = read_noqa(text)
    try:
        tree = parse_source(text)
    except SyntaxError as error:
        try:
            with _deeper_recursion():  # the bridge recurses once per f-string nested in another
                newer = parse_newer_syntax(text)
        except NewerSyntax as unread:
            return FileFacts(path=path, module=module, noqa=noqa, problem=_newer_syntax_problem(unread, error))
        except (RecursionError, MemoryError):
            return FileFacts(path=path, module=module, noqa=noqa, problem=_too_deep("parse"))
        if newer is None:
            return FileFacts(path=path, module=module, noqa=noqa, problem=_syntax_problem(error, rendered))
        tree = newer.tree
        if noqa or "noqa" in text.lower():  # the running Python's tokenizer misreads newer f-strings' comments
            noqa = noqa_from_comments(newer.scan.comments, newer.scan.logical_lines)
            directives = noqa_directives(newer.scan.comments, newer.scan.logical_lines, text)
    except (RecursionError, MemoryError):
        return FileFacts(path=path, module=module, noqa=noqa, problem=_too_deep("parse"))
    except ValueError as error:  # text CPython will not compile at all
        problem = FileProblem(CANNOT_PARSE, f"Cannot parse: {error}", _FILE_START)
        return FileFacts(path=path, module=module, noqa=noqa, problem=problem)
    try:
        visitor = FactsVisitor(module, is_package, text)
        with _deeper_recursion():
            visitor.visit(tree)
            bound_names, dynamic_globals = module_bindings(tree, text)
    except RecursionError:
        # Valid but very deep code (generated tables, long `a + b + ...` chains): the walk recurses.
        return FileFacts(path=path, module=module, noqa=noqa, problem=_too_deep("analyse"))
    except Exception as error:  # noqa: BLE001 - one file's failure must not stop the run
        return FileFacts(
            path=path,
            module=module,
            noqa=noqa,
            problem=FileProblem(
                INTERNAL_ERROR,
                f"Internal error while analysing this file ({type(error).__name__}: {error}); "
                "please report it at the django-protolint issue tracker",
                _FILE_START,
            ),
        )
    facts = visitor.facts()
    if rendered:  # a cookiecutter file is read as rendered: its lines are not the file's, so no fix removes an import
        facts.pop("lone_imports", None)
    return FileFacts(
        path=path,
        module=module,
        **packed_facts({**facts, "bound_names": bound_names}),
        dynamic_globals=dynamic_globals,
        noqa=noqa,
        noqa_directives=directives,
        rendered=rendered,
    )


def parse_source(text: str) -> ast.Module:
    """CPython's own parser: the grammar of the Python running us. Raises SyntaxError, RecursionError, ValueError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for `"\d"` and friends: not our business
        return ast.parse(text)


def parses_as_python(text: str) -> bool:
    """Whether the per-file pass can read the text: the running CPython's grammar, or a newer one it bridges."""
    try:
        parse_source(text)
    except SyntaxError:
        try:
            with _deeper_recursion():
                return parse_newer_syntax(text) is not None
        except (NewerSyntax, RecursionError, MemoryError):
            return False
    except (ValueError, RecursionError, MemoryError):
        return False
    return True


def _too_deep(step: str) -> FileProblem:
    return FileProblem(CANNOT_PARSE, f"File is nested too deeply to {step}", _FILE_START)


@contextmanager
def _deeper_recursion(limit: int = 6000) -> Iterator[None]:
    """The walk recurses once per nesting level; real files nested a few hundred levels deep need more than the
    default 1000 frames. CPython's parser refuses anything deeper than this long before."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _syntax_problem(error: SyntaxError, rendered: str = "") -> FileProblem:
    line = error.lineno or 1
    column = max((error.offset or 1) - 1, 0)
    message = error.msg or "invalid syntax"
    hint = ""
    if "print" in (error.text or "") or "Missing parentheses" in message:
        hint = " (Python 2 code?)"
    elif "too many nested parentheses" in message:
        column = 0
    if rendered:  # the line is the template's; the text CPython refused is the rendering's
        hint += f" (in the template as {rendered})"
    return FileProblem(CANNOT_PARSE, f"SyntaxError: {message}{hint}", Span(line, column, line, column))


def _newer_syntax_problem(unread: NewerSyntax, error: SyntaxError) -> FileProblem:
    """libcst reads the file and the running Python cannot: newer syntax, never "a syntax error". It is reported at
    the construct we could not bridge, else where the running Python first refused the file."""
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    line, column = unread.where or (error.lineno or 1, max((error.offset or 1) - 1, 0))
    what = f": {unread.what}" if unread.what else ""
    return FileProblem(
        CANNOT_PARSE,
        f"File uses syntax newer than Python {running}, which runs django-protolint, and was not analysed{what}",
        Span(line, column, line, column),
        help="run django-protolint with the Python your project targets, or exclude the file",
    )
