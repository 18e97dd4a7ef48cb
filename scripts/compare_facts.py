"""Check that a change to the per-file pass leaves its facts identical: dump them before, dump after, compare.

    python scripts/compare_facts.py dump before.pickle tests/fixtures /path/to/project ...
    (change the code)
    python scripts/compare_facts.py dump after.pickle tests/fixtures /path/to/project ...
    python scripts/compare_facts.py compare before.pickle after.pickle

Every `.py` file under each root is read with `source.parse.build_facts`; FileFacts are frozen dataclasses, so
equality is field by field. The comparison names the first files and fields that differ.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import sys
from pathlib import Path

from django_protolint.source.facts import FileFacts
from django_protolint.source.parse import build_facts


def dump(output: Path, roots: list[Path]) -> None:
    facts: dict[str, FileFacts] = {}
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if not path.is_file():
                continue
            parts = path.relative_to(root).with_suffix("").parts
            is_package = path.name == "__init__.py"
            module = ".".join(parts[:-1] if is_package else parts)
            facts[str(path)] = build_facts(path.read_bytes(), str(path), module, is_package)
    output.write_bytes(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"{len(facts)} files")


def compare(before_path: Path, after_path: Path) -> int:
    before = pickle.loads(before_path.read_bytes())
    after = pickle.loads(after_path.read_bytes())
    if before.keys() != after.keys():
        print(f"different files: {len(before.keys() - after.keys())} gone, {len(after.keys() - before.keys())} new")
        return 1
    differing = [path for path in before if before[path] != after[path]]
    for path in differing[:10]:
        fields = [
            f.name
            for f in dataclasses.fields(FileFacts)
            if getattr(before[path], f.name) != getattr(after[path], f.name)
        ]
        print(f"{path}: {', '.join(fields)}")
    print(f"{len(before)} files, {len(differing)} differ")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("output", type=Path)
    dumping.add_argument("roots", type=Path, nargs="+")
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    arguments = parser.parse_args()
    if arguments.command == "dump":
        dump(arguments.output, arguments.roots)
        return 0
    return compare(arguments.before, arguments.after)


if __name__ == "__main__":
    sys.exit(main())
