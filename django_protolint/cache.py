"""Per-file facts cached on disk, keyed by what they depend on: the analysis code, the file's bytes, its shown path
and its module name.

The cache lives in the user's cache directory (`$DJANGO_PROTOLINT_CACHE_DIR`, else `$XDG_CACHE_HOME` or
`~/.cache`, then `django-protolint/`), never in the repository: entries are pickles, and a repository must not be
able to plant one that we would load. Writes go to a temporary file and are renamed into place, so concurrent
runs (pre-commit batches) never read half an entry; an entry that does not load is treated as a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

from django_protolint import __version__
from django_protolint.source.facts import FileFacts

# The code whose output is cached: a change to any of these files invalidates every entry.
_ANALYSIS_PACKAGES = ("source", "knowledge")


@lru_cache(maxsize=1)
def analysis_fingerprint() -> str:
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for name in _ANALYSIS_PACKAGES:
        for path in sorted((package / name).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_directory() -> Path:
    configured = os.environ.get("DJANGO_PROTOLINT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "django-protolint"


class FactsCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = (directory or default_directory()) / analysis_fingerprint()
        self.hits = 0
        self.misses = 0
        self._usable = True

    @staticmethod
    def key(data: bytes, path: str, module: str, is_package: bool) -> str:
        digest = hashlib.sha256(data)
        digest.update(f"\0{path}\0{module}\0{is_package}".encode())
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> FileFacts | None:
        try:
            with self._entry(key).open("rb") as handle:
                found = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError,
                ValueError):  # fmt: skip
            self.misses += 1
            return None
        if not isinstance(found, FileFacts):
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, key: str, facts: FileFacts) -> None:
        if not self._usable:
            return
        entry = self._entry(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            with os.fdopen(descriptor, "wb") as handle:
                pickle.dump(facts, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)
        except OSError:
            self._usable = False  # a read-only home or a full disk: lint on, without the cache
