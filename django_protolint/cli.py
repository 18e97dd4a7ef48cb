"""Command line: `check`, `rule`, `rules`. Exit 0 clean, 1 findings, 2 usage/configuration/internal error."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

import click

from django_protolint import __version__
from django_protolint.config import Config, ConfigError, SelectionLayer, find_pyproject, load_config
from django_protolint.filters import validate_selectors
from django_protolint.output import FORMATS
from django_protolint.output.concise import statistics
from django_protolint.project.dependencies import parse_version
from django_protolint.rules import load_rules
from django_protolint.rules.docs import rule_markdown

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
@click.option("--statistics", "show_statistics", is_flag=True, help="Print a count per rule instead of findings.")
@click.option("--django-version", help="The Django version to advise for (default: from your requirements).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this pyproject.toml.")
@click.option("--no-config", is_flag=True, help="Ignore pyproject.toml configuration.")
@click.option("--color/--no-color", default=None, help="Colour the output (default: on a terminal, unless NO_COLOR).")
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    output_file: Path | None,
    exit_zero: bool,
    show_statistics: bool,
    django_version: str | None,
    config_file: Path | None,
    no_config: bool,
    color: bool | None,
) -> None:
    """Lint PATHS (default: the current directory)."""
    from django_protolint.runner import lint

    targets = list(paths) or [Path(".")]
    try:
        layer = SelectionLayer(_codes(select), _codes(extend_select) or (), _codes(ignore) or ())
        _validate_command_line(layer, django_version)
        config = Config()
        if not no_config:
            pyproject = config_file or find_pyproject(targets[0])
            if pyproject is not None:
                config = load_config(pyproject)
        config = config.merged(
            overrides=(*config.overrides, layer) if layer != SelectionLayer() else None,
            django_version=django_version,
        )
        report = lint(targets, config)
        use_color = _use_color(color, sys.stdout) and output_file is None and output_format in ("full", "concise")
        text = statistics(report) if show_statistics else FORMATS[output_format](report, use_color)
    except ConfigError as error:
        click.echo(f"django-protolint: error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:  # noqa: BLE001 - a crash is exit 2 with one line, never a traceback in CI logs
        _internal_error(error)

    if output_file is not None:
        try:
            output_file.write_text(text, encoding="utf-8")
        except OSError as error:
            click.echo(f"django-protolint: error: cannot write {output_file}: {error.strerror or error}", err=True)
            sys.exit(EXIT_ERROR)
    else:
        click.echo(text, nl=False, color=use_color)
    if report.findings and not exit_zero:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


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
