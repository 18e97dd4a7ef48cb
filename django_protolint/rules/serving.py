"""DPL50x: how the project is served, against what its code needs (see project/verdict.py).

Findings sit on the deployment line that starts the server, so they show up in the file a team would change.
Facts: ../shared/facts.md §5.6 (websockets on each server, verified on loopback) and §6 (servers).
"""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding
from django_protolint.knowledge.servers import ASGI, GUNICORN_ASGI_WORKERS, RSGI, WSGI
from django_protolint.project.deploy.commands import app_protocol
from django_protolint.project.deploy.files import PRODUCTION, Deployment, DeployProblem
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Gates, Invalid, Rule, Valid, check, django_project
from django_protolint.source.facts import Span

ASYNC_VIEW = """
import asyncio

async def index(request):
    await asyncio.sleep(0)
"""
CHANNELS_ASGI = """
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

http = get_asgi_application()

from app.routing import websocket_urlpatterns

application = ProtocolTypeRouter(
    {"http": http, "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns))}
)
"""
ROUTING = """
from django.urls import path
from .consumers import Chat

websocket_urlpatterns = [path("ws/", Chat.as_asgi())]
"""
CONSUMERS = """
from channels.generic.websocket import AsyncWebsocketConsumer

class Chat(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
"""


def websocket_project(procfile: str) -> dict[str, str]:
    return django_project("", proj__asgi_py=CHANNELS_ASGI, app__routing_py=ROUTING, app__consumers_py=CONSUMERS,
                          Procfile=procfile)  # fmt: skip


def channels_runserver(requirement: str, expect: str = "") -> dict[str, str]:
    """A websocket project served by `runserver` with the `channels` app installed, at a pinned release."""
    files = websocket_project(f"web: python manage.py runserver 0.0.0.0:$PORT{expect}\n")
    files["proj/settings.py"] = files["proj/settings.py"].replace('"app"]', '"channels", "app"]')
    return files | {"requirements.txt": f"Django>=3.2\n{requirement}\n"}


WEBSOCKETS_ON_WSGI = Rule(
    code="DPL501",
    slug="websockets-served-by-wsgi-only",
    severity="error",
    summary="The code routes websockets, but every production server speaks WSGI",
    message="served by {server} ({protocol}), but the project routes websockets ({evidence}): every websocket "
    "handshake fails",
    rationale=(
        "WSGI has no websocket support: behind `gunicorn proj.wsgi` or Django's own `runserver` a websocket "
        "handshake gets 404 (verified on loopback, tests/test_ground_truth_servers.py). `runserver` is ASGI when the `daphne` "
        "app is installed, or the `channels` app with Channels < 4 (knowledge/channels_api.py "
        "RUNSERVER_IN_CHANNELS); with `channels` installed and the release unknown it is not reported. "
        "Websocket routes need an ASGI server "
        "on the `asgi.py` application (daphne, uvicorn, hypercorn, granian --interface asgi, or gunicorn with a "
        "uvicorn worker). A split deployment that also runs an ASGI server is not reported."
    ),
    fix="serve the ASGI app: `{recommendation}`",
    how_to_fix="Serve the ASGI application (`proj.asgi:application`) with an ASGI server: uvicorn, daphne, hypercorn, granian `--interface asgi`, or gunicorn with `-k uvicorn_worker.UvicornWorker`. The finding's help line names the command for your project.",
    gates=Gates(file_role="deployment file"),
    links=(
        "https://channels.readthedocs.io/en/stable/deploying.html",
        "https://docs.djangoproject.com/en/stable/howto/deployment/asgi/",
    ),
    examples=[
        Invalid(
            websocket_project("web: gunicorn proj.wsgi:application --workers 3  # expect: DPL501\n"),
            id="websocket consumers served by gunicorn's sync workers",
        ),
        Valid(
            websocket_project("web: daphne -b 0.0.0.0 -p $PORT proj.asgi:application\n"),
            id="websocket consumers served by daphne",
        ),
        Valid(
            websocket_project("web: gunicorn proj.asgi:application\n"),
            note="a WSGI worker on `asgi.py` fails every request, handshakes included: DPL506 alone reports it",
        ),
        Valid(
            websocket_project("web: gunicorn proj.wsgi:application\n")
            | {"docker-compose.yml": "services:\n  ws:\n    command: daphne proj.asgi:application\n"},
            note="split deployment: gunicorn for HTTP, daphne for websockets",
        ),
        Valid(
            channels_runserver("channels==2.4.0"),
            note="Channels 2 replaces runserver with its ASGI one (DPL503 still says it is no production server)",
        ),
        Invalid(
            channels_runserver("channels==4.0.0", "  # expect: DPL501"),
            note="from Channels 4 the `channels` app leaves Django's WSGI runserver (daphne's needs the daphne app)",
        ),
    ],
)

ASYNC_VIEWS_ON_WSGI = Rule(
    code="DPL502",
    slug="async-views-served-by-wsgi",
    severity="warning",
    summary="Async views that await I/O, served only by WSGI workers",
    message="served by {server} ({protocol}); {count} async view(s) await I/O and gain no concurrency under WSGI",
    rationale=(
        "Under WSGI Django runs each async view in a new event loop on a worker thread (`async_to_sync`): it "
        "works, but a worker still serves one request at a time (3 concurrent 1 s sleeps took 3.0 s under "
        "gunicorn sync, 1.0 s under uvicorn, measured on loopback), and module-level async clients break "
        "with `Event loop is closed` from the second request."
    ),
    fix="serve the ASGI app: `{recommendation}`",
    how_to_fix="Serve the ASGI application (`proj.asgi:application`) with an ASGI server: uvicorn, daphne, hypercorn, granian `--interface asgi`, or gunicorn with `-k uvicorn_worker.UvicornWorker`. The finding's help line names the command for your project.",
    gates=Gates(file_role="deployment file"),
    links=(
        "https://docs.djangoproject.com/en/stable/topics/async/#async-views",
        "https://docs.djangoproject.com/en/stable/howto/deployment/asgi/",
    ),
    examples=[
        Invalid(
            django_project(ASYNC_VIEW, routes=("index",), Procfile="web: gunicorn proj.wsgi  # expect: DPL502\n"),
            id="async views served by gunicorn on the WSGI app",
        ),
        Valid(
            django_project(
                ASYNC_VIEW, routes=("index",), Procfile="web: gunicorn proj.asgi -k uvicorn_worker.UvicornWorker\n"
            ),
            id="async views served by gunicorn with the uvicorn worker",
        ),  # fmt: skip
        Valid(
            django_project(
                "def index(request):\n    return None\n", routes=("index",), Procfile="web: gunicorn proj.wsgi\n"
            ),
            note="sync views: WSGI is enough",
        ),
        Valid(
            django_project(ASYNC_VIEW, routes=("index",), Procfile="web: gunicorn proj.asgi:application\n"),
            note="gunicorn's sync worker on `asgi.py` fails every request: one finding, DPL506, says so",
        ),
    ],
)

RUNSERVER_IN_PRODUCTION = Rule(
    code="DPL503",
    slug="runserver-in-production",
    severity="error",
    summary="`manage.py runserver` started by a production deployment file",
    message="`{command}` in {where}: runserver is a development server",
    rationale=(
        'Django\'s docs: runserver "has not gone through security audits or performance tests" and must not be '
        "used in production. Only production evidence counts: a compose service that bind-mounts the source, "
        "sets DEBUG on or runs runserver, a file whose header says it is for development, a script that "
        "announces a development server, a file under `tests/`, `dev/`, `local/`, `example*/` or `sandbox/`, a "
        "development name (`docker-compose.override.yml`, `*.dev.*`, `local.yml`) or `--reload` make it "
        "development (`report` shows why each file counts as it does)."
    ),
    known_problems=(
        "A file with no sign either way (a plain Dockerfile, a shell script) is taken as production, unsure: the "
        "finding is then `info`. A platform manifest (Procfile `web`, heroku.yml, render.yaml, fly.toml, "
        "Kubernetes, systemd) or a file named for production is sure, and the finding an `error`."
    ),
    fix="start gunicorn, uvicorn or daphne there instead (keep runserver for a `dev` service)",
    gates=Gates(file_role="deployment file"),
    links=("https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver",),
    examples=[
        Invalid(
            django_project("", Procfile="web: python manage.py runserver 0.0.0.0:$PORT  # expect: DPL503\n"),
            id="runserver as the Procfile's web process",
        ),
        Valid(
            django_project(
                "", (), **{"docker-compose.dev.yml": "services:\n  web:\n    command: python manage.py runserver\n"}
            ),
            note="a development compose file",
        ),
        Valid(
            django_project(
                "",
                (),
                **{
                    "docker-compose.yml": "services:\n  web:\n    command: python manage.py runserver\n"
                    "    volumes:\n      - .:/app\n"
                },
            ),
            note="a compose service that bind-mounts the source is the development stack",
        ),
    ],
)

MALFORMED_PROCFILE = Rule(
    code="DPL504",
    slug="malformed-procfile-line",
    severity="warning",
    summary="A Procfile line that is not `name: command`",
    message="Procfile line is not `name: command`: {problem}",
    rationale="Platforms that read Procfiles skip or reject such lines, so the process may never start.",
    fix="write it as `web: <command>`",
    gates=Gates(file_role="Procfile"),
    links=("https://devcenter.heroku.com/articles/procfile",),
    examples=[
        Invalid(
            django_project("", Procfile="web: gunicorn proj.wsgi\ngunicorn proj.wsgi  # expect: DPL504\n"),
            id="a Procfile line without a process type",
        ),
        Valid(
            django_project("", Procfile="# comment\nrelease: python manage.py migrate\nweb: gunicorn proj.wsgi\n"),
            id="comments and process types in a Procfile",
        ),
    ],
)

WORKER_NOT_INSTALLED = Rule(
    code="DPL505",
    slug="server-worker-not-in-dependencies",
    severity="warning",
    summary="gunicorn uses a uvicorn worker class whose package the dependencies do not list",
    message="`-k {worker}` needs the `{package}` package, which no dependency file lists",
    rationale=(
        "gunicorn imports the worker class at start; without its package it exits with `Error: class uri "
        "... invalid or not found`. `uvicorn.workers` is deprecated since uvicorn 0.30: Django's docs now "
        "recommend the `uvicorn-worker` package. Only checked when the project has dependency files."
    ),
    fix="add `{package}` to the dependencies",
    how_to_fix="Add the package that provides the worker class to the dependencies (`uvicorn-worker` for `uvicorn_worker.UvicornWorker`).",
    gates=Gates(file_role="deployment file"),
    links=(
        "https://docs.djangoproject.com/en/stable/howto/deployment/asgi/uvicorn/#deploying-django-using-uvicorn-and-gunicorn",
    ),
    examples=[
        Invalid(
            django_project("", Procfile="web: gunicorn proj.asgi -k uvicorn_worker.UvicornWorker  # expect: DPL505\n")
            | {"requirements.txt": "Django>=5.0\ngunicorn\n"},
            id="gunicorn's uvicorn worker class without uvicorn-worker in the requirements",
        ),
        Valid(
            django_project("", Procfile="web: gunicorn proj.asgi -k uvicorn_worker.UvicornWorker\n")
            | {"requirements.txt": "Django>=5.0\ngunicorn\nuvicorn-worker\n"},
            id="uvicorn-worker listed in the requirements",
        ),
    ],
)

APP_PROTOCOL_MISMATCH = Rule(
    code="DPL506",
    slug="server-app-protocol-mismatch",
    severity="error",
    summary="An ASGI server pointed at `wsgi.py`'s application, or a WSGI server at `asgi.py`'s",
    message="{server} speaks {protocol} but serves the {app_protocol} application `{app}`: every request fails",
    rationale=(
        "Verified on loopback (tests/test_ground_truth_servers.py): gunicorn's sync worker on `proj.asgi:application` "
        "answers 500 to every request (`ProtocolTypeRouter.__call__() missing 1 required positional argument: "
        "'send'`); uvicorn on `proj.wsgi:application` fails with `WSGIHandler.__call__() missing ... "
        "'start_response'` unless `--interface wsgi`."
    ),
    fix="serve the application that matches the server's protocol",
    gates=Gates(file_role="deployment file"),
    links=(
        "https://docs.djangoproject.com/en/stable/howto/deployment/asgi/",
        "https://docs.djangoproject.com/en/stable/howto/deployment/wsgi/",
    ),
    examples=[
        Invalid(
            django_project("", Procfile="web: gunicorn proj.asgi:application  # expect: DPL506\n"),
            id="gunicorn's sync worker serving the ASGI app",
        ),
        Valid(django_project("", Procfile="web: uvicorn proj.asgi:application\n"), id="uvicorn serving the ASGI app"),
    ],
)

GRANIAN_RSGI = Rule(
    code="DPL507",
    slug="granian-without-interface",
    severity="error",
    summary="granian started without `--interface asgi` or `wsgi` (it defaults to RSGI)",
    message="granian serves `{app}` over RSGI (its default interface): Django speaks WSGI and ASGI only",
    rationale="granian's default `--interface` is `rsgi`, its own protocol, which Django does not implement.",
    fix="add `--interface asgi` (for `asgi.py`) or `--interface wsgi` (for `wsgi.py`)",
    gates=Gates(file_role="deployment file"),
    links=("https://github.com/emmett-framework/granian#options",),
    examples=[
        Invalid(
            django_project("", Procfile="web: granian proj.asgi:application  # expect: DPL507\n"),
            id="granian without --interface",
        ),
        Valid(
            django_project("", Procfile="web: granian --interface asgi proj.asgi:application\n"),
            id="granian with --interface asgi",
        ),
    ],
)

UNREADABLE_DEPLOYMENT = Rule(
    code="DPL508",
    slug="unreadable-deployment-file",
    severity="warning",
    summary="A deployment file that cannot be parsed",
    message="{problem}",
    rationale="A deployment file we cannot parse gives no evidence about the server; it is skipped, and the "
    "verdict may be `unknown` because of it.",
    fix="fix the file's syntax",
    gates=Gates(file_role="deployment file"),
    examples=[
        Invalid(
            django_project("", (), **{"docker-compose.yml": "services: [unclosed  # expect: DPL508\n"}),
            id="a compose file that is not valid YAML",
        ),
        Valid(
            django_project("", (), **{"docker-compose.yml": "services:\n  web:\n    command: gunicorn proj.wsgi\n"}),
            id="a valid compose file",
        ),
    ],
)


def _span(line: int) -> Span:
    return Span(line, 0, line, 0)


def _severity(rule: Rule, deployment: Deployment) -> str:
    """A finding that rests on a production classification we are unsure of is advice, not an error."""
    return rule.severity if deployment.certain else "info"


def _server(deployment: Deployment) -> str:
    command = deployment.command
    return f"{command.server} {command.worker}" if command.server == "gunicorn" and command.worker else command.server


@check(WEBSOCKETS_ON_WSGI, ASYNC_VIEWS_ON_WSGI)
def served_protocol(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        verdict = model.verdicts[project.root]
        # Only when every production server speaks WSGI. A server on the wrong app also makes the fit a mismatch,
        # whatever the code needs: that is DPL506's finding, and a WSGI-only project has no evidence to cite here.
        # Nor when a template's options decide (another arm of it serves ASGI): no mismatch is shown to be real.
        if verdict.declared_server or verdict.served != WSGI or verdict.needs == "wsgi" or verdict.fit == "unknown":
            continue
        # Views whose only reason to be async is a background task are DPL511's, at the call that schedules it.
        awaiting = sum(1 for view in project.views.values() for _, f in view.async_functions if f.awaits)
        for deployment in verdict.servers:
            if deployment.command.protocol != WSGI:
                continue  # runserver too: its protocol here is the one the installed apps give it (verdict.py)
            if app_protocol(deployment.command.app) == ASGI:
                continue  # a WSGI server on `asgi.py`: every request fails, DPL506 on the same command says so
            if verdict.needs == "asgi-required":
                websockets = [evidence for evidence in verdict.needs_evidence if evidence.kind == "websocket"]
                if not websockets:
                    continue  # only async streams (DPL509 reports each) or Channels HTTP consumers
                first = websockets[0]
                yield WEBSOCKETS_ON_WSGI.finding(
                    deployment.path, _span(deployment.line), server=_server(deployment), protocol="WSGI",
                    evidence=f"{first.path}:{first.line}", recommendation=verdict.recommendation,
                    severity=_severity(WEBSOCKETS_ON_WSGI, deployment),
                )  # fmt: skip
            elif awaiting:
                yield ASYNC_VIEWS_ON_WSGI.finding(
                    deployment.path, _span(deployment.line), server=_server(deployment), protocol="WSGI",
                    count=awaiting, recommendation=verdict.recommendation,
                    severity=_severity(ASYNC_VIEWS_ON_WSGI, deployment),
                )  # fmt: skip


@check(RUNSERVER_IN_PRODUCTION, WORKER_NOT_INSTALLED, APP_PROTOCOL_MISMATCH, GRANIAN_RSGI)
def server_commands(model: ProjectModel) -> Iterator[Finding]:
    for deployment in model.deployments:
        command = deployment.command
        span = _span(deployment.line)
        if command.server == "runserver" and deployment.environment == PRODUCTION:
            yield RUNSERVER_IN_PRODUCTION.finding(deployment.path, span, command=command.command,
                                                  where=deployment.where,
                                                  severity=_severity(RUNSERVER_IN_PRODUCTION, deployment))  # fmt: skip
        if command.server == "gunicorn" and command.worker in GUNICORN_ASGI_WORKERS and model.dependency_texts:
            package = GUNICORN_ASGI_WORKERS[command.worker]
            if package not in model.requirement_names:
                yield WORKER_NOT_INSTALLED.finding(deployment.path, span, worker=command.worker, package=package)
        if command.protocol == RSGI and command.server == "granian":
            yield GRANIAN_RSGI.finding(deployment.path, span, app=command.app or "the app")
        app_kind = app_protocol(command.app)
        if command.protocol in (WSGI, ASGI) and app_kind in (WSGI, ASGI) and app_kind != command.protocol:
            yield APP_PROTOCOL_MISMATCH.finding(
                deployment.path, span, server=_server(deployment), protocol=command.protocol.upper(),
                app=command.app, app_protocol=app_kind.upper(),
            )  # fmt: skip


@check(MALFORMED_PROCFILE, UNREADABLE_DEPLOYMENT)
def deployment_problems(model: ProjectModel) -> Iterator[Finding]:
    for entry in model.deployment_entries:
        if isinstance(entry, DeployProblem):
            rule = MALFORMED_PROCFILE if entry.kind == "procfile" else UNREADABLE_DEPLOYMENT
            problem = entry.message if entry.kind == "procfile" else f"{entry.path}: {entry.message}"
            yield rule.finding(entry.path, _span(entry.line), problem=problem)
