"""The protocol-fit verdict: what the code needs, what serves it, whether they match, with evidence for each claim.

needs:   "asgi-required"   websockets reachable (Channels routes, a raw ASGI websocket handler, consumers)
         "asgi-beneficial" async views that await something (they run, but without concurrency, under WSGI)
         "wsgi"            nothing above
served:  from production deployment commands (or `--server`): "wsgi", "asgi", "both" or "unknown"
fit:     "mismatch"   ASGI required, WSGI only; or a reverse proxy surely sends a websocket route to WSGI servers only,
                      or to the ASGI server without the headers that upgrade it (an nginx location that drops them)
         "suboptimal" ASGI would help, WSGI only
         "fit"        otherwise (both protocols served counts as fit when ASGI is required: a split deployment)
         "unknown"    no production server found: never a guess presented as fact
"""

from __future__ import annotations

import shlex
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from django_protolint.knowledge.channels_api import RUNSERVER_IN_CHANNELS
from django_protolint.knowledge.servers import ASGI, RSGI, UNKNOWN, WSGI
from django_protolint.project.async_work import background_tasks
from django_protolint.project.channels_release import ChannelsRelease
from django_protolint.project.deploy.commands import ServerCommand, app_protocol
from django_protolint.project.deploy.files import PRODUCTION, Deployment
from django_protolint.project.django_project import DjangoProject
from django_protolint.project.proxy.base import Route
from django_protolint.project.proxy.join import RoutedPath, WebsocketReach
from django_protolint.project.proxy.routing import routing_for
from django_protolint.project.settings import SettingsModule
from django_protolint.project.tree import below_top

NEEDS_WORDS = {"asgi-required": "ASGI required", "asgi-beneficial": "ASGI would help", "wsgi": "WSGI is enough"}


@dataclass(frozen=True)
class Evidence:
    path: str
    line: int
    reason: str
    # What ASGI-required evidence is: "websocket", "stream" (an async generator behind StreamingHttpResponse) or
    # "asgi-http" (an HTTP path routed to a Channels consumer, which exists only under ASGI); "" otherwise.
    kind: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "reason": self.reason}


@dataclass
class Verdict:
    needs: str
    needs_evidence: list[Evidence]
    served: str
    servers: list[Deployment]
    fit: str
    summary: str
    recommendation: str | None = None  # a command line
    recommendation_note: str = ""
    development_servers: list[Deployment] = field(default_factory=list)
    declared_server: str | None = None
    stream_count: int = 0  # how many of needs_evidence are async streams (the rest are websockets)
    # Servers only a template arm the defaults do not select starts (deploy/templated.py): listed, never counted.
    alternatives: list[Deployment] = field(default_factory=list)
    # A split deployment behind a reverse proxy: which path prefixes reach which server, and where each of the
    # code's websocket routes goes through them (project/proxy/).
    routes: list[RoutedPath] = field(default_factory=list)
    websocket_reach: list[WebsocketReach] = field(default_factory=list)


def needs_of(project: DjangoProject, consumers: list[tuple[str, str]], streams: list[Evidence] | None = None,
             framework_websockets: list[Evidence] | None = None,
             django_mounts: list[Evidence] | None = None) -> tuple[str, list[Evidence]]:  # fmt: skip
    websocket: list[Evidence] = []
    # FastAPI/Starlette websocket endpoints are reachable when Django is wrapped in another ASGI app (asgi.py's
    # `application` is neither get_asgi_application() nor a ProtocolTypeRouter), or mounted in one by a module of
    # the project (`django_mounts`); a separate service that happens to live in the same repository is not this
    # project's.
    wrapped = any(app.kind in ("unknown", "raw") for app in project.asgi_applications) or bool(django_mounts)
    if framework_websockets and wrapped:
        websocket.extend(framework_websockets)
    for app in project.asgi_applications:
        for route in app.websocket_routes:
            websocket.append(Evidence(route.path, route.line, f"websocket route `{route.route}` → {route.text}",
                                      "websocket"))  # fmt: skip
        for span in app.raw_websocket_checks:
            websocket.append(Evidence(app.path, span.line, "hand-written ASGI app handles websocket connections",
                                      "websocket"))  # fmt: skip
        if not app.websocket_routes and "websocket" in app.protocols:
            websocket.append(Evidence(app.path, app.line, "ProtocolTypeRouter routes websockets", "websocket"))
        for route in app.http_consumer_routes:
            websocket.append(Evidence(route.path, route.line, f"HTTP route `{route.route}` → {route.text}: a Channels "
                                      "consumer, served only by an ASGI server", "asgi-http"))  # fmt: skip
    if not websocket and consumers and not project.asgi_applications:
        path, qualname = consumers[0]
        websocket.append(Evidence(path, 1, f"Channels consumer `{qualname}` (and {len(consumers) - 1} more)"
                                  if len(consumers) > 1 else f"Channels consumer `{qualname}`", "websocket"))  # fmt: skip
    # Server-sent events and other long-lived streams fed by async generators hold a connection open for as long
    # as they run: under WSGI each one pins a worker, and Django buffers an async iterator whole anyway.
    # Django mounted in a FastAPI/Starlette application: that application is what serves it, and these frameworks
    # speak ASGI only (there is no WSGI entry point to a FastAPI app).
    if websocket or streams or django_mounts:
        return "asgi-required", websocket + list(streams or []) + list(django_mounts or [])
    # One entry per awaiting handler (each is evidence), but the summary counts views: see awaiting_views().
    beneficial = [
        Evidence(facts.path, function.span.line, f"async view `{function.qualname}` awaits I/O")
        for view in project.views.values()
        for facts, function in view.async_functions
        if function.awaits
    ]
    # A view that only schedules tasks (`asyncio.create_task(...)`) needs the server's loop to outlive the
    # request: under WSGI its per-request loop cancels them (project/async_work.py).
    beneficial += [
        Evidence(facts.path, tasks[0].span.line, f"async view `{function.qualname}` schedules a background task")
        for view in project.views.values()
        for facts, function in view.async_functions
        if not function.awaits and (tasks := background_tasks(facts, function))
    ]
    if not beneficial:
        beneficial = [
            Evidence(facts.path, function.span.line, f"async function `{function.qualname}` awaits I/O; it takes "
                     "`request` and sits in a module that a URLconf built at runtime imports")
            for facts, function in project.unrouted_views
            if function.awaits
        ]  # fmt: skip
    if beneficial:
        return "asgi-beneficial", beneficial
    sync = [view for view in project.views.values() if not view.is_async]
    evidence = [Evidence(view.path, view.span.line, f"sync view `{view.qualname}`") for view in sync[:3]]
    return "wsgi", evidence


def _runserver_protocol(command: ServerCommand, project: DjangoProject, channels: ChannelsRelease | None,
                        requirements: set[str]) -> tuple[str, str]:  # fmt: skip
    """(protocol, why) of `manage.py runserver`: the apps installed in the settings it runs with decide whose
    runserver it is (knowledge/channels_api.py RUNSERVER_IN_CHANNELS)."""
    if "--noasgi" in command.command.split():
        return WSGI, "`--noasgi`: Django's own runserver (WSGI)"
    settings = _settings_run(command, project)
    apps = settings.value("INSTALLED_APPS") if settings else None
    if not isinstance(apps, (list, tuple)):
        if ({"daphne", "channels"} & requirements) or any(app.kind == "router" for app in project.asgi_applications):
            return (
                UNKNOWN,
                "INSTALLED_APPS could not be read; daphne or channels, whose runserver is ASGI, may be in it",
            )
        return WSGI, ""
    if "daphne" in apps:
        return ASGI, "daphne in INSTALLED_APPS: runserver is daphne's (ASGI)"
    if not any(app == "channels" or str(app).startswith("channels.apps.") for app in apps):
        return WSGI, ""
    release = channels.at_least(RUNSERVER_IN_CHANNELS.release) if channels else None
    since = RUNSERVER_IN_CHANNELS.release
    why = channels.why(since) if channels else "no dependency file names channels"
    if release is False:
        return ASGI, f"channels in INSTALLED_APPS with Channels < {since} ({why}): runserver is Channels' (ASGI)"
    if release is True:
        return WSGI, ""
    return UNKNOWN, (f"channels in INSTALLED_APPS, Channels release unknown ({why}): runserver is ASGI before "
                     f"Channels {since}, WSGI from it")  # fmt: skip


def _settings_run(command: ServerCommand, project: DjangoProject) -> SettingsModule | None:
    """The settings module this command runs with: `--settings` or DJANGO_SETTINGS_MODULE when the project has
    it loaded, else the project's primary one."""
    tokens = command.command.split()
    named = command.environment.get("DJANGO_SETTINGS_MODULE")
    for index, token in enumerate(tokens):
        if token.startswith("--settings="):
            named = token.split("=", 1)[1]
        elif token == "--settings" and index + 1 < len(tokens):
            named = tokens[index + 1]
    if named:
        for module in project.settings:
            if module.reference.module == named and module.facts is not None:
                return module
    return project.primary


def _effective(deployment: Deployment, project: DjangoProject, channels: ChannelsRelease | None,
               requirements: set[str]) -> Deployment:  # fmt: skip
    """The deployment with the protocol its server really speaks here: runserver's depends on the apps."""
    if deployment.command.server != "runserver":
        return deployment
    protocol, why = _runserver_protocol(deployment.command, project, channels, requirements)
    if protocol == deployment.command.protocol:
        return deployment
    return replace(deployment, command=deployment.command.with_protocol(protocol, why))


def _serves_the_wrong_app(deployment: Deployment) -> bool:
    command = deployment.command
    kind = app_protocol(command.app)
    if command.protocol == RSGI:
        # granian without `--interface` speaks RSGI, which no Django application is (DPL507): nothing it serves works
        return kind in (WSGI, ASGI)
    return command.protocol in (WSGI, ASGI) and kind in (WSGI, ASGI) and kind != command.protocol


def awaiting_views(project: DjangoProject) -> int:
    """Views that await I/O or schedule background tasks: what ASGI helps."""
    routed = sum(
        1
        for view in project.views.values()
        if any(f.awaits or background_tasks(facts, f) for facts, f in view.async_functions)
    )
    return routed or sum(1 for _, function in project.unrouted_views if function.awaits)


def served_by(protocols: set[str]) -> str:
    speaking = protocols & {WSGI, ASGI}
    if speaking == {WSGI, ASGI}:
        return "both"
    if speaking:
        return next(iter(speaking))
    return "unknown"


def _label(deployment: Deployment) -> str:
    command = deployment.command
    worker = f" {command.worker}" if command.server == "gunicorn" and command.worker else ""
    config = f" + {deployment.config[0]}:{deployment.config[1]}" if deployment.config else ""
    return f"{command.server}{worker}, {deployment.path}:{deployment.line}{config}"


def decide(needs: str, served: str) -> str:
    if served == "unknown":
        return "unknown"
    if needs == "asgi-required":
        return "mismatch" if served == WSGI else "fit"
    if needs == "asgi-beneficial":
        return "suboptimal" if served == WSGI else "fit"
    return "fit"


def asgi_app_path(project: DjangoProject) -> tuple[str, str]:
    """(`module:application` named from the project's root, what to do first when that module does not exist)."""
    if project.asgi_applications:
        first = project.asgi_applications[0]
        return f"{first.module}:{first.name}", ""
    primary = project.primary
    package = primary.reference.module.split(".")[0] if primary else "<project>"
    return f"{package}.asgi:application", f"create `{package}/asgi.py` with `application = get_asgi_application()`"


def _from_root(command: str, root: str) -> str:
    """Module names are relative to the project's root (where manage.py runs it): the server starts there too."""
    return command if root == "." else f"cd {shlex.quote(root)} && {command}"


def recommendation(project: DjangoProject, requirements: set[str], websockets: bool = False) -> tuple[str, str]:
    """(command, note): an ASGI server the project already depends on first, started from the project's root."""
    app, missing = asgi_app_path(project)
    command, note = _server_command(app, requirements, websockets)
    return _from_root(command, below_top(project.root, project.tree_top)), "; ".join(p for p in (missing, note) if p)


def _server_command(app: str, requirements: set[str], websockets: bool) -> tuple[str, str]:
    # uvicorn (and its gunicorn worker) answer websocket upgrades only with a websocket library installed.
    ws_note = "; websockets need `uvicorn[standard]` (or `websockets`)" if websockets else ""
    if "gunicorn" in requirements and "uvicorn-worker" in requirements:
        return f"gunicorn {app} -k uvicorn_worker.UvicornWorker", ws_note.lstrip("; ")
    # gunicorn alone is no ASGI server: one the project already lists beats adding uvicorn-worker
    for server in ("daphne", "uvicorn", "hypercorn"):
        if server in requirements:
            return f"{server} {app}", ws_note.lstrip("; ") if server == "uvicorn" else ""
    if "granian" in requirements:
        return f"granian --interface asgi {app}", ""
    if "gunicorn" in requirements:
        return f"gunicorn {app} -k uvicorn_worker.UvicornWorker", f"add `uvicorn-worker` to the dependencies{ws_note}"
    extras = "uvicorn[standard]" if websockets else "uvicorn"
    return f"uvicorn {app}", f"add `{extras}` to the dependencies"


def verdict_for(project: DjangoProject, deployments: list[Deployment], consumers: list[tuple[str, str]],
                requirements: set[str], declared_server: str | None = None,
                streams: list[Evidence] | None = None, channels: ChannelsRelease | None = None,
                framework_websockets: list[Evidence] | None = None,
                cannot_start: Collection[tuple[str, int]] = (),
                routes: list[Route] | None = None, django_mounts: list[Evidence] | None = None) -> Verdict:  # fmt: skip
    needs, needs_evidence = needs_of(project, consumers, streams, framework_websockets, django_mounts)
    # runserver speaks ASGI when daphne (or Channels < 4) is installed as an app: say so wherever it is shown.
    deployments = [_effective(d, project, channels, requirements) for d in deployments]
    # A template is one rendering, its defaults': the arms they do not select are alternatives, not a split.
    alternatives = [d for d in deployments if d.alternative and d.environment == PRODUCTION]
    production = [d for d in deployments if d.environment == PRODUCTION and not d.alternative]
    development = [d for d in deployments if d.environment != PRODUCTION and not d.alternative]
    if declared_server is not None:
        protocols = {declared_server}
    else:
        protocols = {d.command.protocol for d in production}
    served = served_by(protocols)
    fit = decide(needs, served)
    if declared_server is None and any(_serves_the_wrong_app(d) for d in production):
        # uvicorn on `proj.wsgi:application`, gunicorn sync on `proj.asgi:application`: every request fails
        # (verified on loopback, tests/test_ground_truth_servers.py), whatever the code needs.
        fit = "mismatch"
    option_decides = declared_server is None and _template_option_decides(fit, alternatives)
    if option_decides:
        fit = "unknown"
    if declared_server is None and any((d.path, d.line) in cannot_start for d in production):
        # the app it names does not exist (deploy/entrypoint.py): the server exits at start
        # (tests/test_ground_truth_entrypoints.py)
        fit = "mismatch"
    routing = routing_for(project, production, routes or [])
    proxy_words = ""
    if declared_server is None and needs == "asgi-required" and routing.mismatches:
        # Both protocols are served, but the proxy sends a websocket path to WSGI servers only: its handshake
        # gets their 404 (tests/test_ground_truth_proxies.py).
        fit, proxy_words = "mismatch", f" · proxy: {routing.mismatches[0].why}"
        asgi = [d for d in production if d.command.protocol == ASGI]
        if routing.mismatches[0].remedy:  # it reaches the ASGI server, without the headers that upgrade it
            proxy_words += f"; {routing.mismatches[0].remedy}"
        elif asgi:  # the ASGI server runs already: the proxy is what to change, not the server
            proxy_words += f"; route it to {_label(asgi[0])}"
    code_words = NEEDS_WORDS[needs]
    if needs == "asgi-required":
        stream_count = len(streams or [])
        count = sum(1 for evidence in needs_evidence if evidence.kind == "websocket")
        http_count = sum(1 for evidence in needs_evidence if evidence.kind == "asgi-http")
        parts = [f"{count} websocket entr{'ies' if count != 1 else 'y'}"] if count else []
        parts += [f"{http_count} ASGI-only HTTP route{'s' if http_count != 1 else ''}"] if http_count else []
        parts += [f"{stream_count} async stream{'s' if stream_count != 1 else ''}"] if stream_count else []
        parts += (
            ["Django mounted in an ASGI framework's app"] if any(e.kind == "asgi-app" for e in needs_evidence) else []
        )
        code_words += f" ({', '.join(parts)})"
    elif needs == "asgi-beneficial":
        count = awaiting_views(project)
        code_words += f" ({count} async view{'s' if count != 1 else ''})"
    if declared_server is not None:
        served_words = f"{declared_server.upper()} (declared with --server)"
    elif production:
        served_words = (
            f"{served.upper() if served != 'both' else 'WSGI + ASGI'} ({'; '.join(_label(d) for d in production)})"
        )
        if protocols & {RSGI, UNKNOWN} and served == "unknown":
            served_words = f"unknown ({'; '.join(_label(d) for d in production)})"
    elif development:
        served_words = "unknown (only development servers found: " + "; ".join(_label(d) for d in development) + ")"
    else:
        served_words = "unknown (no deployment files found; declare it with --server)"
    if alternatives:
        served_words += "; " + "; ".join(_alternative_label(d) for d in alternatives)
    if option_decides:
        served_words += " — the template's options decide which one is served"
    summary = f"Protocol fit: {fit.upper()} — code: {code_words} · served: {served_words}{proxy_words}"
    broken = [d for d in production if (d.path, d.line) in cannot_start] if declared_server is None else []
    if broken:
        summary += f" · cannot start (its app does not exist): {'; '.join(_label(d) for d in broken)}"
    command, note = (
        recommendation(project, requirements, websockets=needs == "asgi-required")
        if fit in ("mismatch", "suboptimal") and not (routing.mismatches and ASGI in protocols)
        else (None, "")
    )
    rsgi = [d for d in production if d.command.protocol == RSGI and _serves_the_wrong_app(d)]
    if declared_server is None and fit == "mismatch" and rsgi:
        # granian is already the server: it needs only the interface its application speaks (DPL507)
        interface = app_protocol(rsgi[0].command.app)
        command = f"granian --interface {interface} {rsgi[0].command.app}"
        note = f"add `--interface {interface}` where granian starts ({rsgi[0].path}:{rsgi[0].line})"
    return Verdict(needs, needs_evidence, served, production, fit, summary, command, note, development,
                   declared_server, len(streams or []) if needs == "asgi-required" else 0, alternatives,
                   routing.routes, routing.websockets)  # fmt: skip


def _template_option_decides(fit: str, alternatives: list[Deployment]) -> bool:
    """The default rendering serves WSGI where the code wants ASGI, and another arm of the same template serves
    ASGI: a template ships the code of every option (a hook deletes what an option leaves out, which we do not
    run), so the mismatch is the defaults', not a project's. Neither "mismatch" nor "fit" would be the truth."""
    return fit in ("mismatch", "suboptimal") and any(d.command.protocol == ASGI for d in alternatives)


def _alternative_label(deployment: Deployment) -> str:
    return f"alternative (template arm `{deployment.alternative}`): {_label(deployment)}"
