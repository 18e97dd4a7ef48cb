"""Which Django release a project may run on, from its dependency files, read as text.

We take the *lowest* release the constraints allow, so a fix never suggests an API the project may not have
(`aget` needs 4.1, `request.auser()` 5.0). Several files' constraints hold together, so their lower bounds
combine by taking the highest.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from django_protolint.config import load_toml_text

DjangoVersion = tuple[int, int]

DEPENDENCY_FILE = re.compile(
    r"(^|/)(requirements[^/]*\.(txt|in)|requirements/[^/]+\.(txt|in)|pyproject\.toml|setup\.cfg|Pipfile)$"
)


@dataclass(frozen=True)
class Requirement:
    """One requirement a dependency file states, whatever its format: the one shape every reader below uses."""

    name: str  # as written: "Django", "uvicorn-worker"
    specifier: str  # PEP 440, "" for any release: Poetry's `^4.2` arrives as ">=4.2,<5"
    path: str
    line: int  # 1-based; the line that names it
    text: str  # as read, for evidence: "Django>=4.2,<5", "django = '^5.0'"

    @property
    def canonical_name(self) -> str:
        return canonicalize_name(self.name)


@dataclass(frozen=True)
class VersionEvidence:
    version: DjangoVersion
    path: str
    requirement: str
    line: int = 0


def _lower_bound(specifier_text: str) -> DjangoVersion | None:
    """The lowest (major, minor) a PEP 440 specifier allows, when it states one."""
    try:
        specifiers = SpecifierSet(specifier_text)
    except InvalidSpecifier:
        return None
    best: DjangoVersion | None = None
    for spec in specifiers:
        if spec.operator not in (">=", "==", "~=", "===", ">"):
            continue
        try:
            version = Version(spec.version.rstrip(".*"))
        except InvalidVersion:
            continue
        bound = (version.major, version.minor)
        best = bound if best is None else max(best, bound)
    return best


def _requirement_lines(text: str) -> list[tuple[int, str]]:
    """(line number, requirement) for each requirement line; options, comments and blank lines dropped."""
    found = []
    number = 1
    # pip-compile --generate-hashes writes `Django==4.2.7 \` and then `--hash=...` lines: join continuations,
    # and drop per-requirement options, as pip does.
    for logical in re.split(r"(?<!\\)\r?\n", text):
        raw = re.sub(r"\\\r?\n", " ", logical)
        line = re.split(r"(?:^|\s)#|\s--?[a-z]", raw, maxsplit=1)[0].strip()
        if line and not line.startswith(("#", "-")):
            found.append((number, line))
        number += logical.count("\n") + 1
    return found


def _key_line(text: str, key: str) -> int:
    """The first line where `key` is a TOML key (`django = "^5.0"`, `"Django" = {...}`); 0 when none is."""
    match = re.search(rf"(?im)^\s*[\"']?{re.escape(key)}[\"']?\s*=", text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _line_of(text: str, fragment: str) -> int:
    """The first line holding `fragment` as written; 0 when it was rewritten on its way here."""
    index = text.find(fragment)
    return text.count("\n", 0, index) + 1 if index >= 0 else 0


def _from_strings(strings: list[tuple[int, str]], path: str) -> list[Requirement]:
    found = []
    for line, string in strings:
        try:
            parsed = PackagingRequirement(string)
        except InvalidRequirement:
            continue
        found.append(Requirement(parsed.name, str(parsed.specifier), path, line, string))
    return found


def _from_tables(tables: list[object], path: str, text: str, poetry: bool) -> list[Requirement]:
    """Poetry's and Pipfile's `name = "constraint"` / `name = {version = "..."}` tables."""
    found = []
    for table in tables:
        if not isinstance(table, dict):
            continue
        for key, value in table.items():
            if key.lower() == "python":
                continue
            constraint = value.get("version", "") if isinstance(value, dict) else str(value)
            specifier = _poetry_specifier(constraint) if poetry else ("" if constraint.strip() == "*" else constraint)
            found.append(Requirement(key, specifier, path, _key_line(text, key), f"{key} = {constraint!r}"))
    return found


def requirements_in(path: str, text: str) -> list[Requirement]:
    """Every requirement one dependency file states (main, optional and group dependencies alike); a file we
    cannot read states none."""
    name = path.rsplit("/", 1)[-1]
    if name in ("pyproject.toml", "Pipfile"):
        data = load_toml_text(text)
        if data is None:
            return []
        project = data.get("project", {}) or {}
        strings = [d for d in project.get("dependencies", []) or [] if isinstance(d, str)]
        for extra in (project.get("optional-dependencies", {}) or {}).values():
            strings += [d for d in extra or [] if isinstance(d, str)]
        found = _from_strings([(_line_of(text, string), string) for string in strings], path)
        poetry = data.get("tool", {}).get("poetry", {}) or {}
        groups = [g.get("dependencies", {}) for g in (poetry.get("group", {}) or {}).values() if isinstance(g, dict)]
        found += _from_tables([poetry.get("dependencies", {}), poetry.get("dev-dependencies", {}), *groups], path,
                              text, poetry=True)  # fmt: skip
        found += _from_tables([data.get("packages", {}), data.get("dev-packages", {})], path, text, poetry=False)
        return found
    if name == "setup.cfg":
        parser = configparser.ConfigParser()
        try:
            parser.read_string(text)
        except configparser.Error:
            return []
        value = parser.get("options", "install_requires", fallback="")
        return _from_strings([(_line_of(text, line), line) for _, line in _requirement_lines(value)], path)
    return _from_strings(_requirement_lines(text), path)


def django_versions_in(path: str, text: str) -> list[VersionEvidence]:
    """Every Django lower bound one dependency file states; a file we cannot read states none."""
    found = []
    for requirement in requirements_in(path, text):
        if requirement.canonical_name == "django" and (bound := _lower_bound(requirement.specifier)) is not None:
            found.append(VersionEvidence(bound, path, requirement.text, requirement.line))
    return found


def lowest_django_version(files: dict[str, str]) -> VersionEvidence | None:
    evidence = [found for path, text in sorted(files.items()) for found in django_versions_in(path, text)]
    return max(evidence, key=lambda item: item.version) if evidence else None


def parse_version(text: str) -> DjangoVersion:
    """`--django-version 4.2` / `"5.0.3"` → (4, 2); raises ValueError with a readable message."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.\d+)?\s*", text)
    if not match:
        raise ValueError(f"invalid Django version {text!r}: expected MAJOR.MINOR such as 4.2")
    return (int(match.group(1)), int(match.group(2)))


def requirement_names(files: dict[str, str]) -> set[str]:
    """Every distribution the project's dependency files name (canonical: `uvicorn-worker`), any version."""
    return {requirement.canonical_name for path, text in files.items() for requirement in requirements_in(path, text)}


# ---------------------------------------------------------------------------------------------- any distribution


@dataclass(frozen=True)
class VersionRange:
    """The releases of one distribution that the dependency files allow: [low, high], None for unbounded."""

    low: Version | None
    high: Version | None
    high_inclusive: bool
    evidence: tuple[tuple[str, str], ...]  # (file, requirement as read): ("requirements.txt", "whitenoise==6.5.1")

    @property
    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return self.low > self.high or (self.low == self.high and not self.high_inclusive)

    def label(self) -> str:
        """`whitenoise==6.5.1` (requirements.txt)"""
        return ", ".join(f"`{requirement}` ({path})" for path, requirement in self.evidence)


def _poetry_specifier(constraint: str) -> str:
    """Poetry's `^1.2`, `~1.2` and bare `1.2` as PEP 440 specifiers."""
    constraint = constraint.strip()
    match = re.fullmatch(r"([\^~])=?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", constraint)
    if match:
        major, minor = int(match.group(2)), match.group(3)
        base = ".".join(part for part in match.group(2, 3, 4) if part is not None)
        if match.group(1) == "^":
            upper = f"{major + 1}" if major > 0 or minor is None else f"0.{int(minor) + 1}"
        else:
            upper = f"{major}.{int(minor) + 1}" if minor is not None else f"{major + 1}"
        return f">={base},<{upper}"
    if re.fullmatch(r"\d+(\.\d+)*(\.\*)?", constraint):
        return f"=={constraint}"
    return "" if constraint in ("", "*") else constraint


def version_range(files: dict[str, str], distribution: str) -> VersionRange | None:
    """What every dependency file together allows for `distribution`; None when no file names it. A range whose
    bounds cannot be read (`!=` only, a URL, a marker-only line) is unbounded on that side: callers stay unsure."""
    wanted = canonicalize_name(distribution)
    low: Version | None = None
    high: Version | None = None
    high_inclusive = False
    evidence = []
    for path, text in sorted(files.items()):
        for requirement in requirements_in(path, text):
            if requirement.canonical_name != wanted:
                continue
            specifier_text = requirement.specifier
            evidence.append((path, f"{requirement.name}{specifier_text}"))
            try:
                specifiers = SpecifierSet(specifier_text)
            except InvalidSpecifier:
                continue
            for spec in specifiers:
                bounds = _bounds(spec.operator, spec.version)
                if bounds is None:
                    continue
                lower, upper, inclusive = bounds
                if lower is not None and (low is None or lower > low):
                    low = lower
                if upper is not None and (high is None or upper < high or (upper == high and not inclusive)):
                    high, high_inclusive = upper, inclusive
    return VersionRange(low, high, high_inclusive, tuple(evidence)) if evidence else None


def _bounds(operator: str, text: str) -> tuple[Version | None, Version | None, bool] | None:
    """(lower, upper, upper inclusive) one specifier sets."""
    wildcard = text.endswith(".*")
    try:
        version = Version(text[:-2] if wildcard else text)
    except InvalidVersion:
        return None
    if operator in ("==", "===") and wildcard:
        parts = list(version.release)
        parts[-1] += 1
        return version, Version(".".join(map(str, parts))), False
    if operator in ("==", "==="):
        return version, version, True
    if operator in (">=", ">"):
        return version, None, False
    if operator == "<":
        return None, version, False
    if operator == "<=":
        return None, version, True
    if operator == "~=":
        parts = list(version.release[:-1]) or [version.release[0]]
        parts[-1] += 1
        return version, Version(".".join(map(str, parts))), False
    return None  # `!=` excludes single releases: the range stays as wide as it was


def applies_to(dependency: str, directory: str) -> bool:
    """A dependency file governs the code in its directory and below; `requirements/*.txt`, its parent's."""
    parent = dependency.rsplit("/", 1)[0] if "/" in dependency else ""
    if parent.rsplit("/", 1)[-1] == "requirements":
        parent = parent.rsplit("/", 1)[0] if "/" in parent else ""
    return parent in ("", ".") or directory == parent or directory.startswith(parent + "/")
