"""Lint whole trees and count the linter's internal errors: the number must be 0.

    python scripts/robustness.py [--django] [--jobs N] TREE...

Each TREE is linted by the CLI in a subprocess (`django-protolint check TREE --no-config --format json
--exit-zero --no-cache`, a throw-away cache directory, the default process pool unless --jobs says), and these
count as internal errors:

  - a DPL003 finding (an exception in the per-file pass, or a worker process that crashed);
  - an exit code other than 0 (with --exit-zero, 2 is the CLI's "internal error" exit; anything else is a crash);
  - a traceback or an "internal error" line on stderr, or output that is not the JSON report.

DPL001 (cannot parse) and DPL002 (cannot read) are reported too, for information: they are the linter working
as designed on a bad file, not errors of the linter. --django adds the installed Django package's own tree.
Prints one line per tree and the total; exits 1 if the total is not 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def lint_tree(tree: Path, jobs: int | None) -> tuple[int, list[str], Counter[str], int, float]:
    """(internal errors, their descriptions, count per code, files, seconds)."""
    command = [sys.executable, "-m", "django_protolint", "check", str(tree), "--no-config", "--format", "json",
               "--exit-zero", "--no-cache"]  # fmt: skip
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    with tempfile.TemporaryDirectory(prefix="dpl-robustness-") as cache:
        env = {**os.environ, "DJANGO_PROTOLINT_CACHE_DIR": cache, "NO_COLOR": "1"}
        env.pop("DJANGO_PROTOLINT_OUTPUT_FORMAT", None)
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - started
    errors: list[str] = []
    codes: Counter[str] = Counter()
    if result.returncode != 0:
        errors.append(f"exit code {result.returncode}: {result.stderr.strip()[-500:]}")
    if "Traceback" in result.stderr or "internal error" in result.stderr:
        errors.append(f"stderr: {result.stderr.strip()[-1000:]}")
    files = sum(1 for _ in tree.rglob("*.py")) if tree.is_dir() else 1
    try:
        document = json.loads(result.stdout)
        findings = document["findings"]
    except (ValueError, KeyError, TypeError):
        if result.returncode == 0:
            errors.append(f"output is not the JSON report: {result.stdout[:300]!r}")
        return len(errors), errors, codes, files, seconds
    for finding in findings:
        codes[finding["code"]] += 1
        if finding["code"] == "DPL003":
            errors.append(f"{finding['path']}:{finding['line']}: DPL003 {finding['message']}")
    return len(errors), errors, codes, files, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="*", type=Path)
    parser.add_argument("--django", action="store_true", help="also lint the installed Django package's source")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: the CLI's, one per core)")
    args = parser.parse_args(argv)
    trees: list[Path] = list(args.trees)
    if args.django:
        import django

        trees.append(Path(django.__file__).resolve().parent)
    if not trees:
        parser.error("name at least one tree, or --django")
    total = 0
    for tree in trees:
        if not tree.exists():
            print(f"{tree}: does not exist", file=sys.stderr)
            total += 1
            continue
        count, errors, codes, files, seconds = lint_tree(tree, args.jobs)
        total += count
        informational = ", ".join(f"{code} {codes[code]}" for code in ("DPL001", "DPL002") if codes[code]) or "none"
        print(f"{tree}: {files} files in {seconds:.1f} s, {sum(codes.values())} findings, "
              f"internal errors {count} (unreadable/unparsable files: {informational})")  # fmt: skip
        for error in errors:
            print(f"  {error}")
    print(f"internal errors: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
