"""The per-file pass over many files: in worker processes when there are enough files to pay for them.

A file's analysis is pure (bytes in, FileFacts out), so it can run anywhere. A worker that dies (a hard crash in
the parser) breaks the pool: the files it had not finished are then analysed one per process, so the crash
costs only the file that causes it, reported as an internal-error finding.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from django_protolint.cache import content_digest
from django_protolint.source.facts import CANNOT_READ, INTERNAL_ERROR, FileFacts, FileProblem, Span
from django_protolint.source.pickling import dump_facts

# (data, or None to read it from `file` where the analysis runs; shown path; module; is_package; cookiecutter.json
# text; file; the content digest the facts are to be kept under, which what is read of `file` must have)
Job = tuple["bytes | None", str, str, bool, "str | None", str, "bytes | None"]

# Below this many files a pool's start-up (a process and our imports per worker) costs more than it saves.
PARALLEL_THRESHOLD = 64
_CHUNK = 16
# A file whose analysis runs longer than this is given up: a bug that loops, or input pathological enough that
# waiting would stall a pre-commit hook. The largest real file we know of (Django's 4,000-line test modules) needs
# well under a second.
FILE_TIME_LIMIT = 30.0
_START = Span(1, 0, 1, 0)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _analyse(job: Job) -> FileFacts:
    # Imported here: a warm run whose files are all cached never loads the parser and the visitor.
    from django_protolint.source.parse import build_facts

    data, display, module, is_package, template, _, _ = job
    assert data is not None  # read by _read
    return build_facts(data, display, module, is_package, template)


def _read(job: Job) -> tuple[Job | FileFacts, bool]:
    """The job with its file's bytes, and whether they have the digest expected; or the facts of a file that can no
    longer be read. Read here, not by the parent: a cold run would otherwise hold the whole project's source in
    its memory until every file is analysed (160 MB of the benchmark corpus at 4x)."""
    data, display, module, is_package, template, file, expected = job
    if data is not None:
        return job, True
    try:
        data = Path(file).read_bytes()
    except OSError as error:
        problem = FileProblem(CANNOT_READ, f"Cannot read file: {error.strerror or type(error).__name__}", _START)
        return FileFacts(path=display, module=module, problem=problem), False
    return (data, display, module, is_package, template, file, expected), expected is None or content_digest(
        data
    ) == expected


class _OutOfTime(BaseException):
    """Raised by the timer inside the analysis; a BaseException, so no `except Exception` in it swallows it."""


def _expire(signum: int, frame: object) -> None:
    raise _OutOfTime


def _analyse_in_time(job: Job) -> tuple[FileFacts, bool]:
    """The facts, and whether they are those of the content the job expected (False: not to be cached)."""
    read, as_expected = _read(job)
    if isinstance(read, FileFacts):
        return read, as_expected
    return _analyse_read_in_time(read), as_expected


def _analyse_read_in_time(job: Job) -> FileFacts:
    # Looked up at call time, so a test can replace `_analyse` (forked workers inherit the module state).
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return _analyse(job)  # no timer off the main thread (an embedding app) or on Windows: run unbounded
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, FILE_TIME_LIMIT)
    try:
        try:
            return _analyse(job)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _OutOfTime:  # also when the timer fires between the analysis' return and being stopped
        return _out_of_time(job)
    finally:
        signal.signal(signal.SIGALRM, previous)


def _worker(job: Job) -> tuple[bytes, bool]:
    # Pickled here, the way the cache keeps them: the parent stores these bytes as they are, instead of pickling
    # every file's facts a second time itself (a second of the main process's time on the benchmark corpus).
    facts, as_expected = _analyse_in_time(job)
    return dump_facts(facts), as_expected


def _out_of_time(job: Job) -> FileFacts:
    message = (
        f"Internal error: the analysis of this file took longer than {FILE_TIME_LIMIT:g} s and was stopped; the file "
        "was skipped. Please report it (with the file, or a reduced copy) at the django-protolint issue tracker"
    )
    return FileFacts(path=job[1], module=job[2], problem=FileProblem(INTERNAL_ERROR, message, _START))


def _crashed(job: Job) -> FileFacts:
    message = (
        "Internal error: the analysis of this file crashed its worker process; the file was skipped. "
        "Please report it (with the file, or a reduced copy) at the django-protolint issue tracker"
    )
    return FileFacts(path=job[1], module=job[2], problem=FileProblem(INTERNAL_ERROR, message, _START))


Progress = Callable[[int, int], None]  # (files done, files in all)


def _no_progress(done: int, total: int) -> None:
    return None


# Told of each file's facts as they are made: (the job's position, the facts, their pickle when a worker process
# made them, whether they are those of the content the job expected). Neither is kept here: a cold run on a large
# project would otherwise hold every file's pickle until the last file is done.
Made = Callable[[int, FileFacts, "bytes | None", bool], None]


def analyse_all(jobs: list[Job], workers: int, made: Made, progress: Progress = _no_progress) -> None:
    if workers <= 1 or len(jobs) < PARALLEL_THRESHOLD:
        for position, job in enumerate(jobs):
            facts, as_expected = _analyse_in_time(job)
            made(position, facts, None, as_expected)
            progress(position + 1, len(jobs))
        return
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for position, (blob, as_expected) in enumerate(pool.map(_worker, jobs, chunksize=_CHUNK)):
                made(position, pickle.loads(blob), blob, as_expected)
                done = position + 1
                progress(done, len(jobs))
    except BrokenProcessPool:
        _isolate(list(enumerate(jobs))[done:], made)


def _isolate(pending: Iterable[tuple[int, Job]], made: Made) -> None:
    """One process per file, so a second crash is pinned on the file that causes it."""
    for position, job in pending:
        try:
            with ProcessPoolExecutor(max_workers=1) as pool:
                blob, as_expected = pool.submit(_worker, job).result()
            made(position, pickle.loads(blob), blob, as_expected)
        except BrokenProcessPool:
            made(position, _crashed(job), None, False)
