"""Mutate real files at random, for as long as asked, and count the per-file pass's internal errors (must be 0).

    python scripts/fuzz_corpus.py TREE [--seconds 180] [--seed 1] [--keep /tmp/fuzz-failures]

The bounded, derandomized version of this runs in CI (tests/test_fuzz.py, a few Django files); this one draws
from every `.py` file under TREE (the benchmark corpus: 5,595 files) and keeps going. Mutations: byte flips,
truncation, deleted lines, a duplicated chunk, and tokens that make odd-but-valid or nearly valid code (`async`,
`await`, `lambda:`, brackets, tabs, a lone CR, a line continuation, an f-string or triple-quote opener). Each
result must also survive pickling (the cache and the worker pool rely on it). A file whose analysis ends in DPL003
is written to --keep for a regression test. Exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import sys
import time
from pathlib import Path

from django_protolint.gc_pause import paused_gc
from django_protolint.source.facts import INTERNAL_ERROR
from django_protolint.source.parse import build_facts

TOKENS = (b"async ", b"await ", b"yield ", b"lambda: ", b"(", b")", b"[", b"]", b":", b"\t", b"\r", b"\\\n", b"f'{",
          b"'''", b"#", b"del ", b"*", b"**")  # fmt: skip


def mutate(data: bytearray, rng: random.Random) -> bytearray:
    kind = rng.randrange(5)
    if kind == 0:
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:
        data = data[: rng.randrange(len(data))]
    elif kind == 2:
        lines = data.split(b"\n")
        start = rng.randrange(len(lines))
        del lines[start : start + rng.randint(1, 5)]
        data = bytearray(b"\n".join(lines))
    elif kind == 3:
        at = rng.randrange(len(data))
        data[at:at] = data[max(0, at - 200) : at]
    else:
        at = rng.randrange(len(data))
        data[at:at] = rng.choice(TOKENS)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", type=Path)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=Path("/tmp/fuzz-failures"))
    args = parser.parse_args(argv)
    paths = sorted(
        os.path.join(d, name) for d, _, names in os.walk(args.tree) for name in names if name.endswith(".py")
    )
    if not paths:
        print(f"no .py files under {args.tree}", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.seconds
    cases = failures = 0
    with paused_gc():
        while time.monotonic() < deadline:
            original = Path(rng.choice(paths)).read_bytes()
            if not original:
                continue
            data = bytes(mutate(bytearray(original), rng))
            facts = build_facts(data, "fuzzed.py", "fuzzed", False)
            pickle.loads(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
            cases += 1
            if facts.problem is not None and facts.problem.code == INTERNAL_ERROR:
                failures += 1
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"case-{args.seed}-{failures}.py").write_bytes(data)
                print(f"DPL003: {facts.problem.message[:300]}", flush=True)
    print(f"{cases} mutated files, {failures} internal errors (seed {args.seed}, {args.seconds:g} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
