"""One pause of Python's cyclic garbage collector, for the places that build or load millions of small objects.

The per-file pass builds facts and syntax trees that all stay alive until the rules have run, and the cache
unpickles as many: the collector kept re-scanning them, more than half of a run's time. They hold no reference
cycles (reference counting frees them), so the collector is paused around that work and restored after; nested
pauses leave it as the outermost found it. Forked workers inherit the pause.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
