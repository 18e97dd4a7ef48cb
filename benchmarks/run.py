"""Side-by-side benchmark: django-protolint against its peers and the parse-only baselines, in ONE run, on the same
tree, on the same machine.

    python benchmarks/run.py CORPUS [--sizes 1,2,4] [--work /tmp/dpl-bench] [--peers /tmp/dpl-peers]
                             [--output table.md] [--repeat 1]

CORPUS is a directory of `.py` files (benchmarks/build_corpus.py makes one). For each size N the tree is N copies
of CORPUS under different directory names (`copy0/`, `copy1/`, ...; hard links where the file system allows), so
every path differs and no cache entry of one copy serves another.

Measured, each as its own process tree, wall time with `time.perf_counter`:
  ours-cold       django-protolint check TREE --no-config --format concise --exit-zero, fresh cache dir, default jobs
  ours-warm       the same command again, on the same cache dir
  ours-edit-one   the same again after appending a comment to one file: a pre-commit run after an edit
  ours-daemon-edit-one  ours-edit-one answered by `django-protolint daemon` (started and warmed before, not
                  timed): the command runs from TREE; the daemon's own peak RSS is printed beside it
  ours-j1-nocache the same with --jobs 1 --no-cache
  flake8-async    flake8 --isolated --select ASYNC TREE (flake8 + flake8-async only; flake8's default --jobs)
  ruff            ruff check --isolated --no-cache --select ASYNC TREE
  fixit           fixit --rules fixit.rules:UseAsyncSleepInAsyncDef lint TREE (one builtin rule)
  libcst-parse-1  libcst.parse_module on every file, one process (benchmarks/parse_baseline.py)
  libcst-parse-2  the same over 2 processes
  ast-parse-1     ast.parse on every file, one process
Memory: the largest single process's peak RSS (`/usr/bin/time -f %M`) and the peak of the RSS summed over the whole
process tree (sampled from /proc/PID/statm every 0.2 s: an upper bound, since pages that forked workers share
with their parent count in each of them).

The peers live in their own virtualenvs under --peers (created with `python -m venv` and `pip install` on first use;
never in the project's environment, never in CI). Sizes above 1 run only the GROWTH tools, to keep the run short.
The page cache is warmed (every file read once) before each size, so no tool pays for the first read from disk.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = {
    "flake8": ["flake8", "flake8-async"],
    "ruff": ["ruff"],
    "fixit": ["fixit"],
}
FIXIT_RULE = "fixit.rules:UseAsyncSleepInAsyncDef"
TOOLS = ("ours-cold", "ours-warm", "ours-edit-one", "ours-daemon-edit-one", "ours-j1-nocache", "flake8-async", "ruff", "fixit", "libcst-parse-1",
         "libcst-parse-2", "ast-parse-1")  # fmt: skip
GROWTH = ("ours-cold", "ours-warm", "ours-edit-one", "ours-daemon-edit-one", "ruff", "libcst-parse-2")


@dataclass
class Measure:
    tool: str
    size: int
    files: int
    lines: int
    wall: float
    cpu: float  # user + system seconds of the whole process tree (less sensitive than wall time to other load)
    max_rss_mb: float  # the largest single process
    tree_rss_mb: float  # the whole process tree, RSS summed (shared pages counted in each process)
    returncode: int
    output_lines: int
    command: str
    load_before: float  # 1-minute load average when it started: other work on the machine shows here

    @property
    def files_per_second(self) -> float:
        return self.files / self.wall if self.wall else 0.0


# ---------------------------------------------------------------------------------------------------- peers


def ensure_peers(root: Path) -> dict[str, Path]:
    bins = {}
    for name, packages in PEERS.items():
        venv = root / name
        python = venv / "bin" / "python"
        if not python.exists():
            print(f"creating {venv} with {' '.join(packages)}", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", *packages], check=True)
        bins[name] = venv / "bin"
    return bins


def _ours_version(source: Path | None) -> str:
    env = {**os.environ, **({"PYTHONPATH": str(source)} if source else {})}
    code = "import django_protolint, django_protolint.cache as c; print(django_protolint.__file__, c.analysis_fingerprint())"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir()
    )
    return result.stdout.strip() or result.stderr.strip()[-200:]


def peer_versions(bins: dict[str, Path]) -> dict[str, str]:
    def version(command: list[str]) -> str:
        result = subprocess.run(command, capture_output=True, text=True)
        return " ".join((result.stdout or result.stderr).split())

    return {
        "flake8": version([str(bins["flake8"] / "flake8"), "--version"]),
        "ruff": version([str(bins["ruff"] / "ruff"), "--version"]),
        "fixit": version([str(bins["fixit"] / "fixit"), "--version"]),
        "libcst": version([sys.executable, "-c", "import importlib.metadata as m; print(m.version('libcst'))"]),
    }


# ---------------------------------------------------------------------------------------------------- trees


def count(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for directory, _, names in os.walk(tree):
        for name in names:
            if name.endswith(".py"):
                files += 1
                with open(os.path.join(directory, name), "rb") as handle:
                    lines += handle.read().count(b"\n")
    return files, lines


def make_tree(corpus: Path, work: Path, size: int) -> Path:
    tree = work / f"size-{size}"
    if tree.is_dir() and all((tree / f"copy{n}").is_dir() for n in range(size)):
        return tree
    shutil.rmtree(tree, ignore_errors=True)
    for n in range(size):
        copy = tree / f"copy{n}"
        for directory, subdirectories, names in os.walk(corpus):
            subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
            relative = Path(directory).relative_to(corpus)
            for name in names:
                if not name.endswith(".py"):
                    continue
                target = copy / relative / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(Path(directory) / name, target)
                except OSError:
                    shutil.copyfile(Path(directory) / name, target)
    return tree


# ---------------------------------------------------------------------------------------------------- measuring


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry))
    return children


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kb(pid: int) -> int:
    # statm is O(1) for the kernel; smaps_rollup (PSS) walks every page table and, sampled ten times a second on
    # a 2 GB process, costs a third of a core of system time: it slowed what it measured.
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_kb = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            children = _children_map()
            pending, total = [self.root], 0
            while pending:
                pid = pending.pop()
                total += _rss_kb(pid)
                pending.extend(children.get(pid, ()))
            self.peak_kb = max(self.peak_kb, total)
            self._halt.wait(0.2)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def measure(tool: str, size: int, files: int, lines: int, argv: list[str], env: dict[str, str], cwd: Path) -> Measure:
    load_before = os.getloadavg()[0]
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing, tempfile.TemporaryFile("w+") as output:
        started = time.perf_counter()
        process = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", timing.name, *argv], cwd=cwd, env=env,
                                   stdout=output, stderr=subprocess.STDOUT)  # fmt: skip
        sampler = TreeSampler(process.pid)
        sampler.start()
        returncode = process.wait()
        wall = time.perf_counter() - started
        sampler.stop()
        recorded = timing.read().strip().splitlines()
        fields = recorded[-1].split() if recorded else []
        max_rss_kb, cpu = (int(fields[0]), float(fields[1]) + float(fields[2])) if len(fields) == 3 else (0, 0.0)
        output.seek(0)
        text = output.read()
    if returncode not in (0, 1):
        print(f"  !! {tool} exited {returncode}:\n{text[-2000:]}", flush=True)
    return Measure(tool, size, files, lines, wall, cpu, max_rss_kb / 1024, sampler.peak_kb / 1024, returncode,
                   text.count("\n"), " ".join(argv), load_before)  # fmt: skip


def commands(tool: str, tree: Path, bins: dict[str, Path], cache_dir: Path,
             ours_source: Path | None = None) -> tuple[list[str], dict[str, str]]:  # fmt: skip
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_PROTOLINT")}
    ours = [sys.executable, "-m", "django_protolint", "check", str(tree), "--no-config", "--format", "concise",
            "--exit-zero"]  # fmt: skip
    if ours_source is not None and tool.startswith("ours"):
        env["PYTHONPATH"] = str(ours_source)
    baseline = [sys.executable, str(HERE / "parse_baseline.py")]
    if tool in ("ours-cold", "ours-warm", "ours-edit-one"):
        return ours, {**env, "DJANGO_PROTOLINT_CACHE_DIR": str(cache_dir)}
    if tool == "ours-daemon-edit-one":  # run from TREE, which the daemon serves
        return [arg for arg in ours if arg != str(tree)], {**env, "DJANGO_PROTOLINT_CACHE_DIR": str(cache_dir)}
    if tool == "ours-j1-nocache":
        return [*ours, "--jobs", "1", "--no-cache"], {**env, "DJANGO_PROTOLINT_CACHE_DIR": str(cache_dir / "unused")}
    if tool == "flake8-async":
        return [str(bins["flake8"] / "flake8"), "--isolated", "--select", "ASYNC", str(tree)], env
    if tool == "ruff":
        return [str(bins["ruff"] / "ruff"), "check", "--isolated", "--no-cache", "--select", "ASYNC", str(tree)], env
    if tool == "fixit":
        return [str(bins["fixit"] / "fixit"), "--rules", FIXIT_RULE, "lint", str(tree)], env
    if tool == "libcst-parse-1":
        return [*baseline, "--engine", "libcst", "--jobs", "1", str(tree)], env
    if tool == "libcst-parse-2":
        return [*baseline, "--engine", "libcst", "--jobs", "2", str(tree)], env
    if tool == "ast-parse-1":
        return [*baseline, "--engine", "ast", "--jobs", "1", str(tree)], env
    raise ValueError(tool)


def edited_file(tree: Path) -> Path:
    return min(tree.rglob("views.py"))  # the same file every run: the first views module in path order


def edit_one(path: Path, original: bytes | None = None) -> bytes:
    """Append a comment (or put the original back) through a new inode: tree files are hard links to the corpus,
    which must never change."""
    before = path.read_bytes()
    replacement = path.with_name(path.name + ".bench-tmp")
    # A new comment each time: an edit seen before would be served from the cache like no edit at all.
    edit = f"\n# edited by benchmarks/run.py at {time.time_ns()}\n".encode()
    replacement.write_bytes(original if original is not None else before + edit)
    os.replace(replacement, path)
    return before


def start_daemon(tree: Path, argv: list[str], env: dict[str, str]) -> None:
    """`daemon start` from TREE, then one run of the measured command (not timed): the daemon's engine is made for
    the configuration the command gives, and holds the tree's facts."""
    daemon = [sys.executable, "-m", "django_protolint", "daemon"]
    subprocess.run([*daemon, "start", "--idle", "120"], cwd=tree, env=env, check=True, capture_output=True)
    deadline = time.monotonic() + 3600
    while subprocess.run([*daemon, "status"], cwd=tree, env=env, capture_output=True).returncode:
        if time.monotonic() > deadline:
            raise SystemExit("run.py: the daemon did not come up")
        time.sleep(1)
    subprocess.run(argv, cwd=tree, env=env, capture_output=True)


def _daemon_pid(tree: Path, env: dict[str, str]) -> str | None:
    daemon = [sys.executable, "-m", "django_protolint", "daemon", "status"]
    match = re.search(r"pid (\d+)", subprocess.run(daemon, cwd=tree, env=env, capture_output=True, text=True).stdout)
    return match.group(1) if match else None


def daemon_cpu(tree: Path, env: dict[str, str]) -> float:
    """User + system seconds the daemon serving TREE has spent so far (/proc/PID/stat)."""
    pid = _daemon_pid(tree, env)
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def stop_daemon(tree: Path, env: dict[str, str]) -> float:
    """Stop the daemon serving TREE; its peak resident memory (MB), read before it stops."""
    pid = _daemon_pid(tree, env)
    peak = 0.0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    subprocess.run([sys.executable, "-m", "django_protolint", "daemon", "stop"], cwd=tree, env=env,
                   capture_output=True)  # fmt: skip
    return peak


def warm_page_cache(tree: Path) -> None:
    for directory, _, names in os.walk(tree):
        for name in names:
            with open(os.path.join(directory, name), "rb") as handle:
                handle.read()


# ---------------------------------------------------------------------------------------------------- report


def _by(results: list[Measure], tool: str, size: int = 1) -> Measure | None:
    return next((m for m in results if m.tool == tool and m.size == size), None)


def ratio(results: list[Measure], ours: str, peer: str, size: int = 1) -> tuple[float, float] | None:
    """(wall-time ratio, CPU-time ratio)."""
    a, b = _by(results, ours, size), _by(results, peer, size)
    if not (a and b and b.wall and b.cpu):
        return None
    return a.wall / b.wall, a.cpu / b.cpu


def markdown(results: list[Measure], sizes: list[int], machine: dict[str, str]) -> str:
    out = ["| tool | size | files | lines | wall (s) | CPU (s) | files/s | max RSS, one process (MB) | peak RSS summed over all processes (MB) | exit | load before |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for m in results:
        out.append(f"| {m.tool} | {m.size}× | {m.files} | {m.lines} | {m.wall:.2f} | {m.cpu:.1f} | {m.files_per_second:.0f} | "
                   f"{m.max_rss_mb:.0f} | {m.tree_rss_mb:.0f} | {m.returncode} | {m.load_before:.1f} |")  # fmt: skip
    out += [
        "",
        "| ratio (1×, same run) | wall-time ratio | CPU-time ratio | target (wall) | met |",
        "|---|---:|---:|---:|---|",
    ]
    targets = [
        ("ours-cold / flake8-async", ratio(results, "ours-cold", "flake8-async"), 0.1),
        ("ours-cold / fixit", ratio(results, "ours-cold", "fixit"), 0.1),
        ("ours-cold / libcst-parse-2 (same 2 cores)", ratio(results, "ours-cold", "libcst-parse-2"), 1.2),
        ("ours-warm / ruff (cold)", ratio(results, "ours-warm", "ruff"), 2.0),
        ("ours-edit-one / ruff (cold)", ratio(results, "ours-edit-one", "ruff"), 2.0),
        ("ours-edit-one / ruff (cold), 4×", ratio(results, "ours-edit-one", "ruff", 4), 2.0),
        ("ours-daemon-edit-one / ruff (cold)", ratio(results, "ours-daemon-edit-one", "ruff"), 2.0),
        ("ours-daemon-edit-one / ruff (cold), 4×", ratio(results, "ours-daemon-edit-one", "ruff", 4), 2.0),
        ("ours-cold / ast-parse-1 (issue 15)", ratio(results, "ours-cold", "ast-parse-1"), 1.5),
        ("ours-j1-nocache / libcst-parse-1", ratio(results, "ours-j1-nocache", "libcst-parse-1"), None),
        ("ours-cold / ruff", ratio(results, "ours-cold", "ruff"), None),
    ]
    for name, value, target in targets:
        shown = "n/a | n/a" if value is None else f"{value[0]:.3f} | {value[1]:.3f}"
        met = "" if target is None or value is None else ("yes" if value[0] <= target else "no")
        out.append(f"| {name} | {shown} | {'' if target is None else f'≤ {target}'} | {met} |")
    ours = [m for m in results if m.tool.startswith("ours")]
    if ours:
        worst_process = max(m.max_rss_mb for m in ours)
        worst_tree = max(m.tree_rss_mb for m in ours)
        out.append(f"| ours, peak memory, largest process (MB, any size) | {worst_process:.0f} | | ≤ 500 | "
                   f"{'yes' if worst_process <= 500 else 'no'} |")  # fmt: skip
        out.append(f"| ours, peak memory, all processes (MB, any size) | {worst_tree:.0f} | | ≤ 500 | "
                   f"{'yes' if worst_tree <= 500 else 'no'} |")  # fmt: skip
        for size, limit in ((1, 250), (4, 500)):  # issue 15: the largest process, per tree size
            sized = [m.max_rss_mb for m in ours if m.size == size]
            if sized:
                out.append(f"| ours, peak memory, largest process at {size}× (MB) | {max(sized):.0f} | | ≤ {limit} | "
                           f"{'yes' if max(sized) <= limit else 'no'} |")  # fmt: skip
    if len(sizes) > 1:
        out += ["", "| growth | " + " | ".join(f"{s}× wall (s)" for s in sizes) + " | "
                + " | ".join(f"{s}× CPU (s)" for s in sizes) + " | wall per 1× at largest ÷ at 1× | CPU likewise | "
                + " | ".join(f"{s}× max RSS (MB)" for s in sizes) + " |",
                "|---|" + "---:|" * (3 * len(sizes) + 2)]  # fmt: skip
        for tool in GROWTH:
            row = [_by(results, tool, s) for s in sizes]
            if not all(row):
                continue
            first, last = row[0], row[-1]
            wall_unit = (last.wall / sizes[-1]) / (first.wall / sizes[0]) if first.wall else float("nan")
            cpu_unit = (last.cpu / sizes[-1]) / (first.cpu / sizes[0]) if first.cpu else float("nan")
            out.append(f"| {tool} | " + " | ".join(f"{m.wall:.2f}" for m in row) + " | "
                       + " | ".join(f"{m.cpu:.1f}" for m in row) + f" | {wall_unit:.2f} | {cpu_unit:.2f} | "
                       + " | ".join(f"{m.max_rss_mb:.0f}" for m in row) + " |")  # fmt: skip
    out += ["", "Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items())]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sizes", default="1,2,4")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "dpl-bench")
    parser.add_argument("--peers", type=Path, default=Path(tempfile.gettempdir()) / "dpl-peers")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of: " + ", ".join(TOOLS))
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median wall time is kept")
    parser.add_argument("--output", type=Path, help="also write the Markdown table here")
    parser.add_argument(
        "--ours-source",
        type=Path,
        help="a directory holding the django_protolint package to measure "
        "(e.g. `git archive HEAD django_protolint | tar -x -C DIR`), instead of the installed one",
    )
    parser.add_argument("--render", type=Path, help="only print the tables of a results.json an earlier run wrote")
    args = parser.parse_args(argv)
    if args.render:
        saved = json.loads(args.render.read_text())
        rows = [Measure(**{("tree_rss_mb" if k == "tree_pss_mb" else k): v for k, v in m.items()})
                for m in saved["results"]]  # fmt: skip
        print(markdown(rows, sorted({m.size for m in rows}), saved["machine"]), end="")
        return 0
    if os.environ.get("CI"):
        print("benchmarks/run.py installs peer tools into virtualenvs: not in CI", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    tools = [t for t in args.tools.split(",") if t]
    bins = ensure_peers(args.peers)
    machine = {
        "nproc": str(os.cpu_count()),
        "affinity": str(len(os.sched_getaffinity(0))),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **peer_versions(bins),
        "django-protolint": _ours_version(args.ours_source),
    }
    args.work.mkdir(parents=True, exist_ok=True)
    results: list[Measure] = []
    for size in sizes:
        tree = make_tree(args.corpus.resolve(), args.work, size)
        files, lines = count(tree)
        warm_page_cache(tree)
        # A freshly linked tree has every file's ctime "now": the cache does not trust a signature younger than
        # 2 s (an edit within one timestamp tick would be missed), so a warm run right after would re-hash files.
        time.sleep(2.5)
        print(f"size {size}×: {tree} ({files} files, {lines} lines)", flush=True)
        cache_dir = Path(tempfile.mkdtemp(prefix=f"cache-{size}-", dir=args.work))
        for tool in tools if size == 1 else [t for t in tools if t in GROWTH]:
            argv_, env = commands(tool, tree, bins, cache_dir, args.ours_source)
            runs = []
            for attempt in range(args.repeat):
                if tool == "ours-cold" and attempt:
                    shutil.rmtree(cache_dir, ignore_errors=True)
                if tool in ("ours-edit-one", "ours-daemon-edit-one"):
                    where = args.work
                    if tool == "ours-daemon-edit-one":
                        where = tree
                        if not attempt:
                            start_daemon(tree, argv_, env)
                    target = edited_file(tree)
                    original = edit_one(target)
                    spent_before = daemon_cpu(tree, env) if tool == "ours-daemon-edit-one" else 0.0
                    try:
                        run = measure(tool, size, files, lines, argv_, env, where)
                    finally:
                        edit_one(target, original)
                    if tool == "ours-daemon-edit-one":  # the daemon's work for the answer counts too
                        run.cpu += daemon_cpu(tree, env) - spent_before
                    runs.append(run)
                    continue
                runs.append(measure(tool, size, files, lines, argv_, env, args.work))
            if tool == "ours-daemon-edit-one":
                print(f"  (the daemon's peak RSS: {stop_daemon(tree, env):.0f} MB)", flush=True)
            kept = sorted(runs, key=lambda m: m.wall)[len(runs) // 2]
            results.append(kept)
            print(f"  {tool:<16} {kept.wall:8.2f} s  cpu {kept.cpu:7.1f} s  {kept.files_per_second:7.0f} files/s  "
                  f"rss {kept.max_rss_mb:6.0f} MB  rss(all) {kept.tree_rss_mb:6.0f} MB  exit {kept.returncode}",
                  flush=True)  # fmt: skip
        shutil.rmtree(cache_dir, ignore_errors=True)
    table = markdown(results, sizes, machine)
    print()
    print(table)
    (args.work / "results.json").write_text(json.dumps({"machine": machine, "results": [asdict(m) for m in results]},
                                                       indent=1))  # fmt: skip
    if args.output:
        args.output.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
