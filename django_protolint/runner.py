"""The pipeline, end to end: discover → per-file facts → project model → rules → filters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django_protolint.config import Config, ConfigError
from django_protolint.discovery import Discovery, discover
from django_protolint.filters import filter_findings, selection, validate_selectors
from django_protolint.project.dependencies import lowest_django_version, parse_version
from django_protolint.project.model import ProjectModel
from django_protolint.rules import REGISTRY, load_rules
from django_protolint.rules.base import Finding
from django_protolint.source.facts import FileFacts, FileProblem, Span
from django_protolint.source.parse import CANNOT_READ, build_facts


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    files: dict[str, FileFacts]
    model: ProjectModel


def read_facts(discovery: Discovery) -> list[FileFacts]:
    facts = []
    for source in discovery.python:
        try:
            data = source.path.read_bytes()
        except OSError as error:
            reason = error.strerror or type(error).__name__
            facts.append(_problem(source.display, source.module, f"Cannot read file: {reason}"))
            continue
        facts.append(build_facts(data, source.display, source.module, source.is_package))
    for missing in discovery.missing:
        facts.append(_problem(missing, "", "No such file or directory"))
    return facts


def _problem(path: str, module: str, message: str) -> FileFacts:
    return FileFacts(path=path, module=module, problem=FileProblem(CANNOT_READ, message, Span(1, 0, 1, 0)))


def _dependency_texts(discovery: Discovery) -> dict[str, str]:
    texts = {}
    for path, display in discovery.other:
        try:
            texts[display] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return texts


def build_model(files: list[FileFacts], dependency_texts: dict[str, str], config: Config) -> ProjectModel:
    evidence = lowest_django_version(dependency_texts)
    if config.django_version is not None:
        try:
            version = parse_version(config.django_version)
        except ValueError as error:
            raise ConfigError(f"{config.source or 'command line'}: {error}") from None
    else:
        version = evidence.version if evidence else None
    return ProjectModel(
        files=tuple(files),
        django_version=version,
        django_version_evidence=evidence,
        extra_blocking_calls=dict(config.extra_blocking_calls),
    )


def lint(paths: list[Path], config: Config, cwd: Path | None = None) -> Report:
    rules = load_rules()
    for selectors in (config.select or (), config.extend_select, config.ignore):
        validate_selectors(selectors, rules, config.source or "command line")
    for codes in config.per_file_ignores.values():
        validate_selectors(codes, rules, config.source or "command line")
    discovery = discover(paths, config.exclude + config.extend_exclude, cwd=cwd)
    files = read_facts(discovery)
    model = build_model(files, _dependency_texts(discovery), config)
    by_path = {facts.path: facts for facts in files}
    raw = REGISTRY.run(model, selection(config))
    findings = sorted(set(filter_findings(raw, config, by_path)), key=lambda f: f.sort_key)
    return Report(findings=tuple(findings), files=by_path, model=model)
