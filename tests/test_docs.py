"""docs/rules.md is generated from the rule declarations; it must not drift from them."""

from __future__ import annotations

import re
from pathlib import Path

from django_protolint.rules import load_rules
from django_protolint.rules.docs import rule_markdown, rules_markdown

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules.md"


def test_rules_md_is_current():
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(load_rules()), (
        "docs/rules.md is stale: run `python -m django_protolint.rules.docs`"
    )


def test_documented_and_registered_codes_match():
    documented = set(re.findall(r'<a id="(dpl\d{3})-', DOCS.read_text(encoding="utf-8")))
    assert documented == {code.lower() for code in load_rules()}


def test_codes_and_slugs_are_unique_and_well_formed():
    rules = load_rules()
    slugs = [rule.slug for rule in rules.values()]
    assert len(slugs) == len(set(slugs))
    for code, rule in rules.items():
        assert re.fullmatch(r"DPL\d{3}", code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.slug)
        assert not rule.slug.startswith(("no-", "disallow", "banned")), "a slug names the pattern (ruff style)"
        assert rule.rationale and rule.summary and rule.message and rule.fix


def test_rule_page_has_ruff_outline():
    page = rule_markdown(load_rules()["DPL101"])
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## How to fix"):
        assert heading in page
    assert "Article.objects.get(pk=pk)" in page


def test_user_facing_docs_never_cite_files_outside_the_repository():
    # `../shared/...` exists on the developers' machines only: a user reading the rule docs cannot open it.
    for path in (ROOT / "docs" / "rules.md", ROOT / "README.md"):
        assert "../shared" not in path.read_text(encoding="utf-8"), path
