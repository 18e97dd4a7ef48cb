"""Reviewed claims about the fixture projects under fixtures/: what a reader of each fixture's files says its
JSON project record (`django-protolint report --format json`, `projects[]`) must hold, and why.

Each claim was written by reading the fixture, not by copying the tool's output. `wrong=` marks a claim the tool
still gets wrong: the claim holds the right value, and the test is a strict xfail that passes the day it is fixed.

A field is a path into one project record: keys and list indexes separated by dots, `*` for every item of a list,
`[key=value]` for the one item of a list whose `key` is `value`, and a last `(a,b,...)` that picks several
keys as a tuple: `verdict.servers.*.(name,protocol,worker,path,line)`, `views.async_views.[view=a.views.B].kind`.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Claim:
    field: str
    value: Any
    why: str
    root: str = "."
    ordered: bool = False  # a list value is compared as a multiset unless its order is part of the claim
    wrong: str | None = None  # what the tool says instead, and why that is wrong

    def holds_for(self, actual: Any) -> bool:
        if isinstance(self.value, list) and not self.ordered and isinstance(actual, list):
            return sorted(map(repr, _plain(actual))) == sorted(map(repr, _plain(self.value)))
        return _plain(actual) == _plain(self.value)


def pick(record: Any, field: str) -> Any:
    """The value at `field` (see the module docstring) in a JSON record."""
    return _pick(record, _SEGMENT.findall(field))


_SEGMENT = re.compile(r"\[[^\]]*\]|[^.]+")


def _pick(record: Any, segments: list[str]) -> Any:
    if not segments:
        return record
    head, rest = segments[0], segments[1:]
    if head == "*":
        return [_pick(item, rest) for item in record]
    if head.startswith("["):
        key, _, wanted = head[1:-1].partition("=")
        [item] = [item for item in record if str(item[key]) == wanted]
        return _pick(item, rest)
    if head.startswith("("):
        return tuple(record[key.strip()] for key in head[1:-1].split(","))
    return _pick(record[int(head)] if head.isdigit() else record[head], rest)


def _plain(value: Any) -> Any:
    """Tuples and lists alike (JSON has only lists; a claim may write a tuple)."""
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def claims_of(fixture: str) -> list[Claim]:
    """The reviewed claims about fixtures/<fixture>, from tests/claims/<fixture>.py."""
    return importlib.import_module(f"tests.claims.{fixture}").CLAIMS


def claimed(fixture: str, field: str, root: str = ".") -> Claim:
    [claim] = [claim for claim in claims_of(fixture) if claim.field == field and claim.root == root]
    return claim
