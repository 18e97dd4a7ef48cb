"""The per-file pass: bytes in, FileFacts out. Pure, and it never raises."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from contextlib import contextmanager
import warnings

import libcst as cst
from libcst.metadata import MetadataWrapper

from django_protolint.source.decode import UndecodableSource, decode_source
from django_protolint.source.facts import FileFacts, FileProblem, Span
from django_protolint.source.noqa import noqa_lines
from django_protolint.source.visitor import FactsVisitor

CANNOT_PARSE = "DPL001"
CANNOT_READ = "DPL002"
INTERNAL_ERROR = "DPL003"
FILE_PROBLEM_CODES = frozenset({CANNOT_PARSE, CANNOT_READ, INTERNAL_ERROR})

_FILE_START = Span(1, 0, 1, 0)


def build_facts(data: bytes, path: str, module: str, is_package: bool) -> FileFacts:
    try:
        text = decode_source(data)
    except UndecodableSource as reason:
        where = Span(reason.line, 0, reason.line, 0)
        return FileFacts(path=path, module=module, problem=FileProblem(CANNOT_READ, f"File {reason}", where))
    noqa = noqa_lines(text)
    if too_deep := _too_deeply_nested(text):
        return FileFacts(path=path, module=module, noqa=noqa, problem=too_deep)
    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return FileFacts(path=path, module=module, noqa=noqa, problem=_syntax_problem(text))
    except RecursionError:
        return FileFacts(
            path=path, module=module, noqa=noqa,
            problem=FileProblem(CANNOT_PARSE, "File is nested too deeply to parse", _FILE_START),
        )  # fmt: skip
    try:
        visitor = FactsVisitor(module, is_package, text)
        with _deeper_recursion():
            MetadataWrapper(tree, unsafe_skip_copy=True).visit(visitor)
    except RecursionError:
        # Valid but very deep code (generated tables, long `a + b + ...` chains): libcst's visitors recurse.
        return FileFacts(
            path=path, module=module, noqa=noqa,
            problem=FileProblem(CANNOT_PARSE, "File is nested too deeply to analyse", _FILE_START),
        )  # fmt: skip
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
    return FileFacts(
        path=path,
        module=module,
        functions=tuple(visitor.functions),
        classes=tuple(visitor.classes),
        calls=tuple(visitor.calls),
        queries=tuple(visitor.queries),
        request_accesses=tuple(visitor.request_accesses),
        imports=tuple(visitor.imports),
        import_lines=tuple(visitor.import_lines),
        statements=tuple(visitor.statements),
        environment_defaults=tuple(visitor.environment_defaults),
        websocket_checks=tuple(visitor.websocket_checks),
        streaming_responses=tuple(visitor.streaming_responses),
        related_accesses=tuple(visitor.related_accesses),
        server_starts=tuple(visitor.server_starts),
        import_line=visitor.import_line,
        noqa=noqa,
    )


def _too_deeply_nested(text: str) -> FileProblem | None:
    """libcst's native parser overflows its stack, killing the whole process, on nesting a few thousand deep
    (`x = ((((…` or `- - - …`). CPython refuses such files cleanly, so ask it first (about 2% of the parse time).
    Any other SyntaxError is left to libcst, which knows newer syntax than the running Python may."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (RecursionError, MemoryError):
        return FileProblem(CANNOT_PARSE, "File is nested too deeply to parse", _FILE_START)
    except SyntaxError as error:
        if "too many nested parentheses" in (error.msg or ""):
            line = error.lineno or 1
            return FileProblem(CANNOT_PARSE, f"SyntaxError: {error.msg}", Span(line, 0, line, 0))
    except ValueError:  # source text CPython will not compile at all (e.g. a NUL byte); libcst says why
        pass
    return None


@contextmanager
def _deeper_recursion(limit: int = 6000) -> Iterator[None]:
    """libcst walks trees recursively; real files nested a few hundred levels deep need more than 1000 frames."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _syntax_problem(text: str) -> FileProblem:
    """Python's own message and position: clearer than the CST parser's."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except SyntaxError as error:
        line = error.lineno or 1
        column = max((error.offset or 1) - 1, 0)
        hint = ""
        if "print" in (error.text or "") or "Missing parentheses" in (error.msg or ""):
            hint = " (Python 2 code?)"
        return FileProblem(CANNOT_PARSE, f"SyntaxError: {error.msg}{hint}", Span(line, column, line, column))
    except (ValueError, RecursionError, MemoryError) as error:
        return FileProblem(CANNOT_PARSE, f"Cannot parse: {error}", _FILE_START)
    return FileProblem(
        CANNOT_PARSE,
        "Cannot parse this file with libcst although Python accepts it (newer syntax than libcst supports?)",
        _FILE_START,
    )
