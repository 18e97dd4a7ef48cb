"""One pass over a file's bytes, tokenized the way Python 3.12+ does (PEP 701 f-strings included): where its
newer constructs are, and whether libcst can be asked about it at all.

Our own scanner, not the running Python's `tokenize`: it serves precisely the files that Python cannot read, and
Python 3.11's tokenizer cannot follow `f"{d["k"]}"` or a replacement field over several lines. It does not judge
validity (libcst does); it finds, in bytes, the extent of each f-string and replacement field, each type-parameter
list, `type` statement and `except*`.

**Limits.** libcst's native parser recurses per nesting level and per link of a chain, and overflows its C stack
(killing the process, not raising) on `a.b.c...`, `f()()()...`, `a + a + ...` or `- - - 1` some thousands long,
5,000 lambdas, or brackets or f-strings nested some thousand deep; its time grows with the square of a chain's
length. Elements separated by commas (items, arguments, parameters, entries), f-string replacement fields and
statements are read in a loop: 100,000 of them cost no depth. So a file is refused (`scan` returns None) when, at
some point, the tokens since the last separator of each open level add up to more than `MOST_CHAINED_TOKENS`, or
more than `DEEPEST_NESTING` brackets, f-strings and fields are open.
"""

from __future__ import annotations

import bisect
import keyword
import re
from dataclasses import dataclass, field

MOST_CHAINED_TOKENS = 1000
DEEPEST_NESTING = 100

# The Python whose grammar first reads each construct.
PEP_701 = (3, 12)  # f-strings: any quotes, backslashes, comments and line breaks in replacement fields
PEP_695 = (3, 12)  # type parameters, `type` statements
PEP_696 = (3, 13)  # type parameter defaults
PEP_654 = (3, 11)  # except*
PEP_750 = (3, 14)  # template strings

_KEYWORDS = frozenset(word.encode() for word in keyword.kwlist)

# ----------------------------------------------------------------------------------------------- what is found


@dataclass
class Piece:
    """An expression CPython parses on its own (or, for the root, the whole file), except the constructs in it."""

    start: int = -1  # byte offsets; -1 until its first token
    end: int = -1
    inner: list[Construct] = field(default_factory=list)

    def extend(self, start: int, end: int) -> None:
        if self.start < 0:
            self.start = start
        self.end = end


@dataclass
class Field:
    """A replacement field `{expression!r:spec}`."""

    start: int
    expression: Piece = field(default_factory=Piece)
    end: int = -1
    conversion: int = -1
    spec: list[Field] | None = None


@dataclass
class FString:
    """An f-string, or an implicit concatenation holding one: one `JoinedStr` in Python's tree."""

    start: int
    end: int = -1
    fields: list[Field] = field(default_factory=list)
    since: tuple[int, int] = PEP_701
    template: bool = False  # a t-string (PEP 750)


@dataclass
class TypeParameter:
    stars: int  # 0 TypeVar, 1 TypeVarTuple, 2 ParamSpec
    name: str
    start: int
    end: int = -1
    bound: Piece | None = None
    default: Piece | None = None


@dataclass
class TypeAliasStatement:
    start: int
    name: str
    name_start: int
    name_end: int
    parameters: list[TypeParameter] = field(default_factory=list)
    value: Piece = field(default_factory=Piece)
    since: tuple[int, int] = PEP_695

    @property
    def end(self) -> int:
        return self.value.end


@dataclass
class Blank:
    """Text no fact reads, blanked for an older Python: a def's or class's type parameters, `except*`'s star."""

    start: int
    end: int
    since: tuple[int, int]


Construct = FString | TypeAliasStatement | Blank


@dataclass
class Scan:
    root: Piece
    complete: bool  # every string, bracket and field closed: what libcst accepts always is
    # What `# noqa` needs, as Python 3.12's tokenizer sees it (a `#` in a replacement field starts a comment):
    comments: list[tuple[int, str]]  # (line, text)
    logical_lines: list[tuple[int, int]]  # (first, last line) of each logical line that spans several


def scan(data: bytes) -> Scan | None:
    """The file's newer constructs, or None when it is too chained or deep to ask libcst about."""
    return _Scanner(data).run()


# ----------------------------------------------------------------------------------------------- the scanner

_CODE = re.compile(
    rb"""
      (?P<skip>[ \t\f]+|\\(?:\r\n|\r|\n))
    | (?P<comment>\#[^\r\n]*)
    | (?P<newline>\r\n|\r|\n)
    | (?P<string>(?P<prefix>[rRbBuUfFtT]{0,3})(?P<quote>'''|\"\"\"|'|\"))
    | (?P<name>(?:\w|[\x80-\xff])+)
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<separator>[,;])
    | (?P<operator>\*\*|==|!=|<=|>=|:=|->|\.\.\.|[-+*/%&|^@<>]=|//=?|<<=?|>>=?|\*\*=)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# The rest of a plain string after its opening quote: escapes skipped; a one-line string also ends at a line
# break (unterminated: libcst refuses the file).
_PLAIN_END = {
    quote: re.compile(
        (rb"(?:\\(?:\r\n|.)|[^\\])*?(?:" if len(quote) == 3 else rb"(?:\\(?:\r\n|.)|[^\\\r\n])*?(?:")
        + re.escape(quote)
        + (rb"|\Z)" if len(quote) == 3 else rb"|(?=[\r\n])|\Z)"),
        re.DOTALL,
    )
    for quote in (b"'", b'"', b"'''", b'"""')
}
_TEXT = re.compile(rb"[^\\{}'\"\r\n]+")  # f-string text with nothing special in it
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")  # what CPython's tokenizer ends a line on

# What a level reads: a statement's or a bracket's code, an f-string's text, a replacement field's code (its
# expression, then what follows it: `=`, `!r`), or a format spec's text.
_STATEMENT, _BRACKET, _FSTRING, _FIELD, _AFTER, _SPEC = "statement", "bracket", "fstring", "field", "after", "spec"


class _Level:
    __slots__ = ("kind", "run", "group", "piece", "field", "quote", "raw", "suppress", "role", "start")

    def __init__(self, kind: str, start: int = -1) -> None:
        self.kind = kind
        self.start = start
        self.run = 0  # tokens read at this level since its last separator
        self.group: _Group | None = None  # adjacent strings being read at this level
        self.piece: Piece | None = None  # the expression this level's tokens belong to, when one is tracked
        self.field: Field | None = None  # for a replacement field
        self.quote = b""  # for an f-string
        self.raw = False
        self.suppress = False  # a def's or class's type parameters: blanked, nothing inside is kept
        self.role: _Alias | _Definition | None = None


@dataclass
class _Group:
    start: int
    owner: Piece | None
    fstring: FString | None = None
    end: int = -1


@dataclass
class _Definition:
    """`def`/`class` NAME, perhaps followed by type parameters."""

    start: int = -1
    has_default: bool = False


@dataclass
class _Alias:
    statement: TypeAliasStatement
    phase: str = "name"  # then "parameters", "value"
    parameter: TypeParameter | None = None
    stars: int = 0  # `*` or `**` read before a parameter's name
    stars_start: int = -1


class _Scanner:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.root = Piece(0, len(data))
        self.levels = [_Level(_STATEMENT)]
        self.chained = 0
        self.complete = True
        # What the previous tokens may start: "def"/"class" NAME [, `except` *, `type` NAME.
        self.expect: tuple[str, int] | None = None
        self.alias: _Alias | None = None
        self.comments: list[tuple[int, bytes]] = []  # (offset, text)
        self.logical_lines: list[tuple[int, int]] = []  # (offset of the first token, of the line break ending it)
        self.logical_start = -1

    # ------------------------------------------------------------------------------------------- levels

    @property
    def top(self) -> _Level:
        return self.levels[-1]

    def count(self) -> bool:
        self.top.run += 1
        self.chained += 1
        return self.chained <= MOST_CHAINED_TOKENS

    def separate(self) -> None:
        self.chained -= self.top.run
        self.top.run = 0

    def push(self, level: _Level) -> bool:
        self.levels.append(level)
        return len(self.levels) - 1 <= DEEPEST_NESTING

    def pop(self) -> _Level:
        level = self.levels.pop()
        self.chained -= level.run
        self.end_group(level)
        return level

    def owner(self) -> Piece | None:
        """The expression a construct found now belongs to; None inside text that will be blanked."""
        for level in reversed(self.levels):
            if level.suppress:
                return None
            if level.piece is not None:
                return level.piece
        return self.root

    def extend(self, start: int, end: int) -> None:
        """A token of the current level: part of the expression it belongs to, if any."""
        piece = self.top.piece
        if piece is not None:
            piece.extend(start, end)

    def end_group(self, level: _Level) -> None:
        group, level.group = level.group, None
        if group is not None and group.fstring is not None and group.owner is not None:
            group.fstring.end = group.end
            group.owner.inner.append(group.fstring)

    # ------------------------------------------------------------------------------------------- reading

    def run(self) -> Scan | None:
        data, position, end = self.data, 0, len(self.data)
        while position < end:
            kind = self.top.kind
            if kind in (_FSTRING, _SPEC):
                position = self.read_text(position)
            else:
                position = self.read_code(position)
            if position < 0:
                return None
        while len(self.levels) > 1:
            self.complete = False
            self.pop()
        self.end_statement()
        self.end_logical_line(end)
        line_starts = [0, *(match.end() for match in _LINE_BREAK.finditer(data))]

        def line(offset: int) -> int:
            return bisect.bisect_right(line_starts, offset)

        comments = [(line(offset), text.decode("utf-8", errors="replace")) for offset, text in self.comments]
        logical_lines = [(line(first), line(last)) for first, last in self.logical_lines]
        return Scan(self.root, self.complete, comments, [(a, b) for a, b in logical_lines if b > a])

    def end_logical_line(self, position: int) -> None:
        if self.logical_start >= 0:
            self.logical_lines.append((self.logical_start, position))
        self.logical_start = -1

    def read_code(self, position: int) -> int:
        """One token of code. Returns the position after it, or -1 past the limits."""
        match = _CODE.match(self.data, position)
        assert match is not None  # `.` with DOTALL matches any byte
        start, position = match.start(), match.end()
        kind = match.lastgroup
        top = self.top
        if kind == "skip" or (kind == "newline" and len(self.levels) > 1):
            return position
        if kind == "comment":
            self.comments.append((start, match.group()))
            return position
        if kind == "newline":
            self.end_logical_line(start)
        elif self.logical_start < 0:
            self.logical_start = start
        if kind == "newline" or (kind == "separator" and match.group() == b";" and len(self.levels) == 1):
            self.end_statement()
            self.separate()
            return position
        if top.kind == _FIELD and _ends_expression(match):
            return self.end_expression(match)
        if top.kind == _AFTER:
            return self.after_expression(match)
        expected, self.expect = self.expect, None
        if kind == "string":
            return self.read_string(match)
        self.end_group(top)  # any other token ends a run of adjacent strings
        if kind == "open":
            return self.open_bracket(match, expected)
        if kind == "close":
            return self.close_bracket(match)
        if kind == "separator":
            if isinstance(top.role, _Alias):
                self.end_type_parameter(top.role)
            elif top.piece is not None:
                top.piece.extend(start, position)
            self.separate()
            return position
        token = match.group()
        if not (isinstance(top.role, _Alias) and self.type_parameter_token(top.role, match)):
            self.extend(start, position)
        if isinstance(top.role, _Definition) and token == b"=":
            top.role.has_default = True
        self.follow(token if kind == "name" else b"", match, expected)
        return position if self.count() else -1

    def follow(self, name: bytes, match: re.Match[bytes], expected: tuple[str, int] | None) -> None:
        """`def NAME [`, `class NAME [`, `type NAME [...] =`, `except *`: what this token continues or starts."""
        token, start = match.group(), match.start()
        if expected is not None:
            what, at = expected
            if what == "definition" and name:
                self.expect = ("brackets", at)
            elif what == "except" and token == b"*":
                self.root.inner.append(Blank(start, start + 1, PEP_654))
            elif what == "alias" and name and name not in _KEYWORDS:
                self.alias = _Alias(TypeAliasStatement(at, name.decode("utf-8"), start, match.end()))
                self.expect = ("alias brackets", at)
            elif what == "alias brackets" and token == b"=":
                self.begin_alias_value()
            return
        if name in (b"def", b"class"):
            self.expect = ("definition", start)
        elif name == b"except":
            self.expect = ("except", start)
        elif name == b"type" and len(self.levels) == 1 and self.alias is None:
            self.expect = ("alias", start)
        elif token == b"=" and len(self.levels) == 1 and self.alias is not None and self.alias.phase == "parameters":
            self.begin_alias_value()

    def begin_alias_value(self) -> None:
        assert self.alias is not None
        self.alias.phase = "value"
        self.levels[0].piece = self.alias.statement.value

    def end_statement(self) -> None:
        self.expect = None
        self.end_group(self.levels[0])
        alias, self.alias = self.alias, None
        self.levels[0].piece = None
        if alias is not None and alias.phase == "value" and alias.statement.value.start >= 0:
            if any(parameter.default is not None for parameter in alias.statement.parameters):
                alias.statement.since = PEP_696
            self.root.inner.append(alias.statement)

    # ------------------------------------------------------------------------------------------- brackets

    def open_bracket(self, match: re.Match[bytes], expected: tuple[str, int] | None) -> int:
        start, position = match.start(), match.end()
        self.extend(start, position)
        if not self.count():
            return -1
        level = _Level(_BRACKET, start)
        if expected is not None and match.group() == b"[":
            if expected[0] == "brackets":
                level.role = _Definition(start)
                level.suppress = True
            elif expected[0] == "alias brackets" and self.alias is not None:
                level.role = self.alias
                self.alias.phase = "parameters"
        return position if self.push(level) else -1

    def close_bracket(self, match: re.Match[bytes]) -> int:
        start, position = match.start(), match.end()
        if self.top.kind != _BRACKET:  # a closing bracket with nothing open: libcst refuses the file
            self.complete = False
            self.extend(start, position)
            return position if self.count() else -1
        level = self.pop()
        if isinstance(level.role, _Definition):
            owner = self.owner()
            if owner is not None:
                owner.inner.append(Blank(level.start, position, PEP_696 if level.role.has_default else PEP_695))
        elif isinstance(level.role, _Alias):
            self.end_type_parameter(level.role, level)
        self.extend(start, position)
        return position if self.count() else -1

    # ------------------------------------------------------------------------------------------- type parameters

    def type_parameter_token(self, alias: _Alias, match: re.Match[bytes]) -> bool:
        """A token at the top level of a `type` statement's parameters. True when it is their syntax (a star, the
        name, the `:` before a bound, the `=` before a default), not part of a bound or default."""
        token = match.group()
        parameter = alias.parameter
        if parameter is None:
            if token in (b"*", b"**"):
                alias.stars, alias.stars_start = len(token), match.start()
                return True
            start = alias.stars_start if alias.stars else match.start()
            alias.parameter = TypeParameter(alias.stars, token.decode("utf-8", errors="replace"), start, match.end())
            alias.statement.parameters.append(alias.parameter)
            alias.stars = 0
            return True
        if token == b":" and parameter.bound is None and parameter.default is None:
            parameter.bound = self.top.piece = Piece()
            return True
        if token == b"=" and parameter.default is None:
            parameter.default = self.top.piece = Piece()
            return True
        return False

    def end_type_parameter(self, alias: _Alias, level: _Level | None = None) -> None:
        parameter, alias.parameter = alias.parameter, None
        (level or self.top).piece = None
        if parameter is not None:
            parameter.end = max([parameter.end] + [p.end for p in (parameter.bound, parameter.default) if p])

    # ------------------------------------------------------------------------------------------- strings

    def read_string(self, match: re.Match[bytes]) -> int:
        start, position = match.start(), match.end()
        prefix = match.group("prefix").lower()
        top = self.top
        if top.group is None:
            top.group = _Group(start, self.owner())
            if not self.count():
                return -1
        group = top.group
        if top.piece is not None:
            top.piece.extend(start, position)
        if b"f" not in prefix and b"t" not in prefix:
            position = _PLAIN_END[match.group("quote")].match(self.data, position).end()  # type: ignore[union-attr]
            group.end = position
            if top.piece is not None:
                top.piece.extend(start, position)
            return position
        if group.fstring is None:
            group.fstring = FString(group.start)
        if b"t" in prefix:
            group.fstring.template = True
            group.fstring.since = PEP_750
        level = _Level(_FSTRING, start)
        level.quote = match.group("quote")
        level.raw = b"r" in prefix
        return position if self.push(level) and self.count() else -1

    def end_fstring(self, position: int) -> None:
        """Close the innermost f-string (with any field left open in it: malformed) at `position`."""
        while len(self.levels) > 1 and self.top.kind != _FSTRING:
            self.complete = False
            self.pop()
        self.pop()
        top = self.top
        if top.group is not None:
            top.group.end = position
        if top.piece is not None:
            top.piece.extend(top.piece.start if top.piece.start >= 0 else position, position)

    def fstring_of(self, level_index: int) -> tuple[_Level, FString | None]:
        for index in range(level_index, -1, -1):
            if self.levels[index].kind == _FSTRING:
                outer = self.levels[index - 1]
                return self.levels[index], outer.group.fstring if outer.group is not None else None
        raise AssertionError("text outside an f-string")

    def read_text(self, position: int) -> int:
        """f-string text or a format spec, up to a field (opened) or the string's end (closed); -1 past limits."""
        data, end = self.data, len(self.data)
        level = self.top
        fstring_level, fstring = self.fstring_of(len(self.levels) - 1)
        quote, in_spec = fstring_level.quote, level.kind == _SPEC
        while position < end:
            plain = _TEXT.match(data, position)
            if plain is not None:
                position = plain.end()
                continue
            char = data[position : position + 1]
            if char == b"\\":
                following = data[position + 1 : position + 2]
                if following in (b"{", b"}"):
                    position += 1  # a backslash, then a brace that means what it always does
                elif following == b"N" and not fstring_level.raw and data.startswith(b"{", position + 2):
                    closing = data.find(b"}", position + 3)  # `\N{EM DASH}`: a named character, not a field
                    position = end if closing < 0 else closing + 1
                else:
                    position += 3 if data.startswith(b"\r\n", position + 1) else 2
            elif char == b"{" and not in_spec and data.startswith(b"{{", position):
                position += 2
            elif char == b"{":
                return self.open_field(position, level, fstring)
            elif char == b"}" and in_spec:
                return self.end_field(position + 1)
            elif char == b"}":
                position += 2 if data.startswith(b"}}", position) else 1
            elif char in b"\r\n" and len(quote) == 1:
                self.complete = False  # unterminated: libcst refuses the file
                self.end_fstring(position)
                return position
            elif data.startswith(quote, position):
                self.end_fstring(position + len(quote))
                return position + len(quote)
            else:
                position += 1
        self.complete = False
        self.end_fstring(end)
        return end

    def open_field(self, position: int, level: _Level, fstring: FString | None) -> int:
        found = Field(position)
        if level.kind == _SPEC and level.field is not None:
            level.field.spec = (level.field.spec or []) + [found]
        elif fstring is not None:
            fstring.fields.append(found)
        field_level = _Level(_FIELD, position)
        field_level.field = found
        field_level.piece = found.expression
        if not self.count():
            return -1
        return position + 1 if self.push(field_level) else -1

    def end_expression(self, match: re.Match[bytes]) -> int:
        """`=`, `!r`, `:spec` or `}` at a replacement field's top level: its expression ends here."""
        self.end_group(self.top)
        token = match.group()
        if token == b"}":
            return self.end_field(match.end())
        if token in (b":", b":="):
            self.top.kind = _SPEC
            return match.start() + 1
        self.top.kind = _AFTER
        return self.after_expression(match)

    def after_expression(self, match: re.Match[bytes]) -> int:
        token = match.group()
        field_found = self.top.field
        if token == b"}":
            return self.end_field(match.end())
        if token in (b":", b":="):
            self.top.kind = _SPEC
            return match.start() + 1
        if token == b"!" and field_found is not None:
            conversion = self.data[match.end() : match.end() + 1]
            if conversion.isalpha():
                field_found.conversion = conversion[0]
                return match.end() + 1
        return match.end()  # `=`, or anything libcst will refuse

    def end_field(self, position: int) -> int:
        level = self.pop()
        if level.field is not None:
            level.field.end = position
            if level.field.expression.start < 0:
                self.complete = False  # `{}`: libcst refuses it
        self.separate()  # fields are read one by one
        return position


def _ends_expression(match: re.Match[bytes]) -> bool:
    """At a replacement field's top level: `=` (debug), `!` (conversion), `:` (spec), `}`."""
    return match.group() in (b"!", b":", b":=", b"=", b"}")
