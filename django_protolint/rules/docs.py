"""One text per rule, from its declaration: `django-protolint rule CODE`, docs/rules.md, the SARIF rule
descriptors and the JSON rule records all render `rule_markdown` (and `how_to_fix` for the short help)."""

from __future__ import annotations

import re

from django_protolint.rules.base import Gates, Rule

_EXPECT = re.compile(r"#\s*expect:\s*")
_EXPECT_COMMENT = re.compile(r"[ \t]*#\s*expect:[^\n]*")
_FIX_WORDS = {
    "safe": "safe: `--fix` applies it",
    "unsafe": "unsafe: only `--fix --unsafe-fixes` applies it",
}


def _example_block(files: dict[str, str], *, fixed: bool = False) -> str:
    # `# expect: DPL101` drives the tests; readers just need to see which line is flagged, and none after the fix.
    if fixed:
        files = {path: _EXPECT_COMMENT.sub("", body) for path, body in files.items()}
    else:
        files = {path: _EXPECT.sub("# ", body) for path, body in files.items()}
    if len(files) == 1:
        return "```python\n" + next(iter(files.values())).rstrip() + "\n```\n"
    return "".join(f"`{path}`:\n```python\n{body.rstrip()}\n```\n" for path, body in files.items())


def how_to_fix(rule: Rule) -> str:
    """The rule's "How to fix" in words: `how_to_fix`, else the help-line template, which then has no values."""
    return (rule.how_to_fix or rule.fix).replace("{{", "{").replace("}}", "}")


def _gate_lines(gates: Gates) -> list[str]:
    lines = []
    if gates.django:
        lines.append(f"- Django `{gates.django}`, judged by the lowest release your dependency files allow")
    if gates.channels:
        lines.append(f"- Channels `{gates.channels}`, judged by the lowest release your dependency files allow")
    lines.append(f"- Findings sit in: {gates.file_role}")
    if gates.async_scope:
        lines.append(
            "- Code that runs inside an `async def`: not a sync `def`, a lambda or a class body nested in it, and "
            "not code handed to `sync_to_async` or `asyncio.to_thread`"
        )
    return lines


def rule_markdown(rule: Rule, heading: str = "#") -> str:
    status = "" if rule.status == "stable" else f" Status: {rule.status}."
    parts = [
        f"{heading} {rule.code} `{rule.slug}` ({rule.severity})\n",
        f"Since django-protolint {rule.since}.{status}"
        + (f" Fix: {_FIX_WORDS[rule.fix_safety.applicability]}." if rule.fix_safety and rule.fixable else "")
        + "\n",
        f"{heading}# What it does\n{rule.summary}.\n",
        f"{heading}# Why is this bad?\n{rule.rationale}\n",
    ]
    # The example the docs show is the first with a fix, when there is one, so that "Use instead" is its fix.
    invalid = sorted((example for example in rule.examples if not example.valid), key=lambda e: e.fixed is None)
    valid = [example for example in rule.examples if example.valid]
    if invalid:
        parts.append(f"{heading}# Example\n" + _example_block(invalid[0].files))
    if invalid and invalid[0].fixed is not None:
        parts.append(f"{heading}# Use instead\n" + _example_block({"app/views.py": invalid[0].fixed}, fixed=True))
    elif valid:
        note = f" ({valid[0].note})" if valid[0].note else ""
        parts.append(f"{heading}# Use instead{note}\n" + _example_block(valid[0].files))
    parts.append(f"{heading}# How to fix\n{how_to_fix(rule)}\n")
    if rule.fix_safety is not None and rule.fixable:
        parts.append(
            f"{heading}# Fix safety\nThe fix is {_FIX_WORDS[rule.fix_safety.applicability]}. {rule.fix_safety.why}\n"
        )
    parts.append(f"{heading}# When it applies\n" + "\n".join(_gate_lines(rule.gates)) + "\n")
    if rule.known_problems:
        parts.append(f"{heading}# Known problems\n{rule.known_problems}\n")
    if rule.yields_to:
        codes = ", ".join(f"{code}xx" if len(code) < 6 else code for code in rule.yields_to)
        parts.append(
            f"{heading}# One problem, one finding\nNot reported where a {codes} finding lies inside the same "
            "code (see *Where findings sit*).\n"
        )
    if rule.links:
        parts.append(f"{heading}# References\n" + "".join(f"- <{link}>\n" for link in rule.links))
    return "\n".join(parts)


POSITION_POLICY = """## Where findings sit

A finding points at the text the user must change, so that an editor jumps to it and a `# noqa` goes there:
- a call, a query or an attribute: the expression itself (`Article.objects.get(...)`, `asyncio.create_task(...)`);
- a view or a class as a whole: the name after `def` or `class`;
- a decorator: the decorator line (`@login_required`), not the `def` under it;
- a setting: the value to change (DPL303 at the `BACKEND` value), else the assignment;
- an ASGI router: the entry concerned (DPL302 at the `"websocket"` key), else the `application =` line;
- a deployment: the line of the command that starts the server.

One problem gets one finding. Where two rules would describe the same thing, the stronger or more precise one
is kept: DPL506 (every request fails) over DPL501/DPL502 on the same command; DPL113 at `open()` and not again
at each read or write of the file it gave in the same function; DPL202 ("never awaits: make it a plain def") not
beside a DPL1xx finding in the same view, whose fix is to await something.
"""


def rules_markdown(rules: dict[str, Rule]) -> str:
    lines = [
        "# django-protolint rules\n",
        "Generated by `python -m django_protolint.rules.docs` from the rule declarations; "
        "tests/test_docs.py fails when this file is stale.\n",
        POSITION_POLICY,
        "| code | name | severity | summary |",
        "|---|---|---|---|",
    ]
    for rule in rules.values():
        anchor = f"{rule.code.lower()}-{rule.slug}"
        lines.append(f"| [{rule.code}](#{anchor}) | `{rule.slug}` | {rule.severity} | {rule.summary} |")
    lines.append("")
    for rule in rules.values():
        lines.append(f'<a id="{rule.code.lower()}-{rule.slug}"></a>\n')
        lines.append(rule_markdown(rule, heading="##"))
    return "\n".join(lines)


if __name__ == "__main__":
    from pathlib import Path

    from django_protolint.rules import load_rules

    target = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    target.write_text(rules_markdown(load_rules()), encoding="utf-8")
    print(f"wrote {target}")
