"""Positions are characters, as editors count them: `ast` counts UTF-8 bytes, and the visitor converts.

Checked node by node against `ast.get_source_segment` (which slices by bytes itself), on real files with non-ASCII
text and on every kind of line ending: the text our span covers, sliced by characters, must be the node's source.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import django
import pytest

from django_protolint.source.facts import Span
from django_protolint.source.visitor import FactsVisitor

DJANGO = Path(django.__file__).resolve().parent
SAMPLES = ["shortcuts.py", "conf/locale/fr/formats.py", "db/models/query.py", "utils/text.py"]
EXTRA = {
    "crlf": "def f(x):\r\n    return 'é' + x\r\n\r\nclass A:\r\n    y = f('ü')\r\n",
    "lone-cr": "a = 1\rb = 'ß'\rdef g():\r    return a\r",
    "tabs": "def f():\n\tif True:\n\t\treturn 'x'\n",
    "wide-characters": "s = '日本語'; t = len(s) + f('😀', 'x')\nasync def ünïcode(ß):\n    await ß.über('€')\n",
    "form-feed": "x = 1\n\x0cdef f():\n    return 'é'\n",
}


def _slice(source: str, span: Span) -> str:
    lines = re.split(r"\r\n|\r|\n", source)
    if span.line == span.end_line:
        return lines[span.line - 1][span.column : span.end_column]
    middle = lines[span.line : span.end_line - 1]
    return "\n".join([lines[span.line - 1][span.column :], *middle, lines[span.end_line - 1][: span.end_column]])


def _normalised(text: str) -> str:
    return re.sub(r"\r\n|\r", "\n", text)


@pytest.mark.parametrize("source", [(DJANGO / name).read_text(encoding="utf-8") for name in SAMPLES]
                         + list(EXTRA.values()), ids=SAMPLES + list(EXTRA))  # fmt: skip
def test_spans_cover_each_node_in_characters(source):
    visitor = FactsVisitor("sample", False, source)
    nodes = [node for node in ast.walk(ast.parse(source)) if isinstance(node, (ast.expr, ast.stmt))]
    lines = re.split(r"\r\n|\r|\n", source)
    # get_source_segment splits the whole file on every call: every non-ASCII line's nodes, and a sample of the rest.
    stride = max(1, len(nodes) // 500)
    checked = 0
    for index, node in enumerate(nodes):
        if index % stride == 0 or not lines[node.lineno - 1].isascii():
            assert _slice(source, visitor.span(node)) == _normalised(ast.get_source_segment(source, node)), node
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("source", [(DJANGO / name).read_text(encoding="utf-8") for name in SAMPLES]
                         + list(EXTRA.values()), ids=SAMPLES + list(EXTRA))  # fmt: skip
def test_name_spans_cover_the_name(source):
    """`ast` gives no position for a definition's name or an attribute's name; the visitor finds them."""
    visitor = FactsVisitor("sample", False, source)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            assert _slice(source, visitor.name_span(node)) == node.name
        elif isinstance(node, ast.Attribute):
            assert _slice(source, visitor.attribute_span(node)) == node.attr


def test_a_name_after_a_line_continuation_falls_back_to_the_definition():
    source = "def \\\n    f():\n    pass\n"
    node = ast.parse(source).body[0]
    assert FactsVisitor("m", False, source).name_span(node) == Span(1, 0, 1, 0)
