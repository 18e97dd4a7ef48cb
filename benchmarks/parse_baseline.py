"""The parse-only baseline: find every `.py` file under PATHS, read it and parse it, and nothing else.

    python benchmarks/parse_baseline.py --engine libcst|ast [--jobs N] PATHS...

`libcst` is `libcst.parse_module` (what the linter's per-file pass starts with), `ast` is CPython's `ast.parse`.
With --jobs N > 1 the files are spread over a process pool in chunks, as the linter's own pool does. Prints the
number of files parsed and of files that failed to parse (a failure is counted, never raised).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor


def python_files(paths: list[str]) -> list[str]:
    found = []
    for path in paths:
        if os.path.isfile(path):
            found.append(path)
            continue
        for directory, subdirectories, files in os.walk(path):
            subdirectories.sort()
            found.extend(os.path.join(directory, name) for name in sorted(files) if name.endswith(".py"))
    return found


def _parse_libcst(path: str) -> bool:
    import libcst

    with open(path, "rb") as handle:
        data = handle.read()
    try:
        libcst.parse_module(data)
    except Exception:  # noqa: BLE001 - a baseline counts failures, it does not stop on them
        return False
    return True


def _parse_ast(path: str) -> bool:
    import ast

    with open(path, "rb") as handle:
        data = handle.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("libcst", "ast"), default="libcst")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    parse = _parse_libcst if args.engine == "libcst" else _parse_ast
    files = python_files(args.paths)
    if args.jobs <= 1:
        results = [parse(path) for path in files]
    else:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(parse, files, chunksize=16))
    print(f"{args.engine}: {len(files)} files, {results.count(False)} failed to parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
