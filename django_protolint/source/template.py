"""Templated files, read as the file the template renders to with its defaults: cookiecutter projects first.

A cookiecutter template keeps the project under a directory named `{{cookiecutter.project_slug}}`, with
`cookiecutter.json` (every option and its default) beside that directory. Its files are Jinja templates:
`from {{ cookiecutter.project_slug }}.users.models import User`, `{% if cookiecutter.use_async == 'y' %}` arms.
Read raw, such a `.py` file is no Python, and a Procfile's arms look like two servers at once.

Here the template is rendered the way cookiecutter would render it with its defaults, but LINE-PRESERVING, so
every finding keeps the line (and, outside replaced expressions, the column) the user sees in the template:
- each `{% if %}/{% elif %}/{% else %}` block keeps the arm the defaults select; the other arms and every tag are
  blanked (each character but line breaks becomes a space). A condition is evaluated with jinja2's sandboxed
  `compile_expression` over the defaults: data, never the project's code (hooks are never run);
- `{{ expr }}` becomes its value over the defaults: in Python code, an identifier-like value padded with spaces to
  the expression's width (`from my_project     .users import x` is still Python), else underscores of that width;
  inside a string literal the exact value (the string means what the rendered file says, its columns move);
- `{% raw %}` keeps its content as written; other tags (`{% now %}`, `{% set %}`, `{% for %}`) are blanked.
Whatever could not be evaluated (an undefined name, a filter of a cookiecutter extension) takes the first arm or a
placeholder, and the rendering says it was made with assumptions. An undecidable development switch
(`{% if kube_dev | bool %}`, knowledge/template_switches.py) is taken as off instead: its arm is the development
rendering, the other one what production runs.

cookiecutter.json's defaults are cookiecutter's: a list's first item; a string that is itself a template is rendered
over the options before it, in order (cookiecutter's prompt order).
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

TEMPLATE_CONFIG = "cookiecutter.json"
# A directory cookiecutter renders the name of: `{{cookiecutter.project_slug}}`, `{{ cookiecutter.app_name }}`.
TEMPLATE_DIRECTORY = re.compile(r"\{\{\s*cookiecutter\.")

# A tag, a comment (which may span lines) or an expression. Python's own `{{` (an f-string's escaped brace, a set of
# dicts) stays on one line with no `}}` after it often enough; files outside a template tree are never rendered.
_TAG = re.compile(r"\{%-?\s*([^\n]*?)\s*[-+]?%\}|\{#.*?#\}|\{\{-?\s*([^\n]*?)\s*-?\}\}", re.S)
_BLOCK_WORD = re.compile(r"^(\w+)\s*(.*)$", re.S)
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z0-9_.]+$")


def template_config_for(path: str, exists: Callable[[str], bool]) -> str | None:
    """The cookiecutter.json of the template tree a (POSIX) path lies in: beside the outermost `{{cookiecutter.*}}`
    directory on the path. None outside any template tree."""
    parts = path.split("/")
    for index, part in enumerate(parts[:-1]):
        if TEMPLATE_DIRECTORY.search(part):
            candidate = "/".join([*parts[:index], TEMPLATE_CONFIG])
            if exists(candidate):
                return candidate
            return None
    return None


# ----------------------------------------------------------------------------------------------- the defaults


@dataclass(frozen=True)
class Defaults:
    """The options a template renders with, and what could not be worked out."""

    values: dict[str, Any]
    unknown: tuple[str, ...] = ()  # options whose default could not be rendered (kept as written)


@lru_cache(maxsize=2)
def _environment(strict: bool = False) -> Any:
    """jinja2's sandbox: a template may read its data, never call into Python beyond safe methods of it.
    `strict`: an undefined name is an error (an option cookiecutter.json lacks is unknown, not false)."""
    from jinja2 import StrictUndefined, Undefined  # only for templated files: most runs never pay its import
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=False, keep_trailing_newline=True,
                                undefined=StrictUndefined if strict else Undefined)  # fmt: skip


@lru_cache(maxsize=8)
def defaults_of(config_text: str | None) -> Defaults:
    """cookiecutter.json's defaults, as cookiecutter renders them when nothing is asked. Bad JSON: no options."""
    if not config_text:
        return Defaults({})
    try:
        config = json.loads(config_text)
    except ValueError:
        return Defaults({}, ("cookiecutter.json is not valid JSON",))
    if not isinstance(config, dict):
        return Defaults({}, ("cookiecutter.json is not an object",))
    environment = _environment()
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for name, raw in config.items():
        if not isinstance(name, str):
            continue
        value = raw[0] if isinstance(raw, list) and raw else raw
        if isinstance(value, str) and not name.startswith("_") and ("{{" in value or "{%" in value):
            try:
                value = environment.from_string(value).render(cookiecutter=values)
            except Exception:  # noqa: BLE001 - an extension's filter or tag, bad syntax: keep the text as written
                unknown.append(name)
        values[name] = value
    return Defaults(values, tuple(unknown))


def evaluate(expression: str, defaults: Defaults) -> tuple[bool, Any]:
    """(known, value) of a Jinja expression over the defaults, in jinja2's sandbox."""
    from jinja2 import Undefined

    try:
        compiled = _environment(strict=True).compile_expression(expression, undefined_to_none=False)
        value = compiled(cookiecutter=defaults.values)
        if isinstance(value, Undefined):  # `{% if cookiecutter.missing %}`: unknown, not false
            return False, None
        return True, value
    except Exception:  # noqa: BLE001 - syntax we do not know, an undefined name, an extension's filter
        return False, None


# ----------------------------------------------------------------------------------------------- the structure


@dataclass
class Arm:
    condition: str | None  # None for `{% else %}`
    start: int  # offset of the text after the arm's tag
    end: int = 0  # offset of the next tag of the block


@dataclass
class Block:
    index: int  # in source order of the `{% if %}` tags
    arms: list[Arm] = field(default_factory=list)
    chosen: int | None = None  # the arm rendered; None: none (every condition false, no else)
    known: bool = True  # every condition up to the chosen arm evaluated
    line: int = 0  # of the `{% if %}`
    # The undecidable development switch (`kube_dev | bool`) that chose the arm: read as off, the production
    # rendering (knowledge/template_switches.py).
    switch: str | None = None

    def label(self, arm: int) -> str:
        """How `report` names an arm: its condition, or what `else` means."""
        condition = self.arms[arm].condition
        if condition is not None:
            return condition
        previous = [each.condition for each in self.arms[:arm] if each.condition is not None]
        return "not (" + " or ".join(previous) + ")" if len(previous) > 1 else f"not {previous[0]}" if previous else ""


@dataclass
class Rendering:
    text: str
    blocks: list[Block]
    assumptions: list[str]  # what was taken without knowing: "`x == 'y'` could not be evaluated: first arm"

    @property
    def note(self) -> str:
        if not self.assumptions:
            return "rendered with cookiecutter.json's defaults"
        return "rendered with assumptions: " + "; ".join(self.assumptions)


def has_template_syntax(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _blank(text: str) -> str:
    return re.sub(r"[^\r\n]", " ", text)


@dataclass
class _Edit:
    start: int
    end: int
    kind: str  # "blank" (a tag or an arm not rendered) or "value" (an expression)
    value: str | None = None  # for "value": its rendering, None when unknown


def render(text: str, defaults: Defaults, python: bool = False, choices: dict[int, int] | None = None) -> Rendering:
    """The template rendered line-preserving (see the module's docstring). `choices`: block index -> the arm to
    render instead of the one the defaults select (to list a file's alternatives)."""
    edits: list[_Edit] = []
    blocks: list[Block] = []
    assumptions: list[str] = []
    stack: list[tuple[Block, bool]] = []  # open blocks, with whether their enclosing text is rendered
    others: list[str] = []  # open non-if blocks (`for`, `macro`...) whose end tags we skip
    raw_until: int | None = None
    position = 0
    visible = True

    def arm_visible(block: Block, outer: bool) -> bool:
        return outer and block.chosen == len(block.arms) - 1

    for match in _TAG.finditer(text):
        if raw_until is not None and match.start() < raw_until:
            continue
        start, end = match.start(), match.end()
        if not visible and start > position:
            edits.append(_Edit(position, start, "blank"))
        position = end
        tag, expression = match.group(1), match.group(2)
        if expression is not None:  # `{{ expr }}`
            if visible:
                known, value = evaluate(expression, defaults)
                if not known:
                    assumptions.append(f"`{{{{ {expression} }}}}` could not be evaluated: a placeholder")
                edits.append(_Edit(start, end, "value", _text_of(value) if known else None))
            else:
                edits.append(_Edit(start, end, "blank"))
            continue
        edits.append(_Edit(start, end, "blank"))
        if tag is None:  # a comment
            continue
        word_match = _BLOCK_WORD.match(tag)
        word, rest = (word_match.group(1), word_match.group(2)) if word_match else ("", "")
        if word == "raw":
            closing = re.compile(r"\{%-?\s*endraw\s*-?%\}").search(text, end)
            raw_until = closing.start() if closing else len(text)
            continue
        if word == "endraw":
            raw_until = None
            continue
        if word == "if":
            block = Block(len(blocks), line=_line_at(text, start))
            blocks.append(block)
            stack.append((block, visible))
            block.arms.append(Arm(rest, end))
            _choose(block, defaults, choices, assumptions, visible)
            visible = arm_visible(block, visible)
        elif word in ("elif", "else") and stack:
            block, outer = stack[-1]
            block.arms[-1].end = start
            block.arms.append(Arm(rest if word == "elif" else None, end))
            _choose(block, defaults, choices, assumptions, outer)
            visible = arm_visible(block, outer)
        elif word == "endif" and stack:
            block, outer = stack.pop()
            block.arms[-1].end = start
            visible = outer
        elif word in ("for", "macro", "call", "filter", "block", "with", "autoescape", "set") and not (
            word == "set" and "=" in rest
        ):
            others.append(word)
            assumptions.append(f"`{{% {word} %}}` rendered once, as written")
        elif word.startswith("end") and others:
            others.pop()
        elif word in ("set", "now", "include", "import", "from", "extends"):
            pass  # a value or a tag cookiecutter's extensions fill in: nothing of the file's structure
    if not visible and position < len(text):
        edits.append(_Edit(position, len(text), "blank"))
    return Rendering(_apply(text, edits, python), blocks, assumptions)


def _choose(block: Block, defaults: Defaults, choices: dict[int, int] | None, assumptions: list[str],
            outer: bool) -> None:  # fmt: skip
    """Called as each arm opens: decide whether this arm is the one rendered."""
    if block.chosen is not None and block.chosen < len(block.arms) - 1:
        return  # an earlier arm was taken
    current = len(block.arms) - 1
    if choices is not None and block.index in choices:
        block.chosen = current if choices[block.index] == current else None
        return
    if block.chosen is not None:
        return  # the first arm was taken for want of knowing
    condition = block.arms[current].condition
    if condition is None:
        block.chosen = current
        return
    known, value = evaluate(condition, defaults)
    if not known:
        block.known = False
        switch = development_switch(condition)
        if switch is not None:  # a development switch: off, as the production rendering has it
            block.switch = block.switch or condition
            if outer:
                assumptions.append(f"`{condition}` could not be evaluated: a development switch, taken as off")
            if switch:  # `not kube_dev`: true with the switch off
                block.chosen = current
            return
        if outer:  # the first arm that may be true is taken
            assumptions.append(f"`{condition}` could not be evaluated: the first arm it may select")
        block.chosen = current
        return
    if value:
        block.chosen = current


_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_FALSE_VALUES = frozenset({"", "n", "no", "false", "off", "0", "none"})


def _words_of(name: str) -> set[str]:
    """`kube_dev` → {kube, dev}; `useReloader` → {use, reloader}."""
    return {word.lower() for word in _WORD.findall(name)}


def development_switch(condition: str) -> bool | None:
    """Whether the condition is a development switch (knowledge/template_switches.py), as its value with the
    switch off: False for `kube_dev | bool` (its arm is development), True for `not debug` (its arm is what runs
    in production); None when it is no such switch or its value does not follow from the switch alone."""
    from jinja2 import nodes

    try:
        test = _environment().parse(f"{{% if {condition} %}}{{% endif %}}").body[0].test
    except Exception:  # noqa: BLE001 - syntax of an extension: not a switch we can read
        return None
    polarity = _polarity(test, nodes)
    return None if polarity is None else polarity < 0


def _is_switch_name(node: Any, nodes: Any) -> bool:
    name = node.name if isinstance(node, nodes.Name) else node.attr if isinstance(node, nodes.Getattr) else None
    return name is not None and bool(_words_of(name) & _switch_words())


def _polarity(node: Any, nodes: Any) -> int | None:
    """+1: the node is true only with development on; -1: true with it off (production); None: neither."""
    if _is_switch_name(node, nodes):
        return 1
    if isinstance(node, nodes.Filter) and node.name in ("bool", "int", "default", "d") and node.node is not None:
        return _polarity(node.node, nodes)
    if isinstance(node, nodes.Not):
        inner = _polarity(node.node, nodes)
        return None if inner is None else -inner
    if isinstance(node, (nodes.And, nodes.Or)):
        sides = (_polarity(node.left, nodes), _polarity(node.right, nodes))
        # `dev and x` is false with dev off; `not dev or x` is true with it off.
        decisive = 1 if isinstance(node, nodes.And) else -1
        if decisive in sides:
            return decisive
        return sides[0] if sides[0] == sides[1] else None
    if isinstance(node, nodes.Compare) and len(node.ops) == 1 and node.ops[0].op in ("eq", "ne"):
        return _compared(node.expr, node.ops[0].expr, node.ops[0].op == "ne", nodes)
    return None


def _compared(left: Any, right: Any, negated: bool, nodes: Any) -> int | None:
    """`kube_dev == 'yes'`, `env == 'development'`, `debug != false`."""
    for variable, constant in ((left, right), (right, left)):
        if not isinstance(constant, nodes.Const):
            continue
        value = str(constant.value).lower() if constant.value is not None else ""
        if _polarity(variable, nodes) == 1:
            polarity = -1 if value in _FALSE_VALUES else 1
        elif isinstance(constant.value, str) and _words_of(constant.value) & _switch_words():
            polarity = 1  # `environment == 'development'`
        else:
            continue
        return -polarity if negated else polarity
    return None


@lru_cache(maxsize=1)
def _switch_words() -> frozenset[str]:
    from django_protolint.knowledge.template_switches import DEVELOPMENT_SWITCH_WORDS

    return frozenset(DEVELOPMENT_SWITCH_WORDS)


def _text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return "" if value is None else str(value)


def _apply(text: str, edits: list[_Edit], python: bool) -> str:
    in_string = _string_regions(text, edits) if python else None
    pieces: list[str] = []
    position = 0
    for edit in edits:
        if edit.start < position:
            continue
        pieces.append(text[position : edit.start])
        original = text[edit.start : edit.end]
        inside = in_string is not None and in_string(edit.start)
        if edit.kind == "blank":
            # Inside a string literal the rendered file has nothing there: drop all but the line breaks.
            pieces.append(re.sub(r"[^\r\n]", "", original) if inside else _blank(original))
        elif in_string is None:  # not Python: an unknown value stays as written
            pieces.append(edit.value if edit.value is not None else original)
        elif inside:
            pieces.append(edit.value if edit.value is not None else "_" * len(original))
        else:
            pieces.append(_code_value(edit.value, original, text[edit.end : edit.end + 1]))
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def _code_value(value: str | None, original: str, following: str) -> str:
    """An expression in Python code: its value when it reads as a name or number, padded to the expression's width
    unless a name goes on right after it (`{{ x }}Config`); else a placeholder name of that width."""
    if value is None or not _IDENTIFIER_LIKE.match(value):
        return "_" * len(original)
    if following and (following.isalnum() or following == "_"):
        return value
    return value.ljust(len(original))


def _string_regions(text: str, edits: list[_Edit]) -> Callable[[int], bool]:
    """Whether an offset lies inside a string literal of the rendered file, as Python's tokenizer reads it with
    each tag and expression replaced by a same-width stand-in. When it cannot read it, nothing is a string."""
    neutral = list(text)
    for edit in edits:
        filler = _blank(text[edit.start : edit.end]) if edit.kind == "blank" else "_" * (edit.end - edit.start)
        neutral[edit.start : edit.end] = filler
    source = "".join(neutral)
    line_starts = [0, *(match.end() for match in re.finditer(r"\r\n|\r|\n", source))]
    regions: list[tuple[int, int]] = []
    string_types = {tokenize.STRING, *(getattr(tokenize, name) for name in ("FSTRING_MIDDLE", "TSTRING_MIDDLE")
                                       if hasattr(tokenize, name))}  # fmt: skip
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in string_types:
                (start_line, start_column), (end_line, end_column) = token.start, token.end
                regions.append((line_starts[start_line - 1] + start_column, line_starts[end_line - 1] + end_column))
    except (tokenize.TokenError, SyntaxError, IndexError):
        pass
    regions.sort()

    def inside(offset: int) -> bool:
        return any(start < offset < end for start, end in regions)

    return inside


def render_name(module: str, config_text: str) -> str:
    """A dotted module name made of a template tree's directory names, as cookiecutter renders them with its
    defaults; as written when that is no dotted Python name (the module stays unresolvable rather than wrong)."""
    rendered = render(module, defaults_of(config_text)).text
    return rendered if all(part.isidentifier() for part in rendered.split(".")) else module


def alternatives(text: str, defaults: Defaults) -> Iterator[tuple[Block, int, Rendering]]:
    """Each arm the defaults do not select, with the file rendered taking it (the rest as the defaults select)."""
    base = render(text, defaults)
    for block in base.blocks:
        for arm in range(len(block.arms)):
            if arm != block.chosen:
                yield block, arm, render(text, defaults, choices={block.index: arm})


def render_whole(text: str, defaults: Defaults) -> str | None:
    """The file as cookiecutter renders it with the defaults (not line-preserving: for reading, not for findings),
    in jinja2's sandbox; None when it cannot be rendered (an extension's filter or tag, an option it lacks)."""
    try:
        rendered: str = _environment(strict=True).from_string(text).render(cookiecutter=defaults.values)
    except Exception:  # noqa: BLE001 - whatever jinja2 raises: the file is not read
        return None
    return rendered
