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
