"""The comments of a file and the lines each multi-line statement spans, as Python 3.11's `tokenize` reports them,
without its tokens: what `# noqa` needs (source/noqa.py).

Before Python 3.12 `tokenize` is written in Python, about 5 µs a token: the files that hold a `# noqa` (one in
twenty) cost a tenth of the per-file pass, most of it naming tokens nothing reads. What the comments and statement
lines depend on are the characters that change the tokenizer's state: `#`, quotes, brackets, backslashes and line
ends; the text between them is code or blanks. This scanner follows those, line by line, the way `_tokenize` does
(the same regular expressions for where a string ends). Wherever the tokenizer would report an error or an error
token (an unterminated string, a stray backslash, unbalanced brackets, a dedent to no outer level, the end of the
file inside a statement or a string) or a single-quoted string continued over lines, it gives up (None): the
caller then runs `tokenize` itself, whose partial reading of such a file is what counts.

Python 3.12's `tokenize` is the C tokenizer, with PEP 701 f-strings: there the caller always uses it.
"""

from __future__ import annotations

import re
import sys
import tokenize

USABLE = sys.version_info < (3, 12)  # the tokenizer this scanner follows

_SPECIAL = re.compile(r"""[#'"\\()\[\]{}\n]""")
_BLANKS = " \f\t"  # what the tokenizer skips between tokens
_TAB_SIZE = 8
# A single-quoted string from its quote: closed on the line, or continued by a backslash (tokenize's ContStr).
_SINGLE = {quote: re.compile(quote + r"[^\n" + quote + r"\\]*(?:\\.[^\n" + quote + r"\\]*)*(" + quote + r"|\\\r?\n)")
           for quote in ("'", '"')}  # fmt: skip
_TRIPLE_END = {"'": re.compile(getattr(tokenize, "Single3", "")), '"': re.compile(getattr(tokenize, "Double3", ""))}

Comments = list[tuple[int, str]]
Statements = list[tuple[int, int]]


def comments_and_statements(text: str) -> tuple[Comments, Statements] | None:
    """(line, text) of each comment, and (first, last) line of each statement over several lines; None where only
    `tokenize` itself can say."""
    if not USABLE:
        return None
    source = text.replace("\r\n", "\n").replace("\r", "\n")  # what io.StringIO(text, newline=None) reads
    lines = source.split("\n")
    last = lines.pop()
    lines = [line + "\n" for line in lines]
    if last:
        lines.append(last)
    comments: Comments = []
    statements: Statements = []
    first: int | None = None  # the line of the current statement's first token
    indents = [0]
    depth = 0
    continued = False
    string_end: re.Pattern[str] | None = None  # inside a triple-quoted string that goes on past its line
    number = 0
    previous = ""  # the line before the last one read: where the tokenizer looks for a missing final newline
    ended_early = False
    for line in lines:
        number += 1
        position = 0
        end = len(line)
        if string_end is not None:
            closed = string_end.match(line)
            if closed is None:
                previous = line
                continue
            position = closed.end()
            string_end = None
        elif depth == 0 and not continued:  # a new statement: its indentation
            column = 0
            while position < end:
                character = line[position]
                if character == " ":
                    column += 1
                elif character == "\t":
                    column = (column // _TAB_SIZE + 1) * _TAB_SIZE
                elif character == "\f":
                    column = 0
                else:
                    break
                position += 1
            if position == end:  # blanks and no line end: the file's last line, where the tokenizer stops
                ended_early = True
                break
            character = line[position]
            if character == "#":
                comments.append((number, line[position:].rstrip("\r\n")))
                previous = line
                continue
            if character == "\n":
                previous = line
                continue
            if column > indents[-1]:
                indents.append(column)
            while column < indents[-1]:
                if column not in indents:
                    return None  # IndentationError
                indents.pop()
        else:
            continued = False
        while position < end:
            special = _SPECIAL.search(line, position)
            stop = special.start() if special is not None else end
            if first is None and line[position:stop].strip(_BLANKS):
                first = number  # a name, number, operator or error token
            if special is None:
                break
            character = special.group()
            if character == "\n":
                if depth == 0:  # NEWLINE, else NL
                    if first is not None and number > first:
                        statements.append((first, number))
                    first = None
                position = stop + 1
            elif character == "#":
                comments.append((number, line[stop:].rstrip("\r\n")))
                position = end - 1 if line.endswith("\n") else end
            elif character in "([{":
                depth += 1
                first = number if first is None else first
                position = stop + 1
            elif character in ")]}":
                depth -= 1
                if depth < 0:
                    return None
                first = number if first is None else first
                position = stop + 1
            elif character == "\\":
                if line[stop:] != "\\\n":
                    return None  # an error token
                continued = True
                position = end
            else:  # a quote: a string starts here
                first = number if first is None else first
                if line.startswith(character * 3, stop):
                    closed = _TRIPLE_END[character].match(line, stop + 3)
                    if closed is None:
                        string_end = _TRIPLE_END[character]
                        break
                    position = closed.end()
                else:
                    closed = _SINGLE[character].match(line, stop)
                    if closed is None or closed.group(1) != character:
                        return None  # unterminated, or continued over lines
                    position = closed.end()
        previous = line
    if string_end is not None or depth or continued:
        return None  # the end of the file inside a string or a statement: tokenize raises TokenError
    if ended_early:
        last_line, number = previous, number
    else:
        last_line, number = (lines[-1] if lines else ""), number + 1
    if last_line and last_line[-1] != "\n" and not last_line.strip().startswith("#"):
        if first is not None and number - 1 > first:
            statements.append((first, number - 1))
        first = None
    if first is not None and number > first:
        statements.append((first, number))
    return comments, statements
