"""The `projects` part of the JSON report: what the project model found, with evidence for each claim."""

from __future__ import annotations

from typing import Any

from django_protolint.knowledge.django_api import version_label
from django_protolint.knowledge.servers import SERVER_STATUS_NOTES
from django_protolint.project.deploy.files import Deployment
from django_protolint.project.django_project import DjangoProject
from django_protolint.project.model import ProjectModel
from django_protolint.project.verdict import Verdict
from django_protolint.project.views import View


def _view_record(view: View) -> dict[str, Any]:
    return {
        "view": view.qualname,
        "kind": view.kind,
        "path": view.path,
        "line": view.span.line,
        "routes": sorted({route.route for route in view.routes}),
        "handlers": [{"name": h.name, "async": h.is_async} for h in view.handlers] if view.handlers else None,
    }


def _settings_record(project: DjangoProject) -> list[dict[str, Any]]:
    return [
        {
            "module": module.reference.module,
            "path": module.facts.path if module.facts else None,
            "found": module.facts is not None,
            "evidence": module.reference.evidence,
            "source": module.reference.source,
        }
        for module in project.settings
    ]


def _deployment_record(deployment: Deployment) -> dict[str, Any]:
    command = deployment.command
    return {
        "name": command.server,
        "protocol": command.protocol,
        "worker": command.worker,
        "app": command.app,
        "path": deployment.path,
        "line": deployment.line,
        "command": command.command,
        "environment": deployment.environment,
        "environment_reason": deployment.why,
        "environment_certain": deployment.certain,
        "where": deployment.where,
        "notes": [
            *command.notes,
            *([SERVER_STATUS_NOTES[command.server]] if command.server in SERVER_STATUS_NOTES else []),
        ],  # fmt: skip
        "config": {"path": deployment.config[0], "line": deployment.config[1]} if deployment.config else None,
    }


def verdict_record(verdict: Verdict) -> dict[str, Any]:
    record = _verdict_record(verdict)
    if verdict.alternatives:  # only for templates: the other reports keep their shape
        record["alternatives"] = [{**_deployment_record(d), "template_arm": d.alternative}
                                  for d in verdict.alternatives]  # fmt: skip
    return record


def _verdict_record(verdict: Verdict) -> dict[str, Any]:
    return {
        "needs": verdict.needs,
        "needs_evidence": [evidence.as_dict() for evidence in verdict.needs_evidence],
        "served": verdict.served,
        "servers": [_deployment_record(d) for d in verdict.servers],
        "development_servers": [_deployment_record(d) for d in verdict.development_servers],
        "declared_server": verdict.declared_server,
        "fit": verdict.fit,
        "summary": verdict.summary,
        "recommendation": verdict.recommendation,
        "recommendation_note": verdict.recommendation_note or None,
        "routes": [path.as_dict() for path in verdict.routes],
        "websocket_routes": [
            {"route": reach.route, "outcome": reach.outcome, "why": reach.why or None}
            for reach in verdict.websocket_reach
        ],
    }


def project_record(project: DjangoProject, model: ProjectModel) -> dict[str, Any]:
    version, evidence = model.django_version_at(f"{project.root}/settings.py" if project.root != "." else "x.py")
    primary = project.primary
    views = sorted(project.views.values(), key=lambda view: (view.path, view.span.line))
    return {
        "root": project.root,
        "settings": primary.reference.module if primary else None,
        "settings_modules": _settings_record(project),
        "purpose": {"kind": project.purpose.kind, "evidence": project.purpose.evidence or None},
        "django_version": version_label(version) if version else None,
        "django_version_evidence": (
            {"path": evidence.path, "line": evidence.line, "requirement": evidence.requirement} if evidence else None
        ),
        "root_urlconf": project.urlconf,
        "views": {
            "async": len([v for v in views if v.is_async]),
            "sync": len([v for v in views if not v.is_async and not v.is_mixed]),
            "mixed": len([v for v in views if v.is_mixed]),
            "async_views": [_view_record(v) for v in views if v.is_async],
            "sync_views": [_view_record(v) for v in views if not v.is_async and not v.is_mixed],
            "mixed_views": [_view_record(v) for v in views if v.is_mixed],
        },
        "websockets": [
            {"path": route.path, "line": route.line, "route": route.route, "consumer": route.consumer}
            for app in project.asgi_applications
            for route in app.websocket_routes
        ],
        "asgi_applications": [
            {
                "module": app.module,
                "path": app.path,
                "line": app.line,
                "kind": app.kind,
                "protocols": list(app.protocols),
                "origin_validated": app.origin_validated,
            }
            for app in project.asgi_applications
        ],
        "middleware": [
            {
                "middleware": m.dotted_path,
                "mode": m.mode,
                "path": m.path,
                "line": m.span.line if m.span else None,
                "reason": m.reason,
            }
            for m in project.middleware
        ],
        "verdict": verdict_record(model.verdicts[project.root]),
        "unresolved_routes": [
            {"path": route.path, "line": route.line, "route": route.route, "view": route.text}
            for route in project.routes
            if route.view is None and route.kind == "unresolved"
        ],
    }


def projects_records(model: ProjectModel) -> list[dict[str, Any]]:
    return [project_record(project, model) for project in model.django_projects]
