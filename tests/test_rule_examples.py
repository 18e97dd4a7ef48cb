"""Every example a rule declares is a test: Invalid ones must produce exactly their `# expect:` findings, Valid
ones nothing, and the same project with each `# expect:` turned into `# noqa:` must be silent. The declarations
are the rules' contract: the tests below also hold each rule to what it declares about its fixes and its scope."""

from __future__ import annotations

import re

import libcst
import pytest

from django_protolint.fixes.apply import apply_fixes, write_changes
from django_protolint.rules import load_rules
from django_protolint.rules.base import Example, Rule
from tests.helpers import (
    column_expectations,
    expectations,
    found,
    noqa_variant,
    run,
    severity_expectations,
    write_project,
)

RULES = load_rules()


def example_id(rule: Rule, index: int, example: Example) -> str:
    """`DPL110-time-sleep-handed-to-a-thread-not-called-on-the-loop`: the example's spec line (its `id`, else its
    note), else its kind and position."""
    words = example.id or example.note
    if not words:
        return f"{rule.code}-{'valid' if example.valid else 'invalid'}-{index}"
    return f"{rule.code}-" + "-".join(re.findall(r"[a-z0-9_]+", words.lower()))[:90]


CASES = [
    pytest.param(rule, example, id=example_id(rule, index, example))
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
    severities = severity_expectations(files)
    if severities:
        shown = {(f.path, f.span.line): f.severity for f in report.findings}
        assert {where: shown.get(where) for where in severities} == severities
    if example.message is not None:
        assert [f.message for f in report.findings] == [example.message]
    for finding in report.findings:
        if finding.fix is not None:
            assert rule.allows(finding.fix), f"{rule.code} offers a {finding.fix.applicability} fix it does not declare"


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


def test_example_ids_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_a_rule_declares_a_fix_exactly_when_an_example_shows_one():
    # "fixable" comes from the examples (Fixit's AUTOFIX): a declared fix with no fixed= example is untested,
    # a fixed= example on a rule that declares no fix safety ships a fix nobody judged.
    for rule in RULES.values():
        assert (rule.fix_safety is not None) == rule.fixable, rule.code
        if rule.fix_safety is not None:
            assert rule.fix_safety.why, f"{rule.code}: say why the fix is {rule.fix_safety.applicability}"


def test_sleep_fix_is_unsafe():
    # Other tasks run during `await asyncio.sleep()`; `time.sleep()` ran none: a change in semantics.
    assert RULES["DPL110"].fix_safety is not None and RULES["DPL110"].fix_safety.applicability == "unsafe"


def test_a_check_may_offer_a_less_safe_fix_than_declared(tmp_path):
    # DPL106 declares safe fixes; the authenticate() one is unsafe for this finding (a duck-typed backend has no
    # aauthenticate()), and get_object_or_404's stays safe.
    files = {
        "app/views.py": "from django.contrib.auth import authenticate\n"
        "from django.shortcuts import get_object_or_404\n\n"
        "async def view(request, pk):\n"
        "    get_object_or_404(request, pk=pk)\n"
        "    return authenticate(request)\n"
    }
    root = write_project(tmp_path / "project", files)
    report = run(root, select=("DPL106",), django_version="5.0")
    fixes = {finding.span.line: finding.fix.applicability for finding in report.findings if finding.fix}
    assert fixes == {5: "safe", 6: "unsafe"}


def test_near_misses_at_least_match_triggers():
    for rule in RULES.values():
        triggers = sum(not example.valid for example in rule.examples)
        near_misses = sum(example.valid for example in rule.examples)
        assert near_misses >= triggers, f"{rule.code}: {triggers} triggers, {near_misses} near-misses"


def _nested_in_async_def(example: Example, shape: str) -> bool:
    """Whether a sync `def` (or a `lambda`) sits inside an `async def` of the example."""
    for body in example.files.values():
        lines = body.splitlines()
        for number, line in enumerate(lines):
            if not (match := re.match(r"(\s*)async def ", line)):
                continue
            for inner in lines[number + 1 :]:
                if inner.strip() and len(inner) - len(inner.lstrip()) <= len(match.group(1)):
                    break
                if (shape == "def" and re.match(r"\s+def ", inner)) or (shape == "lambda" and "lambda" in inner):
                    return True
    return False


def test_scope_sensitive_rules_carry_the_nested_def_shape():
    # An async rule that trusted a flag reset on leaving a function (Fixit's bug) would flag code in a sync def
    # nested in an async one, or miss code after it; every such rule shows the shape among its examples.
    for rule in RULES.values():
        if rule.gates.async_scope and rule.examples:
            assert any(_nested_in_async_def(example, "def") for example in rule.examples), rule.code


@pytest.mark.parametrize(("rule", "example"), [case for case in CASES if not case.values[1].valid])
def test_example_noqa_silences(rule: Rule, example: Example, tmp_path):
    files = noqa_variant(example.files)
    root = write_project(tmp_path / "project", files)
    assert run(root, select=(rule.code,), django_version=example.django_version).findings == ()


def test_every_rule_has_a_trigger_and_a_near_miss():
    exempt = {"DPL002", "DPL003", "DPL140"}  # bytes, crashes and configuration: see their own test modules
    assert all(not RULES[code].examples for code in exempt)
    for rule in RULES.values():
        if rule.code in exempt:
            continue
        assert any(not e.valid for e in rule.examples), f"{rule.code} has no triggering example"
        assert any(e.valid for e in rule.examples), f"{rule.code} has no near-miss example"


def test_an_example_outside_the_declared_django_gate_is_silent():
    # The gate is data the docs show ("When it applies"); an Invalid example on a release the gate excludes
    # would contradict it.
    from packaging.specifiers import SpecifierSet

    for rule in RULES.values():
        if not rule.gates.django:
            continue
        for example in rule.examples:
            if example.django_version and example.django_version not in SpecifierSet(rule.gates.django):
                assert example.valid, f"{rule.code}: an Invalid example on Django {example.django_version}"
