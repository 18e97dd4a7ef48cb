"""Following a command into what it runs: a project script (`./bin/start.sh`, an entrypoint ending in
`exec "$@"`) or a Makefile target (`make serve`). Shared by the readers of files that start commands."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django_protolint.project.deploy.base import ScriptLookup, logical_lines
from django_protolint.project.deploy.commands import ServerCommand, parse_argv, parse_command
from django_protolint.project.deploy.shell import expanded_lines


def via_script(command: str, scripts: ScriptLookup) -> ServerCommand | None:
    """`./bin/start.sh` or `sh entrypoint.sh`: follow the script if the project has it."""
    from django_protolint.project.deploy.commands import commands_in

    for argv in commands_in(command):
        if (target := make_target(argv, scripts)) is not None:
            return target
        candidate = argv[1] if argv[0] in ("sh", "bash") and len(argv) > 1 else argv[0]
        script = scripts(candidate)
        if script is not None:
            return script_command(script, None)[0]
    return None


def script_command(script: str, arguments: list[str] | str | None) -> tuple[ServerCommand | None, bool]:
    """The server a script starts, and whether it is the one handed in as arguments (`exec "$@"`)."""
    found = None
    for _, line in expanded_lines(script):
        stripped = line.strip()
        if re.match(r'^exec\s+"?\$@"?\s*$', stripped) and arguments is not None:
            parsed = parse_argv(arguments) if isinstance(arguments, list) else parse_command(arguments)
            return parsed, True
        parsed = parse_command(stripped)
        if parsed is not None:
            found = parsed
    return found, False


MAKE_VALUE_OPTIONS = frozenset({"-f", "--file", "--makefile", "-C", "--directory", "-j", "--jobs", "-I", "-o", "-W"})


def make_target(argv: list[str], scripts: ScriptLookup) -> ServerCommand | None:
    """`make serve` (`CMD ["make", "serve"]`, a Procfile's `web: make run`): the server the target's recipe
    starts, read from the Makefile `-f` names (else `Makefile`)."""
    if not argv or argv[0].rsplit("/", 1)[-1] not in ("make", "gmake"):
        return None
    makefile, target, index = "Makefile", None, 1
    while index < len(argv):
        word = argv[index]
        if word in MAKE_VALUE_OPTIONS:
            makefile = argv[index + 1] if word in ("-f", "--file", "--makefile") and index + 1 < len(argv) else makefile
            index += 2
            continue
        if not word.startswith("-") and "=" not in word:
            target = word
            break
        index += 1
    text = scripts(makefile)
    if text is None:
        return None
    found = None
    for recipe_target, _, parsed in recipes(text):
        if recipe_target == target or (target is None and found is None and recipe_target):
            found = parsed if recipe_target == target or target is None else found
    return found


def recipes(text: str) -> Iterator[tuple[str, int, ServerCommand]]:
    """(target, line, server) for every recipe line of a Makefile that starts a server."""
    target = ""
    for number, line in logical_lines(text):
        if line.startswith("\t"):
            recipe = line.strip().lstrip("@-+")
            if (parsed := parse_command(recipe)) is not None:
                yield target, number, parsed
        elif (match := re.match(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", line)) is not None:
            target = match.group(1)


def as_command(value: object, scripts: ScriptLookup | None = None) -> ServerCommand | None:
    if isinstance(value, str):
        return parse_command(value) or (via_script(value, scripts) if scripts else None)
    if isinstance(value, list) and value and all(isinstance(item, (str, int)) for item in value):
        argv = [str(item) for item in value]
        parsed = parse_argv(argv)
        if parsed is None and scripts is not None and (script := scripts(argv[0])) is not None:
            parsed = script_command(script, None)[0]  # cookiecutter-django's `command: /start`
        return parsed
    return None
