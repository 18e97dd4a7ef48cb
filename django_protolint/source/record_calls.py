"""Every call, with what it calls and how its result is used: the facts most rules start from (CallFact)."""

from __future__ import annotations

import ast
from sys import intern

from django_protolint.source.facts import CallFact
from django_protolint.source.static import dotted
from django_protolint.source.walk import Walk, on_enter


@on_enter(ast.Call)
def record_call(walk: Walk, node: ast.Call) -> None:
    func = node.func
    callee = walk.callee
    argument = node.args[0] if node.args else None
    referenced = argument if isinstance(argument, (ast.Name, ast.Attribute)) else None
    argument_name = walk.resolve_name(referenced) if referenced is not None else None
    numbers = walk.positions.numbers
    key = id(node)
    walk.found["calls"].append(
        CallFact(
            # Interned: a file calls the same few names over and over, and pickle writes a shared string once.
            callee=intern(callee) if callee is not None else None,
            text=intern(dotted(func)),
            scope=walk.scope(),
            awaited=key in walk.awaited,
            discarded=key in walk.discarded,
            entered=key in walk.entered,
            chained=key in walk.chained,
            positions=pack_two_spans(*numbers(node), *numbers(func)),
            argument=intern(argument_name) if argument_name is not None else None,
            argument_text=intern(dotted(referenced)) if referenced is not None else None,
            in_generator=walk.in_generator(),
        )
    )


_FIELD = 0xFFFFFFFF


def pack_two_spans(line: int, column: int, end_line: int, end_column: int,
                   callee_line: int, callee_column: int, callee_end_line: int, callee_end_column: int) -> int:  # fmt: skip
    """`facts.pack_positions(call_span, callee_span)` written out for two spans: the generator it runs was a fifth
    of recording a call (tests/test_walk_speed.py checks that the two agree)."""
    return (
        (line & _FIELD)
        | (column & _FIELD) << 32
        | (end_line & _FIELD) << 64
        | (end_column & _FIELD) << 96
        | (callee_line & _FIELD) << 128
        | (callee_column & _FIELD) << 160
        | (callee_end_line & _FIELD) << 192
        | (callee_end_column & _FIELD) << 224
    )
