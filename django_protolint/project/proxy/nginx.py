"""nginx configuration → routes: each `location` of each `server` block, with the addresses it passes to.

Read with a small tokenizer of our own rather than crossplane (nginxinc/crossplane, the kept parser on PyPI):
crossplane opens the files itself (`crossplane.parse(path)` follows `include` on disk), and the project pass
reads nothing from the disk; it also checks every directive against the modules it knows, so a template
(`listen ${NGINX_PORT};`, `{{ server_name }}`) or a third-party module's directive becomes an error instead of
a value we can mark unknown. nginx's syntax is small: words, quoted strings, `;`, blocks, `#` comments and
`${var}` (src/core/ngx_conf_file.c, ngx_conf_read_token). `include` is resolved among the project's files.

How a request picks its location (nginx.org/en/docs/http/ngx_http_core_module.html#location) is in
project/proxy/join.py; here we only record each location's modifier and pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django_protolint.knowledge.nginx import PACKAGED_INCLUDES, SERVER_INCLUDES
from django_protolint.project.proxy.base import (
    EXACT,
    PREFIX,
    PREFIX_STOP,
    REGEX,
    REGEX_ICASE,
    Lookup,
    Route,
    Target,
    parse_address,
    strip_scheme,
)

_MODIFIERS = {"=": EXACT, "^~": PREFIX_STOP, "~": REGEX, "~*": REGEX_ICASE}
_PASSES = ("proxy_pass", "uwsgi_pass", "grpc_pass", "scgi_pass")
_DEFAULT_PORTS = {"http": 80, "https": 443, "grpc": 80, "grpcs": 443}
MAX_INCLUDE_DEPTH = 8

# Content that only nginx configuration has: a `server`/`location`/`upstream` block or a *_pass directive.
_NGINX = re.compile(r"(^|[;{}])\s*(location\s+[^;{]*\{|upstream\s+[\w.-]+\s*\{|(proxy|uwsgi)_pass\s)", re.M)


def looks_like_nginx(text: str) -> bool:
    return bool(_NGINX.search(text))


@dataclass(frozen=True)
class Directive:
    name: str
    args: tuple[str, ...]
    path: str
    line: int
    block: tuple[Directive, ...] | None = None


def tokens(text: str) -> Iterator[tuple[str, int, bool]]:
    """(token, line, quoted); `;`, `{` and `}` are tokens of their own unless quoted."""
    index, line, size = 0, 1, len(text)
    while index < size:
        char = text[index]
        if char == "\n":
            line += 1
            index += 1
        elif char.isspace():
            index += 1
        elif char == "#":
            while index < size and text[index] != "\n":
                index += 1
        elif char in ";{}":
            yield char, line, False
            index += 1
        elif char in "\"'":
            start_line, index, value = line, index + 1, []
            while index < size and text[index] != char:
                if text[index] == "\\" and index + 1 < size:
                    index += 1
                line += text[index] == "\n"
                value.append(text[index])
                index += 1
            index += 1
            yield "".join(value), start_line, True
        else:
            start, start_line = index, line
            while index < size and not text[index].isspace() and text[index] not in ";{}\"'":
                if text[index] == "$" and index + 1 < size and text[index + 1] == "{":  # `${var}` is one word
                    closing = text.find("}", index)
                    index = closing + 1 if closing != -1 else size
                    continue
                index += 1
            yield text[start:index], start_line, False


def parse(path: str, text: str, lookup: Lookup | None = None, depth: int = 0,
          seen: frozenset[str] = frozenset()) -> tuple[Directive, ...]:  # fmt: skip
    """The directives of a file, `include`s spliced in; an unbalanced brace closes or ends what it can."""
    stack: list[tuple[list[Directive], tuple[str, tuple[str, ...], int] | None]] = [([], None)]
    words: list[tuple[str, int]] = []
    for token, line, quoted in tokens(text):
        if quoted or token not in ";{}":
            words.append((token, line))
            continue
        if token == ";":
            if words:
                directive = Directive(words[0][0], tuple(w for w, _ in words[1:]), path, words[0][1])
                stack[-1][0].extend(_included(directive, lookup, depth, seen | {path}))
            words = []
        elif token == "{":
            head = (words[0][0], tuple(w for w, _ in words[1:]), words[0][1]) if words else ("", (), line)
            stack.append(([], head))
            words = []
        else:  # "}"
            words = []
            if len(stack) == 1:
                continue  # a stray `}`: nothing to close
            children, opened = stack.pop()
            assert opened is not None
            stack[-1][0].append(Directive(opened[0], opened[1], path, opened[2], tuple(children)))
    while len(stack) > 1:  # unclosed blocks at the end of the file
        children, opened = stack.pop()
        assert opened is not None
        stack[-1][0].append(Directive(opened[0], opened[1], path, opened[2], tuple(children)))
    return tuple(stack[0][0])


def _included(directive: Directive, lookup: Lookup | None, depth: int, seen: frozenset[str]) -> list[Directive]:
    if directive.name != "include" or not directive.args or lookup is None or depth >= MAX_INCLUDE_DEPTH:
        return [directive]
    spliced: list[Directive] = []
    for path, text in lookup(directive.args[0], directive.path):
        if path not in seen:
            spliced.extend(parse(path, text, lookup, depth + 1, seen))
    return spliced or [directive]


def included_paths(directives: tuple[Directive, ...], lookup: Lookup) -> set[str]:
    """The files other files include: they are read in place, not as configurations of their own."""
    found: set[str] = set()
    for directive in _walk(directives):
        if directive.name == "include" and directive.args:
            found.update(path for path, _ in lookup(directive.args[0], directive.path))
    return found


def _walk(directives: tuple[Directive, ...]) -> Iterator[Directive]:
    for directive in directives:
        yield directive
        if directive.block:
            yield from _walk(directive.block)


def upstreams(directives: tuple[Directive, ...]) -> dict[str, tuple[Target, ...]]:
    """`upstream NAME { server ADDRESS ...; }` → NAME: its addresses (a name without port means port 80)."""
    found: dict[str, tuple[Target, ...]] = {}
    for directive in _walk(directives):
        if directive.name == "upstream" and directive.args and directive.block is not None:
            found[directive.args[0]] = tuple(
                parse_address(child.args[0], 80) for child in directive.block if child.name == "server" and child.args
            )
    return found


Levels = tuple[tuple[Directive, ...], ...]  # the blocks around a directive, outermost first, its own last


def routes(path: str, directives: tuple[Directive, ...], upstream_table: dict[str, tuple[Target, ...]]) -> list[Route]:
    """One route per `location`; `server` blocks are the groups (a file of bare locations is one group)."""
    found: list[Route] = []
    servers = list(_servers(directives, ()))
    blocks = [(f"{d.path}:{d.line}", d.block, levels) for levels, d in servers if d.block is not None]
    if not servers:
        blocks = [(path, directives, ())]
    for group, block, outer in blocks:
        named = {d.args[0]: d for d in block if d.name == "location" and d.args and d.args[0].startswith("@")}
        for location, levels in _locations(block, (*outer, block)):
            modifier, pattern = _location_pattern(location.args)
            if pattern is None or pattern.startswith("@"):
                continue
            targets, via = _targets(location, named, upstream_table)
            upgrade, note = _passes_upgrade(location, levels, named, (*outer, block))
            found.append(Route("nginx", modifier, pattern, targets, via, location.path, location.line, group,
                               _rewrites(location), upgrade, note))  # fmt: skip
    return found


def _servers(block: tuple[Directive, ...], outer: Levels) -> Iterator[tuple[Levels, Directive]]:
    """Each `server` block with the levels around it (the file's top, `http`), whose settings it inherits."""
    for directive in block:
        if directive.block is None or directive.name == "location":
            continue
        if directive.name == "server":
            yield (*outer, block), directive
        else:
            yield from _servers(directive.block, (*outer, block))


def _locations(block: tuple[Directive, ...], levels: Levels) -> Iterator[tuple[Directive, Levels]]:
    for directive in block:
        if directive.name == "location" and directive.block is not None:
            yield directive, (*levels, directive.block)
            # nested locations: more specific, listed alongside, inheriting from this one
            yield from _locations(directive.block, (*levels, directive.block))


# ----------------------------------------------------------------------------- websocket upgrade headers


def _passes_upgrade(location: Directive, levels: Levels, named: dict[str, Directive],
                    server_levels: Levels) -> tuple[bool | None, str]:  # fmt: skip
    """Whether a websocket handshake proxied by this location keeps its `Upgrade` and `Connection: upgrade`
    headers (knowledge/nginx.py): None when it does not `proxy_pass` or an include we cannot read may set them."""
    own = [d for d in _own_directives(location) if d.name == "proxy_pass"]
    if not own:
        fallback = next((named[d.args[-1]] for d in _own_directives(location)
                         if d.name in ("try_files", "error_page") and d.args and d.args[-1] in named), None)  # fmt: skip
        if fallback is None or fallback.block is None:
            return None, ""
        if not any(d.name == "proxy_pass" for d in _own_directives(fallback)):
            return None, ""
        levels = (*server_levels, fallback.block)  # the named location handles the request
    for depth in range(len(levels) - 1, -1, -1):
        headers = _proxy_headers(levels[depth])
        if headers is None:
            return None, ""  # an include we do not hold may set anything
        if headers:
            kept, note = _upgrade_kept(headers)
            outer = [_proxy_headers(level) for level in levels[:depth]]
            if not kept and any(h is not None and _upgrade_kept(h)[0] for h in outer):
                note += (
                    "; this block's own `proxy_set_header` lines replace those of the blocks around it, which set them"
                )
            return kept, note
    return False, "no `proxy_set_header` sets them (nginx drops `Upgrade` and sends `Connection: close`)"


def _proxy_headers(level: tuple[Directive, ...]) -> dict[str, str] | None:
    """The `proxy_set_header` fields one level sets (lowercased field: value), None when it includes a file we
    do not hold that may set some. An include found in the project was spliced in by `parse`."""
    headers: dict[str, str] = {}
    for directive in level:
        if directive.name == "proxy_set_header" and len(directive.args) >= 2:
            headers[directive.args[0].lower()] = directive.args[1]
        elif directive.name == "include" and directive.args:
            target = directive.args[0]
            if any(marker in target for marker in SERVER_INCLUDES):
                continue
            packaged = next((fields for name, (fields, _) in PACKAGED_INCLUDES.items()
                             if target == name or target.endswith("/" + name)), None)  # fmt: skip
            if packaged is None:
                return None
            headers.update({field: "(as packaged)" for field in packaged if field not in headers})
    return headers


def _upgrade_kept(headers: dict[str, str]) -> tuple[bool, str]:
    upgrade, connection = headers.get("upgrade", ""), headers.get("connection")
    # `Connection` set from a variable (`$connection_upgrade` of a `map $http_upgrade`) may well say upgrade
    connection_ok = connection is not None and ("upgrade" in connection.lower() or "$" in connection)
    if upgrade and connection_ok:
        return True, ""
    if not upgrade and not connection_ok:
        return False, "no `proxy_set_header` line that applies here sets `Upgrade` or `Connection: upgrade`"
    if not upgrade:
        return False, "no `proxy_set_header` line that applies here sets `Upgrade`"
    return False, "no `proxy_set_header` line that applies here sets `Connection: upgrade` (nginx sends `close`)"


def _location_pattern(args: tuple[str, ...]) -> tuple[str, str | None]:
    if len(args) >= 2 and args[0] in _MODIFIERS:
        return _MODIFIERS[args[0]], args[1]
    if len(args) == 1:
        for mark in ("^~", "~*", "=", "~"):  # `location =/` and `location ~^/x`: the modifier written attached
            if args[0].startswith(mark) and len(args[0]) > len(mark):
                return _MODIFIERS[mark], args[0][len(mark) :]
        return PREFIX, args[0]
    return PREFIX, None


def _targets(location: Directive, named: dict[str, Directive],
             upstream_table: dict[str, tuple[Target, ...]]) -> tuple[tuple[Target, ...], str]:  # fmt: skip
    """Every address the location may pass to: its own *_pass directives (those inside `if` too: any one of
    them may serve the request) and, through `try_files ... @name`, those of a named location."""
    targets: list[Target] = []
    via = ""
    for directive in _own_directives(location):
        if directive.name in _PASSES and directive.args:
            via = via or directive.name
            targets.extend(_pass_targets(directive.name, directive.args[0], upstream_table))
        elif directive.name in ("try_files", "error_page") and directive.args and directive.args[-1] in named:
            inner = named[directive.args[-1]]
            for child in _own_directives(inner):
                if child.name in _PASSES and child.args:
                    via = via or f"{child.name} (via {inner.args[0]})"
                    targets.extend(_pass_targets(child.name, child.args[0], upstream_table))
    return tuple(dict.fromkeys(targets)), via


def _rewrites(location: Directive) -> bool:
    """`proxy_pass http://app/;` (a URI after the address replaces the location's prefix) or `rewrite`."""
    for directive in _own_directives(location):
        if directive.name == "rewrite":
            return True
        if directive.name == "proxy_pass" and directive.args and "://" in directive.args[0]:
            address = directive.args[0].split("://", 1)[1]
            if address.startswith("unix:"):
                address = address.removeprefix("unix:").split(":", 1)[-1] if address.count(":") > 1 else ""
            if "/" in address:
                return True
    return False


def _own_directives(location: Directive) -> Iterator[Directive]:
    """The location's directives and those of its `if` blocks, not those of nested locations."""
    for directive in location.block or ():
        if directive.name == "if" and directive.block is not None:
            yield from directive.block
        elif directive.name != "location":
            yield directive


def _pass_targets(name: str, value: str, upstream_table: dict[str, tuple[Target, ...]]) -> tuple[Target, ...]:
    scheme, address = strip_scheme(value)
    if address in upstream_table:
        return upstream_table[address]
    if name == "proxy_pass" and not scheme:
        return (Target(value),)  # `proxy_pass $backend`: chosen at run time
    default = _DEFAULT_PORTS.get(scheme) if name in ("proxy_pass", "grpc_pass") else None
    return (parse_address(address, default),)


def read_nginx(path: str, text: str, lookup: Lookup, upstream_table: dict[str, tuple[Target, ...]]) -> list[Route]:
    try:
        directives = parse(path, text, lookup)
    except RecursionError:
        return []
    table = {**upstream_table, **upstreams(directives)}  # the file's own upstreams first
    return routes(path, directives, table)
