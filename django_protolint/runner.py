"""The pipeline, end to end: discover → per-file facts → project model → rules → filters."""

from __future__ import annotations

import errno
import hashlib
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from stat import S_ISREG

from django_protolint.cache import FactsCache, FactsStore, code_fingerprint, content_digest
from django_protolint.config import Config, ConfigError
from django_protolint.discovery import (
    Discovery,
    SourceFile,
    discover,
    display_path,
    module_name,
    root_relative,
    walk_takes,
)
from django_protolint.filters import filter_findings, selection, validate_selectors
from django_protolint.findings import Finding
from django_protolint.gc_pause import paused_gc
from django_protolint.parallel import Job, Progress, analyse_all
from django_protolint.project.dependencies import DEPENDENCY_FILE, DjangoVersion, lowest_django_version, parse_version
from django_protolint.project.deploy.formats import reader_for
from django_protolint.project.deploy.templated import rendered_text
from django_protolint.project.launch import launch_names
from django_protolint.project.model import ProjectModel
from django_protolint.project.per_file import PerFile
from django_protolint.project.proxy.read import proxy_file
from django_protolint.project.settings import SETTINGS_CONFIG_FILE
from django_protolint.rules import REGISTRY, load_rules
from django_protolint.rules.noqa_directives import UNUSED as UNUSED_NOQA
from django_protolint.rules.noqa_directives import needed_codes, unused_directives
from django_protolint.source.facts import CANNOT_READ, INTERNAL_ERROR, FileFacts, FileProblem, Span
from django_protolint.source.noqa import comment_noqa_directives, comment_noqa_lines
from django_protolint.source.template import TEMPLATE_CONFIG, template_config_for


def _quiet(done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    files: dict[str, FileFacts]
    model: ProjectModel


def read_facts(discovery: Discovery, cache: FactsStore | None = None, jobs: int = 1,
               progress: Progress | None = None, inputs: Inputs | None = None,
               launch: bool = True) -> list[FileFacts]:  # fmt: skip
    inputs = inputs or read_inputs(discovery, cache)
    slots: list[FileFacts | None] = []
    pending: list[tuple[int, str | None, Job]] = []  # (slot, cache key, job)
    _look_up(discovery, cache, inputs, slots, pending)

    def made(position: int, found: FileFacts, pickled: bytes | None, as_expected: bool) -> None:
        slot, key, _ = pending[position]
        slots[slot] = found
        inputs.changed_during_run |= not as_expected
        # A crash or a timeout may not happen again (a loaded machine, a worker killed): never kept.
        if cache is not None and key is not None and as_expected and not _internal_error(found):
            cache.put(key, found, pickled)

    analyse_all([job for _, _, job in pending], jobs, made, progress or _quiet)
    facts = [found for found in slots if found is not None]
    if launch:
        facts = _launched(discovery, facts, cache, jobs, inputs)
    for missing in discovery.missing:
        facts.append(_problem(missing, "", "No such file or directory"))
    for directory, reason in discovery.unreadable:
        facts.append(_problem(directory, "", f"Cannot read directory: {reason}"))
    return facts


def _launched(discovery: Discovery, facts: list[FileFacts], cache: FactsStore | None, jobs: int,
              inputs: Inputs) -> list[FileFacts]:  # fmt: skip
    """The facts again, under the names a manage.py's directory gives them (project/launch.py), for the few files
    whose names change: relative imports resolve against the module name, so renaming after the fact would not do."""
    renamed = launch_names(facts, inputs.other_texts)
    if not renamed:
        return facts
    sources = tuple(replace(source, module=renamed[source.display]) for source in discovery.python
                    if source.display in renamed)  # fmt: skip
    again = read_facts(replace(discovery, python=sources, missing=(), unreadable=()), cache, jobs, None, inputs,
                       launch=False)  # fmt: skip
    by_path = {found.path: found for found in again}
    return [by_path.get(found.path, found) for found in facts]


def _look_up(discovery: Discovery, cache: FactsStore | None, inputs: Inputs, slots: list[FileFacts | None],
             pending: list[tuple[int, str | None, Job]]) -> None:  # fmt: skip
    """Each file's facts from the cache, or a job to make them."""
    for source in discovery.python:
        state = inputs.python.get(source.display)
        if isinstance(state, str):
            slots.append(_problem(source.display, source.module, state))
            continue
        digest, data = state if state is not None else (None, None)
        template = inputs.other_texts.get(source.template) if source.template is not None else None
        key = _facts_key(source, digest, template) if cache and digest else None
        cached = cache.get(key) if cache is not None and key is not None else None
        slots.append(cached)
        if cached is None:
            # Without its bytes (known by its stat signature, or read for its digest and let go), the file is read
            # where it is analysed, and its facts are kept only if what is read has the digest they are keyed by.
            job = (data, source.display, source.module, source.is_package, template, str(source.path), digest)
            pending.append((len(slots) - 1, key, job))


def _facts_key(source: SourceFile, digest: bytes, template: str | None) -> str:
    return FactsCache.key(digest, source.display, source.module, source.is_package, template)


@dataclass
class Inputs:
    """What a run reads: each Python file as (content digest, bytes or None) or why it cannot be read, and the other
    files as text. The bytes are kept only for content that is not on disk (standard input, an editor's unsaved
    buffer): a file on disk is read for its digest, then again where it is analysed if its facts are not cached."""

    python: dict[str, tuple[bytes, bytes | None] | str]
    other_texts: dict[str, str]
    changed_during_run: bool = False  # a file changed between its digest and its analysis: do not keep the report

    def release_sources(self, keep: frozenset[str] = frozenset()) -> None:
        """The facts are made: the files' bytes need not stay in memory while the model and the rules run (the
        size of the project's source). A renamed module (project/launch.py) reads its file again."""
        for display, state in self.python.items():
            if isinstance(state, tuple) and state[1] is not None and display not in keep:
                self.python[display] = (state[0], None)


def read_inputs(discovery: Discovery, cache: FactsStore | None) -> Inputs:
    python: dict[str, tuple[bytes, bytes | None] | str] = {}
    for source in discovery.python:
        state = _read_source(source, cache, by_signature=True)
        # Only the digest is kept: the file is read again where it is analysed, when its facts are not cached.
        python[source.display] = (state[0], None) if isinstance(state, tuple) else state
    return Inputs(python, _other_texts(discovery))


def _read_source(source: SourceFile, cache: FactsStore | None,
                 by_signature: bool = False) -> tuple[bytes, bytes | None] | str:  # fmt: skip
    try:
        stat = os.stat(source.path)
    except OSError:
        stat = None  # a dangling link or a loop: reading says which
    if stat is not None and not S_ISREG(stat.st_mode):
        # Reading a FIFO named `*.py` would wait for a writer forever.
        return "Cannot read file: not a regular file"
    absolute = os.path.abspath(source.path)
    if by_signature and cache is not None and stat is not None:
        known = cache.known_digest(absolute, stat)
        if known is not None:
            return known, None
    try:
        data = source.path.read_bytes()
    except OSError as error:
        return _read_error(source.path, error)
    digest = content_digest(data)
    if cache is not None and stat is not None and len(data) == stat.st_size:
        cache.record_digest(absolute, stat, digest)
    return digest, data


def _internal_error(facts: FileFacts) -> bool:
    return facts.problem is not None and facts.problem.code == INTERNAL_ERROR


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


def build_model(files: list[FileFacts], other_texts: dict[str, str], config: Config,
                per_file: PerFile | None = None) -> ProjectModel:  # fmt: skip
    template_texts = {path: text for path, text in other_texts.items() if path.rsplit("/", 1)[-1] == TEMPLATE_CONFIG}
    dependency_texts = {path: rendered_text(text, _template_of(path, template_texts))
                        for path, text in other_texts.items() if DEPENDENCY_FILE.search(path)}  # fmt: skip
    evidence = lowest_django_version(dependency_texts)
    version: DjangoVersion | None
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
        deployment_texts={path: text for path, text in other_texts.items() if reader_for(path) or proxy_file(path)},
        declared_server=config.server,
        settings_texts={
            path: rendered_text(text, _template_of(path, template_texts))
            for path, text in other_texts.items()
            if SETTINGS_CONFIG_FILE.search(path)
        },  # fmt: skip
        settings_module=config.settings,
        template_texts=template_texts,
        per_file=per_file if per_file is not None else PerFile(),
    ).build()


def _template_of(path: str, template_texts: dict[str, str]) -> str | None:
    """The cookiecutter.json text of the template tree a file lies in: a requirements file, pytest.ini or .env
    there is read as its defaults render it, like the tree's Python files (deployment files: deploy/templated.py)."""
    found = template_config_for(path, template_texts.__contains__)
    return template_texts[found] if found is not None else None


def _root_relative_paths(discovery: Discovery, root: Path) -> dict[str, str]:
    """Shown path -> path relative to the configuration's directory, for `per-file-ignores`."""
    located = [(source.path, source.display) for source in discovery.python] + list(discovery.other)
    anchored = {}
    for path, display in located:
        relative = root_relative(path, root)
        if relative:
            anchored[display] = relative
    return anchored


def _validate(config: Config) -> None:
    rules = load_rules()
    for selectors in (config.select or (), config.extend_select, config.ignore):
        validate_selectors(selectors, rules, config.source or "command line")
    for codes in config.per_file_ignores.values():
        validate_selectors(codes, rules, config.source or "command line")
    for layer in config.overrides:
        for selectors in (layer.select or (), layer.extend_select, layer.ignore):
            validate_selectors(selectors, rules, "command line")


@dataclass(frozen=True)
class Named:
    """Files named on the command line whose project is analysed around them (file_context.py): each is in the
    analysis even when `exclude` leaves it out, and `stdin` is the text of one of them, read from standard input
    (an editor's unsaved buffer, which need not exist on disk yet). `buffers` are the language server's open
    editor buffers: each replaces the text of a file the analysis reads, and adds no file (`exclude` still holds)
    but a new Python file not on disk yet, which joins where the walk would take it once saved."""

    files: tuple[Path, ...] = ()
    stdin: tuple[Path, bytes] | None = None
    buffers: tuple[tuple[Path, bytes], ...] = ()

    @property
    def texts(self) -> tuple[tuple[Path, bytes], ...]:
        return (*self.buffers, self.stdin) if self.stdin is not None else self.buffers


def _with_named(discovery: Discovery, named: Named, config: Config, cwd: Path | None, root: Path,
                paths: list[Path]) -> Discovery:  # fmt: skip
    files = list(named.files)
    if named.stdin is not None and named.stdin[0] not in files:
        files.append(named.stdin[0])
    known = {os.path.abspath(source.path) for source in discovery.python}
    known.update(os.path.abspath(path) for path, _ in discovery.other)
    python, other = list(discovery.python), list(discovery.other)
    for file in files:
        if os.path.abspath(file) in known:
            continue
        if named.stdin is not None and file == named.stdin[0] and not file.exists():
            python.append(unsaved_source(file, cwd))
            continue
        extra = discover([file], config.exclude + config.extend_exclude, cwd=cwd, root=root)
        python.extend(extra.python)
        other.extend(extra.other)
    walked = [given for given in paths if given.is_dir()]
    for file, _ in named.buffers:
        absolute = os.path.abspath(file)
        if absolute in known or os.path.lexists(absolute):
            continue
        if any(walk_takes(file, given, config.exclude + config.extend_exclude, root) for given in walked):
            python.append(unsaved_source(file, cwd))
            known.add(absolute)
    if len(python) == len(discovery.python) and len(other) == len(discovery.other):
        return discovery
    return replace(discovery, python=tuple(sorted(python, key=lambda source: source.display)),
                   other=tuple(sorted(other, key=lambda item: item[1])))  # fmt: skip


def unsaved_source(file: Path, cwd: Path | None) -> SourceFile:
    """A Python file known only as an editor's unsaved text (not on disk yet): named as the walk would name it."""
    module, is_package = module_name(file)
    return SourceFile(file, display_path(file, Path(os.path.abspath(cwd or Path.cwd()))), module, is_package)


def _override_stdin(discovery: Discovery, inputs: Inputs, named: Named) -> None:
    texts = {os.path.abspath(file): data for file, data in named.texts}
    if not texts:
        return
    for source in discovery.python:
        data = texts.get(os.path.abspath(source.path))
        if data is not None:
            inputs.python[source.display] = (content_digest(data), data)
    for path, display in discovery.other:
        data = texts.get(os.path.abspath(path))
        if data is not None:
            inputs.other_texts[display] = data.decode("utf-8", errors="replace")


def _discover(paths: list[Path], config: Config, cwd: Path | None, cache: FactsCache | None,
              named: Named = Named()) -> tuple[Discovery, Path]:  # fmt: skip
    _validate(config)
    root = config.root or Path(os.path.abspath(cwd or Path.cwd()))
    discovery = discover(paths, config.exclude + config.extend_exclude, cwd=cwd, root=root)
    if named != Named():
        discovery = _with_named(discovery, named, config, cwd, root, paths)
    if cache is not None:
        where = os.path.abspath(cwd or Path.cwd())
        scope = f"{where}\0{root}\0" + "\0".join(os.path.abspath(path) for path in paths)
        cache.open(hashlib.sha256(scope.encode()).hexdigest()[:24])
    return discovery, root


def _report(discovery: Discovery, root: Path, config: Config, inputs: Inputs, cache: FactsCache | None,
            jobs: int, progress: Progress | None) -> Report:  # fmt: skip
    files = read_facts(discovery, cache, jobs, progress, inputs)
    inputs.release_sources()
    if cache is not None:
        cache.save_facts()
    return project_pass(discovery, root, config, files, inputs.other_texts)


def project_pass(discovery: Discovery, root: Path, config: Config, files: list[FileFacts],
                 other_texts: dict[str, str], per_file: PerFile | None = None) -> Report:  # fmt: skip
    """Model, rules and filters over every file's facts: what a run does once the facts are read. `per_file`:
    the files' shares of the model's indexes from an earlier pass over the same facts objects (engine.py)."""
    model = build_model(files, other_texts, config, per_file)
    by_path = {facts.path: facts for facts in files}
    for path, text in model.deployment_texts.items():
        # Deployment files carry findings too; their `# noqa` comments are read here, as for Python files.
        by_path.setdefault(path, FileFacts(path=path, module="", noqa=comment_noqa_lines(text),
                                           noqa_directives=comment_noqa_directives(text)))  # fmt: skip
    is_selected = selection(config)
    raw = list(REGISTRY.run(model, is_selected))
    if is_selected(UNUSED_NOQA.code):
        # Judged against every finding the directives' rules make, unfiltered (rules/noqa_directives.py).
        needed = needed_codes(by_path.values(), is_selected)
        evidence = raw + list(REGISTRY.run(model, needed.__contains__)) if needed else raw
        raw.extend(unused_directives(by_path.values(), evidence))
    anchored = _root_relative_paths(discovery, root) if config.per_file_ignores else {}
    findings = sorted(set(filter_findings(raw, config, by_path, anchored)), key=lambda f: f.sort_key)
    return Report(findings=tuple(findings), files=by_path, model=model)


# A resident engine that may answer instead of a run of the pipeline (daemon.py): given a run's paths,
# configuration, analysis directory and named files, the report a cold run would give, or None when it cannot.
Resident = Callable[[list[Path], Config, Path | None, Named], Report | None]
RESIDENT: Resident | None = None


@paused_gc()
def lint(paths: list[Path], config: Config, cwd: Path | None = None, cache: FactsCache | None = None,
         jobs: int = 1, progress: Progress | None = None, named: Named = Named()) -> Report:  # fmt: skip
    if RESIDENT is not None and (resident := RESIDENT(paths, config, cwd, named)) is not None:
        return resident
    discovery, root = _discover(paths, config, cwd, cache, named)
    inputs = read_inputs(discovery, cache)
    _override_stdin(discovery, inputs, named)
    report = _report(discovery, root, config, inputs, cache, jobs, progress)
    if cache is not None:
        cache.save()
    return report


@dataclass(frozen=True)
class Rendered:
    """A report as the user sees it, and what the exit code depends on."""

    text: str
    has_findings: bool
    internal_errors: int = 0  # files the analysis itself failed on (DPL003), whatever the filters hide
    severities: frozenset[str] = frozenset()  # of the findings shown: the exit status follows `--fail-level`
    python_files: int = 1  # Python files analysed: none is worth a warning
    warnings: tuple[str, ...] = ()  # about the options, one line each (a `--settings` the code contradicts)


@paused_gc()
def lint_rendered(paths: list[Path], config: Config, render: Callable[[Report], Rendered], variant: str,
                  cwd: Path | None = None, cache: FactsCache | None = None, jobs: int = 1,
                  progress: Progress | None = None, named: Named = Named()) -> Rendered:  # fmt: skip
    """`render(lint(...))`, or what the previous run rendered when nothing it was made from has changed.

    `render` must depend only on the report and on the files it names (as the shown paths read from the working
    directory), and `variant` must name everything else it depends on (format, colour, ...). The key covers the
    rest: the package's code and libraries, the configuration, the working directory, and every input of the
    analysis: each Python file (content, shown path, module name), each other file the project pass reads (as
    text), the paths that are missing or could not be listed, and, with `per-file-ignores`, where each file lies
    relative to the configuration.
    """
    if RESIDENT is not None and (resident := RESIDENT(paths, config, cwd, named)) is not None:
        return render(resident)
    discovery, root = _discover(paths, config, cwd, cache, named)
    inputs = read_inputs(discovery, cache)
    _override_stdin(discovery, inputs, named)
    key = _report_key(discovery, root, config, inputs, variant, cwd) if cache is not None else None
    if cache is not None and key is not None:
        found = cache.report(key)
        if isinstance(found, Rendered):
            cache.save()  # signatures recorded this time (files that were racily clean before)
            return found
    report = _report(discovery, root, config, inputs, cache, jobs, progress)
    rendered = render(report)
    if cache is not None:
        if key is not None and not inputs.changed_during_run and not any(map(_internal_error, report.files.values())):
            cache.put_report(key, rendered)
        cache.save()
    return rendered


def _report_key(discovery: Discovery, root: Path, config: Config, inputs: Inputs, variant: str,
                cwd: Path | None) -> str | None:  # fmt: skip
    digest = hashlib.sha256(code_fingerprint().encode())
    try:
        settings = pickle.dumps(config, protocol=4)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    places = f"{os.path.abspath(cwd or Path.cwd())}\0{os.getcwd()}\0{root}"  # the second: where output reads files
    for part in (variant.encode(), settings, places.encode()):
        digest.update(len(part).to_bytes(8, "little") + part)
    rows: list[object] = [discovery.missing, discovery.unreadable]
    for source in discovery.python:
        state = inputs.python.get(source.display)
        rows.append((source.display, source.module, source.is_package, state if isinstance(state, str) else
                     state[0] if state is not None else None))  # fmt: skip
    rows.append(sorted((path, content_digest(text.encode("utf-8", "surrogatepass"))) for path, text in
                       inputs.other_texts.items()))  # fmt: skip
    if config.per_file_ignores:
        rows.append(sorted(_root_relative_paths(discovery, root).items()))
    digest.update(pickle.dumps(rows, protocol=4))
    return digest.hexdigest()
