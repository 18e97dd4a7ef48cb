"""Bytes to text, the way Python itself reads a source file (PEP 263 cookie, UTF-8 BOM), with a clear reason when it cannot."""

from __future__ import annotations

import codecs
import io
import tokenize


class UndecodableSource(Exception):
    """The file is not Python text; the message says why in words a user can act on."""


def decode_source(data: bytes) -> str:
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise UndecodableSource(f"contains a NUL byte (line {line}); this is not a Python source file")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise UndecodableSource(f"has an invalid encoding declaration: {error.msg}") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UndecodableSource(
            f"is not valid {encoding} (byte 0x{data[error.start]:02x} on line {line}); "
            "if it uses another encoding, declare it with a `# -*- coding: <name> -*-` line"
        ) from None
    except LookupError:
        raise UndecodableSource(f"declares an unknown encoding {encoding!r}") from None
    if text.startswith(codecs.BOM_UTF8.decode("utf-8")):
        text = text[1:]
    return text
