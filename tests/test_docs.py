"""docs/rules.md is generated from the rule declarations; it must not drift from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from django_protolint.rules import load_rules
from django_protolint.rules.docs import how_to_fix, rule_markdown, rules_markdown

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


# Outside fenced code: a `{name}` there is a str.format field nobody filled.
_PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}")
_FENCED = re.compile(r"```.*?```", re.S)
# Rationales that point at a document must list it in `links`.
_CITES = re.compile(r"https?://|\bdocs\b|documentation|release notes|\bsee\b", re.I)
# Files, crashes and suppressions: about django-protolint itself, no upstream document proves them.
_OWN_RULES = {"DPL001", "DPL003", "DPL004", "DPL005", "DPL508"}


@pytest.mark.parametrize("code", sorted(load_rules()))
def test_rule_text_has_no_unfilled_placeholder(code):
    rule = load_rules()[code]
    for text in (rule_markdown(rule), how_to_fix(rule)):
        assert not _PLACEHOLDER.findall(_FENCED.sub("", text)), (code, _PLACEHOLDER.findall(_FENCED.sub("", text)))


@pytest.mark.parametrize("code", sorted(load_rules()))
def test_rule_text_links_only_to_published_documents(code):
    rule = load_rules()[code]
    page = rule_markdown(rule)
    for outside in ("../", "shared/", "facts.md", "/work/", "/root/"):
        assert outside not in page, (code, outside)
    for link in rule.links:
        assert link.startswith("https://"), (code, link)
    assert not re.search(r"https?://", rule.rationale), f"{code}: put the URL in `links`, not in the rationale"


@pytest.mark.parametrize("code", sorted(load_rules()))
def test_rule_cites_upstream_where_its_rationale_relies_on_it(code):
    rule = load_rules()[code]
    if code in _OWN_RULES:
        return
    assert rule.links, f"{code} has no upstream link"
    if _CITES.search(rule.rationale):
        assert rule.links


def test_how_to_fix_is_rule_specific():
    # One generic sentence for a whole family ("the finding's help line names the async form") tells the reader
    # nothing about this rule.
    texts = [how_to_fix(rule) for rule in load_rules().values()]
    assert not any("help line names the async form" in text for text in texts)
    family = [how_to_fix(rule) for code, rule in load_rules().items() if code.startswith("DPL11")]
    assert len(set(family)) == len(family)


def test_use_instead_shows_the_fix():
    page = rule_markdown(load_rules()["DPL110"])
    use_instead = page.split("## Use instead", 1)[1].split("## ", 1)[0]
    assert "await asyncio.sleep(1)" in use_instead
    assert "expect" not in use_instead and "# DPL110" not in use_instead
    assert "## Fix safety" in page and "unsafe" in page


def test_internal_error_names_where_to_report_it():
    from importlib import metadata

    urls = dict(entry.split(", ", 1) for entry in metadata.metadata("django-protolint").get_all("Project-URL"))
    issues = urls["Issues"]
    assert issues.startswith("https://")
    rule = load_rules()["DPL003"]
    assert issues in rule.fix and issues in rule_markdown(rule)
    assert rule.url.startswith(urls["Documentation"])
