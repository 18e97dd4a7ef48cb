"""DPL004, DPL005: `# noqa` directives that suppress nothing, or name no rule (ruff's RUF100).

A directive outlives the code it was written for: the blocking call is fixed, the line moves, and the comment keeps
promising a suppression that no longer happens, or hides the next real finding on that line. Only `DPL` codes are
ours to judge: `# noqa: E501` and a bare `# noqa` belong to other tools, or to all of them.

DPL005 reads only the directives. DPL004 needs every finding the directive could suppress, before any filter: the
runner computes it after the rules ran (runner.py `_report`), running the rules a directive names even when the
selection leaves them out, so `--select`, `ignore` and `per-file-ignores` never make a needed directive look unused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django_protolint.findings import Edit, Finding, Fix
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import REGISTRY, FixSafety, Invalid, Rule, Valid, check
from django_protolint.source.facts import FileFacts, Span
from django_protolint.source.noqa import NoqaDirective, comment_noqa_directives

OUR_PREFIX = "DPL"

UNUSED = Rule(
    code="DPL004",
    slug="unused-noqa",
    severity="info",
    summary="A `# noqa` directive names a rule that reports nothing on its line",
    message="Unused `noqa` directive (unused: {codes})",
    rationale=(
        "A suppression that suppresses nothing is a stale promise: the code it was written for has changed, and "
        "the comment would silently hide the next real finding of that rule on the line. Judged against every "
        "finding of the named rules before any filter, so a rule left out by `--select`, `ignore` or "
        "`per-file-ignores` still counts. Codes of other tools (`E501`) and a bare `# noqa` are never reported. "
        "Same idea as ruff's RUF100."
    ),
    fix="remove the unused code{s} from the directive",
    how_to_fix="Remove the codes that suppress nothing from the directive, or the whole `# noqa` comment when none is left.",
    fix_safety=FixSafety(
        "safe",
        "The directive suppresses no finding, so removing it changes neither the code nor what is reported today.",
    ),
    links=("https://docs.astral.sh/ruff/rules/unused-noqa/",),
    examples=[
        Invalid(
            """
            import asyncio

            async def view(request):
                await asyncio.sleep(1)  # noqa: DPL110  # expect: DPL004
            """,
            note="the blocking call was fixed; the suppression stayed",
        ),
        Invalid(
            """
            import time

            async def view(request):
                time.sleep(1)  # noqa: DPL110, DPL111  # expect: DPL004
            """,
            note="DPL110 is used, DPL111 is not",
            fixed="""
            import time

            async def view(request):
                time.sleep(1)  # noqa: DPL110  # expect: DPL004
            """,
        ),
        Valid(
            """
            import time

            async def view(request):
                time.sleep(1)  # noqa: DPL110
            """,
            id="a noqa that silences a finding on its line is used",
        ),
        Valid(
            """
            import time

            async def view(request):
                time.sleep(  # noqa: DPL11
                    1,
                )
                x = 1  # noqa: E501
                y = 2  # noqa
            """,
            note="a prefix, a statement over several lines, another tool's code, a bare noqa",
        ),
        Invalid(
            """
            import time

            async def view(request):
                def helper():
                    time.sleep(1)  # noqa: DPL110  # expect: DPL004
                return helper
            """,
            note="a nested sync def is not async code: DPL110 never fires there, so the directive is unused",
        ),
        Valid("x = 1  # noqa: DPL999\n", note="an unknown code is DPL005's, not DPL004's"),
    ],
)

UNKNOWN = Rule(
    code="DPL005",
    slug="unknown-noqa-code",
    severity="warning",
    summary="A `# noqa` directive names a DPL code no rule has",
    message="`noqa` directive names unknown rule code {codes}",
    rationale=(
        "A mistyped code (`DPL1010`, `DPL910`) suppresses nothing: the finding it was meant for is still "
        "reported, or the directive is waiting for a rule that does not exist. `django-protolint rules` lists "
        "the codes; a prefix of one (`DPL1`) is a code too."
    ),
    fix="use a code that `django-protolint rules` lists",
    examples=[
        Invalid("x = 1  # noqa: DPL999  # expect: DPL005\n", id="a noqa naming a code no rule has"),
        Invalid("x = 1  # noqa: E501, DPL1010  # expect: DPL005\n", note="a digit too many"),
        Valid("x = 1  # noqa: DPL1, E501\n", note="a prefix of real codes, and another tool's code"),
        Valid("x = 1  # noqa\n", id="a bare noqa names no code"),
    ],
)


def _ours(code: str) -> bool:
    return code.startswith(OUR_PREFIX) and code not in (UNUSED.code, UNKNOWN.code)


def _known(code: str) -> bool:
    return any(registered.startswith(code) for registered in REGISTRY.rules)


def _code_list(codes: Iterable[str]) -> str:
    return ", ".join(f"`{code}`" for code in codes)


def _directives(model: ProjectModel) -> Iterator[tuple[str, NoqaDirective]]:
    for facts in model.files:
        for directive in facts.noqa_directives:
            yield facts.path, directive
    for path, text in model.deployment_texts.items():
        if path.endswith(".py"):
            continue  # a gunicorn.conf.py is Python: its directives came from its comment tokens above
        for directive in comment_noqa_directives(text):
            yield path, directive


@check(UNKNOWN)
def unknown_codes(model: ProjectModel) -> Iterator[Finding]:
    for path, directive in _directives(model):
        unknown = [code for code in directive.codes if code.startswith(OUR_PREFIX) and not _known(code)]
        if unknown:
            yield UNKNOWN.finding(path, _span(directive), codes=_code_list(unknown))


def _span(directive: NoqaDirective) -> Span:
    return Span(directive.line, directive.column, directive.line, directive.end_column)


def needed_codes(files: Iterable[FileFacts], selected: Callable[[str], bool]) -> set[str]:
    """The rule codes directives name that this run's selection left out: run them too, to judge DPL004."""
    named = {code for facts in files for directive in facts.noqa_directives for code in directive.codes
             if _ours(code)}  # fmt: skip
    return {registered for registered in REGISTRY.rules if not selected(registered)
            and any(registered.startswith(code) for code in named)}  # fmt: skip


def unused_directives(files: Iterable[FileFacts], evidence: Iterable[Finding]) -> Iterator[Finding]:
    """DPL004 for each directive naming one of our codes that no finding in `evidence` (every finding of the named
    rules, unfiltered) matches on the lines it covers."""
    by_path: dict[str, list[Finding]] = {}
    for finding in evidence:
        by_path.setdefault(finding.path, []).append(finding)
    for facts in files:
        if facts.problem is not None:
            continue
        found = by_path.get(facts.path, [])
        for directive in facts.noqa_directives:
            unused = [code for code in directive.codes if _ours(code) and _known(code)
                      and not any(_suppresses(directive, code, finding) for finding in found)]  # fmt: skip
            if not unused:
                continue
            fix = _removal(directive, unused) if facts.path.endswith(".py") else None
            yield UNUSED.finding(facts.path, _span(directive), fix=fix, codes=_code_list(unused),
                                 s="s" if len(unused) > 1 else "")  # fmt: skip


def _suppresses(directive: NoqaDirective, code: str, finding: Finding) -> bool:
    if not finding.code.startswith(code):
        return False
    if directive.file_level:
        return True
    return finding.span.line <= directive.last and finding.span.end_line >= directive.first


def _removal(directive: NoqaDirective, unused: list[str]) -> Fix | None:
    kept = [code for code in directive.codes if code not in unused]
    if kept:
        prefix = "# django-protolint: noqa: " if directive.file_level else "# noqa: "
        edit = Edit(directive.line, directive.column, directive.line, directive.end_column, prefix + ", ".join(kept))
        return UNUSED.autofix(f"remove {_code_list(unused)} from the directive", (edit,))
    if not directive.whole_comment:
        return None  # the comment says more than the directive: leave it to the author
    start = directive.column - directive.space_before
    edit = Edit(directive.line, start, directive.line, directive.end_column, "")
    return UNUSED.autofix("remove the unused `noqa` directive", (edit,))
