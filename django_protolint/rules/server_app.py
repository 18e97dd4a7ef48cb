"""DPL510: a server command whose app does not exist in the project, so the server cannot start.

Facts: each server's app lookup, read in its source (knowledge/servers.py `default_attribute`); the failure of
each verified on loopback in tests/test_ground_truth_entrypoints.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Gates, Invalid, Rule, Valid, check, django_project
from django_protolint.source.facts import Span

DJANGO_ASGI = "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n"
CHANNEL_APPS = (
    "from django.core.asgi import get_asgi_application\n\n"
    "application = get_asgi_application()\nchannel_layer = application\n"
)

APP_NOT_FOUND = Rule(
    code="DPL510",
    slug="server-app-not-found",
    severity="error",
    summary="A server command names a module or attribute the project does not have",
    message="{server} cannot load `{app}`: {detail}",
    rationale=(
        "A server imports the module it is given and looks the application up in it; a missing module or "
        "attribute stops it at start (gunicorn: `Worker failed to boot`; uvicorn: `Error loading ASGI app`; "
        "hypercorn: `NoAppError`, then it exits with status 0; daphne: `ModuleNotFoundError`/`AttributeError`), so nothing is served. Without "
        "an attribute, gunicorn looks for `application`, hypercorn and granian for `app`, and uvicorn and daphne "
        "refuse to start (they need `module:attribute`), read in each server's source "
        "(gunicorn/util.py `import_app`, hypercorn utils.py `load_application`, granian _internal.py "
        "`load_target`, uvicorn importer.py, daphne utils.py `import_by_path`). Only reported when the module's "
        "top-level package is in the linted tree and the command names it literally: an installed package, "
        "`$APP_MODULE`, a template or a module a deployment file copies into place is never reported."
    ),
    fix="point the command at a module and attribute that exist (`proj.asgi:application`), or create them",
    gates=Gates(file_role="deployment file"),
    links=("https://docs.gunicorn.org/en/stable/run.html", "https://www.uvicorn.org/deployment/"),
    examples=[
        Invalid(
            django_project("", Procfile="web: uvicorn proj.asgi:application  # expect: DPL510\n"),
            note="no proj/asgi.py: a project started before Django 3.0 has only wsgi.py",
        ),  # fmt: skip
        Invalid(
            django_project("", proj__asgi_py=DJANGO_ASGI, Procfile="web: hypercorn proj.asgi  # expect: DPL510\n"),
            note="hypercorn looks for `app` when the command names no attribute",
        ),  # fmt: skip
        Invalid(
            django_project("", proj__asgi_py=DJANGO_ASGI, Procfile="web: daphne proj.asgi:app  # expect: DPL510\n"),
            id="daphne given an attribute asgi.py does not define",
        ),  # fmt: skip
        Valid(
            django_project("", proj__asgi_py=DJANGO_ASGI, Procfile="web: hypercorn proj.asgi:application\n"),
            id="hypercorn given the application asgi.py defines",
        ),
        Valid(
            django_project("", proj__asgi_py=CHANNEL_APPS, Procfile="web: daphne proj.asgi:channel_layer\n"),
            note="any attribute the module defines",
        ),  # fmt: skip
        Valid(
            django_project("", Procfile="web: gunicorn myservice.wsgi\n"),
            note="`myservice` is not in the tree: an installed package",
        ),  # fmt: skip
        Valid(django_project("", Procfile="web: uvicorn $APP_MODULE\n"), note="built from the environment"),
    ],
)


@check(APP_NOT_FOUND)
def app_not_found(model: ProjectModel) -> Iterator[Finding]:
    for (path, line), problem in sorted(model.app_problems.items()):
        yield APP_NOT_FOUND.finding(path, Span(line, 0, line, 0), server=problem.server, app=problem.app,
                                    detail=problem.detail)  # fmt: skip
