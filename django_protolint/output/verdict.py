"""The protocol-fit verdict for people: one line after `check`, the whole story from `report` (text or Markdown)."""

from __future__ import annotations

import json

import click

from django_protolint.knowledge.servers import SERVER_STATUS_NOTES
from django_protolint.output.projects import projects_records
from django_protolint.project.model import ProjectModel
from django_protolint.project.verdict import Verdict

FIT_COLORS = {"fit": "green", "suboptimal": "yellow", "mismatch": "red", "unknown": "blue"}


def summary_lines(model: ProjectModel, color: bool) -> list[str]:
    lines = []
    for project in model.django_projects:
        verdict = model.verdicts[project.root]
        if not project.settings and verdict.needs == "wsgi" and not verdict.servers:
            continue  # no Django project in sight and nothing async: a verdict would be noise
        prefix = f"[{project.root}] " if len(model.django_projects) > 1 else ""
        text = verdict.summary
        if color:
            text = text.replace(verdict.fit.upper(), click.style(verdict.fit.upper(), fg=FIT_COLORS[verdict.fit],
                                                                   bold=True), 1)  # fmt: skip
        lines.append(prefix + text)
        if verdict.recommendation:
            note = f" ({verdict.recommendation_note})" if verdict.recommendation_note else ""
            lines.append(f"  → serve it with `{verdict.recommendation}`{note}")
    return lines


def _servers(verdict: Verdict) -> list[str]:
    rows = []
    for deployment in verdict.servers + verdict.development_servers + verdict.alternatives:
        command = deployment.command
        arm = f"alternative (template arm `{deployment.alternative}`): " if deployment.alternative else ""
        rows.append(
            f"{arm}{command.server} ({command.protocol}{', worker ' + command.worker if command.worker else ''}) "
            f"at {deployment.path}:{deployment.line} [{deployment.environment}, {deployment.where}]: `{command.command}`"
            + (f" (configured in {deployment.config[0]}:{deployment.config[1]})" if deployment.config else "")
            + (
                f"\n      {deployment.environment}{'' if deployment.certain else ' (unsure)'}: {deployment.why}"
                if deployment.why
                else ""
            )
            + (f"\n      note: {SERVER_STATUS_NOTES[command.server]}" if command.server in SERVER_STATUS_NOTES else "")
        )
    return rows


def render_text(model: ProjectModel, markdown: bool = False) -> str:
    out: list[str] = []
    for project in model.django_projects:
        verdict = model.verdicts[project.root]
        primary = project.primary
        title = f"Project {project.root}" + (f" (settings: {primary.reference.module})" if primary else "")
        out.append(f"## {title}" if markdown else title)
        out.append("")
        out.append(f"**{verdict.summary}**" if markdown else verdict.summary)
        out.append("")
        bullet = "- " if markdown else "  - "
        out.append("What the code needs:" if not markdown else "### What the code needs")
        out.extend(f"{bullet}{e.path}:{e.line}: {e.reason}" for e in verdict.needs_evidence or [])
        if not verdict.needs_evidence:
            out.append(f"{bullet}no views or websocket routes found")
        out.append("What serves it:" if not markdown else "### What serves it")
        rows = _servers(verdict)
        out.extend(f"{bullet}{row}" for row in rows)
        if verdict.declared_server:
            out.append(f"{bullet}declared with --server: {verdict.declared_server}")
        if not rows and not verdict.declared_server:
            out.append(f"{bullet}no deployment file found (declare the server with --server)")
        if verdict.routes:
            out.append("Routes (reverse proxy):" if not markdown else "### Routes (reverse proxy)")
            out.extend(f"{bullet}{path.describe()}" for path in verdict.routes)
            out.extend(f"{bullet}websocket route `{reach.route}`: {reach.outcome}" + (f" — {reach.why}" if reach.why else "")
                       for reach in verdict.websocket_reach)  # fmt: skip
        if primary is not None:
            out.append(("Settings: " if not markdown else "### Settings\n- ") + primary.reference.evidence)
        if project.purpose.evidence:
            out.append(("Purpose: " if not markdown else "### Purpose\n- ")
                       + f"{project.purpose.kind} project ({project.purpose.evidence})")  # fmt: skip
        if verdict.recommendation:
            note = f" ({verdict.recommendation_note})" if verdict.recommendation_note else ""
            out.append(("Recommendation: " if not markdown else "### Recommendation\n- ")
                       + f"`{verdict.recommendation}`{note}")  # fmt: skip
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_json(model: ProjectModel) -> str:
    return json.dumps({"projects": projects_records(model)}, indent=2, ensure_ascii=False) + "\n"


def has_django_project(model: ProjectModel) -> bool:
    """A settings module, something async, a server or a declared one: what a verdict can speak about. The same
    test decides whether `check` prints a verdict line (`summary_lines`)."""
    return any(
        project.settings
        or model.verdicts[project.root].needs != "wsgi"
        or model.verdicts[project.root].servers
        or model.verdicts[project.root].declared_server
        for project in model.django_projects
    )
