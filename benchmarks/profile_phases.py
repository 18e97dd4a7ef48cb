"""Where a cold run's time goes, one process (as `--jobs 1 --no-cache`), in two independent ways.

    python benchmarks/profile_phases.py phases TREE      # each step of the per-file pass timed on its own
    python benchmarks/profile_phases.py cprofile TREE    # cProfile of the whole lint(), grouped by phase
    python benchmarks/profile_phases.py edit TREE        # engine.Workspace: one file edited, where the time goes

`phases` repeats, file by file, the steps of `source.parse.build_facts` (decode, noqa comments, CPython's
`ast.parse`, the walk with our visitor), then pickling and unpickling the result (what the process pool and the
cache pay), then the project pass (discovery, model, rules, filters) on those facts. No profiler: the numbers
are wall times of the real code.

`cprofile` runs `runner.lint(TREE, jobs=1, cache=None)` under cProfile and reports the cumulative time of the
functions that make up each phase. cProfile slows Python-level code (our visitor) much more than native code
(CPython's parser), so its shares lean towards the Python parts; read it with `phases`.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

from django_protolint import runner
from django_protolint.config import Config
from django_protolint.discovery import discover
from django_protolint.gc_pause import paused_gc
from django_protolint.source import parse
from django_protolint.source.decode import UndecodableSource, decode_source
from django_protolint.source.noqa import noqa_lines
from django_protolint.source.visitor import FactsVisitor

REFERENCE = "(for reference)"


def phases(tree: Path) -> None:
    totals: dict[str, float] = defaultdict(float)
    clock = time.perf_counter
    started = clock()
    discovery = discover([tree], (), cwd=tree.parent, root=tree.parent)
    totals["discover files"] = clock() - started
    facts = []
    lines = 0
    for source in discovery.python:
        t = clock()
        data = source.path.read_bytes()
        lines += data.count(b"\n")
        totals["read bytes"] += clock() - t
        built = parse.build_facts(data, source.display, source.module, source.is_package)
        facts.append(built)
        t = clock()
        try:
            text = decode_source(data)
        except UndecodableSource:
            continue
        totals["decode"] += clock() - t
        t = clock()
        noqa_lines(text)
        totals["noqa comments"] += clock() - t
        t = clock()
        try:
            module = parse.parse_source(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            totals["ast.parse"] += clock() - t
            continue
        totals["ast.parse"] += clock() - t
        t = clock()
        try:
            with parse._deeper_recursion():
                FactsVisitor(source.module, source.is_package, text).visit(module)
        except RecursionError:
            pass
        totals["our visitor (FactsVisitor)"] += clock() - t
        t = clock()
        parse.build_facts(data, source.display, source.module, source.is_package)
        totals[f"whole build_facts again {REFERENCE}"] += clock() - t
        t = clock()
        blob = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)
        totals["pickle FileFacts (worker → main, cache write)"] += clock() - t
        t = clock()
        pickle.loads(blob)
        totals["unpickle FileFacts (main, cache read)"] += clock() - t
    original = runner.read_facts
    runner.read_facts = lambda *_args, **_kwargs: list(facts)  # the project pass alone, on the facts built above
    try:
        t = clock()
        report = runner.lint([tree], Config(), cwd=tree.parent)
        totals["project pass (discover, model, rules, filters)"] += clock() - t
    finally:
        runner.read_facts = original
    per_file_steps = ("read bytes", "decode", "noqa comments", "ast.parse", "our visitor (FactsVisitor)")
    per_file = sum(totals[name] for name in per_file_steps)
    print(f"{len(discovery.python)} files, {lines} lines, {len(report.findings)} findings")
    print("| phase | seconds | share of the per-file pass |")
    print("|---|---:|---:|")
    for name, seconds in totals.items():
        share = f"{100 * seconds / per_file:.1f}%" if per_file and name in per_file_steps else ""
        print(f"| {name} | {seconds:.2f} | {share} |")
    print(f"| per-file pass, sum of its steps | {per_file:.2f} | 100% |")


GROUPS = {
    # phase: functions (file suffix, function name) whose cumulative time makes it up
    "ast.parse (native)": [("django_protolint/source/parse.py", "parse_source")],
    "our visitor": [("django_protolint/source/walk.py", "visit")],
    "noqa comments": [("django_protolint/source/noqa.py", "noqa_lines")],
    "decode": [("django_protolint/source/decode.py", "decode_source")],
    "per-file pass (build_facts)": [("django_protolint/source/parse.py", "build_facts")],
    "project model": [("django_protolint/runner.py", "build_model")],
    "rules": [("django_protolint/rules/base.py", "run")],
    "filters": [("django_protolint/filters.py", "filter_findings")],
    "discovery": [("django_protolint/discovery.py", "discover")],
    "whole lint()": [("django_protolint/runner.py", "lint")],
}


def profile(tree: Path, output: Path) -> None:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    report = runner.lint([tree], Config(), cwd=tree.parent, cache=None, jobs=1)
    profiler.disable()
    wall = time.perf_counter() - started
    profiler.dump_stats(str(output))
    stats = pstats.Stats(str(output))
    cumulative: dict[tuple[str, str], float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        cumulative[(filename, name)] = cumulative.get((filename, name), 0.0) + ct
    print(f"{len(report.files)} files, {len(report.findings)} findings, {wall:.1f} s under cProfile")
    print("| phase (cProfile, cumulative) | seconds | share of lint() |")
    print("|---|---:|---:|")
    whole = sum(ct for (f, n), ct in cumulative.items() if f.endswith("django_protolint/runner.py") and n == "lint")
    for phase, functions in GROUPS.items():
        seconds = sum(ct for (f, n), ct in cumulative.items() for (suffix, name) in functions
                      if f.endswith(suffix) and n == name)  # fmt: skip
        print(
            f"| {phase} | {seconds:.1f} | {100 * seconds / whole:.1f}% |" if whole else f"| {phase} | {seconds:.1f} | |"
        )
    ours = sum(tt for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
               if "/django_protolint/" in filename)  # fmt: skip
    print(
        f"| own time in django_protolint's code (all of it) | {ours:.1f} | {100 * ours / whole:.1f}% |" if whole else ""
    )
    print()
    print("Top 25 functions by own time:")
    stats.sort_stats("tottime").print_stats(25)


def edit(tree: Path, rounds: int = 3) -> None:
    """An editor's loop on engine.Workspace: one view edited (a new comment each time, as run.py's edit-one), then
    report(). Each round's time is split into the per-file pass (look-ups, the one file parsed again), the model
    and its indexes, the rules and the filters; the median round is printed, with the process's peak RSS. Times
    after the cold start are CPU seconds of this process (`time.process_time`: one process does the work), so
    that other work on a shared machine does not inflate them."""
    import resource
    import statistics
    import tempfile

    from django_protolint.cache import FactsCache
    from django_protolint.engine import Workspace
    from django_protolint.rules import REGISTRY

    clock = time.perf_counter
    started = clock()
    cache_dir = Path(tempfile.mkdtemp(prefix="dpl-profile-edit-"))
    workspace = Workspace(tree, Config(), cache=FactsCache(cache_dir), jobs=2)
    report = workspace.report()
    cold = clock() - started
    clock = time.process_time
    target = min(tree.rglob("views.py"))
    text = target.read_text(encoding="utf-8")
    spent: dict[str, list[float]] = defaultdict(list)
    original_read, original_model, original_run = runner.read_facts, runner.build_model, REGISTRY.run

    def timed(name: str, function):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            t = clock()
            try:
                found = function(*args, **kwargs)
                return iter(list(found)) if name.startswith("rules") else found  # REGISTRY.run is a generator
            finally:
                spent[name][-1] += clock() - t

        return wrapper

    engine_module = sys.modules["django_protolint.engine"]
    engine_module.read_facts = timed("per-file pass (look-ups, the edited file)", original_read)  # type: ignore[attr-defined]
    runner.build_model = timed("model (built; indexes are lazy: they land in rules)", original_model)  # type: ignore[assignment]
    REGISTRY.run = timed("rules (model indexes included)", original_run)  # type: ignore[method-assign]
    try:
        for number in range(rounds):
            for name in ("per-file pass (look-ups, the edited file)", "model (built; indexes are lazy: they land in rules)",
                         "rules (model indexes included)", "whole report()"):  # fmt: skip
                spent[name].append(0.0)
            text += f"\n# edit {number}\n"
            workspace.update(target, text)
            t = clock()
            report = workspace.report()
            spent["whole report()"][-1] = clock() - t
    finally:
        engine_module.read_facts = original_read  # type: ignore[attr-defined]
        runner.build_model, REGISTRY.run = original_model, original_run  # type: ignore[method-assign]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(report.files)} files, {len(report.findings)} findings; cold Workspace {cold:.2f} s (wall); "
          f"edited {target.relative_to(tree)}; peak RSS {peak:.0f} MB")  # fmt: skip
    print("| step of report() after one edit | median CPU seconds |")
    print("|---|---:|")
    for name, values in spent.items():
        print(f"| {name} | {statistics.median(values):.3f} |")
    # The CLI's edit-one (run.py's ours-edit-one) in one process: what each step of runner.lint costs when one
    # file changed since the cache was written (by the workspace above; imports are already paid here).
    edited = target.read_bytes()
    replacement = target.with_name(target.name + ".profile-tmp")
    replacement.write_bytes(edited + f"\n# profiled at {time.time_ns()}\n".encode())
    os.replace(replacement, target)  # a new inode: run.py's trees are hard links to the corpus
    try:
        cache = FactsCache(cache_dir)
        steps: dict[str, float] = {}
        t = clock()
        discovery, root = runner._discover([tree], Config(), tree, cache)
        inputs = runner.read_inputs(discovery, cache)
        steps["discovery, stat signatures (one file hashed)"] = clock() - t
        t = clock()
        cache.get("")  # the pack loaded: a dict of every file's pickled facts
        steps["the pack read from disk"] = clock() - t
        t = clock()
        files = runner.read_facts(discovery, cache, 2, None, inputs)
        steps["every file's facts unpickled (one parsed again)"] = clock() - t
        t = clock()
        cache.save_facts()
        steps["the pack written back"] = clock() - t
        t = clock()
        runner.project_pass(discovery, root, Config(), files, inputs.other_texts)
        steps["project pass (model, rules, filters)"] = clock() - t
    finally:
        replacement.write_bytes(edited)
        os.replace(replacement, target)
    print("| step of the CLI's run after one edit (one process, imports excluded) | CPU seconds |")
    print("|---|---:|")
    for name, seconds in steps.items():
        print(f"| {name} | {seconds:.3f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("phases", "cprofile", "edit"))
    parser.add_argument("tree", type=Path)
    parser.add_argument("--output", type=Path, default=Path("/tmp/dpl-profile.pstats"))
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    if args.mode == "phases":
        with paused_gc():  # as lint() runs: the collector re-scanning the facts kept so far would dominate
            phases(tree)
    elif args.mode == "edit":
        edit(tree)
    else:
        profile(tree, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
