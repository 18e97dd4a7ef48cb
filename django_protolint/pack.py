"""The cache's pack of facts on disk: each file's pickled facts back to back, and a table of where each one lies.

A run reads the entries it needs one by one and writes the new pack as the facts are made, so neither the old pack
nor the new one is ever held in memory whole (at four times the benchmark corpus, the pack is 100 MB).

Layout: `MAGIC`, the table's offset (8 bytes, little-endian), the entries, then the table: a pickled dict
key -> (offset, length). A pack that does not have this shape, whole or in part, reads as empty or as missing
entries, never as an error: the cache then makes the facts again.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import BinaryIO

MAGIC = b"DPLPACK1"
_HEADER = len(MAGIC) + 8

# What a damaged or foreign table can raise while loading.
_LOAD_ERRORS = (EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError, ValueError,
                KeyError, MemoryError, RecursionError, UnicodeDecodeError, OverflowError)  # fmt: skip


class PackReader:
    """A pack on disk: its table is read when opened, each entry when asked for. The open file stays the one read,
    even if another run replaces the pack meanwhile (a rename leaves this one's inode alone)."""

    def __init__(self, path: Path) -> None:
        self.table: dict[str, tuple[int, int]] = {}
        self._handle: BinaryIO | None = None
        try:
            handle = path.open("rb")
        except OSError:
            return
        try:
            table = _table(handle)
        except (OSError, *_LOAD_ERRORS):
            table = None
        if table is None:
            handle.close()
            return
        self.table, self._handle = table, handle

    def read(self, key: str) -> bytes | None:
        entry = self.table.get(key)
        if entry is None or self._handle is None:
            return None
        offset, length = entry
        try:
            self._handle.seek(offset)
            data = self._handle.read(length)
        except (OSError, ValueError, OverflowError):
            return None
        return data if len(data) == length else None

    def entries(self) -> dict[str, bytes]:
        """Every entry that can be read (for tests and tools: a run reads what it needs)."""
        return {key: data for key in self.table if (data := self.read(key)) is not None}

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _table(handle: BinaryIO) -> dict[str, tuple[int, int]] | None:
    header = handle.read(_HEADER)
    if len(header) != _HEADER or header[: len(MAGIC)] != MAGIC:
        return None
    handle.seek(int.from_bytes(header[len(MAGIC) :], "little"))
    table = pickle.load(handle)
    if not isinstance(table, dict):
        return None
    for key, entry in table.items():
        if not (isinstance(key, str) and isinstance(entry, tuple) and len(entry) == 2
                and all(type(number) is int and number >= 0 for number in entry)):  # fmt: skip
            return None
    return table


class PackWriter:
    """A new pack, written to a temporary file beside its place as entries are added, and renamed into place by
    `finish`: a reader sees the old pack or the new one, never a part of one."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        self._temporary = temporary
        self._handle: BinaryIO = os.fdopen(descriptor, "wb")
        self._position = _HEADER
        self.table: dict[str, tuple[int, int]] = {}
        try:
            self._handle.write(MAGIC + bytes(8))
        except OSError:
            self.discard()
            raise

    def add(self, key: str, data: bytes) -> None:
        self._handle.write(data)
        self.table[key] = (self._position, len(data))
        self._position += len(data)

    def finish(self, path: Path) -> None:
        try:
            pickle.dump(self.table, self._handle, protocol=pickle.HIGHEST_PROTOCOL)
            self._handle.seek(len(MAGIC))
            self._handle.write(self._position.to_bytes(8, "little"))
            self._handle.close()
            os.replace(self._temporary, path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        try:
            self._handle.close()
        finally:
            try:
                os.unlink(self._temporary)
            except OSError:
                pass


def write_pack(path: Path, entries: dict[str, bytes]) -> None:
    """A pack holding `entries`, in place at `path`."""
    writer = PackWriter(path.parent)
    for key, data in entries.items():
        writer.add(key, data)
    writer.finish(path)
