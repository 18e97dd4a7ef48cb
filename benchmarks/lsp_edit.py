"""The language server's re-analysis after a one-file edit (issue 15 §2: within 150 ms on Django's own source).

    python benchmarks/lsp_edit.py [SOURCE] [--edits 5] [--file db/models/query.py]

SOURCE is a directory of Python code (default: the `django` package of this environment, found without importing
it: 885 files for Django 5.2). It is copied under a temporary directory, with a fresh facts cache there, and
analysed through the server's own seam (server/analysis.EngineAnalysis, as `django-protolint server` does;
`--analysis pipeline` for the whole pipeline each run):
a cold run, a run with nothing changed, then --edits runs each after an unsaved edit to one file (a new comment
line in --file, what typing does). Each run's wall and CPU time are printed, with where the CPU time goes (on a
shared machine, wall time says as much about the neighbours as about us): discovery (walking the
tree), reading the inputs (stat signatures), the per-file pass (the edited file parsed again, every other file's
facts loaded from the cache), saving the cache, the project model and the rules. A figure,
not a test: it depends on the machine and its load.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _django_source() -> Path:
    spec = importlib.util.find_spec("django")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("lsp_edit: no `django` package here; give SOURCE")
    return Path(next(iter(spec.submodule_search_locations)))


def _timed(spent: dict[str, float], phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, adding the CPU time of each call to `spent[phase]` (one thread: the process's CPU is its)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[phase] += time.process_time() - started

    return wrapper


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--file", default="db/models/query.py", help="the edited file, relative to SOURCE")
    parser.add_argument("--profile", action="store_true", help="cProfile one more edit run: the top functions")
    parser.add_argument("--analysis", choices=("engine", "pipeline"), default="engine",
                        help="the server's incremental engine (its default), or the whole pipeline each run")  # fmt: skip
    options = parser.parse_args(argv)
    source = options.source or _django_source()
    work = Path(tempfile.mkdtemp(prefix="dpl-lsp-edit-"))
    os.environ["DJANGO_PROTOLINT_CACHE_DIR"] = str(work / "cache")
    tree = work / source.name
    shutil.copytree(source, tree, ignore=shutil.ignore_patterns("__pycache__"))

    from django_protolint import runner
    from django_protolint.cache import FactsCache
    from django_protolint.server.analysis import EngineAnalysis, PipelineAnalysis

    spent: dict[str, float] = defaultdict(float)
    runner._discover = _timed(spent, "discovery", runner._discover)  # type: ignore[assignment]
    runner.read_inputs = _timed(spent, "read inputs", runner.read_inputs)  # type: ignore[assignment]
    runner.read_facts = _timed(spent, "per-file pass", runner.read_facts)  # type: ignore[assignment]
    FactsCache.save = _timed(spent, "cache save", FactsCache.save)  # type: ignore[method-assign]

    # The engine calls the pipeline's steps through its own imports: its phases show as "project model and rules".
    analysis = (EngineAnalysis if options.analysis == "engine" else PipelineAnalysis)(tree, FactsCache())
    edited = tree / options.file
    original = edited.read_text(encoding="utf-8")
    count = sum(1 for _ in tree.rglob("*.py"))
    print(f"{count} Python files under {tree} (copied from {source}); edited file: {options.file}")

    def run(label: str) -> tuple[float, float]:
        spent.clear()
        started, cpu = time.perf_counter(), time.process_time()
        report = analysis.run()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        # The model is lazy (its parts are computed when a rule first asks): the rest of the run is both.
        spent["project model and rules"] = cpu - sum(spent.values())
        phases = ", ".join(f"{phase} {seconds * 1000:.0f} ms" for phase, seconds in sorted(spent.items()))
        # CPU time too: on a shared machine the wall time says as much about the neighbours as about us.
        print(
            f"{label:<12} {wall * 1000:7.0f} ms wall, {cpu * 1000:6.0f} ms CPU  ({len(report.findings)} findings; CPU by phase: {phases})"
        )
        return wall, cpu

    run("cold")
    run("unchanged")
    walls, cpus = [], []
    for number in range(options.edits):
        analysis.update(edited, original + f"\n# edit {number}\n")
        wall, cpu = run(f"edit {number + 1}")
        walls.append(wall)
        cpus.append(cpu)
    if options.profile:
        import cProfile
        import pstats

        analysis.update(edited, original + "\n# profiled edit\n")
        profiler = cProfile.Profile()
        profiler.runcall(analysis.run)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    print(
        f"one-file edit: median {statistics.median(walls) * 1000:.0f} ms wall, {statistics.median(cpus) * 1000:.0f} ms CPU "
        f"over {len(walls)} edits (target: 150 ms)"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
