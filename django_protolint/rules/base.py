"""Rules declare themselves: code, slug, severity, message, rationale, fix advice and examples.

The examples are the rule's tests (tests/test_rule_examples.py) and its documentation (docs/rules.md); a rule's
check function reads the project model and yields findings, never the disk or a syntax tree.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django_protolint.findings import Applicability, Edit, Finding, Fix, ReleasedImport
from django_protolint.metadata import DOCUMENTATION
from django_protolint.source.facts import Span

if TYPE_CHECKING:
    from django_protolint.project.model import ProjectModel

SEVERITIES = ("error", "warning", "info")
DOCS_URL = DOCUMENTATION + "#{anchor}"


@dataclass(frozen=True)
class Example:
    """A snippet the rule must flag (`# expect: CODE` comments) or must leave alone: one line of the rule's spec.

    `source` is the body of `app/views.py` in a minimal project, or a mapping of paths to file bodies. `id` reads
    like a spec line and names the test (`DPL110-sleep-in-a-nested-sync-def-is-not-async-code`). An Invalid may
    pin its column with `# expect: CODE col=N` and its message with `message=` (the text of its one finding).
    """

    source: str | dict[str, str]
    valid: bool
    id: str = ""
    django_version: str | None = None
    note: str = ""
    fixed: str | None = None  # for a single-file Invalid example: app/views.py after `--fix --unsafe-fixes`
    message: str | None = None

    @property
    def files(self) -> dict[str, str]:
        if isinstance(self.source, str):
            return {"app/views.py": textwrap.dedent(self.source).lstrip("\n")}
        return {path: textwrap.dedent(body).lstrip("\n") for path, body in self.source.items()}


def Valid(source: str | dict[str, str], *, id: str = "", django_version: str | None = None,  # noqa: N802
          note: str = "") -> Example:  # fmt: skip
    return Example(source, valid=True, id=id, django_version=django_version, note=note)


def Invalid(source: str | dict[str, str], *, id: str = "", django_version: str | None = None, note: str = "",  # noqa: N802
            fixed: str | None = None, message: str | None = None) -> Example:  # fmt: skip
    return Example(source, valid=False, id=id, django_version=django_version, note=note, message=message,
                   fixed=textwrap.dedent(fixed).lstrip("\n") if fixed is not None else None)  # fmt: skip


@dataclass(frozen=True)
class FixSafety:
    """What the fixes of a rule may claim, and why (ruff's *Fix safety*). A check may offer a fix less safe than
    declared for one finding (safe -> unsafe), never a safer one; a rule that declares none offers no fix."""

    applicability: Applicability
    why: str


@dataclass(frozen=True)
class Gates:
    """When the rule can report, as data (rendered in the docs; the check applies them).

    `django` / `channels`: the releases the rule speaks about, as PEP 440 specifiers ("" = every release).
    `file_role`: the kind of file findings sit in. `async_scope`: the rule reports code that runs inside an
    `async def` (not in a sync `def`, lambda or class body nested in it)."""

    django: str = ""
    channels: str = ""
    file_role: str = "Python module"
    async_scope: bool = False


STATUSES = ("stable", "preview")


@dataclass(eq=False)  # identity: a rule is one declaration
class Rule:
    code: str
    slug: str
    severity: str
    summary: str  # one line for `rules` listings and SARIF shortDescription
    message: str  # the finding's message, a str.format template
    rationale: str  # why it matters; the documents that prove it go in `links`
    fix: str  # the finding's help line, a str.format template over the finding's values
    examples: list[Example] = field(default_factory=list)
    since: str = "0.1.0"
    known_problems: str = ""
    # One problem, one finding: codes (or code prefixes) whose findings inside this finding's `extent` make it
    # redundant. DPL202 ("never awaits: make it a plain def") gives way to DPL1xx in the same view, whose fix
    # is to await something; only findings the run produced count (see Registry.run).
    yields_to: tuple[str, ...] = ()
    # "How to fix" in the docs, when `fix` is a template whose values only a finding knows.
    how_to_fix: str = ""
    fix_safety: FixSafety | None = None
    gates: Gates = Gates()
    status: str = "stable"
    links: tuple[str, ...] = ()  # upstream documents (Django, Channels, Python, a server) that prove the rationale
    # The message claims SynchronousOnlyOperation, which Django's guard raises only while DJANGO_ALLOW_ASYNC_UNSAFE
    # is empty (django/utils/asyncio.py): Registry.run drops these findings in test code that the test run's
    # conftest.py or pytest-env sets it for (project/async_unsafe.py). There the call runs; on a test's own event
    # loop blocking it costs nothing, so nothing true is left to report.
    raises_synchronous_only: bool = False

    def __post_init__(self) -> None:
        assert self.severity in SEVERITIES, self.severity
        assert self.status in STATUSES, self.status
        REGISTRY.add(self)

    @property
    def url(self) -> str:
        return DOCS_URL.format(anchor=f"{self.code.lower()}-{self.slug}")

    @property
    def fixable(self) -> bool:
        """From the examples: a rule is fixable when one of them shows the code after the fix."""
        return any(example.fixed is not None for example in self.examples)

    def autofix(self, message: str, edits: tuple[Edit, ...], *, unsafe: bool = False, imports: tuple[str, ...] = (),
                import_line: int = 1, releases: tuple[ReleasedImport, ...] = ()) -> Fix:  # fmt: skip
        """A fix at the applicability this rule declares (or `unsafe` for this finding only)."""
        assert self.fix_safety is not None, f"{self.code} declares no fix"
        applicability: Applicability = "unsafe" if unsafe else self.fix_safety.applicability
        return Fix(applicability, message, edits, imports, import_line, releases)

    def allows(self, fix: Fix) -> bool:
        if self.fix_safety is None:
            return False
        return fix.applicability == "unsafe" or self.fix_safety.applicability == "safe"

    def finding(self, path: str, span: Span, *, help: str | None = None, fix: Fix | None = None,
                severity: str | None = None, extent: tuple[int, int] | None = None,
                **values: object) -> Finding:  # fmt: skip
        assert fix is None or self.allows(fix), f"{self.code} declares no {fix.applicability} fix"
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
        # A dropped finding still makes others redundant: the call it names is still there.
        for finding in self._without_redundant(found):
            if not (self.rules[finding.code].raises_synchronous_only and model.async_unsafe_allowed(finding.path)):
                yield finding

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
