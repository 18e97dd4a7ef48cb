"""HAProxy configuration → routes (docs.haproxy.org/2.8/configuration.html, sections 4 and 7).

A `frontend` (or `listen`) picks its backend by `use_backend NAME if ACL...` rules in order, the first whose
condition holds, else `default_backend`. ACLs on the path (`path_beg`, `path`, `path_reg`, also as
`acl x path -m beg /ws`) become routes tried in file order, which is how join.py tries regular expressions;
`default_backend` is the `/` prefix it falls back to. A condition on anything else (`hdr(Upgrade)`), a negation
or an `or` makes the frontend's choice unsure. `server NAME ADDRESS` lines of the backend are the targets.
"""

from __future__ import annotations

import re
import shlex

from django_protolint.project.proxy.base import EXACT, OTHER, PREFIX, REGEX, Route, Target, parse_address

_SECTIONS = ("global", "defaults", "frontend", "backend", "listen", "resolvers", "peers", "userlist", "program",
             "mailers", "cache", "http-errors", "ring")  # fmt: skip


def looks_like_haproxy(text: str) -> bool:
    return bool(
        re.search(r"^\s*(frontend|listen)\s+\S+", text, re.M)
        and re.search(
            r"^\s*(use_|default_)backend\s|"
            r"^\s*server\s+\S+\s+\S+",
            text,
            re.M,
        )
    )


def _sections(text: str) -> list[tuple[str, str, int, list[tuple[int, list[str]]]]]:
    sections: list[tuple[str, str, int, list[tuple[int, list[str]]]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            words = shlex.split(raw, comments=True)
        except ValueError:
            continue
        if not words:
            continue
        if words[0] in _SECTIONS and not raw[:1].isspace():
            sections.append((words[0], words[1] if len(words) > 1 else "", number, []))
        elif sections:
            sections[-1][3].append((number, words))
    return sections


def _acl_pattern(words: list[str]) -> tuple[str, str] | None:
    """`path_beg /ws` → (REGEX, "^/ws"); None for a condition that is not on the path alone."""
    if not words:
        return None
    fetch, values = words[0], [w for w in words[1:] if not w.startswith("-")]
    if fetch == "path" and "-m" in words:
        method = words[words.index("-m") + 1] if words.index("-m") + 1 < len(words) else ""
        values = [w for w in words[1:] if w not in ("-m", method) and not w.startswith("-")]
        fetch = {"beg": "path_beg", "str": "path", "reg": "path_reg"}.get(method, "")
    if len(values) != 1:
        return None
    value = values[0]
    if fetch == "path_beg":
        return REGEX, "^" + re.escape(value)
    if fetch == "path":
        return EXACT, value
    if fetch == "path_reg":
        return REGEX, value
    return None


def read_haproxy(path: str, text: str) -> list[Route]:
    sections = _sections(text)
    backends: dict[str, tuple[Target, ...]] = {}
    for kind, name, _, lines in sections:
        if kind in ("backend", "listen"):
            backends[name] = tuple(parse_address(words[2]) for _, words in lines if words[0] == "server" and
                                   len(words) > 2)  # fmt: skip
    found: list[Route] = []
    for kind, name, start, lines in sections:
        if kind not in ("frontend", "listen"):
            continue
        group = f"{path}:{start}"
        acls: dict[str, tuple[str, str] | None] = {}
        for number, words in lines:
            if words[0] == "acl" and len(words) > 2:
                acls[words[1]] = _acl_pattern(words[2:])
            elif words[0] == "use_backend" and len(words) > 1:
                condition = words[3:] if len(words) > 3 and words[2] in ("if", "unless") else []
                pattern = acls.get(condition[0]) if len(condition) == 1 and words[2] == "if" else None
                match, value = pattern if pattern is not None else (OTHER, " ".join(words[2:]))
                found.append(Route("haproxy", match, value, backends.get(words[1], ()), f"use_backend {words[1]}",
                                   path, number, group))  # fmt: skip
            elif words[0] == "default_backend" and len(words) > 1:
                found.append(Route("haproxy", PREFIX, "/", backends.get(words[1], ()), f"default_backend {words[1]}",
                                   path, number, group))  # fmt: skip
        if kind == "listen" and backends.get(name) and not any(r.group == group for r in found):
            found.append(Route("haproxy", PREFIX, "/", backends[name], f"listen {name}", path, start, group))
    return found
