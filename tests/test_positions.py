"""Our byte-span positions are libcst's PositionProvider positions, for every node, whatever the line endings."""

from __future__ import annotations

from pathlib import Path

import django
import libcst as cst
import pytest
from libcst.metadata import ByteSpanPositionProvider, MetadataWrapper, PositionProvider

from django_protolint.source.visitor import LinePositions

DJANGO = Path(django.__file__).resolve().parent
SAMPLES = ["shortcuts.py", "conf/locale/fr/formats.py", "db/models/query.py", "utils/text.py"]
EXTRA = {
    "crlf": "def f(x):\r\n    return 'é' + x\r\n\r\nclass A:\r\n    y = f('ü')\r\n",
    "lone-cr": "a = 1\rb = 'ß'\rdef g():\r    return a\r",
    "tabs": "def f():\n\tif True:\n\t\treturn 'x'\n",
}


@pytest.mark.parametrize("source", [(DJANGO / name).read_text(encoding="utf-8") for name in SAMPLES]
                         + list(EXTRA.values()), ids=SAMPLES + list(EXTRA))  # fmt: skip
def test_byte_spans_convert_to_libcst_positions(source):
    wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
    expected = wrapper.resolve(PositionProvider)
    spans = wrapper.resolve(ByteSpanPositionProvider)
    positions = LinePositions(source)
    for node, code_range in expected.items():
        span = spans[node]
        assert positions.at(span.start) == (code_range.start.line, code_range.start.column), node
        assert positions.at(span.start + span.length) == (code_range.end.line, code_range.end.column), node
