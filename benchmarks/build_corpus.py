"""Build a benchmark corpus of real Django-ecosystem code from the package index: only the `.py` files.

    python benchmarks/build_corpus.py /tmp/dpl-corpus [--min-files 3000] [--min-lines 500000]

Each package is fetched with the ordinary `pip download --no-deps` (a wheel where the index has one, which holds
the `.py` sources; an sdist otherwise, or where SDIST asks for it because the sdist carries the tests too) and its
`.py` files are extracted under CORPUS/<package>/. Every package of CORE is always fetched; EXTRA packages are
added, in order, until the corpus holds at least --min-files files and --min-lines lines. A package the index
does not offer is skipped and said so. The archives are kept in CORPUS/.downloads, so a second run is offline.

The corpus is never committed: keep it under /tmp (or in benchmarks/corpus/, which benchmarks/.gitignore ignores).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

# Always fetched: the projects the issue names (saleor's index release is old but real), and one whole application
# (issue 15: weblate's wheel holds all of it), so the corpus is not only libraries.
CORE = (
    "django",
    "wagtail",
    "djangorestframework",
    "channels",
    "django-allauth",
    "django-cms",
    "saleor",
    "weblate",
)
# Then, in this order, until the size targets are met.
EXTRA = (
    "django-oscar",
    "django-extensions",
    "django-debug-toolbar",
    "django-filer",
    "django-import-export",
    "django-simple-history",
    "drf-spectacular",
    "django-storages",
    "graphene-django",
    "strawberry-graphql-django",
    "django-guardian",
    "django-reversion",
    "django-polymorphic",
    "django-mptt",
    "django-treebeard",
    "django-taggit",
    "django-crispy-forms",
    "django-model-utils",
    "dj-rest-auth",
    "djangorestframework-simplejwt",
    "django-anymail",
    "django-ninja",
    "django-silk",
    "django-axes",
    "django-otp",
    "django-haystack",
    "django-celery-beat",
    "celery",
    "daphne",
)
# Fetched as an sdist even though a wheel exists: Django's sdist carries its whole test suite (real, varied code).
SDIST = {"django"}


def download(package: str, downloads: Path) -> Path | None:
    target = downloads / package
    existing = sorted(p for p in target.glob("*") if p.is_file()) if target.is_dir() else []
    if existing:
        return existing[0]
    target.mkdir(parents=True, exist_ok=True)
    attempts = [["--no-binary", ":all:"], ["--only-binary", ":all:"]]
    if package not in SDIST:
        attempts.reverse()
    for flags in attempts:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *flags, "-d", str(target), package]
        result = subprocess.run(command, capture_output=True, text=True)
        found = sorted(p for p in target.glob("*") if p.is_file())
        if result.returncode == 0 and found:
            return found[0]
    print(f"  skipped {package}: the index offers neither a wheel nor an sdist this Python can fetch", flush=True)
    return None


def _members(archive: Path):
    """(relative POSIX path, bytes) of every .py file in a wheel, zip sdist or tar sdist."""
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as handle:
            for info in handle.infolist():
                if info.filename.endswith(".py") and not info.is_dir():
                    yield info.filename, handle.read(info)
    else:
        with tarfile.open(archive) as handle:
            for member in handle:
                if member.isfile() and member.name.endswith(".py"):
                    extracted = handle.extractfile(member)
                    if extracted is not None:
                        yield member.name, extracted.read()


def extract(archive: Path, destination: Path) -> tuple[int, int]:
    files = lines = 0
    for name, data in _members(archive):
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:
            continue
        if archive.suffix not in (".whl",) and len(relative.parts) > 1:
            relative = PurePosixPath(*relative.parts[1:])  # an sdist's top directory is `name-version/`
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files += 1
        lines += data.count(b"\n")
    return files, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="directory to fill (created; existing package folders are kept)")
    parser.add_argument("--min-files", type=int, default=3000)
    parser.add_argument("--min-lines", type=int, default=500_000)
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    downloads = corpus / ".downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    total_files = total_lines = 0
    rows = []
    for package in (*CORE, *EXTRA):
        if package in EXTRA and total_files >= args.min_files and total_lines >= args.min_lines:
            break
        archive = download(package, downloads)
        if archive is None:
            continue
        destination = corpus / package
        if destination.exists():
            import shutil

            shutil.rmtree(destination)
        files, lines = extract(archive, destination)
        total_files += files
        total_lines += lines
        rows.append((package, archive.name, files, lines))
        print(f"  {package:<32} {archive.name:<56} {files:>6} files {lines:>9} lines", flush=True)
    print(f"corpus {corpus}: {len(rows)} packages, {total_files} .py files, {total_lines} lines")
    met = total_files >= args.min_files and total_lines >= args.min_lines
    if not met:
        print(f"below the targets ({args.min_files} files, {args.min_lines} lines)", file=sys.stderr)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
