"""The per-file pass's shortcuts (issue 15) give what the plain ways give: each is checked against the slower
computation it replaces, on small cases written to hit its edges and on real modules of Django."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import django
import pytest

from django_protolint.source import noqa, noqa_scan
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


def test_lookup_skips_enclosing_class_bodies_as_python_does_and_function_is_the_innermost():
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
            assert stack.function is (stack.frames[-1] if stack.frames[-1].is_function else None)


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


# ----------------------------------------------------------------------------- comments without tokenize

EDGES = {
    "no-final-newline": "x = f(  # noqa: DPL101\n    1)",
    "comment-last-no-newline": "x = 1 \\\n    + 2\n# noqa",
    "backslash-then-comment-line": "x = 1 + \\\n  2  # noqa\n",
    "triple-quoted-over-lines": "s = '''a # noqa\n# noqa\n'''  # noqa: DPL110\ny = 1\n",
    "escaped-quotes": "s = 'it\\'s # not' + \"\\\"# nor\"  # noqa\n",
    "string-prefixes": "a = rb'\\'  # noqa\nb = f'{x}#'  # noqa\n",
    "crlf-and-cr": "x = (1,\r\n 2)  # noqa\r\ny = 2 # noqa\rz = 3\r",
    "tabs-and-form-feed": "if x:\n\tif y:\n\t\tpass  # noqa\n\x0cz = 1\n",
    "unterminated-string": "x = 'abc # noqa\ny = 1  # noqa\n",
    "dedent-to-no-level": "if x:\n        y = 1\n    z = 2  # noqa\n# noqa\n",
    "eof-in-brackets": "x = [1,\n  2  # noqa\n",
    "eof-in-string": "x = '''\n# noqa\n",
    "stray-backslash": "x = 1 \\ + 2  # noqa\n",
    "closing-bracket-first": ")  # noqa\nx = 1\n",
    "error-characters": "x = 1 $ 2  # noqa\ny = €  # noqa\n",
    "continued-single-quote": "x = 'abc\\\ndef'  # noqa\n",
    "blank-last-line": "x = (1,\n 2)  # noqa\n   ",
    "empty": "",
}


def _django_sources() -> list[str]:
    paths = sorted(DJANGO.rglob("*.py"))
    return [path.read_text(encoding="utf-8") for path in paths[::7]]


@pytest.mark.skipif(not noqa_scan.USABLE, reason="Python 3.12+ tokenizes in C: the scanner is not used")
@pytest.mark.parametrize("source", list(EDGES.values()), ids=list(EDGES))
def test_the_scanner_reads_what_tokenize_reads_or_leaves_it_to_tokenize(source):
    scanned = noqa_scan.comments_and_statements(source)
    if scanned is not None:
        assert scanned == noqa.tokenized(source)
    assert noqa.read_noqa(source) == _read_noqa_with_tokenize(source)


@pytest.mark.skipif(not noqa_scan.USABLE, reason="Python 3.12+ tokenizes in C: the scanner is not used")
def test_the_scanner_reads_django_and_broken_copies_of_it_as_tokenize_does():
    chosen = random.Random(701)
    pieces = ["'", '"', "'''", '"""', "(", ")", "]", "{", "\\", "\\\n", "\n", "\t", "#", "# noqa", "\r", "\n  "]
    sources = _django_sources()
    read = 0
    for source in sources:
        mutants = [source]
        for _ in range(3):
            text = source[: chosen.randrange(100, 4000)]
            where = chosen.randrange(len(text) + 1)
            mutants.append(text[:where] + chosen.choice(pieces) + text[where + chosen.randrange(0, 3) :])
        for text in mutants:
            scanned = noqa_scan.comments_and_statements(text)
            if scanned is not None:
                read += 1
                assert scanned == noqa.tokenized(text)
    assert read > len(sources)  # the scanner read most of them itself


def _read_noqa_with_tokenize(text: str) -> object:
    original = noqa.comments_and_statements
    noqa.comments_and_statements = lambda text: None
    try:
        return noqa.read_noqa(text)
    finally:
        noqa.comments_and_statements = original
