"""Fixture projects are annotated eval-file style: every `# expect: CODE` comment in any file is a finding we must
report on that line, and we must report nothing else; `# expect: CODE severity=info` pins the finding's severity."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.runner import lint
from tests.helpers import expectations, severity_expectations

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROJECTS = sorted(path for path in FIXTURES.iterdir() if path.is_dir())


def fixture_files(root: Path) -> dict[str, str]:
    return {
        file.relative_to(root).as_posix(): file.read_text(encoding="utf-8", errors="replace")
        for file in sorted(root.rglob("*"))
        if file.is_file()
    }


def annotated(root: Path) -> set[tuple[str, int, str]]:
    return expectations(root, fixture_files(root))


@pytest.mark.parametrize("root", PROJECTS, ids=[path.name for path in PROJECTS])
def test_fixture_findings_match_annotations(root: Path):
    report = lint([root], Config(), cwd=root)
    assert {(f.path, f.span.line, f.code) for f in report.findings} == annotated(root)


SEVERITY_PINNED = [root for root in PROJECTS if severity_expectations(fixture_files(root))]


@pytest.mark.parametrize("root", SEVERITY_PINNED, ids=[path.name for path in SEVERITY_PINNED])
def test_fixture_severities_match_annotations(root: Path):
    pinned = severity_expectations(fixture_files(root))
    report = lint([root], Config(), cwd=root)
    assert {(f.path, f.span.line): f.severity for f in report.findings if (f.path, f.span.line) in pinned} == pinned
