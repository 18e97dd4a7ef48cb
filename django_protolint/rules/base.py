"""Rules declare themselves: code, slug, severity, message, rationale, fix advice and examples.

The examples are the rule's tests (tests/test_rule_examples.py) and its documentation (docs/rules.md); a rule's
check function reads the project model and yields findings, never the disk or a syntax tree.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django_protolint.findings import Finding, Fix
from django_protolint.source.facts import Span

if TYPE_CHECKING:
    from django_protolint.project.model import ProjectModel

SEVERITIES = ("error", "warning", "info")
DOCS_URL = "https://github.com/django-protolint/django-protolint/blob/main/docs/rules.md#{anchor}"


@dataclass(frozen=True)
class Example:
    """A snippet the rule must flag (`# expect: CODE` comments) or must leave alone.

    `source` is the body of `app/views.py` in a minimal project, or a mapping of paths to file bodies.
    """

    source: str | dict[str, str]
    valid: bool
    django_version: str | None = None
    note: str = ""
    fixed: str | None = None  # for a single-file Invalid example: app/views.py after `--fix`

    @property
    def files(self) -> dict[str, str]:
        if isinstance(self.source, str):
            return {"app/views.py": textwrap.dedent(self.source).lstrip("\n")}
        return {path: textwrap.dedent(body).lstrip("\n") for path, body in self.source.items()}


def Valid(source: str | dict[str, str], *, django_version: str | None = None, note: str = "") -> Example:  # noqa: N802
    return Example(source, valid=True, django_version=django_version, note=note)


def Invalid(source: str | dict[str, str], *, django_version: str | None = None, note: str = "",  # noqa: N802
            fixed: str | None = None) -> Example:  # fmt: skip
    return Example(source, valid=False, django_version=django_version, note=note,
                   fixed=textwrap.dedent(fixed).lstrip("\n") if fixed is not None else None)  # fmt: skip


@dataclass(eq=False)  # identity: a rule is one declaration
class Rule:
    code: str
    slug: str
    severity: str
    summary: str  # one line for `rules` listings and SARIF shortDescription
    message: str  # the finding's message, a str.format template
    rationale: str  # why it matters, with the source that proves it
    fix: str  # what to do instead (a str.format template for the finding's help line)
    examples: list[Example] = field(default_factory=list)
    since: str = "0.1.0"
    known_problems: str = ""
    # One problem, one finding: codes (or code prefixes) whose findings inside this finding's `extent` make it
    # redundant. DPL202 ("never awaits: make it a plain def") gives way to DPL1xx in the same view, whose fix
    # is to await something; only findings the run produced count (see Registry.run).
    yields_to: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        assert self.severity in SEVERITIES, self.severity
        REGISTRY.add(self)

    @property
    def url(self) -> str:
        return DOCS_URL.format(anchor=f"{self.code.lower()}-{self.slug}")

    def finding(self, path: str, span: Span, *, help: str | None = None, fix: Fix | None = None,
                severity: str | None = None, extent: tuple[int, int] | None = None,
                **values: object) -> Finding:  # fmt: skip
        return Finding(
            code=self.code,
            severity=severity or self.severity,
            path=path,
            span=span,
            message=self.message.format(**values),
            help=help if help is not None else self.fix.format(**values),
            fix=fix,
            extent=extent,
        )


Check = Callable[["ProjectModel"], Iterable[Finding]]


class Registry:
    def __init__(self) -> None:
        self.rules: dict[str, Rule] = {}
        self.checks: list[tuple[tuple[str, ...], Check]] = []

    def add(self, rule: Rule) -> None:
        assert rule.code not in self.rules, f"duplicate rule code {rule.code}"
        self.rules[rule.code] = rule

    def check(self, *rules: Rule) -> Callable[[Check], Check]:
        """Register a check function that may yield findings for these rules (and only these)."""

        def register(function: Check) -> Check:
            self.checks.append((tuple(rule.code for rule in rules), function))
            return function

        return register

    def run(self, model: ProjectModel, selected: Callable[[str], bool]) -> Iterator[Finding]:
        found: list[Finding] = []
        for codes, function in self.checks:
            if not any(selected(code) for code in codes):
                continue
            for finding in function(model):
                assert finding.code in codes, f"{function.__name__} yielded undeclared {finding.code}"
                found.append(finding)
        yield from self._without_redundant(found)

    def _without_redundant(self, found: list[Finding]) -> Iterator[Finding]:
        """Drop a finding when one its rule yields to lies inside its extent (same file, lines within)."""
        yielding = [f for f in found if f.extent is not None and self.rules[f.code].yields_to]
        if not yielding:
            yield from found
            return
        by_path: dict[str, list[Finding]] = {}
        for finding in found:
            by_path.setdefault(finding.path, []).append(finding)
        redundant = set()
        for finding in yielding:
            first, last = finding.extent  # type: ignore[misc]
            prefixes = self.rules[finding.code].yields_to
            if any(
                other is not finding and other.code.startswith(prefixes) and first <= other.span.line <= last
                for other in by_path[finding.path]
            ):
                redundant.add(id(finding))
        yield from (finding for finding in found if id(finding) not in redundant)


REGISTRY = Registry()
check = REGISTRY.check


def django_project(views: str, routes: tuple[str, ...] = (), **extra_files: str) -> dict[str, str]:
    """The files of a minimal Django project for an example: `app/views.py` routed from `proj/urls.py`.

    `routes` are view expressions relative to the views module: ("index", "Detail.as_view()").
    Extra files are given by path with `__` for `/` and `_py` for `.py`: `proj__settings_py="..."`.
    """
    patterns = "\n".join(f'    path("r{number}/", views.{route}),' for number, route in enumerate(routes))
    files = {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
        "proj/settings.py": 'INSTALLED_APPS = ["django.contrib.auth", "app"]\nROOT_URLCONF = "proj.urls"\n',
        "proj/urls.py": f"from django.urls import path\n\nfrom app import views\n\nurlpatterns = [\n{patterns}\n]\n",
        "app/views.py": views,
    }
    for key, body in extra_files.items():
        files[key.replace("__", "/").replace("_py", ".py")] = body
    return files
