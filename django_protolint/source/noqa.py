"""`# noqa` comments, read from real comment tokens (a `# noqa` inside a string does not count).

Same shape as flake8 and ruff: `# noqa` silences every code on the line, `# noqa: DPL101, DPL110` only those;
matching is case-insensitive and text after the codes is ignored. On any line of a multi-line statement it covers
the whole statement. A file-wide `# django-protolint: noqa[: codes]` is stored under line 0.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from django_protolint.source.noqa_scan import comments_and_statements

ALL_CODES: frozenset[str] = frozenset()  # the empty set stands for "every code"
FILE_LEVEL_LINE = 0

_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_FILE_NOQA = re.compile(r"#\s*django-protolint:\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.I)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


def _codes(match: re.Match[str]) -> frozenset[str]:
    codes = match.group("codes")
    return frozenset(code.upper() for code in _CODE.findall(codes)) if codes else ALL_CODES


_NOT_CODE = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING})


@dataclass(frozen=True)
class NoqaDirective:
    """One `# noqa: CODES` as written: where it is (the directive itself, columns 0-based, in characters), the codes
    in their written order, and the lines it covers (its statement's, for a multi-line one). Read by DPL004/DPL005,
    which report directives that suppress nothing or name no rule. A bare `# noqa` is not kept: it names no code."""

    line: int
    column: int
    end_column: int
    codes: tuple[str, ...]
    first: int  # the lines it covers
    last: int
    file_level: bool = False  # `# django-protolint: noqa: CODES`, covering the whole file
    whole_comment: bool = False  # nothing else in the comment: removing the directive may remove the comment
    space_before: int = 0  # blanks between the code and the comment, removed with a whole comment


def noqa_lines(text: str) -> dict[int, frozenset[str]]:
    return read_noqa(text)[0]


def read_noqa(text: str) -> tuple[dict[int, frozenset[str]], tuple[NoqaDirective, ...]]:
    """The suppressed codes by line, and the directives that name codes."""
    if "noqa" not in text.lower():
        return {}, ()
    scanned = comments_and_statements(text)  # None where only `tokenize` can tell (and on Python 3.12+)
    comments, statements = scanned if scanned is not None else tokenized(text)
    return noqa_from_comments(comments, statements), noqa_directives(comments, statements, text)


def tokenized(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """The comments `(line, text)` and the multi-line statements `(first, last)` of `text`, from `tokenize`; on an
    error, those read until then (the parser reports what is wrong with the file)."""
    comments: list[tuple[int, str]] = []
    statements: list[tuple[int, int]] = []  # (first, last) line of each statement that spans several lines
    first: int | None = None
    try:
        # newline=None: a lone "\r" ends a line for CPython's parser too, so the line numbers agree with its positions.
        for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if token.type == tokenize.COMMENT:
                comments.append((token.start[0], token.string))
            elif token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if first is not None and token.start[0] > first:
                    statements.append((first, token.start[0]))
                first = None
            elif token.type not in _NOT_CODE and first is None:
                first = token.start[0]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return comments, statements


_LINE_END = re.compile(r"\r\n|\r|\n")


def noqa_directives(comments: list[tuple[int, str]], statements: list[tuple[int, int]],
                    text: str) -> tuple[NoqaDirective, ...]:  # fmt: skip
    """The directives naming codes among comment tokens `(line, text)`; `text` (the source) gives their columns."""
    named = [(line, comment) for line, comment in comments if "noqa" in comment.lower()]
    if not named:
        return ()
    lines = _LINE_END.split(text)
    spans = {line: (first, last) for first, last in statements for line in range(first, last + 1)}
    found = []
    for line, comment in named:
        source_line = lines[line - 1] if 0 < line <= len(lines) else ""
        start = source_line.rfind(comment)  # a comment runs to the end of its line
        start = max(start, 0)
        file_match = _FILE_NOQA.match(comment)
        matches = [file_match] if file_match else list(_NOQA.finditer(comment))
        for match in matches:
            if not match.group("codes"):
                continue
            codes = tuple(dict.fromkeys(code.upper() for code in _CODE.findall(match.group("codes"))))
            first, last = spans.get(line, (line, line))
            whole = match.start() == 0 and not comment[match.end() :].strip()
            space = len(source_line[:start]) - len(source_line[:start].rstrip(" \t"))
            found.append(NoqaDirective(line, start + match.start(), start + match.end(), codes, first, last,
                                       file_level=file_match is not None, whole_comment=whole,
                                       space_before=space))  # fmt: skip
    return tuple(found)


def noqa_from_comments(comments: list[tuple[int, str]], statements: list[tuple[int, int]]) -> dict[int, frozenset[str]]:
    """From comment tokens `(line, text)` and the lines each multi-line statement spans. A file in syntax newer
    than the running Python gets them from source/newer_scan.py, which tokenizes as that Python does."""
    found: dict[int, frozenset[str]] = {}
    for line, comment in comments:
        if file_match := _FILE_NOQA.match(comment):
            found[FILE_LEVEL_LINE] = _merge(found.get(FILE_LEVEL_LINE), _codes(file_match))
            continue
        # `# noqa: DPL101  # noqa: DPL004` (two tools' directives in one comment) counts both.
        for match in _NOQA.finditer(comment):
            found[line] = _merge(found.get(line), _codes(match))
    return _spread_over_statements(found, statements)


def _spread_over_statements(
    found: dict[int, frozenset[str]], statements: list[tuple[int, int]]
) -> dict[int, frozenset[str]]:
    """Like Fixit, a `# noqa` on any line of a multi-line statement covers all of it: black moves a trailing
    comment to the closing bracket, away from the call it was written for."""
    for first, last in statements:
        codes = [found[line] for line in range(first, last + 1) if line in found]
        if not codes:
            continue
        merged = codes[0]
        for more in codes[1:]:
            merged = _merge(merged, more)
        for line in range(first, last + 1):
            found[line] = merged
    return found


def comment_noqa_lines(text: str) -> dict[int, frozenset[str]]:
    """`# noqa` in files that are not Python (Procfile, Dockerfile, compose, shell): `#` starts a comment."""
    if "noqa" not in text.lower():
        return {}
    found: dict[int, frozenset[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if "#" in line:
            for match in _NOQA.finditer(line[line.index("#") :]):
                found[number] = _merge(found.get(number), _codes(match))
    return found


def comment_noqa_directives(text: str) -> tuple[NoqaDirective, ...]:
    """The directives naming codes in a file that is not Python (see `comment_noqa_lines`)."""
    if "noqa" not in text.lower():
        return ()
    comments = [(number, line[line.index("#"):]) for number, line in enumerate(text.splitlines(), start=1)
                if "#" in line and "noqa" in line.lower()]  # fmt: skip
    return noqa_directives(comments, [], text)


def _merge(old: frozenset[str] | None, new: frozenset[str]) -> frozenset[str]:
    if old is None:
        return new
    if old == ALL_CODES or new == ALL_CODES:
        return ALL_CODES
    return old | new


def is_suppressed(noqa: dict[int, frozenset[str]], lines: range, code: str, *, blanket: bool = True) -> bool:
    """`blanket=False`: only a `# noqa` that names the code counts (for findings a bare `# noqa` must not hide)."""
    for line in (FILE_LEVEL_LINE, *lines):
        codes = noqa.get(line)
        if codes is None:
            continue
        if codes == ALL_CODES:
            if blanket:
                return True
        elif any(code.startswith(c) for c in codes):
            return True
    return False
