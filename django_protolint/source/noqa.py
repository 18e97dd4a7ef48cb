"""`# noqa` comments, read from real comment tokens (a `# noqa` inside a string does not count).

Same shape as flake8 and ruff: `# noqa` silences every code on the line, `# noqa: DPL101, DPL110` only those;
matching is case-insensitive and text after the codes is ignored. On any line of a multi-line statement it covers
the whole statement. A file-wide `# django-protolint: noqa[: codes]` is stored under line 0.
"""

from __future__ import annotations

import io
import re
import tokenize

ALL_CODES: frozenset[str] = frozenset()  # the empty set stands for "every code"
FILE_LEVEL_LINE = 0

_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_FILE_NOQA = re.compile(r"#\s*django-protolint:\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.I)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


def _codes(match: re.Match[str]) -> frozenset[str]:
    codes = match.group("codes")
    return frozenset(code.upper() for code in _CODE.findall(codes)) if codes else ALL_CODES


_NOT_CODE = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING})


def noqa_lines(text: str) -> dict[int, frozenset[str]]:
    if "noqa" not in text.lower():
        return {}
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
        pass  # the comments read so far still count; the parser reports what is wrong with the file
    return noqa_from_comments(comments, statements)


def noqa_from_comments(comments: list[tuple[int, str]], statements: list[tuple[int, int]]) -> dict[int, frozenset[str]]:
    """From comment tokens `(line, text)` and the lines each multi-line statement spans. A file in syntax newer
    than the running Python gets them from source/newer_scan.py, which tokenizes as that Python does."""
    found: dict[int, frozenset[str]] = {}
    for line, comment in comments:
        if file_match := _FILE_NOQA.match(comment):
            found[FILE_LEVEL_LINE] = _merge(found.get(FILE_LEVEL_LINE), _codes(file_match))
        elif match := _NOQA.search(comment):
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
        if "#" in line and (match := _NOQA.search(line[line.index("#"):])):
            found[number] = _merge(found.get(number), _codes(match))
    return found


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
