"""Command line: `check`, `rule`, `rules`. Exit 0 clean, 1 findings, 2 usage/configuration/internal error."""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import re
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from django_protolint import __version__
from django_protolint.config import Config, ConfigError, SelectionLayer, find_pyproject, load_config, parse_server
from django_protolint.filters import validate_selectors
from django_protolint.output import FORMATS
from django_protolint.project.dependencies import parse_version
from django_protolint.rules import load_rules
from django_protolint.rules.docs import how_to_fix, rule_markdown

if TYPE_CHECKING:
    from django_protolint.findings import Finding
    from django_protolint.project.model import ProjectModel
    from django_protolint.rules.base import Rule
    from django_protolint.runner import Rendered, Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def _use_color(option: bool | None, stream: object) -> bool:
    if option is not None:
        return option
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _validate_command_line(layer: SelectionLayer, django_version: str | None) -> None:
    """Checked before the configuration is read, so an error names the command line, not the pyproject.toml."""
    known = load_rules()
    for selectors in (layer.select or (), layer.extend_select, layer.ignore):
        validate_selectors(selectors, known, "command line")
    if django_version is not None:
        try:
            parse_version(django_version)
        except ValueError as error:
            raise ConfigError(f"--django-version: {error}") from None


def _is_terminal(stream: object) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


class ProgressBar:
    """On stderr, only once a run has taken ~2 s: short runs (a pre-commit hook) stay silent."""

    DELAY = 2.0

    def __init__(self) -> None:
        import time

        self._clock = time.monotonic
        self._started = self._clock()
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if self._clock() - self._started < self.DELAY or not total:
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        sys.stderr.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def only_in(report: Report, paths: list[Path]) -> Report:
    """The findings in `paths` (files, or directories holding them); the analysis itself saw the whole project."""
    wanted = [os.path.abspath(path) for path in paths]

    def wanted_path(shown: str) -> bool:
        absolute = os.path.abspath(shown)
        return any(absolute == path or absolute.startswith(path.rstrip(os.sep) + os.sep) for path in wanted)

    return dataclasses.replace(report, findings=tuple(f for f in report.findings if wanted_path(f.path)))


def internal_errors(report: Report) -> int:
    """Files the analysis itself failed on, whatever the filters hide: --strict is about the tool, not the code."""
    return sum(1 for facts in report.files.values() if facts.problem is not None and facts.problem.code == "DPL003")


def _internal_error(error: Exception) -> NoReturn:
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    click.echo(
        f"django-protolint: internal error: {type(error).__name__}: {error}{where}; "
        "please report it at the django-protolint issue tracker",
        err=True,
    )
    sys.exit(EXIT_ERROR)


class SectionedCommand(click.Command):
    """`--help` grouped into sections, as ruff's is: each option names its section in `OPTION_SECTIONS`."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for parameter in self.get_params(ctx):
            if not isinstance(parameter, click.Option):
                continue
            record = parameter.get_help_record(ctx)
            if record is None:
                continue
            name = parameter.name or ""
            sections.setdefault(OPTION_SECTIONS.get(name, "Global options"), []).append(record)
        for title in (*SECTION_ORDER, "Global options"):
            if title in sections:
                with formatter.section(title):
                    formatter.write_dl(sections[title])


SECTION_ORDER = ("Rule selection", "Output", "Exit status", "Fixes", "Project", "Run")
OPTION_SECTIONS = {
    "select": "Rule selection", "extend_select": "Rule selection", "ignore": "Rule selection",
    "output_format": "Output", "output_file": "Output", "statistics": "Output", "show_statistics": "Output",
    "show_fixes": "Output", "color": "Output", "quiet": "Output", "stdin_filename": "Output",
    "exit_zero": "Exit status", "fail_level": "Exit status", "strict": "Exit status", "report_only": "Exit status",
    "apply_fix": "Fixes", "show_diff": "Fixes", "unsafe_fixes": "Fixes", "fix_only": "Fixes", "add_noqa": "Fixes",
    "django_version": "Project", "config_file": "Project", "no_config": "Project", "server": "Project",
    "settings_module": "Project",
    "no_cache": "Run", "jobs": "Run",
}  # fmt: skip

FAIL_LEVELS = ("error", "warning", "info")  # each level fails on itself and every level before it


def fails(severities: frozenset[str], fail_level: str) -> bool:
    worst = FAIL_LEVELS.index(fail_level)
    return any(severity in FAIL_LEVELS[: worst + 1] for severity in severities)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="django-protolint")
def main() -> None:
    """Does the way you serve your Django project fit what its code needs? Which lines break async code?"""


FORMAT_ENVIRONMENT = "DJANGO_PROTOLINT_OUTPUT_FORMAT"


@main.command(cls=SectionedCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated; ALL for every rule).")
@click.option("--extend-select", multiple=True, help="Rule codes or prefixes to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option(
    "--output-format", "--format", "output_format", type=click.Choice(sorted(FORMATS)), envvar=FORMAT_ENVIRONMENT,
    show_envvar=True, default="full", show_default=True, help="Output format (`--format` is the same option).",
)  # fmt: skip
@click.option("--output-file", "-o", type=click.Path(path_type=Path), help="Write the report to this file.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--fail-level", type=click.Choice(FAIL_LEVELS), default="warning", show_default=True,
              envvar="DJANGO_PROTOLINT_FAIL_LEVEL", show_envvar=True,
              help="The lowest severity that makes the exit status 1: with `warning`, findings at `info` are "
                   "shown but do not fail a commit.")  # fmt: skip
@click.option(
    "--report-only",
    is_flag=True,
    help="Analyse the whole project (the directory of its pyproject.toml, "
    "else the current one) but report findings only in PATHS: for pre-commit's list of staged files.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 2 when django-protolint itself failed on a file (DPL003), "
    "instead of reporting it as a finding and going on.",
)
@click.option("--fix", "apply_fix", is_flag=True, help="Apply safe fixes, then report what remains.")
@click.option("--fix-only", is_flag=True, help="Apply safe fixes and report nothing else (exit 0 unless an error).")
@click.option("--diff", "show_diff", is_flag=True, help="Show the fixes as a unified diff; change nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change behaviour.")
@click.option("--show-fixes", is_flag=True, help="With --fix: list each fix applied. Otherwise: list the fixes "
              "available, per finding.")  # fmt: skip
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to each Python line with findings (a baseline "
              "for adopting the linter on old code); change nothing else.")  # fmt: skip
@click.option("--statistics", "show_statistics", is_flag=True,
              help="A count per rule instead of findings (JSON with --output-format json).")  # fmt: skip
@click.option("--stdin-filename", type=click.Path(path_type=Path),
              help="Read the source from standard input (PATH `-` or none) as the text of this file, analysed "
                   "with its project.")  # fmt: skip
@click.option("--django-version", help="The Django version to advise for (default: from your requirements).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this pyproject.toml.")
@click.option("--no-config", is_flag=True, help="Ignore pyproject.toml configuration.")
@click.option(
    "--server",
    help="Declare how the project is served (wsgi, asgi, or a server name such as gunicorn, "
    "uvicorn, daphne) when the deployment lives elsewhere.",
)
@click.option("--settings", "settings_module", help="The DJANGO_SETTINGS_MODULE to use when the code does not say.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Analyse every file afresh (the cache is in ~/.cache/django-protolint, "
    "or DJANGO_PROTOLINT_CACHE_DIR) [env var: DJANGO_PROTOLINT_CACHE_DIR].",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for the per-file pass (default: one per core).")  # fmt: skip
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--color/--no-color", default=None,
              help="Colour the output (default: on a terminal, unless NO_COLOR is set) [env var: NO_COLOR].")  # fmt: skip
@click.option("--no-daemon", is_flag=True, help="Run here even when `django-protolint daemon` serves this directory "
              "[env var: DJANGO_PROTOLINT_NO_DAEMON].")  # fmt: skip
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    output_file: Path | None,
    exit_zero: bool,
    fail_level: str,
    report_only: bool,
    strict: bool,
    apply_fix: bool,
    fix_only: bool,
    show_diff: bool,
    unsafe_fixes: bool,
    show_fixes: bool,
    add_noqa: bool,
    show_statistics: bool,
    stdin_filename: Path | None,
    django_version: str | None,
    config_file: Path | None,
    no_config: bool,
    server: str | None,
    settings_module: str | None,
    no_cache: bool,
    jobs: int | None,
    quiet: bool,
    color: bool | None,
    no_daemon: bool,
) -> None:
    """Lint PATHS (default: the current directory).

    A file named on its own is analysed with its project (its repository, else the outermost directory above it
    holding manage.py, pyproject.toml, requirements or a Procfile): the Django version, helper modules and
    deployment files count, and the findings shown are the file's.
    """
    from django_protolint.cache import FactsCache
    from django_protolint.parallel import default_jobs
    from django_protolint.runner import Named, Rendered, lint, lint_rendered

    apply_fix = apply_fix or fix_only
    targets = list(paths) or [Path(".")]
    reported: list[Path] = []
    named = Named()
    # Named inside a project from one of its subdirectories: the analysis runs from the project's top, so every
    # path in it is relative to the same place (a requirements file governs the files below it), and the findings
    # are shown relative to the working directory again.
    analysis_cwd: Path | None = None
    try:
        if report_only and (apply_fix or show_diff or add_noqa):
            raise ConfigError("--report-only cannot be combined with --fix, --diff or --add-noqa")
        if add_noqa and (apply_fix or show_diff):
            raise ConfigError("--add-noqa cannot be combined with --fix or --diff")
        layer = SelectionLayer(_codes(select), _codes(extend_select) or (), _codes(ignore) or ())
        _validate_command_line(layer, django_version)
        _check_option_files(None if no_config else config_file, settings_module)
        stdin = _stdin_source(targets, stdin_filename)
        if stdin is not None:
            if apply_fix or show_diff or add_noqa:
                raise ConfigError("reading from standard input cannot be combined with --fix, --diff or --add-noqa")
            targets = [target for target in targets if str(target) != "-"] or [stdin[0]]
        config_start = [stdin[0]] if stdin is not None and not paths else targets
        if report_only:
            reported, targets = targets, [Path(".")]
        config = _configuration(config_start if not report_only else targets, config_file, no_config, layer,
                                django_version, server, settings_module)  # fmt: skip
        if report_only:
            pyproject = config_file or find_pyproject(Path("."))
            targets = [pyproject.parent if pyproject is not None else Path(".")]
        else:
            in_context = _in_project_context(targets, stdin[0] if stdin is not None else None)
            if in_context is not None:
                reported, targets, files = in_context
                named = Named(files, stdin)
                analysis_cwd = _analysis_directory(targets)
            elif stdin is not None:
                reported, named = [stdin[0]], Named((), stdin)
        cache = None if no_cache else FactsCache()
        progress = None if quiet or not _is_terminal(sys.stderr) else ProgressBar()
        use_color = _use_color(color, sys.stdout) and output_file is None and output_format in ("full", "concise")

        def render(report: Report) -> Rendered:
            if analysis_cwd is not None:
                report = relocated(report, analysis_cwd)
            if reported:
                report = only_in(report, reported)
            text = _render(report, output_format, show_statistics, use_color, show_fixes)
            return Rendered(text, bool(report.findings), internal_errors(report),
                            frozenset(f.severity for f in report.findings), _python_file_count(report),
                            settings_warnings(report.model, config.settings))  # fmt: skip

        if cache is not None and not (show_diff or apply_fix or add_noqa) and output_format in REUSABLE_FORMATS:
            shown = [os.path.abspath(path) for path in reported]
            variant = "\0".join(["statistics" if show_statistics else output_format, str(use_color),
                                 str(show_fixes), *shown])  # fmt: skip
            rendered = lint_rendered(targets, config, render, variant, cache=cache, jobs=jobs or default_jobs(),
                                     progress=progress, named=named, cwd=analysis_cwd)  # fmt: skip
            if progress is not None:
                progress.finish()
            _finish(rendered, output_file, use_color, strict, exit_zero, fail_level)
        report = lint(targets, config, cwd=analysis_cwd, cache=cache, jobs=jobs or default_jobs(), progress=progress,
                      named=named)  # fmt: skip
        if progress is not None:
            progress.finish()
        if analysis_cwd is not None:
            report = relocated(report, analysis_cwd)
        if reported:
            report = only_in(report, reported)
        if add_noqa:
            from django_protolint.fixes.noqa import add_noqa_comments

            added = add_noqa_comments(report.findings, Path.cwd())
            for problem in added.skipped:
                click.echo(f"django-protolint: warning: {problem}", err=True)
            click.echo(f"Added {added.count} noqa directive{'s' if added.count != 1 else ''}.", err=True)
            sys.exit(EXIT_CLEAN)
        if show_diff or apply_fix:
            from django_protolint.fixes.apply import apply_fixes, write_changes

            outcome = apply_fixes(report.findings, Path.cwd(), unsafe=unsafe_fixes)
            for failure in outcome.failures:
                click.echo(f"django-protolint: warning: {failure}", err=True)
            if show_diff:
                click.echo("".join(change.diff() for change in outcome.changes), nl=False)
                click.echo(f"Would fix {outcome.fixed_count} problem{'s' if outcome.fixed_count != 1 else ''}.",
                           err=True)  # fmt: skip
                sys.exit(EXIT_FINDINGS if outcome.changes and not exit_zero else EXIT_CLEAN)
            write_changes(outcome, Path.cwd())
            fixed = [
                f for f in report.findings if f.fix is not None and (unsafe_fixes or f.fix.applicability == "safe")
            ]
            if outcome.changes:
                # Report what is left, as the files now are.
                report = lint(targets, config, cwd=analysis_cwd, cache=cache, jobs=jobs or default_jobs(), named=named)
                if analysis_cwd is not None:
                    report = relocated(report, analysis_cwd)
                if reported:
                    report = only_in(report, reported)
            if show_fixes and outcome.fixed_count:
                click.echo(_fixed_list(fixed, outcome.fixed_count), err=True)
            click.echo(f"Fixed {outcome.fixed_count} problem{'s' if outcome.fixed_count != 1 else ''}.", err=True)
            if fix_only:
                sys.exit(EXIT_CLEAN)
        text = _render(report, output_format, show_statistics, use_color, show_fixes and not apply_fix)
    except ConfigError as error:
        click.echo(f"django-protolint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:  # noqa: BLE001 - a crash is exit 2 with one line, never a traceback in CI logs
        _internal_error(error)

    _finish(Rendered(text, bool(report.findings), internal_errors(report),
                     frozenset(f.severity for f in report.findings), _python_file_count(report),
                     settings_warnings(report.model, config.settings)),
            output_file, use_color, strict, exit_zero, fail_level)  # fmt: skip


def _stdin_source(targets: list[Path], stdin_filename: Path | None) -> tuple[Path, bytes] | None:
    """`-` or `--stdin-filename`: the text of one file, from standard input (ruff's convention)."""
    dash = [target for target in targets if str(target) == "-"]
    if not dash and stdin_filename is None:
        return None
    if len(dash) > 1 or (dash and len(targets) > 1 and stdin_filename is None):
        raise ConfigError("`-` (standard input) must be the only path")
    name = stdin_filename if stdin_filename is not None else Path("stdin.py")
    raw = getattr(sys.stdin, "buffer", sys.stdin).read()
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    return name, data


def _in_project_context(
    targets: list[Path], stdin_file: Path | None
) -> tuple[list[Path], list[Path], tuple[Path, ...]] | None:
    """For named files: (paths to report on, paths to analyse, the files), or None when no file is named inside a
    project (each path is then linted as given)."""
    from django_protolint.file_context import project_root

    files = [target for target in targets if target.is_file() or (stdin_file is not None and target == stdin_file)]
    roots = {file: project_root(file) for file in files}
    if not any(root is not None for root in roots.values()):
        return None
    analysed: list[Path] = []
    for target in targets:
        chosen = roots.get(target) or target
        if all(os.path.abspath(chosen) != os.path.abspath(seen) for seen in analysed):
            analysed.append(chosen)
    return targets, analysed, tuple(files)


def settings_warnings(model: ProjectModel, configured: str | None) -> tuple[str, ...]:
    """A `--settings` (or `settings =`) that names no module the analysis found, or that differs from the module
    an `asgi.py`/`wsgi.py` names: the analysis follows the option, the deployment may not."""
    if not configured:
        return ()
    found: list[str] = []
    for project in model.django_projects:
        chosen = next((module for module in project.settings if module.reference.source == "configuration"), None)
        if chosen is None:
            continue
        if chosen.facts is None:
            found.append(f"--settings {configured}: no such module among the files analysed under "
                         f"`{project.root}`")  # fmt: skip
        for module in project.settings:
            reference = module.reference
            if reference.source in ("asgi.py", "wsgi.py") and reference.module != configured:
                found.append(f"--settings {configured} differs from `{reference.module}`, which "
                             f"{reference.path}:{reference.line} names; the analysis follows --settings, so check "
                             "which one your server's environment runs")  # fmt: skip
    return tuple(dict.fromkeys(found))


_MODULE_PATH = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


def _check_option_files(config_file: Path | None, settings_module: str | None) -> None:
    """`--config` and `--settings` mistakes in one plain line, before anything is read."""
    if config_file is not None:
        if config_file.is_dir():
            raise ConfigError(f"--config {config_file}: is a directory; give the pyproject.toml file")
        if not config_file.exists():
            raise ConfigError(f"--config {config_file}: no such file")
    if settings_module is not None and not _MODULE_PATH.match(settings_module):
        raise ConfigError(f"--settings `{settings_module}`: not a dotted module path (like `proj.settings`)")


def _analysis_directory(targets: list[Path]) -> Path | None:
    """The one project's top when the working directory lies strictly inside it, else None (the working
    directory already sees every path of the analysis from the same place)."""
    if len(targets) != 1 or not targets[0].is_dir():
        return None
    top, here = os.path.abspath(targets[0]), os.path.abspath(Path.cwd())
    return Path(top) if here != top and here.startswith(top.rstrip(os.sep) + os.sep) else None


def relocated(report: Report, analysed_from: Path) -> Report:
    """The findings' paths as seen from the working directory instead of `analysed_from`."""
    from django_protolint.discovery import display_path

    here = Path(os.path.abspath(Path.cwd()))

    def moved(path: str) -> str:
        return display_path(Path(path) if os.path.isabs(path) else analysed_from / path, here)

    findings = tuple(dataclasses.replace(finding, path=moved(finding.path)) for finding in report.findings)
    return dataclasses.replace(report, findings=findings)


def _python_file_count(report: Report) -> int:
    return sum(1 for path in report.files if path.endswith((".py", ".pyw")))


def _fixed_list(fixed: list[Finding], count: int) -> str:
    lines = [f"Fixed {count} problem{'s' if count != 1 else ''}:"]
    by_path: dict[str, list[Finding]] = {}
    for finding in fixed:
        by_path.setdefault(finding.path, []).append(finding)
    for path, findings in sorted(by_path.items()):
        lines.append(f"- {path}:")
        lines.extend(f"    {finding.span.line}:{finding.span.column + 1} {finding.code} {finding.fix.message}"
                     for finding in findings if finding.fix is not None)  # fmt: skip
    return "\n".join(lines)


def _finish(rendered: Rendered, output_file: Path | None, color: bool, strict: bool, exit_zero: bool,
            fail_level: str = "warning") -> NoReturn:  # fmt: skip
    _write(rendered.text, output_file, color)
    for warning in rendered.warnings:
        click.echo(f"django-protolint: warning: {warning}", err=True)
    if not rendered.python_files:
        # ruff's wording; a warning, not an error: a hook run on a repository without Python code is not a failure.
        click.echo("django-protolint: warning: No Python files found under the given path(s)", err=True)
    if strict and (failed := rendered.internal_errors):
        click.echo(f"django-protolint: error: the analysis failed on {failed} file{'s' if failed != 1 else ''} "
                   "(DPL003 above) and --strict was given", err=True)  # fmt: skip
        sys.exit(EXIT_ERROR)
    if fails(rendered.severities, fail_level) and not exit_zero:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


# Formats whose text depends only on the report and the files it names, so a run can reuse the previous run's text.
# Not SARIF or GitLab: they also depend on where the repository root is (and GitLab on `CI_PROJECT_DIR`).
REUSABLE_FORMATS = frozenset({"full", "concise", "json", "json-lines", "github", "junit", "pylint"})


def _render(report: Report, output_format: str, show_statistics: bool, use_color: bool,
            show_fixes: bool = False) -> str:  # fmt: skip
    from django_protolint.output import FORMATS
    from django_protolint.output.statistics import statistics

    if show_statistics:
        return statistics(report, as_json=output_format in ("json", "json-lines"))
    text = FORMATS[output_format](report, use_color)
    if show_fixes and output_format in ("full", "concise"):
        from django_protolint.output.concise import available_fixes

        text += available_fixes(report)
    return text


def _configuration(targets: list[Path], config_file: Path | None, no_config: bool, layer: SelectionLayer,
                   django_version: str | None, server: str | None, settings_module: str | None) -> Config:  # fmt: skip
    config = Config()
    if not no_config:
        pyproject = config_file or find_pyproject(targets[0])
        if pyproject is not None:
            config = load_config(pyproject)
    return config.merged(
        overrides=(*config.overrides, layer) if layer != SelectionLayer() else None,
        django_version=django_version,
        server=parse_server(server, "--server") if server is not None else None,
        settings=settings_module,
    )


class NoProject(ConfigError):
    """`report` on a path that holds no Django project: nothing to give a verdict on."""


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--output-format", "--format", "output_format", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True,
              help="text for a terminal, json for tools, markdown for a pull-request comment.")  # fmt: skip
@click.option("--output-file", "-o", type=click.Path(path_type=Path), help="Write the report to this file.")
@click.option("--django-version", help="The Django version to advise for (default: from your requirements).")
@click.option("--server", help="Declare how the project is served (wsgi, asgi, or a server name).")
@click.option("--settings", "settings_module", help="The DJANGO_SETTINGS_MODULE to use when the code does not say.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this pyproject.toml.")
@click.option("--no-config", is_flag=True, help="Ignore pyproject.toml configuration.")
@click.option("--no-cache", is_flag=True, help="Analyse every file afresh (the cache is in ~/.cache/django-protolint).")
def report(path: Path | None, output_format: str, output_file: Path | None, django_version: str | None,
           server: str | None, settings_module: str | None, config_file: Path | None, no_config: bool,
           no_cache: bool) -> None:  # fmt: skip
    """The protocol-fit verdict for PATH (default: the current directory), with all its evidence.

    A file's verdict is its project's. Exit 0 when the serving fits (or cannot be known), 1 on a mismatch or a
    suboptimal fit, 2 when PATH does not exist or holds no Django project.
    """
    from django_protolint.cache import FactsCache
    from django_protolint.parallel import default_jobs
    from django_protolint.runner import Rendered, lint_rendered

    target = path or Path(".")
    shown = target

    def render(report: Report) -> Rendered:
        from django_protolint.output.verdict import has_django_project, render_json, render_text

        model = report.model
        if not has_django_project(model):
            raise NoProject(f"no Django project found in `{shown}` (no settings module, views or deployment files)")
        if output_format == "json":
            text = render_json(model)
        else:
            text = render_text(model, markdown=output_format == "markdown")
        bad = any(verdict.fit in ("mismatch", "suboptimal") for verdict in model.verdicts.values())
        return Rendered(text, bad, warnings=settings_warnings(model, config.settings))

    try:
        if not target.exists():
            raise ConfigError(f"`{target}`: no such file or directory")
        if not target.is_dir():
            from django_protolint.file_context import project_root

            target = project_root(target) or target.parent
        targets = [target]
        _validate_command_line(SelectionLayer(), django_version)
        _check_option_files(None if no_config else config_file, settings_module)
        config = _configuration(targets, config_file, no_config, SelectionLayer(), django_version, server,
                                settings_module)  # fmt: skip
        # The same cache as `check`: a pre-commit run of the verdict hook after a commit that changed nothing it
        # reads is the previous verdict, not a new analysis.
        rendered = lint_rendered(targets, config, render, f"report\0{output_format}",
                                 cache=None if no_cache else FactsCache(), jobs=default_jobs())  # fmt: skip
    except ConfigError as error:
        click.echo(f"django-protolint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:  # noqa: BLE001 - one line, never a traceback
        _internal_error(error)
    _write(rendered.text, output_file, color=False)
    for warning in rendered.warnings:
        click.echo(f"django-protolint: warning: {warning}", err=True)
    sys.exit(EXIT_FINDINGS if rendered.has_findings else EXIT_CLEAN)


def _write(text: str, output_file: Path | None, color: bool) -> None:
    if output_file is not None:
        try:
            output_file.write_text(text, encoding="utf-8")
        except OSError as error:
            click.echo(f"django-protolint: error: cannot write {output_file}: {error.strerror or error}", err=True)
            sys.exit(EXIT_ERROR)
    else:
        click.echo(text, nl=False, color=color)


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="Explain every rule.")
@click.option("--output-format", "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Markdown text, or JSON for tools.")  # fmt: skip
def rule(code: str | None, show_all: bool, output_format: str) -> None:
    """Explain one rule, by code (DPL110) or name (blocking-sleep-in-async), or every rule with --all."""
    rules = load_rules()
    if show_all == (code is not None):
        click.echo("django-protolint: error: give a rule code or name, or --all", err=True)
        sys.exit(EXIT_ERROR)
    if show_all:
        chosen = list(rules.values())
    else:
        assert code is not None
        by_slug = {found.slug: found for found in rules.values()}
        found = rules.get(code.upper()) or by_slug.get(code.lower())
        if found is None:
            click.echo(f"django-protolint: error: unknown rule `{code}` (see `django-protolint rules`)", err=True)
            sys.exit(EXIT_ERROR)
        chosen = [found]
    if output_format == "json":
        records = [_rule_record(found, explanation=True) for found in chosen]
        click.echo(json.dumps(records if show_all else records[0], indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(rule_markdown(found) for found in chosen), nl=False)


@main.command(name="rules")
@click.option("--output-format", "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="One line per rule, or JSON for tools.")  # fmt: skip
def list_rules(output_format: str) -> None:
    """List every rule."""
    rules = load_rules().values()
    if output_format == "json":
        click.echo(json.dumps([_rule_record(found) for found in rules], indent=2, ensure_ascii=False))
        return
    for found in rules:
        click.echo(f"{found.code}  {found.severity:<7}  {found.slug:<40} {found.summary}")


@main.command()
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default, and the only way).")
def server(stdio: bool) -> None:
    """Run the language server (LSP) for an editor: diagnostics as you type, fixes, `# noqa`, rule docs on hover.

    It reads the same pyproject.toml as `check`. Needs the `lsp` extra: pip install 'django-protolint[lsp]'.
    """
    try:
        from django_protolint.server.lsp import serve
    except ImportError as error:
        click.echo(f"django-protolint: error: the language server needs pygls ({error}); install it with "
                   "`pip install 'django-protolint[lsp]'`", err=True)  # fmt: skip
        sys.exit(EXIT_ERROR)
    # A long-lived process: `run` turned the cyclic collector off for one-shot runs, a server needs it back.
    gc.enable()
    serve()


def _rule_record(found: Rule, explanation: bool = False) -> dict[str, object]:
    record: dict[str, object] = {
        "code": found.code, "name": found.slug, "severity": found.severity, "summary": found.summary,
        "since": found.since, "status": found.status, "fixable": found.fixable,
        "fix_applicability": found.fix_safety.applicability if found.fix_safety and found.fixable else None,
        "url": found.url, "help": how_to_fix(found), "links": list(found.links),
    }  # fmt: skip
    if explanation:
        record["explanation"] = rule_markdown(found)
    return record


@main.group()
def daemon() -> None:
    """Keep a project analysed between runs: `check` from its directory is then answered in a fraction of the time.

    For pre-commit hooks on large projects. The daemon answers exactly what `check` would print; fixes, standard
    input and `--output-file` still run in the calling process.
    """


@daemon.command("start")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False, exists=True), default=".")
@click.option("--idle", type=click.FloatRange(min=1), default=30, show_default=True,
              help="Minutes without a request after which the daemon stops.")  # fmt: skip
def daemon_start(path: Path, idle: float) -> None:
    """Start a daemon for the project in PATH (default: the current directory)."""
    from django_protolint import daemon as resident

    click.echo(f"django-protolint daemon: {resident.start(path, idle)}")


@daemon.command("stop")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False), default=".")
def daemon_stop(path: Path) -> None:
    """Stop the daemon serving PATH."""
    from django_protolint import daemon as resident

    click.echo("django-protolint daemon: " + ("stopped" if resident.stop(path) else "none was running"))


@daemon.command("status")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False), default=".")
def daemon_status(path: Path) -> None:
    """Whether a daemon serves PATH (exit 1 when none does)."""
    from django_protolint import daemon as resident

    running = resident.status(path)
    if running is None:
        click.echo("django-protolint daemon: none is running here")
        sys.exit(EXIT_FINDINGS)
    click.echo(f"django-protolint daemon: running (pid {running['pid']}) for {running['root']}")


@daemon.command("serve", hidden=True)
@click.argument("path", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--idle", type=click.FloatRange(min=1), default=30)
def daemon_serve(path: Path, idle: float) -> None:
    """The daemon's own process (what `daemon start` runs in the background)."""
    from django_protolint import daemon as resident

    resident.serve(path, idle)


def run() -> NoReturn:
    """The console entry point: `main` with the cyclic collector off, then an exit that skips the teardown.

    A run pauses the collector (`gc_pause.paused_gc`); turned back on, its first pass walks every object the run
    made, and the interpreter's teardown frees them one by one and makes a last full pass: together more than a
    one-file-edited run's whole analysis on a large project. Facts and syntax trees hold no reference cycles, and
    this process ends with the report; nothing is left to clean up then (the report is written, the cache saved,
    worker processes joined). mypy exits the same way.
    """
    gc.disable()
    try:
        main()
        code: object = 0
    except SystemExit as exit:
        code = exit.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe (`| head`): what Python would report, without a traceback
        code = code or 1
    os._exit(code or 0)
