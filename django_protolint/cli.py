"""Command line: `check`, `rule`, `rules`. Exit 0 clean, 1 findings, 2 usage/configuration/internal error."""

from __future__ import annotations

import dataclasses
import gc
import os
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
from django_protolint.rules.docs import rule_markdown

if TYPE_CHECKING:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="django-protolint")
def main() -> None:
    """Does the way you serve your Django project fit what its code needs? Which lines break async code?"""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated; ALL for every rule).")
@click.option("--extend-select", multiple=True, help="Rule codes or prefixes to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option(
    "--format", "output_format", type=click.Choice(sorted(FORMATS)), envvar="DJANGO_PROTOLINT_OUTPUT_FORMAT",
    default="full", show_default=True, help="Output format.",
)  # fmt: skip
@click.option("--output-file", "-o", type=click.Path(path_type=Path), help="Write the report to this file.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--report-only", is_flag=True, help="Analyse the whole project (the directory of its pyproject.toml, "
              "else the current one) but report findings only in PATHS: for pre-commit's list of staged files.")
@click.option("--strict", is_flag=True, help="Exit 2 when django-protolint itself failed on a file (DPL003), "
              "instead of reporting it as a finding and going on.")
@click.option("--fix", "apply_fix", is_flag=True, help="Apply safe fixes, then report what remains.")
@click.option("--diff", "show_diff", is_flag=True, help="Show the fixes as a unified diff; change nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change behaviour.")
@click.option("--statistics", "show_statistics", is_flag=True, help="Print a count per rule instead of findings.")
@click.option("--django-version", help="The Django version to advise for (default: from your requirements).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this pyproject.toml.")
@click.option("--no-config", is_flag=True, help="Ignore pyproject.toml configuration.")
@click.option("--server", help="Declare how the project is served (wsgi, asgi, or a server name such as gunicorn, "
              "uvicorn, daphne) when the deployment lives elsewhere.")
@click.option("--settings", "settings_module", help="The DJANGO_SETTINGS_MODULE to use when the code does not say.")
@click.option("--no-cache", is_flag=True, help="Analyse every file afresh (the cache is in ~/.cache/django-protolint).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for the per-file pass (default: one per core).")  # fmt: skip
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--color/--no-color", default=None, help="Colour the output (default: on a terminal, unless NO_COLOR).")
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    output_file: Path | None,
    exit_zero: bool,
    report_only: bool,
    strict: bool,
    apply_fix: bool,
    show_diff: bool,
    unsafe_fixes: bool,
    show_statistics: bool,
    django_version: str | None,
    config_file: Path | None,
    no_config: bool,
    server: str | None,
    settings_module: str | None,
    no_cache: bool,
    jobs: int | None,
    quiet: bool,
    color: bool | None,
) -> None:
    """Lint PATHS (default: the current directory)."""
    from django_protolint.cache import FactsCache
    from django_protolint.parallel import default_jobs
    from django_protolint.runner import Rendered, lint, lint_rendered

    targets = list(paths) or [Path(".")]
    try:
        if report_only and (apply_fix or show_diff):
            raise ConfigError("--report-only cannot be combined with --fix or --diff")
        layer = SelectionLayer(_codes(select), _codes(extend_select) or (), _codes(ignore) or ())
        _validate_command_line(layer, django_version)
        if report_only:
            reported, targets = targets, [Path(".")]
        config = _configuration(targets, config_file, no_config, layer, django_version, server, settings_module)
        if report_only:
            pyproject = config_file or find_pyproject(Path("."))
            targets = [pyproject.parent if pyproject is not None else Path(".")]
        cache = None if no_cache else FactsCache()
        progress = None if quiet or not _is_terminal(sys.stderr) else ProgressBar()
        use_color = _use_color(color, sys.stdout) and output_file is None and output_format in ("full", "concise")
        if cache is not None and not (show_diff or apply_fix) and output_format in REUSABLE_FORMATS:

            def render(report: Report) -> Rendered:
                if report_only:
                    report = only_in(report, reported)
                text = _render(report, output_format, show_statistics, use_color)
                return Rendered(text, bool(report.findings), internal_errors(report))

            shown = [os.path.abspath(path) for path in reported] if report_only else []
            variant = "\0".join(["statistics" if show_statistics else output_format, str(use_color), *shown])
            rendered = lint_rendered(targets, config, render, variant, cache=cache, jobs=jobs or default_jobs(),
                                     progress=progress)  # fmt: skip
            if progress is not None:
                progress.finish()
            _finish(rendered, output_file, use_color, strict, exit_zero)
        report = lint(targets, config, cache=cache, jobs=jobs or default_jobs(), progress=progress)
        if progress is not None:
            progress.finish()
        if report_only:
            report = only_in(report, reported)
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
            if outcome.changes:
                # Report what is left, as the files now are.
                report = lint(targets, config, cache=cache, jobs=jobs or default_jobs())
            click.echo(f"Fixed {outcome.fixed_count} problem{'s' if outcome.fixed_count != 1 else ''}.", err=True)
        text = _render(report, output_format, show_statistics, use_color)
    except ConfigError as error:
        click.echo(f"django-protolint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:  # noqa: BLE001 - a crash is exit 2 with one line, never a traceback in CI logs
        _internal_error(error)

    _finish(Rendered(text, bool(report.findings), internal_errors(report)), output_file, use_color, strict, exit_zero)


def _finish(rendered: Rendered, output_file: Path | None, color: bool, strict: bool, exit_zero: bool) -> NoReturn:
    _write(rendered.text, output_file, color)
    if strict and (failed := rendered.internal_errors):
        click.echo(f"django-protolint: error: the analysis failed on {failed} file{'s' if failed != 1 else ''} "
                   "(DPL003 above) and --strict was given", err=True)  # fmt: skip
        sys.exit(EXIT_ERROR)
    if rendered.has_findings and not exit_zero:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


# Formats whose text depends only on the report and the files it names, so a run can reuse the previous run's text.
# Not SARIF or GitLab: they also depend on where the repository root is (and GitLab on `CI_PROJECT_DIR`).
REUSABLE_FORMATS = frozenset({"full", "concise", "json", "json-lines", "github", "junit", "pylint"})


def _render(report: Report, output_format: str, show_statistics: bool, use_color: bool) -> str:
    from django_protolint.output import FORMATS
    from django_protolint.output.concise import statistics

    return statistics(report) if show_statistics else FORMATS[output_format](report, use_color)


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


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text for a terminal, json for tools, markdown for a pull-request comment.")  # fmt: skip
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

    Exit 0 when the serving fits (or cannot be known), 1 on a mismatch or a suboptimal fit.
    """
    from django_protolint.cache import FactsCache
    from django_protolint.parallel import default_jobs
    from django_protolint.runner import Rendered, lint_rendered

    def render(report: Report) -> Rendered:
        from django_protolint.output.verdict import render_json, render_text

        model = report.model
        if output_format == "json":
            text = render_json(model)
        else:
            text = render_text(model, markdown=output_format == "markdown")
        bad = any(verdict.fit in ("mismatch", "suboptimal") for verdict in model.verdicts.values())
        return Rendered(text, bad)

    targets = [path or Path(".")]
    try:
        _validate_command_line(SelectionLayer(), django_version)
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
@click.argument("code")
def rule(code: str) -> None:
    """Explain one rule (Markdown)."""
    rules = load_rules()
    found = rules.get(code.upper())
    if found is None:
        click.echo(f"django-protolint: error: unknown rule `{code}` (see `django-protolint rules`)", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(rule_markdown(found), nl=False)


@main.command(name="rules")
def list_rules() -> None:
    """List every rule."""
    for found in load_rules().values():
        click.echo(f"{found.code}  {found.severity:<7}  {found.slug:<40} {found.summary}")


def run() -> NoReturn:
    """The console entry point: `main` with the cyclic collector off, then an exit that skips the teardown.

    A run pauses the collector (`parallel.paused_gc`); turned back on, its first pass walks every object the run
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
