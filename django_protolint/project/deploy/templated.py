"""Deployment files that are templates: a cookiecutter Procfile, start script, Dockerfile or compose file.

`{% if cookiecutter.use_async == 'y' %}` arms are alternatives of one rendered file, never two servers at once. The
file is read as it renders with cookiecutter.json's defaults (source/template.py, line for line, so every command
keeps its line); each arm the defaults do not select is read in a rendering that takes it, and the servers only
that arm starts come back marked as an `alternative` (the arm's condition). The verdict counts the default
rendering and lists the alternatives; rules never report on them. Without a cookiecutter.json (a Jinja template of
some other tool) no condition can be evaluated: the first arm stands for the file, marked unsure; when the
condition is a development switch (`kube_dev | bool`), the arm it does not guard does (source/template.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from django_protolint.project.deploy.base import Deployment, DeployProblem, ScriptLookup
from django_protolint.source.template import Block, Rendering, alternatives, defaults_of, render

Read = Callable[[str, str, ScriptLookup, "str | None"], "list[Deployment | DeployProblem]"]


def is_templated(text: str, template: str | None) -> bool:
    return "{%" in text or (template is not None and "{{" in text)


def rendered_text(text: str, template: str | None) -> str:
    """The file as its defaults render it: what a script that runs it (`CMD ["/start"]`) runs. Only inside a
    template tree: elsewhere `{% ... %}` may be the file's own syntax."""
    return render(text, defaults_of(template)).text if template is not None and is_templated(text, template) else text


def _lines(text: str, block: Block, arm: int) -> tuple[int, int]:
    found = block.arms[arm]
    return text.count("\n", 0, found.start) + 1, text.count("\n", 0, found.end) + 1


def _arm_of(text: str, rendering: Rendering, line: int) -> tuple[Block, int] | None:
    """The innermost rendered arm the line lies in."""
    inside = None
    for block in rendering.blocks:
        if block.chosen is None:
            continue
        first, last = _lines(text, block, block.chosen)
        if first <= line <= last and (inside is None or block.line >= inside[0].line):
            inside = (block, block.chosen)
    return inside


def read_templated(path: str, text: str, scripts: ScriptLookup, top: str | None, template: str | None,
                   read: Read) -> list[Deployment | DeployProblem]:  # fmt: skip
    defaults = defaults_of(template)
    base = render(text, defaults)
    found: list[Deployment | DeployProblem] = []
    seen: set[tuple[int, str]] = set()
    for entry in read(path, base.text, scripts, top):
        if isinstance(entry, Deployment):
            seen.add((entry.line, entry.command.command))
            arm = _arm_of(text, base, entry.line)
            if arm is not None:
                block, chosen = arm
                if block.known and template is not None:
                    note = f"template arm `{block.label(chosen)}`, which cookiecutter.json's defaults select"
                    entry = replace(entry, why=f"{entry.why}; {note}" if entry.why else note)
                elif block.switch is not None:  # the production rendering: the development switch off
                    note = (
                        f"template arm `{block.label(chosen)}`: `{block.switch}` is a development switch, taken as off"
                    )
                    entry = replace(entry, why=f"{entry.why}; {note}" if entry.why else note, certain=False)
                else:  # the first arm stands for the file: we cannot tell which one a rendering keeps
                    note = f"one arm of a template (`{block.label(chosen)}`), taken without knowing the options"
                    entry = replace(entry, why=f"{entry.why}; {note}" if entry.why else note, certain=False)
        found.append(entry)
    for block, taken, rendering in alternatives(text, defaults):
        first, last = _lines(text, block, taken)
        for entry in read(path, rendering.text, scripts, top):
            if not isinstance(entry, Deployment) or not first <= entry.line <= last:
                continue
            key = (entry.line, entry.command.command)
            if key in seen:
                continue
            seen.add(key)
            found.append(replace(entry, alternative=block.label(taken), certain=False))
    return found
