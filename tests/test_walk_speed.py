"""The per-file pass's shortcuts (issue 15) give what the plain ways give: each is checked against the slower
computation it replaces, on small cases written to hit its edges and on real modules of Django."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import django
import pytest

from django_protolint.source.bindings import module_bindings
from django_protolint.source.facts import Span, pack_positions
from django_protolint.source.positions import LinePositions
from django_protolint.source.record_calls import pack_two_spans
from django_protolint.source.scopes import LOCAL, Binding, Frame, ScopeStack

DJANGO = Path(django.__file__).resolve().parent
MODULES = [
    "conf/locale/fr/formats.py",
    "utils/autoreload.py",
    "test/utils.py",
    "db/models/query.py",
    "apps/registry.py",
]


def test_two_spans_pack_as_pack_positions_packs_them():
    chosen = random.Random(15)
    for _ in range(2000):
        numbers = [chosen.choice((0, 1, chosen.randrange(1 << 20), chosen.randrange(1 << 34))) for _ in range(8)]
        assert pack_two_spans(*numbers) == pack_positions(Span(*numbers[:4]), Span(*numbers[4:]))


@pytest.mark.parametrize(
    "source",
    [
        "x = 'é'\nｇｌｏｂａｌｓ()['y'] = 1\n",  # an identifier the parser normalises
        "café = 1\nimport ｓｙｓ\nｓｙｓ.ｍｏｄｕｌｅｓ[__name__].x = 2\n",
        "def f():\n    global ｎａｍｅ\n    ｎａｍｅ = 'ü'\n",  # a keyword is never normalised
        "'''Documentation en français: les modules globaux.'''\nA = 1\n",  # the words in prose: walked, nothing found
        "s = 'naïve'\nB = [c for c in s]\n",
    ],
    ids=["fullwidth-globals", "fullwidth-sys-modules", "global-of-a-fullwidth-name", "prose", "no-words"],
)
def test_a_non_ascii_module_binds_what_a_walk_of_its_whole_tree_finds(source):
    tree = ast.parse(source)
    assert module_bindings(tree, source) == module_bindings(tree)  # without the text: every node is walked


@pytest.mark.parametrize("name", MODULES)
def test_django_modules_bind_what_a_walk_of_their_whole_tree_finds(name):
    source = (DJANGO / name).read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert module_bindings(tree, source) == module_bindings(tree)


def _lookup_frame_by_frame(frames: list[Frame], name: str) -> Binding | None:
    """Python's rule as ScopeStack first wrote it: innermost first, class bodies skipped unless innermost."""
    for frame in reversed(frames):
        if frame.kind == "class" and frame is not frames[-1]:
            continue
        if (binding := frame.bindings.get(name)) is not None:
            return binding
    return None


def test_lookup_skips_enclosing_class_bodies_as_python_does():
    chosen = random.Random(8)
    names = ["a", "b", "c", "d"]
    for _ in range(200):
        stack = ScopeStack(Frame(kind="module", qualname=None))
        for _ in range(30):
            if len(stack.frames) > 1 and chosen.random() < 0.3:
                stack.pop()
            elif chosen.random() < 0.4:
                stack.push(Frame(kind=chosen.choice(("class", "function", "lambda")), qualname="q"))
            else:
                stack.bind(chosen.choice(names), Binding(LOCAL, str(chosen.random())))
            for name in names:
                assert stack.lookup(name) is _lookup_frame_by_frame(stack.frames, name)


@pytest.mark.parametrize("source", ["x = f(a.b, 'é')\nclass Ü:\n    y = g('ß')\n", "a = b(c)\r\nd = e[f]\r\n"])
def test_numbers_are_the_span(source):
    positions = LinePositions(source)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.expr, ast.stmt)):
            span = positions.span(node)
            assert type(span) is Span
            assert span == Span(*positions.numbers(node))
            line, end_line = node.lineno, node.end_lineno or node.lineno
            assert span == (line, positions.column(line, node.col_offset), end_line,
                            positions.column(end_line, node.end_col_offset or 0))  # fmt: skip
