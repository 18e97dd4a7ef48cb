"""The per-file pass: bytes in, FileFacts out. Pure, and it never raises."""

from __future__ import annotations

import ast
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

_FILE_START = Span(1, 0, 1, 0)


def build_facts(data: bytes, path: str, module: str, is_package: bool) -> FileFacts:
    try:
        text = decode_source(data)
    except UndecodableSource as reason:
        return FileFacts(path=path, module=module, problem=FileProblem(CANNOT_READ, f"File {reason}", _FILE_START))
    noqa = noqa_lines(text)
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
        visitor = FactsVisitor(module, is_package)
        MetadataWrapper(tree, unsafe_skip_copy=True).visit(visitor)
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
        noqa=noqa,
    )


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
