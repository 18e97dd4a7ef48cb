"""The per-file pass: bytes in, FileFacts out. Pure, and it never raises."""

from __future__ import annotations

import ast
import io
import sys
import tokenize
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from django_protolint.source.decode import UndecodableSource, decode_source
from django_protolint.source.facts import FileFacts, FileProblem, Span
from django_protolint.source.noqa import noqa_lines
from django_protolint.source.visitor import FactsVisitor

from django_protolint.source.facts import CANNOT_PARSE, CANNOT_READ, INTERNAL_ERROR

_FILE_START = Span(1, 0, 1, 0)


def build_facts(data: bytes, path: str, module: str, is_package: bool) -> FileFacts:
    try:
        text = decode_source(data)
    except UndecodableSource as reason:
        where = Span(reason.line, 0, reason.line, 0)
        return FileFacts(path=path, module=module, problem=FileProblem(CANNOT_READ, f"File {reason}", where))
    noqa = noqa_lines(text)
    try:
        tree = parse_source(text)
    except SyntaxError as error:
        return FileFacts(path=path, module=module, noqa=noqa, problem=_syntax_problem(error, text))
    except (RecursionError, MemoryError):
        return FileFacts(path=path, module=module, noqa=noqa, problem=_too_deep("parse"))
    except ValueError as error:  # text CPython will not compile at all
        problem = FileProblem(CANNOT_PARSE, f"Cannot parse: {error}", _FILE_START)
        return FileFacts(path=path, module=module, noqa=noqa, problem=problem)
    try:
        visitor = FactsVisitor(module, is_package, text)
        with _deeper_recursion():
            visitor.visit(tree)
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
        server_argvs=tuple(visitor.server_argvs),
        import_line=visitor.import_line,
        noqa=noqa,
    )


def parse_source(text: str) -> ast.Module:
    """CPython's own parser: the grammar of the Python running us. Raises SyntaxError, RecursionError, ValueError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for `"\d"` and friends: not our business
        return ast.parse(text)


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


def _syntax_problem(error: SyntaxError, text: str) -> FileProblem:
    line = error.lineno or 1
    column = max((error.offset or 1) - 1, 0)
    message = error.msg or "invalid syntax"
    hint = ""
    if "print" in (error.text or "") or "Missing parentheses" in message:
        hint = " (Python 2 code?)"
    elif "too many nested parentheses" in message:
        column = 0
    elif _newer_grammar_accepts(text):
        running = f"{sys.version_info.major}.{sys.version_info.minor}"
        hint = (
            f" (the file uses syntax newer than Python {running}, which runs django-protolint: run it with the "
            "Python your project targets)"
        )
    return FileProblem(CANNOT_PARSE, f"SyntaxError: {message}{hint}", Span(line, column, line, column))


def _newer_grammar_accepts(text: str) -> bool:
    """Whether libcst, whose grammar runs ahead of older CPythons (3.12's `type X = ...`, PEP 695 generics, ...),
    accepts what the running CPython refused: then the file is fine and the interpreter is too old."""
    if not _shallow(text):
        return False
    import libcst  # only for files CPython refused: most runs never pay its import

    try:
        libcst.parse_module(text)
    except Exception:  # noqa: BLE001 - any refusal means "not newer syntax", which is all we ask
        return False
    return True


# libcst's native parser recurses per nesting level and per link of a chain, and overflows its C stack (killing
# the process, not raising) on `a.b.c...`, `f()()()...`, `a + a + ...` or `- - - 1` some thousands long, 5,000
# lambdas, or brackets nested a few hundred deep. CPython refuses such files itself when they are otherwise valid;
# a file it refused for another reason is only asked about if no statement comes near those sizes.
_MOST_TOKENS_PER_STATEMENT = 1000
_DEEPEST_BRACKETS = 100


def _shallow(text: str) -> bool:
    tokens = depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                tokens = 0
                continue
            tokens += 1
            if token.type == tokenize.OP:
                if token.string in "([{":
                    depth += 1
                elif token.string in ")]}":
                    depth -= 1
            if tokens > _MOST_TOKENS_PER_STATEMENT or depth > _DEEPEST_BRACKETS:
                return False
    except (tokenize.TokenError, SyntaxError, ValueError, RecursionError, MemoryError):
        return False  # not even tokens: certainly not valid newer syntax
    return True
