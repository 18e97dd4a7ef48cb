"""Fixture projects are annotated eval-file style: every `# expect: CODE` comment in any file is a finding we must
report on that line, and we must report nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.runner import lint
from tests.helpers import EXPECT

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROJECTS = sorted(path for path in FIXTURES.iterdir() if path.is_dir())


def annotated(root: Path) -> set[tuple[str, int, str]]:
    expected = set()
    for file in sorted(root.rglob("*")):
        if not file.is_file():
            continue
        for number, text in enumerate(file.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if match := EXPECT.search(text):
                for code in match.group("codes").replace(" ", "").split(","):
                    expected.add((file.relative_to(root).as_posix(), number, code))
    return expected


@pytest.mark.parametrize("root", PROJECTS, ids=[path.name for path in PROJECTS])
def test_fixture_findings_match_annotations(root: Path):
    report = lint([root], Config(), cwd=root)
    assert {(f.path, f.span.line, f.code) for f in report.findings} == annotated(root)


def test_bundled_example_reads_django_version_from_requirements():
    report = lint([FIXTURES / "blogsite"], Config(), cwd=FIXTURES / "blogsite")
    assert report.model.django_version == (4, 2)
    assert report.model.django_version_evidence.path == "requirements.txt"
