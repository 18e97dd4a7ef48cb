"""How many of flake8-async's ASYNC2xx expectations (under asyncio) does django-protolint flag?

Usage: python scripts/flake8_async_parity.py PATH [--include-noasyncio] [--verbose]

PATH is a flake8-async checkout (with tests/eval_files), the eval_files directory itself, or a bare git
directory (e.g. a mirror; its HEAD's tests/eval_files are extracted with `git archive`).

Which expectations apply under asyncio, following flake8-async's test harness (tests/test_flake8_async.py):
- a file marked `# ASYNCIO_NO_ERROR` expects nothing under asyncio;
- a file marked `# NOASYNCIO` is not checked under asyncio, except when it imports asyncio itself (the
  "multi_library" files: their expectations are for trio+asyncio together);
- every other file's `# ASYNC2xx[_suffix]: col, args` comments apply (codes with an `_asyncio` suffix are the
  asyncio spelling of the same check). `# error:` means the code in the file name.
ASYNC200 is user-configured and skipped.

`--include-noasyncio` also counts the NOASYNCIO files that have no `<name>_asyncio.py` twin (async240,
async250): their checker flags the same lines under asyncio, only with another message, so the harness
does not assert them there.

Each contributing eval file is copied unchanged into a temp directory and checked with
`python -m django_protolint check --format json --exit-zero --no-config <tmpdir>`. Any finding whose code
starts with "DPL11" counts as a blocking-call finding. Recall is counted per expected error: a line with n
expectations needs n findings. Always exits 0.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BLOCKING_PREFIX = "DPL11"
# `# ASYNC210: 4, 'requests.get'`, `# ASYNC221_asyncio: 8, 'subprocess.getoutput'`, `# error: 4`
EXPECTATION = re.compile(r"(error|ASYNC\d{3})(_\w+)?:([^#]*)")
MARKER = re.compile(r"#\s*(NOASYNCIO|ASYNCIO_NO_ERROR)\b")
IMPORTS_ASYNCIO = re.compile(r"^\s*(import\s+asyncio\b|from\s+asyncio\b)", re.MULTILINE)


@dataclass(frozen=True)
class Expected:
    file: str
    line: int
    code: str  # e.g. "ASYNC221" (suffix dropped)
    spelled: str  # as written, e.g. "ASYNC221_asyncio"
    text: str  # the call as written at the expected column
    extra: bool  # from a NOASYNCIO file without an asyncio twin


def find_eval_dir(path: Path, workdir: Path) -> Path:
    if (path / "tests" / "eval_files").is_dir():
        return path / "tests" / "eval_files"
    if any(path.glob("async*.py")):
        return path
    if (path / "HEAD").is_file() and (path / "objects").is_dir():  # a bare git directory
        archive = subprocess.run(
            ["git", f"--git-dir={path}", "archive", "HEAD", "tests/eval_files"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(workdir)], input=archive, check=True)
        return workdir / "tests" / "eval_files"
    raise SystemExit(f"no flake8-async eval files found under {path}")


def call_text(source_line: str, col: int, args: list[object]) -> str:
    match = re.match(r"[A-Za-z_][\w.]*", source_line[col:]) if 0 <= col < len(source_line) else None
    if match:
        return match.group()
    return ", ".join(map(str, args))


def parse_expectations(path: Path, code_from_name: str | None, extra: bool) -> list[Expected]:
    found: list[Expected] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or "#" not in line:
            continue
        for code, suffix, arg_text in EXPECTATION.findall(line):
            if code == "error":
                if code_from_name is None:
                    continue
                code = code_from_name
            if not re.fullmatch(r"ASYNC2\d\d", code) or code == "ASYNC200":
                continue
            try:
                args = ast.literal_eval(f"[{arg_text}]")
            except (SyntaxError, ValueError):
                args = []
            col = args[0] if args and isinstance(args[0], int) else -1
            found.append(Expected(path.name, lineno, code, code + suffix, call_text(raw, col, args[1:]), extra))
    return found


def collect(eval_dir: Path, include_noasyncio: bool) -> tuple[list[Expected], list[Path]]:
    expectations: list[Expected] = []
    files: list[Path] = []
    for path in sorted(eval_dir.glob("async2*.py")):
        content = path.read_text(encoding="utf-8")
        markers = set(MARKER.findall(content))
        if "ASYNCIO_NO_ERROR" in markers:
            continue
        extra = False
        if "NOASYNCIO" in markers and not IMPORTS_ASYNCIO.search(content):
            has_twin = (path.parent / f"{path.stem}_asyncio.py").exists()
            if has_twin or not include_noasyncio:
                continue
            extra = True
        name_code = re.match(r"async(\d{3})", path.stem)
        found = parse_expectations(path, f"ASYNC{name_code.group(1)}" if name_code else None, extra)
        if found:
            expectations.extend(found)
            files.append(path)
    return expectations, files


KNOWN_UNHANDLED = re.compile(r"#\s*\*+\s*Known unhandled cases\s*\*+", re.IGNORECASE)


def known_unhandled_from(path: Path) -> int | None:
    """The line where an eval file's "Known unhandled cases" section starts: flake8-async's own known false
    positives, which a checker is right not to flag."""
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if KNOWN_UNHANDLED.search(raw):
            return lineno
    return None


def handle_reads(path: Path) -> dict[int, int]:
    """{line of `handle.read()`-style call: line of the `open()` that made the handle}, within one function.

    We report a blocking `open()` once and not the later reads of its handle (one problem, one finding), where
    flake8-async reports ASYNC230 at the open and ASYNC232 at each read."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    covered: dict[int, int] = {}
    for function in ast.walk(tree):
        if not isinstance(function, (ast.AsyncFunctionDef, ast.FunctionDef)):
            continue
        opened: dict[str, int] = {}
        for node in ast.walk(function):
            if (
                isinstance(node, ast.withitem)
                and _is_open(node.context_expr)
                and isinstance(node.optional_vars, ast.Name)
            ):
                opened[node.optional_vars.id] = node.context_expr.lineno
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if _is_open(node.value):
                    opened[node.targets[0].id] = node.value.lineno
                elif isinstance(node.value, ast.Name) and node.value.id in opened:
                    opened[node.targets[0].id] = opened[node.value.id]
        for node in ast.walk(function):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in opened):  # fmt: skip
                covered[node.lineno] = opened[node.func.value.id]
    return covered


def _is_open(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open"


def run_linter(files: list[Path], tmpdir: Path) -> tuple[dict[tuple[str, int], int], str | None]:
    for path in files:
        shutil.copyfile(path, tmpdir / path.name)
    cmd = [sys.executable, "-m", "django_protolint", "check", "--format", "json", "--exit-zero", "--no-config",
           str(tmpdir)]  # fmt: skip
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        return {}, f"could not run the linter: {exc}"
    try:
        report = json.loads(proc.stdout)
        findings = report["findings"]
    except (ValueError, KeyError, TypeError):
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {}, f"linter exited {proc.returncode} without a JSON report: " + " | ".join(tail)
    per_line: dict[tuple[str, int], int] = Counter()
    for finding in findings:
        if str(finding.get("code", "")).startswith(BLOCKING_PREFIX):
            per_line[(Path(str(finding.get("path", ""))).name, int(finding.get("line", 0)))] += 1
    return per_line, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="flake8-async checkout, its tests/eval_files, or a bare git dir")
    parser.add_argument("--include-noasyncio", action="store_true",
                        help="also count NOASYNCIO files without an _asyncio twin (async240, async250)")  # fmt: skip
    parser.add_argument("--verbose", action="store_true", help="also list blocking findings on no-expectation lines")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="f8a-parity-") as tmp:
        workdir = Path(tmp)
        eval_dir = find_eval_dir(args.path.resolve(), workdir)
        expectations, files = collect(eval_dir, args.include_noasyncio)
        checkdir = workdir / "eval"
        checkdir.mkdir()
        per_line, error = run_linter(files, checkdir)
        kept = Path(tempfile.mkdtemp(prefix="f8a-parity-sources-"))
        eval_dir_files = {path.name: Path(shutil.copyfile(path, kept / path.name)) for path in files}

    print(f"eval files: {', '.join(p.name for p in files)}")
    print(
        "expected per code: " + ", ".join(f"{c} {n}" for c, n in sorted(Counter(e.code for e in expectations).items()))
    )
    if error:
        print(f"warning: {error}")

    by_line: dict[tuple[str, int], list[Expected]] = defaultdict(list)
    for exp in expectations:
        by_line[(exp.file, exp.line)].append(exp)
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter(e.code for e in expectations)
    misses: list[Expected] = []
    for key, exps in sorted(by_line.items()):
        flagged = per_line.get(key, 0)
        for i, exp in enumerate(exps):
            if i < flagged:
                hits[exp.code] += 1
            else:
                misses.append(exp)
    # A miss is covered when the same problem is reported once elsewhere (the read of a handle whose open() we
    # report), and expected when flake8-async's own file lists the case as one it gets wrong.
    covered: list[Expected] = []
    known: list[Expected] = []
    for exp in misses:
        source = eval_dir_files[exp.file]
        start = known_unhandled_from(source)
        open_line = handle_reads(source).get(exp.line)
        if open_line is not None and per_line.get((exp.file, open_line), 0):
            covered.append(exp)
        elif start is not None and exp.line > start:
            known.append(exp)

    print("recall per code: " + ", ".join(f"{c} {hits[c]}/{n}" for c, n in sorted(totals.items())))
    if misses:
        print(f"misses ({len(misses)}):")
        for exp in misses:
            print(f"  {exp.file}:{exp.line} {exp.spelled} {exp.text}")
    unexpected = sorted(key for key in per_line if key not in by_line)
    print(f"blocking findings on lines flake8-async does not flag under asyncio: {len(unexpected)}")
    if args.verbose:
        for file, line in unexpected:
            print(f"  {file}:{line}")
    if args.include_noasyncio:
        extra = [e for e in expectations if e.extra]
        extra_hits = len(extra) - sum(1 for m in misses if m.extra)
        print(f"of which NOASYNCIO files (not asserted by the harness): {extra_hits}/{len(extra)}")

    total = len(expectations)
    found = sum(hits.values())
    pct = 100.0 * found / total if total else 0.0
    print(f"recall: {found}/{total} ({pct:.1f}%)")
    for exp in covered:
        print(f"  covered: {exp.file}:{exp.line} {exp.text}: its open() is reported, once for the handle")
    for exp in known:
        print(f"  flake8-async's own known unhandled case: {exp.file}:{exp.line} {exp.text}")
    unexplained = len(misses) - len(covered) - len(known)
    print(
        f"fully matched: {'yes' if unexplained == 0 else 'no'} ({found} flagged, {len(covered)} covered by the "
        f"open() finding, {len(known)} in flake8-async's known unhandled cases, {unexplained} unexplained)"
    )
    shutil.rmtree(kept, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit as exc:
        if exc.code not in (0, None):
            print(exc.code if isinstance(exc.code, str) else f"error: exit {exc.code}", file=sys.stderr)
        sys.exit(0)
