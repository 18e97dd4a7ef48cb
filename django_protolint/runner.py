"""The pipeline, end to end: discover → per-file facts → project model → rules → filters."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from django_protolint.config import Config, ConfigError
from django_protolint.discovery import Discovery, discover, root_relative
from django_protolint.filters import filter_findings, selection, validate_selectors
from django_protolint.project.dependencies import DEPENDENCY_FILE, lowest_django_version, parse_version
from django_protolint.project.deploy.files import reader_for
from django_protolint.project.model import ProjectModel
from django_protolint.project.settings import SETTINGS_CONFIG_FILE
from django_protolint.rules import REGISTRY, load_rules
from django_protolint.rules.base import Finding
from django_protolint.source.facts import FileFacts, FileProblem, Span
from django_protolint.source.noqa import comment_noqa_lines
from django_protolint.cache import FactsCache
from django_protolint.parallel import Job, Progress, analyse_all, paused_gc


def _quiet(done: int, total: int) -> None:
    return None
from django_protolint.source.parse import CANNOT_READ


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    files: dict[str, FileFacts]
    model: ProjectModel


def read_facts(discovery: Discovery, cache: FactsCache | None = None, jobs: int = 1,
               progress: Progress | None = None) -> list[FileFacts]:  # fmt: skip
    slots: list[FileFacts | None] = []
    pending: list[tuple[int, str | None, Job]] = []  # (slot, cache key, job)
    for source in discovery.python:
        if source.path.exists() and not source.path.is_file():
            # Reading a FIFO named `*.py` would wait for a writer forever.
            slots.append(_problem(source.display, source.module, "Cannot read file: not a regular file"))
            continue
        try:
            data = source.path.read_bytes()
        except OSError as error:
            slots.append(_problem(source.display, source.module, _read_error(source.path, error)))
            continue
        job: Job = (data, source.display, source.module, source.is_package)
        key = FactsCache.key(*job) if cache is not None else None
        cached = cache.get(key) if cache is not None and key is not None else None
        slots.append(cached)
        if cached is None:
            pending.append((len(slots) - 1, key, job))
    for (slot, key, _), found in zip(pending, analyse_all([job for _, _, job in pending], jobs, progress or _quiet)):
        slots[slot] = found
        if cache is not None and key is not None:
            cache.put(key, found)
    facts = [found for found in slots if found is not None]
    for missing in discovery.missing:
        facts.append(_problem(missing, "", "No such file or directory"))
    for directory, reason in discovery.unreadable:
        facts.append(_problem(directory, "", f"Cannot read directory: {reason}"))
    return facts


def _read_error(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "Cannot read file: symbolic link loop"
    # A dangling symlink fails with ENOENT, which reads as if the walk had invented the file: name the link.
    if error.errno == errno.ENOENT and path.is_symlink():
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"Cannot read file: broken symbolic link (points to `{target}`, which does not exist)"
    return f"Cannot read file: {error.strerror or type(error).__name__}"


# Not an encoding problem: the rule's default advice (save as UTF-8) would mislead.
_READ_HELP = "check that the path exists and is readable, or exclude it with `exclude` in `[tool.django-protolint]`"


def _problem(path: str, module: str, message: str) -> FileFacts:
    problem = FileProblem(CANNOT_READ, message, Span(1, 0, 1, 0), help=_READ_HELP)
    return FileFacts(path=path, module=module, problem=problem)


def _other_texts(discovery: Discovery) -> dict[str, str]:
    """Dependency and deployment files, as text (read once; the project pass never touches the disk)."""
    texts = {}
    for path, display in discovery.other:
        try:
            texts[display] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return texts


def build_model(files: list[FileFacts], other_texts: dict[str, str], config: Config) -> ProjectModel:
    dependency_texts = {path: text for path, text in other_texts.items() if DEPENDENCY_FILE.search(path)}
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
        django_version_configured=config.django_version is not None,
        extra_blocking_calls=dict(config.extra_blocking_calls),
        dependency_texts=dependency_texts,
        deployment_texts={path: text for path, text in other_texts.items() if reader_for(path)},
        declared_server=config.server,
        settings_texts={path: text for path, text in other_texts.items() if SETTINGS_CONFIG_FILE.search(path)},
        settings_module=config.settings,
    )


def _root_relative_paths(discovery: Discovery, root: Path) -> dict[str, str]:
    """Shown path -> path relative to the configuration's directory, for `per-file-ignores`."""
    located = [(source.path, source.display) for source in discovery.python] + list(discovery.other)
    anchored = {}
    for path, display in located:
        relative = root_relative(path, root)
        if relative:
            anchored[display] = relative
    return anchored


@paused_gc()
def lint(paths: list[Path], config: Config, cwd: Path | None = None, cache: FactsCache | None = None,
         jobs: int = 1, progress: Progress | None = None) -> Report:  # fmt: skip
    rules = load_rules()
    for selectors in (config.select or (), config.extend_select, config.ignore):
        validate_selectors(selectors, rules, config.source or "command line")
    for codes in config.per_file_ignores.values():
        validate_selectors(codes, rules, config.source or "command line")
    for layer in config.overrides:
        for selectors in (layer.select or (), layer.extend_select, layer.ignore):
            validate_selectors(selectors, rules, "command line")
    root = config.root or Path(os.path.abspath(cwd or Path.cwd()))
    discovery = discover(paths, config.exclude + config.extend_exclude, cwd=cwd, root=root)
    files = read_facts(discovery, cache, jobs, progress)
    model = build_model(files, _other_texts(discovery), config)
    by_path = {facts.path: facts for facts in files}
    for path, text in model.deployment_texts.items():
        # Deployment files carry findings too; their `# noqa` comments are read here, as for Python files.
        by_path.setdefault(path, FileFacts(path=path, module="", noqa=comment_noqa_lines(text)))
    raw = REGISTRY.run(model, selection(config))
    anchored = _root_relative_paths(discovery, root)
    findings = sorted(set(filter_findings(raw, config, by_path, anchored)), key=lambda f: f.sort_key)
    return Report(findings=tuple(findings), files=by_path, model=model)
