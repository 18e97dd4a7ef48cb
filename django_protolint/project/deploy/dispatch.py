"""Entrypoint scripts that dispatch on their first argument: the CMD is a sub-command, not a command.

baserow's image has `ENTRYPOINT [..., "docker-entrypoint.sh"]` and `CMD ["gunicorn"]`; the script reads

    case "$1" in
        gunicorn)
          run_backend_server asgi "${@:2}"
        ;;
        gunicorn-wsgi)
          run_backend_server wsgi "${@:2}"
        ;;
    esac

and `run_backend_server` picks `-k uvicorn.workers.UvicornWorker baserow.config.asgi:application` when its `$1` is
`asgi`. The CMD's `gunicorn` names an arm; what serves is what that arm runs. Read here, never executed:
- the `case "$1" in` (or `"${1:-}"`) of the script's top level, its arm whose pattern matches the first argument
  (shell glob patterns, `a|b)`; `*)` only when no other arm does);
- positional parameters (`$1`, `"$@"`, `"${@:2}"`) replaced by the arguments the arm or a function call gets;
- `if`/`elif` tests that compare two words (`[[ "$1" = "asgi" ]]`, `[ "$MODE" != x ]`) decided once both words are
  known; any other test keeps all its branches, as the rest of the script reader does;
- a call of one of the script's own functions followed into its body with the call's arguments (a few levels).
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from dataclasses import dataclass

from django_protolint.project.deploy.base import ScriptLookup, logical_lines
from django_protolint.project.deploy.commands import ServerCommand, parse_command
from django_protolint.project.deploy.shell import expanded_lines

_CASE = re.compile(r"""^case\s+("?)\$\{?1(?::-[^}]*)?\}?\1\s+in\s*$""")
_LABEL = re.compile(r"^\(?\s*([^()\s][^()]*?)\s*\)\s*(.*)$")
_FUNCTION = re.compile(r"^(?:function\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*(?:\(\))?\s*\{\s*$")
_FUNCTION_NO_PARENS = re.compile(r"^function\s+")
_TEST = re.compile(r"^(el)?if\s+\[\[?\s+(\S+)\s+(==?|!=)\s+(\S+)\s+\]\]?\s*;?\s*(?:then)?\s*$")
_DEPTH = 4  # function calls followed into


@dataclass(frozen=True)
class Dispatched:
    """The arm a script's `case "$1"` runs for the first argument, and the server that arm starts (None: none
    that we can read)."""

    label: str
    line: int  # of the arm's pattern in the script
    server: ServerCommand | None


def dispatched(script: str, arguments: list[str], scripts: ScriptLookup | None = None) -> Dispatched | None:
    """The arm of the script's top-level `case "$1" in` the arguments select; None when the script has no such
    dispatch or no arm's pattern matches (the arguments are then no sub-command of it). `scripts`: the project's
    scripts, for an arm that runs one (`web) exec ./bin/start-web.sh ;;`)."""
    if not arguments:
        return None
    lines = _joined_strings(list(logical_lines(script)))
    functions = _functions(lines)
    arm = _arm(lines, arguments[0])
    if arm is None:
        return None
    label, line, body, after = arm
    server = _server(body, arguments, functions, 0, scripts)
    if server is None and not any(_ENDS.search(text.strip()) for _, text in body):
        # an arm that neither execs nor exits (`*) echo "starting" ;;`) goes on after `esac`
        server = _server(after, arguments, functions, 0, scripts)
    return Dispatched(label, line, server)


_ENDS = re.compile(r"(^|[;&|]\s*)(exec|exit|return)(\s|;|$)")


def dispatches(script: str) -> bool:
    """Whether the script picks what to run by its first argument (`case "$1" in`): read through the command that
    gives it arguments, not on its own."""
    return any(_CASE.match(text.strip()) for _, text in logical_lines(script))


def _joined_strings(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A quoted string spanning lines (`echo \"""` + a help text) made one line, so its text is never read as
    commands or patterns; a quote that never closes leaves the lines as they are."""
    joined: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        number, text = lines[index]
        end = index
        while not _closed(text) and end + 1 < len(lines):
            end += 1
            text = f"{text}\n{lines[end][1]}"
        if _closed(text):
            joined.append((number, text))
            index = end + 1
        else:
            joined.append(lines[index])
            index += 1
    return joined


def _closed(text: str) -> bool:
    try:
        shlex.split(text, comments=True)
    except ValueError:
        return False
    return True


def _functions(lines: list[tuple[int, str]]) -> dict[str, list[tuple[int, str]]]:
    """name -> the lines of its body (`name() {` ... `}`, braces counted at line ends and starts)."""
    found: dict[str, list[tuple[int, str]]] = {}
    index = 0
    while index < len(lines):
        stripped = lines[index][1].strip()
        match = _FUNCTION.match(stripped)
        if match is None or not ("()" in stripped or _FUNCTION_NO_PARENS.match(stripped)):
            index += 1
            continue
        depth, body = 1, []
        index += 1
        while index < len(lines) and depth:
            text = lines[index][1].strip()
            if text.startswith("}"):
                depth -= 1
            if depth and text.endswith("{") and not text.endswith("${"):
                depth += 1
            if depth:
                body.append(lines[index])
            index += 1
        found.setdefault(match.group(1), body)
    return found


_Arm = tuple[str, int, list[tuple[int, str]], list[tuple[int, str]]]


def _arm(lines: list[tuple[int, str]], word: str) -> _Arm | None:
    """(pattern, line, body, the lines after `esac`) of the arm of the first `case "$1" in` that matches `word`."""
    start = next((index for index, (_, text) in enumerate(lines) if _CASE.match(text.strip())), None)
    if start is None:
        return None
    arms: list[tuple[str, int, list[tuple[int, str]]]] = []
    depth = 0
    current: tuple[str, int, list[tuple[int, str]]] | None = None
    after: list[tuple[int, str]] = []
    for index in range(start + 1, len(lines)):
        number, text = lines[index]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if depth == 0 and stripped == "esac":
            after = lines[index + 1 :]
            break
        if current is None:
            match = _LABEL.match(stripped)
            if match is None:
                continue
            current = (match.group(1), number, [])
            arms.append(current)
            stripped = match.group(2).strip()
            if not stripped:
                continue
        if _CASE_OPEN.match(stripped):
            depth += 1
        elif stripped == "esac" and depth:
            depth -= 1
        ending = depth == 0 and re.search(r";;&?\s*$|;&\s*$", stripped)
        content = stripped[: ending.start()] if ending else stripped
        if content:
            current[2].append((number, content))
        if ending:
            current = None
    patterns = [(arm, [p.strip().strip("\"'") for p in arm[0].split("|")]) for arm in arms]
    chosen = next((arm for arm, alternatives in patterns
                   if any(p != "*" and fnmatch.fnmatchcase(word, p) for p in alternatives)), None)  # fmt: skip
    chosen = chosen or next((arm for arm, alternatives in patterns if "*" in alternatives), None)
    return None if chosen is None else (*chosen, after)


_CASE_OPEN = re.compile(r"^case\s+.+\s+in\s*$")


def _positional(text: str, arguments: list[str]) -> str:
    """`$1`, `${1}`, `"$@"`, `"${@:2}"` replaced by the arguments (quoted); a parameter beyond them is empty."""

    def joined(words: list[str]) -> str:
        return " ".join(shlex.quote(word) for word in words)

    def rest(match: re.Match[str]) -> str:
        offset = int(match.group(1) or 1)
        return joined(arguments[offset - 1 :])

    text = re.sub(r'"?\$\{@:(\d+)\}"?', rest, text)
    text = re.sub(r'"?\$(?:@|\{@\}|\*|\{\*\})"?', lambda _: joined(arguments), text)

    def single(match: re.Match[str]) -> str:
        index = int(match.group(1) or match.group(2))
        return shlex.quote(arguments[index - 1]) if 0 < index <= len(arguments) else "''"

    return re.sub(r'"?\$(?:\{([1-9])(?::-[^}]*)?\}|([1-9]))"?', single, text)


def _chosen_lines(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines an `if` chain of decidable word comparisons runs; undecidable chains keep every branch."""
    kept: list[tuple[int, str]] = []
    stack: list[list[bool]] = []  # per open `if`: [taking now, taken already, decidable]
    for number, text in lines:
        stripped = text.strip()
        test = _TEST.match(stripped)
        if stripped.startswith("if ") and re.search(r";\s*fi\s*$", stripped):
            pass  # `if ...; then ...; fi` on one line: read as the line it is
        elif stripped.startswith("if "):
            value = _compare(test) if test and not test.group(1) else None
            stack.append([True if value is None else value, bool(value), value is not None])
            continue
        elif stripped.startswith("elif ") and stack:
            frame = stack[-1]
            value = _compare(test) if test else None
            if not frame[2] or value is None:
                frame[:] = [True, frame[1], False]
            else:
                frame[:] = [value and not frame[1], frame[1] or value, True]
            continue
        if stripped == "else" and stack:
            frame = stack[-1]
            frame[0] = True if not frame[2] else not frame[1]
            continue
        if stripped in ("fi", "then") or stripped.startswith("fi;"):
            if stripped != "then" and stack:
                stack.pop()
            continue
        if all(frame[0] for frame in stack):
            kept.append((number, text))
    return kept


def _compare(test: re.Match[str] | None) -> bool | None:
    if test is None:
        return None
    left, operator, right = (_word(test.group(2)), test.group(3), _word(test.group(4)))
    if left is None or right is None:
        return None
    return (left == right) != (operator == "!=")


def _word(token: str) -> str | None:
    """A test's operand as a constant word; None when it still holds a parameter (unknown)."""
    try:
        [word] = shlex.split(token)
    except ValueError:
        return None
    return None if "$" in word or "`" in word else word


def _script_server(words: list[str], scripts: ScriptLookup) -> ServerCommand | None:
    """`exec ./bin/start-web.sh`, `bash /app/run-web.sh`: a script named by its path the project holds."""
    words = words[1:] if words[0] == "exec" else words
    candidate = words[1] if words and words[0].rsplit("/", 1)[-1] in ("sh", "bash") and len(words) > 1 else None
    candidate = candidate or (words[0] if words else "")
    if "/" not in candidate and not candidate.endswith(".sh"):
        return None  # a bare word is a program on the PATH, not a file of the project
    # imported here: the formats package's Dockerfile reader imports this module
    from django_protolint.project.deploy.formats.follow import script_command

    text = scripts(candidate)
    return script_command(text, None)[0] if text is not None else None


def _server(body: list[tuple[int, str]], arguments: list[str], functions: dict[str, list[tuple[int, str]]],
            depth: int, scripts: ScriptLookup | None) -> ServerCommand | None:  # fmt: skip
    """The last server the lines start, with the arguments as their positional parameters."""
    substituted = [(number, _positional(text, arguments)) for number, text in body]
    # a string joined across lines stays one line for the script reader
    text = "\n".join(line.replace("\n", " ") for _, line in _chosen_lines(substituted))
    found = None
    for _, line in expanded_lines(text):
        stripped = line.strip()
        parsed = parse_command(stripped)
        if parsed is None and depth < _DEPTH:
            try:
                words = shlex.split(stripped, comments=True)
            except ValueError:
                words = []
            if words and words[0] in functions:
                parsed = _server(functions[words[0]], words[1:], functions, depth + 1, scripts)
            elif words and scripts is not None:
                parsed = _script_server(words, scripts)
        if parsed is not None:
            found = parsed
    return found
