"""Caddyfile → routes: `reverse_proxy [matcher] upstreams...` in a site block, alone or inside `handle`,
`handle_path` or `route` blocks (caddyserver.com/docs/caddyfile/concepts, /directives/reverse_proxy).

Path matchers: `/ws/*` is a prefix, `/ws` is exact, none (or `*`) matches every path. A named matcher (`@ws path
/ws/*`) stands for its paths; one that tests anything else (`header Upgrade websocket`) makes the site's choice
unsure. Upstreams: `web:8000`, `http://web:8000`, `unix//run/app.sock`; `{$VAR}` placeholders are unknown.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from django_protolint.project.proxy.base import EXACT, OTHER, PREFIX, Route, Target, parse_address, strip_scheme

_BLOCKS = ("handle", "handle_path", "route")


@dataclass(frozen=True)
class _Line:
    words: tuple[str, ...]
    line: int
    block: tuple[_Line, ...] | None = None


def _words(text: str) -> list[str] | None:
    try:
        lexer = shlex.shlex(text, posix=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        return list(lexer)
    except ValueError:
        return None


def parse(text: str) -> tuple[_Line, ...]:
    stack: list[tuple[list[_Line], tuple[tuple[str, ...], int] | None]] = [([], None)]
    for number, raw in enumerate(text.splitlines(), start=1):
        words = _words(raw)
        if not words:
            continue
        if words == ["}"]:
            if len(stack) > 1:
                children, head = stack.pop()
                assert head is not None
                stack[-1][0].append(_Line(head[0], head[1], tuple(children)))
            continue
        if words[-1] == "{":
            stack.append(([], (tuple(words[:-1]), number)))
        elif words[-1] == "{}":
            stack[-1][0].append(_Line(tuple(words[:-1]), number, ()))
        else:
            stack[-1][0].append(_Line(tuple(words), number))
    while len(stack) > 1:
        children, head = stack.pop()
        assert head is not None
        stack[-1][0].append(_Line(head[0], head[1], tuple(children)))
    return tuple(stack[0][0])


def _sites(lines: tuple[_Line, ...]) -> Iterator[tuple[int, tuple[_Line, ...]]]:
    loose: list[_Line] = []
    for line in lines:
        if (
            line.block is not None
            and line.words
            and not line.words[0].startswith(("@", "("))
            and (line.words[0] not in (*_BLOCKS, "reverse_proxy"))
        ):
            yield line.line, line.block
        elif line.block is None or line.words:
            loose.append(line)  # a Caddyfile of one site may leave out its braces
    if loose:
        yield loose[0].line, tuple(loose)


def _matchers(site: tuple[_Line, ...]) -> dict[str, list[str] | None]:
    """Named matcher → its path patterns, or None when it tests more than the path."""
    found: dict[str, list[str] | None] = {}
    for line in site:
        if not line.words or not line.words[0].startswith("@"):
            continue
        conditions = [line.words[1:]] if len(line.words) > 1 else [child.words for child in line.block or ()]
        paths: list[str] | None = []
        for condition in conditions:
            if condition and condition[0] == "path" and paths is not None:
                paths.extend(condition[1:])
            else:
                paths = None
        found[line.words[0]] = paths
    return found


def _patterns(matcher: str | None, named: dict[str, list[str] | None]) -> list[tuple[str, str]]:
    if matcher is None or matcher == "*":
        return [(PREFIX, "/")]
    if matcher.startswith("@"):
        paths = named.get(matcher)
        return [(OTHER, matcher)] if paths is None else [p for path in paths for p in _patterns(path, named)]
    if "*" in matcher[:-1]:
        return [(OTHER, matcher)]
    return [(PREFIX, matcher[:-1])] if matcher.endswith("*") else [(EXACT, matcher)]


def _split(words: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    if words and (words[0].startswith(("/", "@")) or words[0] == "*"):
        return words[0], words[1:]
    return None, words


def _upstream(word: str) -> Target:
    if word.startswith("unix/"):
        return Target(word, socket=word.removeprefix("unix/"))
    if "{" in word:
        return Target(word)
    scheme, address = strip_scheme(word)
    return parse_address(address, 443 if scheme == "https" else 80)


def _proxied(lines: tuple[_Line, ...]) -> list[Target]:
    targets: list[Target] = []
    for line in lines:
        if line.words and line.words[0] == "reverse_proxy":
            _, upstreams = _split(line.words[1:])
            targets.extend(_upstream(word) for word in upstreams)
            targets.extend(_upstream(word) for child in line.block or () if child.words[:1] == ("to",)
                           for word in child.words[1:])  # fmt: skip
        elif line.block and line.words and line.words[0] in _BLOCKS:
            targets.extend(_proxied(line.block))
    return targets


def read_caddyfile(path: str, text: str) -> list[Route]:
    found: list[Route] = []
    for start, site in _sites(parse(text)):
        group = f"{path}:{start}"
        named = _matchers(site)
        for line in site:
            if not line.words or line.words[0] not in ("reverse_proxy", *_BLOCKS):
                continue
            matcher, _ = _split(line.words[1:])
            if line.words[0] == "reverse_proxy":
                targets = _proxied((line,))
            else:
                targets = _proxied(line.block or ())
            rewrites = line.words[0] == "handle_path" or any(
                child.words[:1] in (("uri",), ("rewrite",)) for child in line.block or ()
            )
            for match, pattern in _patterns(matcher, named):
                found.append(Route("caddy", match, pattern, tuple(dict.fromkeys(targets)), line.words[0], path,
                                   line.line, group, rewrites))  # fmt: skip
    return found
