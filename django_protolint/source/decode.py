"""Bytes to text, the way Python itself reads a source file (PEP 263 cookie, UTF-8 BOM), with a clear reason when it cannot."""

from __future__ import annotations

import codecs
import io
import tokenize


class UndecodableSource(Exception):
    """The file is not Python text; the message says why in words a user can act on."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line  # where the finding points, so an editor jumps to the offending byte


# Windows tools (PowerShell's `>`, Notepad's "Unicode") save UTF-16; Python cannot read it, and the NUL bytes it is
# full of would otherwise hide the real reason.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"),
              (codecs.BOM_UTF16_BE, "UTF-16"))  # fmt: skip


def decode_source(data: bytes) -> str:
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            raise UndecodableSource(f"is encoded as {name}; Python reads source files as UTF-8")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise UndecodableSource(f"contains a NUL byte (line {line}); this is not a Python source file", line)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if not error.msg.startswith("invalid or missing encoding declaration"):
            raise UndecodableSource(f"has an invalid encoding declaration: {error.msg}") from None
        # tokenize says this when line 1 or 2 is not UTF-8 and declares no encoding: decoding as UTF-8 below
        # names the byte and the line instead.
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UndecodableSource(
            f"is not valid {encoding} (byte 0x{data[error.start]:02x} on line {line}); "
            "if it uses another encoding, declare it with a `# -*- coding: <name> -*-` line",
            line,
        ) from None
    except LookupError:
        raise UndecodableSource(f"declares an unknown encoding {encoding!r}") from None
    if text.startswith(codecs.BOM_UTF8.decode("utf-8")):
        text = text[1:]
    return text
