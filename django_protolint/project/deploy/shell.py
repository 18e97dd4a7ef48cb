"""Shell scripts: their lines with the script's own variables filled in, so a server command assembled in
variables is read as the command it runs.

Real entrypoints build the command before running it:

    gunicorn_args=(
      config.wsgi
      -b "${ADDR}:${PORT}"
    )
    gunicorn_bin=$(select_gunicorn)      # select_gunicorn() { echo "gunicorn"; }
    exec "$gunicorn_bin" "${gunicorn_args[@]}"

Only what the script itself assigns is known: scalars (`NAME=value`, `local`/`export`/`readonly` too), arrays
(`NAME=( ... )` across lines, `NAME+=( ... )`), and `$(function)` of a function whose first `echo`/`printf` is a
constant. Anything else (the environment, `$1`, command output) stays as written: an unknown, never a guess.
Nothing is executed.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from django_protolint.project.deploy.base import logical_lines

_ASSIGN = re.compile(r"^(?:(?:local|export|readonly|declare(?:\s+-\w+)?)\s+)?([A-Za-z_][A-Za-z0-9_]*)(\+?=)(.*)$")
_FUNCTION = re.compile(r"^(?:function\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*\(\)\s*\{?\s*$")
_ECHO = re.compile(r"^(?:echo|printf)\s+(.+)$")
_REFERENCE = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(\[[@*]\])?\}|\$([A-Za-z_][A-Za-z0-9_]*)|\$\(([A-Za-z_][A-Za-z0-9_-]*)\)"
)


def _words(text: str) -> list[str] | None:
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return None


def expanded_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for every logical line that is not an assignment or a comment, with the variables the
    script assigned earlier substituted; an array assignment spanning lines is consumed whole."""
    scalars: dict[str, str] = {}
    arrays: dict[str, list[str]] = {}
    functions: dict[str, str] = {}
    current_function: str | None = None
    pending: tuple[str, str, list[str]] | None = None  # an array still open: (name, operator, raw parts)
    for number, line in logical_lines(text):
        stripped = line.strip()
        if pending is not None:
            name, operator, parts = pending
            if stripped.endswith(")") and not stripped.startswith("#"):
                parts.append(stripped[:-1])
                _set_array(arrays, name, operator, " ".join(parts), scalars, arrays, functions)
                pending = None
            elif not stripped.startswith("#"):
                parts.append(stripped)
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if (function := _FUNCTION.match(stripped)) is not None:
            current_function = function.group(1)
            continue
        if stripped.startswith("}"):
            current_function = None
            continue
        if current_function is not None and current_function not in functions:
            echo = _ECHO.match(stripped)
            words = _words(echo.group(1)) if echo else None
            if words and len(words) == 1 and "$" not in words[0]:
                functions[current_function] = words[0]
        assignment = _ASSIGN.match(stripped)
        if assignment is not None:
            name, operator, value = assignment.groups()
            if value.startswith("("):
                if value.rstrip().endswith(")"):
                    _set_array(arrays, name, operator, value.strip()[1:-1], scalars, arrays, functions)
                else:
                    pending = (name, operator, [value[1:]])
                continue
            words = _words(_substitute(value, scalars, arrays, functions))
            if words is not None and len(words) <= 1:
                if operator == "=":
                    scalars[name] = words[0] if words else ""
                continue
            # `DJANGO_SETTINGS_MODULE=x gunicorn ...`: a command with an environment prefix, not an assignment
        yield number, _substitute(line, scalars, arrays, functions)


def _set_array(store: dict[str, list[str]], name: str, operator: str, body: str, scalars: dict[str, str],
               arrays: dict[str, list[str]], functions: dict[str, str]) -> None:  # fmt: skip
    words = _words(_substitute(body, scalars, arrays, functions))
    if words is None:
        store.pop(name, None)  # unreadable: unknown from here on
        return
    store[name] = (store.get(name, []) if operator == "+=" else []) + words


def _substitute(line: str, scalars: dict[str, str], arrays: dict[str, list[str]], functions: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name, subscript, bare, call = match.groups()
        if call is not None:
            return shlex.quote(functions[call]) if call in functions else match.group(0)
        name = name or bare
        if subscript and name in arrays:
            return " ".join(shlex.quote(word) for word in arrays[name])
        if name in scalars:
            return scalars[name]
        return match.group(0)

    # `"${args[@]}"` and `"$bin"`: the quotes around a substituted value would glue its words into one
    line = re.sub(r'"\$\{([A-Za-z_][A-Za-z0-9_]*)\[[@*]\]\}"',
                  lambda m: m.group(0)[1:-1] if m.group(1) in arrays else m.group(0), line)  # fmt: skip
    line = re.sub(r'"(\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*|\([A-Za-z_][A-Za-z0-9_-]*\)))"',
                  lambda m: m.group(1) if _known(m.group(1), scalars, functions) else m.group(0), line)  # fmt: skip
    return _REFERENCE.sub(value, line)


def _known(reference: str, scalars: dict[str, str], functions: dict[str, str]) -> bool:
    name = reference.strip("${}()")
    if reference.startswith("$("):
        return name in functions
    value = scalars.get(name)
    return value is not None and not re.search(r"\s", value)
