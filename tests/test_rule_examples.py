"""Every example a rule declares is a test: Invalid ones must produce exactly their `# expect:` findings, Valid
ones nothing, and the same project with each `# expect:` turned into `# noqa:` must be silent."""

from __future__ import annotations

import libcst
import pytest

from django_protolint.fixes.apply import apply_fixes, write_changes
from django_protolint.rules import load_rules
from django_protolint.rules.base import Example, Rule
from tests.helpers import column_expectations, expectations, found, noqa_variant, run, write_project

RULES = load_rules()
CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{'valid' if example.valid else 'invalid'}-{index}")
    for rule in RULES.values()
    for index, example in enumerate(rule.examples)
]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_example(rule: Rule, example: Example, tmp_path):
    files = example.files
    root = write_project(tmp_path / "project", files)
    report = run(root, select=(rule.code,), django_version=example.django_version)
    expected = expectations(root, files)
    assert all(code == rule.code for _, _, code in expected), "an example may only expect its own rule"
    assert found(report) == expected
    if example.valid:
        assert expected == set()
    else:
        assert expected, "an Invalid example must expect at least one finding"
    columns = column_expectations(files)
    if columns:
        assert {(f.path, f.span.line, f.span.column + 1) for f in report.findings} >= columns


FIXED = [case for case in CASES if case.values[1].fixed is not None]


@pytest.mark.parametrize(("rule", "example"), FIXED)
def test_example_fix(rule: Rule, example: Example, tmp_path):
    """The fix turns the example into `fixed`, which parses and no longer triggers the rule."""
    files = example.files
    root = write_project(tmp_path / "project", files)
    report = run(root, select=(rule.code,), django_version=example.django_version)
    assert any(finding.fix is not None for finding in report.findings), "a fixed= example must offer a fix"
    outcome = apply_fixes(report.findings, root, unsafe=True)
    assert not outcome.failures
    write_changes(outcome, root)
    after = (root / "app" / "views.py").read_text(encoding="utf-8")
    assert after == example.fixed
    libcst.parse_module(after)
    assert run(root, select=(rule.code,), django_version=example.django_version).findings == ()


def test_fixable_rules_show_a_fix():
    fixable = {rule.code for rule, _ in (case.values for case in FIXED)}
    assert {"DPL101", "DPL103", "DPL104", "DPL106", "DPL110", "DPL120"} <= fixable


@pytest.mark.parametrize(("rule", "example"), [case for case in CASES if not case.values[1].valid])
def test_example_noqa_silences(rule: Rule, example: Example, tmp_path):
    files = noqa_variant(example.files)
    root = write_project(tmp_path / "project", files)
    assert run(root, select=(rule.code,), django_version=example.django_version).findings == ()


def test_every_rule_has_a_trigger_and_a_near_miss():
    exempt = {"DPL002", "DPL003", "DPL140"}  # bytes, crashes and configuration: see their own test modules
    for rule in RULES.values():
        if rule.code in exempt:
            continue
        assert any(not e.valid for e in rule.examples), f"{rule.code} has no triggering example"
        assert any(e.valid for e in rule.examples), f"{rule.code} has no near-miss example"
