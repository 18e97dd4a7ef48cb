"""Which Django release a project may run on, from its dependency files, read as text.

We take the *lowest* release the constraints allow, so a fix never suggests an API the project may not have
(`aget` needs 4.1, `request.auser()` 5.0). Several files' constraints hold together, so their lower bounds
combine by taking the highest.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from django_protolint.config import load_toml_text

DjangoVersion = tuple[int, int]

DEPENDENCY_FILE = re.compile(
    r"(^|/)(requirements[^/]*\.(txt|in)|requirements/[^/]+\.(txt|in)|pyproject\.toml|setup\.cfg|Pipfile)$"
)


@dataclass(frozen=True)
class VersionEvidence:
    version: DjangoVersion
    path: str
    requirement: str


def _lower_bound(specifier_text: str) -> DjangoVersion | None:
    try:
        requirement = Requirement(f"django{specifier_text}" if specifier_text[:1] in "<>=!~ (" else specifier_text)
    except InvalidRequirement:
        return None
    best: DjangoVersion | None = None
    for spec in requirement.specifier:
        if spec.operator not in (">=", "==", "~=", "===", ">"):
            continue
        try:
            version = Version(spec.version.rstrip(".*"))
        except InvalidVersion:
            continue
        bound = (version.major, version.minor)
        best = bound if best is None else max(best, bound)
    return best


def _poetry_bound(constraint: str) -> DjangoVersion | None:
    constraint = constraint.strip()
    match = re.match(r"^[\^~]=?\s*(\d+)(?:\.(\d+))?", constraint)
    if match:
        return (int(match.group(1)), int(match.group(2) or 0))
    if constraint[:1].isdigit():  # Poetry reads a bare version ("4.2", "4.2.*") as an exact pin
        return _lower_bound(f"=={constraint}")
    return _lower_bound(constraint) if constraint and constraint != "*" else None


def _requirement_lines(text: str) -> list[str]:
    lines = []
    # pip-compile --generate-hashes writes `Django==4.2.7 \` and then `--hash=...` lines: join continuations,
    # and drop per-requirement options, as pip does.
    for raw in re.sub(r"\\\r?\n", " ", text).splitlines():
        line = re.split(r"(?:^|\s)#|\s--?[a-z]", raw, maxsplit=1)[0].strip()
        if line and not line.startswith(("#", "-")):
            lines.append(line)
    return lines


def _from_requirement_strings(lines: list[str], path: str) -> list[VersionEvidence]:
    found = []
    for line in lines:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.name.lower() != "django":
            continue
        bound = _lower_bound(str(requirement.specifier)) if requirement.specifier else None
        if bound is not None:
            found.append(VersionEvidence(bound, path, line))
    return found


def django_versions_in(path: str, text: str) -> list[VersionEvidence]:
    """Every Django lower bound one dependency file states; a file we cannot read states none."""
    name = path.rsplit("/", 1)[-1]
    if name == "pyproject.toml":
        data = load_toml_text(text)
        if data is None:
            return []
        found = _from_requirement_strings(list(data.get("project", {}).get("dependencies", []) or []), path)
        poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {}) or {}
        for key, value in poetry.items():
            if key.lower() == "django":
                constraint = value.get("version", "") if isinstance(value, dict) else str(value)
                if (bound := _poetry_bound(constraint)) is not None:
                    found.append(VersionEvidence(bound, path, f"django = {constraint!r}"))
        return found
    if name == "setup.cfg":
        parser = configparser.ConfigParser()
        try:
            parser.read_string(text)
        except configparser.Error:
            return []
        return _from_requirement_strings(_requirement_lines(parser.get("options", "install_requires", fallback="")), path)
    if name == "Pipfile":
        data = load_toml_text(text)
        if data is None:
            return []
        value = (data.get("packages", {}) or {}).get("django") or (data.get("packages", {}) or {}).get("Django")
        constraint = value.get("version", "") if isinstance(value, dict) else str(value or "")
        bound = _lower_bound(constraint) if constraint and constraint != "*" else None
        return [VersionEvidence(bound, path, f"django = {constraint!r}")] if bound else []
    return _from_requirement_strings(_requirement_lines(text), path)


def lowest_django_version(files: dict[str, str]) -> VersionEvidence | None:
    evidence = [found for path, text in sorted(files.items()) for found in django_versions_in(path, text)]
    return max(evidence, key=lambda item: item.version) if evidence else None


def parse_version(text: str) -> DjangoVersion:
    """`--django-version 4.2` / `"5.0.3"` → (4, 2); raises ValueError with a readable message."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.\d+)?\s*", text)
    if not match:
        raise ValueError(f"invalid Django version {text!r}: expected MAJOR.MINOR such as 4.2")
    return (int(match.group(1)), int(match.group(2)))


def _names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        try:
            names.add(canonicalize_name(Requirement(line).name))
        except InvalidRequirement:
            continue
    return names


def requirement_names(files: dict[str, str]) -> set[str]:
    """Every distribution the project's dependency files name (canonical: `uvicorn-worker`), any version."""
    names: set[str] = set()
    for path, text in files.items():
        name = path.rsplit("/", 1)[-1]
        if name in ("pyproject.toml", "Pipfile"):
            data = load_toml_text(text) or {}
            project = data.get("project", {}) or {}
            names |= _names([d for d in project.get("dependencies", []) or [] if isinstance(d, str)])
            for extra in (project.get("optional-dependencies", {}) or {}).values():
                names |= _names([d for d in extra or [] if isinstance(d, str)])
            poetry = data.get("tool", {}).get("poetry", {}) or {}
            tables = [poetry.get("dependencies", {}), *[g.get("dependencies", {}) for g in
                                                        (poetry.get("group", {}) or {}).values() if isinstance(g, dict)]]
            tables += [data.get("packages", {}), data.get("dev-packages", {})]  # Pipfile
            for table in tables:
                if isinstance(table, dict):
                    names |= {canonicalize_name(key) for key in table if key.lower() != "python"}
        elif name == "setup.cfg":
            parser = configparser.ConfigParser()
            try:
                parser.read_string(text)
            except configparser.Error:
                continue
            names |= _names(_requirement_lines(parser.get("options", "install_requires", fallback="")))
        else:
            names |= _names(_requirement_lines(text))
    return names


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


def _requirement_texts(path: str, text: str) -> list[tuple[str, str]]:
    """(distribution, PEP 440 specifier) for every requirement one dependency file states."""
    name = path.rsplit("/", 1)[-1]
    lines: list[str] = []
    pairs: list[tuple[str, str]] = []
    if name in ("pyproject.toml", "Pipfile"):
        data = load_toml_text(text) or {}
        project = data.get("project", {}) or {}
        lines += [d for d in project.get("dependencies", []) or [] if isinstance(d, str)]
        for extra in (project.get("optional-dependencies", {}) or {}).values():
            lines += [d for d in extra or [] if isinstance(d, str)]
        poetry = data.get("tool", {}).get("poetry", {}) or {}
        tables = [poetry.get("dependencies", {}), *[g.get("dependencies", {}) for g in
                                                    (poetry.get("group", {}) or {}).values() if isinstance(g, dict)]]
        for table in tables:
            for key, value in (table or {}).items() if isinstance(table, dict) else ():
                constraint = value.get("version", "") if isinstance(value, dict) else str(value)
                pairs.append((key, _poetry_specifier(constraint)))
        for table in (data.get("packages", {}), data.get("dev-packages", {})):  # Pipfile
            for key, value in (table or {}).items() if isinstance(table, dict) else ():
                constraint = value.get("version", "") if isinstance(value, dict) else str(value)
                pairs.append((key, "" if constraint.strip() == "*" else constraint))
    elif name == "setup.cfg":
        parser = configparser.ConfigParser()
        try:
            parser.read_string(text)
        except configparser.Error:
            return []
        lines = _requirement_lines(parser.get("options", "install_requires", fallback=""))
    else:
        lines = _requirement_lines(text)
    for line in lines:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        pairs.append((requirement.name, str(requirement.specifier)))
    return pairs


def version_range(files: dict[str, str], distribution: str) -> VersionRange | None:
    """What every dependency file together allows for `distribution`; None when no file names it. A range whose
    bounds cannot be read (`!=` only, a URL, a marker-only line) is unbounded on that side: callers stay unsure."""
    wanted = canonicalize_name(distribution)
    low: Version | None = None
    high: Version | None = None
    high_inclusive = False
    evidence = []
    for path, text in sorted(files.items()):
        for name, specifier_text in _requirement_texts(path, text):
            if canonicalize_name(name) != wanted:
                continue
            evidence.append((path, f"{name}{specifier_text}"))
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
