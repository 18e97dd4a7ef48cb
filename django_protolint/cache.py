"""What a run can reuse from the previous one: per-file facts, the files' content digests, and whole reports.

The cache lives in the user's cache directory (`$DJANGO_PROTOLINT_CACHE_DIR`, else `$XDG_CACHE_HOME` or
`~/.cache`, then `django-protolint/`), never in the repository: entries are pickles, and a repository must not be
able to plant one that we would load.

One run (one working directory and set of paths: its *scope*) keeps two files, read once and written once:

- the **index** (small): each file's `os.stat` signature and content digest, and the last rendered reports with
  the digest of every input they were made from;
- the **pack** (large): the facts of each file, keyed by content digest, shown path and module name (pack.py). It
  is read only when a report has to be made again, entry by entry; the new one is written as the facts are made.

Every entry is content-addressed, so two runs that race (pre-commit batches) can only lose entries, never mix
them up: each file is written to a temporary file and renamed into place (the last writer wins), and a file that
does not load, whole or in part, is a miss.

The stat signature (size, mtime, ctime, inode, device) spares reading and hashing unchanged files. Like ruff and
git, it trusts that a file whose signature did not change did not change; unlike ruff it also compares size and
ctime (which user space cannot set back), and, like git's "racily clean" check, it does not record the signature
of a file whose ctime is less than two seconds old, so a second edit within one timestamp tick is never missed.
What it cannot see: a change that keeps size, mtime and ctime, which takes setting the system clock back (or a
filesystem without a ctime). `--no-cache` reads everything.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from django_protolint import __version__
from django_protolint.gc_pause import paused_gc
from django_protolint.pack import PackReader, PackWriter
from django_protolint.source.pickling import dump_facts

# The code whose output the facts are: a change to any of these files invalidates every facts entry.
_ANALYSIS_PACKAGES = ("source", "knowledge")
# What else a facts entry depends on: the parser library, and the Python whose `ast`/`tokenize` it may use.
_ANALYSIS_DEPENDENCIES = ("libcst", "jinja2")
# A rendered report depends on the whole package, and on the libraries the project pass and the output use.
_REPORT_DEPENDENCIES = ("libcst", "packaging", "click")
_FORMAT = 4  # of the index (the pack's own: pack.MAGIC); older files are misses
_KEPT_REPORTS = 8  # per scope: a few formats or selections used in turn (pre-commit, editor, CI script)
_RACY_NS = 2_000_000_000  # a signature younger than this may not have ticked since the last edit


def _dependency_signature(names: tuple[str, ...]) -> bytes:
    """Where each library is installed and when its `__init__` was written: an upgrade rewrites it. Found without
    importing the library (a warm run must not pay for importing the parser)."""
    from importlib.util import find_spec

    parts = []
    for name in names:
        try:
            spec = find_spec(name)
            origin = spec.origin if spec is not None else None
            stat = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            origin, stat = None, None
        parts.append(f"{name}={origin}:{stat.st_size if stat else ''}:{stat.st_mtime_ns if stat else ''}")
    return "\0".join(parts).encode()


def _package_digest(packages: tuple[str, ...] | None) -> hashlib._Hash:
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{_FORMAT}".encode())
    if packages is None:
        paths = sorted(package.rglob("*.py"))
    else:
        paths = [path for name in packages for path in sorted((package / name).glob("*.py"))]
    for path in paths:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest


@lru_cache(maxsize=1)
def analysis_fingerprint() -> str:
    digest = _package_digest(_ANALYSIS_PACKAGES)
    digest.update(_dependency_signature(_ANALYSIS_DEPENDENCIES))
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Everything that turns inputs into a rendered report: every module of the package and its libraries."""
    digest = _package_digest(None)
    digest.update(_dependency_signature(_REPORT_DEPENDENCIES))
    return digest.hexdigest()


def default_directory() -> Path:
    configured = os.environ.get("DJANGO_PROTOLINT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "django-protolint"


def content_digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


Signature = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, device


def signature(stat: os.stat_result) -> Signature:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)


# What a damaged or foreign pickle can raise while loading.
_LOAD_ERRORS = (EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError, ValueError,
                KeyError, MemoryError, RecursionError, UnicodeDecodeError)  # fmt: skip


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            with paused_gc():
                return pickle.load(handle)
    except (OSError, *_LOAD_ERRORS):
        return None


def _replace(path: Path, payload: object) -> bool:
    """Write to a temporary file in the same directory, then rename: a reader sees the old file or the new one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            with _suppressed_os_error():
                os.unlink(temporary)
            raise
    except OSError:
        return False
    return True


@contextmanager
def _suppressed_os_error() -> Iterator[None]:
    try:
        yield
    except OSError:
        pass


class FactsStore(Protocol):
    """What the per-file pass asks of a store of facts: the on-disk FactsCache, or the engine's memory."""

    def get(self, key: str) -> Any: ...

    def put(self, key: str, facts: object, pickled: bytes | None = None) -> None: ...

    def known_digest(self, path: str, stat: os.stat_result) -> bytes | None: ...

    def record_digest(self, path: str, stat: os.stat_result, digest: bytes) -> None: ...


class FactsCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = (directory or default_directory()) / analysis_fingerprint()
        self.hits = 0
        self.misses = 0
        self.report_hits = 0
        self._usable = True
        self._scope: str | None = None
        self._reset()

    def _reset(self) -> None:
        self._signatures: dict[str, tuple[Signature, bytes]] = {}  # absolute path -> (signature, content digest)
        self._signatures_seen: dict[str, tuple[Signature, bytes]] = {}
        self._reports: dict[str, Any] = {}  # report key -> what was rendered, most recent last
        self._index_dirty = False
        self._pack: PackReader | None = None  # opened on the first facts lookup
        self._pack_hits: dict[str, None] = {}  # its entries this run read: the new pack copies them
        self._new_pack: PackWriter | None = None  # the facts made this run, written as they are made

    # ------------------------------------------------------------------ scope: which index and pack a run uses

    def open(self, scope: str) -> None:
        """Use the index and pack of this scope (one working directory and set of paths)."""
        if scope == self._scope:
            return
        self.save()
        self._scope = scope
        self._reset()
        index = _load(self._index_path())
        if (
            isinstance(index, dict)
            and index.get("format") == _FORMAT
            and isinstance(index.get("signatures"), dict)
            and isinstance(index.get("reports"), dict)
        ):
            self._signatures = index["signatures"]
            self._reports = index["reports"]

    def _index_path(self) -> Path:
        return self.directory / "runs" / f"{self._scope}.index.pickle"

    def _pack_path(self) -> Path:
        return self.directory / "runs" / f"{self._scope}.facts.pickle"

    # ------------------------------------------------------------------ content digests, by stat when possible

    def known_digest(self, path: str, stat: os.stat_result) -> bytes | None:
        """The content digest recorded for this file, if its stat signature has not changed since."""
        recorded = self._signatures.get(path)
        if recorded is None or not isinstance(recorded, tuple) or len(recorded) != 2:
            return None
        if recorded[0] != signature(stat):
            return None
        self._signatures_seen[path] = recorded
        return recorded[1]

    def record_digest(self, path: str, stat: os.stat_result, digest: bytes) -> None:
        # Racily clean: any later change (a write, or `os.utime` putting the mtime back) sets the ctime to "now",
        # which cannot equal a recorded ctime older than a timestamp tick. A young one it could.
        if time.time_ns() - stat.st_ctime_ns < _RACY_NS:
            return
        entry = (signature(stat), digest)
        self._signatures_seen[path] = entry
        if self._signatures.get(path) != entry:
            self._index_dirty = True

    # ------------------------------------------------------------------ facts

    @staticmethod
    def key(digest: bytes, path: str, module: str, is_package: bool, template: str | None = None) -> str:
        """`template`: the cookiecutter.json the file is rendered with (its defaults are part of the input)."""
        key = hashlib.sha256(digest)
        key.update(f"\0{path}\0{module}\0{is_package}".encode())
        if template is not None:
            key.update(b"\0template\0" + template.encode("utf-8", "surrogatepass"))
        return key.hexdigest()

    def get(self, key: str) -> Any:
        from django_protolint.source.facts import FileFacts

        if self._scope is None:
            self.misses += 1
            return None
        if self._pack is None:
            self._pack = PackReader(self._pack_path())
        blob = self._pack.read(key)
        found = None
        if blob is not None:
            try:
                found = pickle.loads(blob)
            except _LOAD_ERRORS:
                found = None
        if not isinstance(found, FileFacts):
            self.misses += 1
            return None
        self.hits += 1
        self._pack_hits[key] = None
        return found

    def put(self, key: str, facts: object, pickled: bytes | None = None) -> None:
        """`pickled`: dump_facts(facts), when a worker process already made it. Written at once, not kept."""
        if self._scope is None or not self._usable:
            return
        try:
            if self._new_pack is None:
                self._new_pack = PackWriter(self._pack_path().parent)
            self._new_pack.add(key, pickled if pickled is not None else dump_facts(facts))
        except OSError:
            self._unusable()  # a read-only home or a full disk: lint on, without the cache

    def _unusable(self) -> None:
        self._usable = False
        if self._new_pack is not None:
            self._new_pack.discard()
            self._new_pack = None

    # ------------------------------------------------------------------ whole reports

    def report(self, key: str) -> Any:
        found = self._reports.get(key)
        if found is not None:
            self.report_hits += 1
        return found

    def put_report(self, key: str, rendered: object) -> None:
        self._reports.pop(key, None)
        self._reports[key] = rendered
        while len(self._reports) > _KEPT_REPORTS:
            self._reports.pop(next(iter(self._reports)))
        self._index_dirty = True

    # ------------------------------------------------------------------ writing back

    def save_facts(self) -> None:
        """Write the new pack if it differs from the old one, and let go of both: only this run's files are kept
        (the old pack's entries this run read are copied over). A later lookup opens the pack again."""
        old, new = self._pack, self._new_pack
        self._pack, self._new_pack, hits, self._pack_hits = None, None, self._pack_hits, {}
        try:
            if self._scope is None or not self._usable:
                return
            if new is None and (old is None or old.table.keys() == hits.keys()):
                return  # every entry read, none made: the pack on disk is this run's already
            try:
                new = new if new is not None else PackWriter(self._pack_path().parent)
                for key in hits:
                    if key not in new.table and old is not None and (data := old.read(key)) is not None:
                        new.add(key, data)
                new.finish(self._pack_path())
                new = None
            except OSError:
                self._usable = False
        finally:
            if old is not None:
                old.close()
            if new is not None:
                new.discard()

    def save(self) -> None:
        """Write what changed. Only this run's files are kept: the cache does not grow with deleted files."""
        self.save_facts()
        if self._scope is None or not self._usable:
            return
        if self._signatures_seen.keys() != self._signatures.keys():
            self._index_dirty = True
        if self._index_dirty:
            index = {"format": _FORMAT, "signatures": self._signatures_seen, "reports": self._reports}
            if not _replace(self._index_path(), index):
                self._usable = False
                return
            self._signatures = dict(self._signatures_seen)
            self._index_dirty = False
