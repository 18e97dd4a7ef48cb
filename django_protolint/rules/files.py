"""DPL00x: files we could not analyse. Reported as findings so one bad file never stops the run."""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding
from django_protolint.metadata import ISSUES
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Gates, Invalid, Rule, Valid, check
from django_protolint.source.facts import CANNOT_PARSE, CANNOT_READ, INTERNAL_ERROR

PARSE_ERROR = Rule(
    code=CANNOT_PARSE,
    slug="syntax-error",
    severity="error",
    summary="A Python file cannot be parsed",
    message="{problem}",
    rationale=(
        "A file that does not parse cannot be analysed, and Django would fail to import it too. A bare `# noqa` "
        "(often written for flake8) does not silence this: it would hide the whole file. Name the code to do so. "
        "Syntax newer than the Python running django-protolint (3.12's f-strings and type parameters, 3.13's "
        "type parameter defaults, 3.11's `except*`) is no error: such a file is analysed with the facts the newer "
        "Python gives. What cannot be bridged yet (3.14's template strings, for one) is reported as newer syntax, "
        "with the construct and the line. A file of a cookiecutter template (under a `{{cookiecutter.*}}` "
        "directory with cookiecutter.json beside it) is analysed as it renders with the template's defaults, line "
        "for line; one that still does not parse says so."
    ),
    fix="fix the syntax error, or silence it on purpose with `# noqa: DPL001` or `exclude` in `[tool.django-protolint]`",
    examples=[
        Invalid(
            """
            def broken(:  # expect: DPL001
                pass
            """,
            id="a def with a broken parameter list does not parse",
        ),
        Valid(
            """
            def fine():
                pass
            """,
            id="a file that parses",
        ),
        Valid(
            """
            def label[T](row: dict[str, T]) -> str:
                return f"{row["name"]}: {row["total"]:>{len("total")}}"
            """,
            note="Python 3.12 syntax, analysed whatever Python runs django-protolint",
        ),
    ],
)

READ_ERROR = Rule(
    code=CANNOT_READ,
    slug="unreadable-file",
    severity="error",
    summary="A file cannot be read or decoded as Python source",
    message="{problem}",
    rationale=(
        "Python reads source as UTF-8 unless a PEP 263 `coding:` comment says otherwise; a file that is not "
        "text in its declared encoding, or that cannot be opened, is skipped."
    ),
    fix="save the file as UTF-8, or declare its encoding with `# -*- coding: <name> -*-` on line 1 or 2",
    gates=Gates(file_role="any file"),
    links=("https://peps.python.org/pep-0263/",),
    examples=[],  # bytes, not text: exercised by tests/test_bad_input.py
)

INTERNAL = Rule(
    code=INTERNAL_ERROR,
    slug="internal-error",
    severity="error",
    summary="django-protolint failed while analysing a file",
    message="{problem}",
    rationale="A bug in django-protolint. The file was skipped and the rest of the project was still linted.",
    # The help line a user sees: where to report it, from pyproject's [project.urls] (Issues).
    fix=f"report it with the file (or a reduced copy) at {ISSUES}",
    examples=[],
)

BY_CODE = {rule.code: rule for rule in (PARSE_ERROR, READ_ERROR, INTERNAL)}


@check(PARSE_ERROR, READ_ERROR, INTERNAL)
def file_problems(model: ProjectModel) -> Iterator[Finding]:
    for facts in model.files:
        if facts.problem is not None:
            yield BY_CODE[facts.problem.code].finding(
                facts.path, facts.problem.span, problem=facts.problem.message, help=facts.problem.help or None
            )
