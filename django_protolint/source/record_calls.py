"""Every call, with what it calls and how its result is used: the facts most rules start from (CallFact)."""

from __future__ import annotations

import ast
import sys

from django_protolint.source.facts import CallFact, pack_positions
from django_protolint.source.static import dotted
from django_protolint.source.walk import Walk, on_enter


@on_enter(ast.Call)
def record_call(walk: Walk, node: ast.Call) -> None:
    func = node.func
    callee = walk.callee
    argument = node.args[0] if node.args else None
    referenced = argument if isinstance(argument, (ast.Name, ast.Attribute)) else None
    argument_name = walk.resolve_name(referenced) if referenced is not None else None
    walk.found["calls"].append(
        CallFact(
            # Interned: a file calls the same few names over and over, and pickle writes a shared string once.
            callee=sys.intern(callee) if callee is not None else None,
            text=sys.intern(dotted(func)),
            scope=walk.scope(),
            awaited=id(node) in walk.awaited,
            discarded=id(node) in walk.discarded,
            entered=id(node) in walk.entered,
            chained=id(node) in walk.chained,
            positions=pack_positions(walk.span(node), walk.span(func)),
            argument=sys.intern(argument_name) if argument_name is not None else None,
            argument_text=sys.intern(dotted(referenced)) if referenced is not None else None,
            in_generator=walk.in_generator(),
        )
    )
