"""DPL40x: entry points and settings that point nowhere, or a server set up to fail at start.

Facts: ../shared/facts.md §3.4 (entry points) and §5.1 (daphne's runserver); Django
`django/core/servers/basehttp.py` for WSGI_APPLICATION.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from django_protolint.findings import Finding
from django_protolint.knowledge.servers import ASGI
from django_protolint.project.django_project import DjangoProject
from django_protolint.project.model import ProjectModel
from django_protolint.project.settings import SettingsReference, text_references
from django_protolint.rules.base import Gates, Invalid, Rule, Valid, check, django_project
from django_protolint.source.facts import FileFacts, Span
from django_protolint.source.static import Assignment, StarImport

SETTINGS = 'INSTALLED_APPS = {apps!r}{mark}\nROOT_URLCONF = "proj.urls"\n{extra}'


def _files(apps: list[str], extra: str = "", expect: str = "", **more: str) -> dict[str, str]:
    mark = f"  # expect: {expect}" if expect else ""
    return django_project("", (), proj__settings_py=SETTINGS.format(apps=apps, extra=extra, mark=mark), **more)


PYTEST_INI = {"pytest.ini": "[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings\n"}

MISSING_SETTINGS_MODULE = Rule(
    code="DPL401",
    slug="settings-module-not-found",
    severity="error",
    summary="DJANGO_SETTINGS_MODULE names a module the project does not have",
    message="{file} sets DJANGO_SETTINGS_MODULE to `{module}`, but the project has no such module",
    rationale=(
        "Django imports the settings module on start; a wrong name fails with `ModuleNotFoundError` in every "
        "server and command that uses this entry point. Only reported when the module's top-level package is "
        "part of the linted project, so settings installed from elsewhere are not flagged. A test module's or "
        "conftest.py's `os.environ.setdefault(...)` under a pytest configuration that names DJANGO_SETTINGS_MODULE "
        "is reported at `info`: pytest-django sets the variable before it imports them, so the setdefault only "
        "matters when the module runs without pytest."
    ),
    fix="point it at the settings module (e.g. `{package}.settings`)",
    how_to_fix="Point `DJANGO_SETTINGS_MODULE` (or `--settings`) at a settings module that exists in the project, e.g. `proj.settings`.",
    gates=Gates(file_role="entry point (manage.py, wsgi.py, asgi.py, deployment file)"),
    links=("https://docs.djangoproject.com/en/stable/topics/settings/#designating-the-settings",),
    examples=[
        Invalid(
            django_project(
                "",
                manage_py='import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.setings")  # expect: DPL401\n',
            ),
            id="DJANGO_SETTINGS_MODULE misspelled in manage.py",
        ),
        Invalid(
            django_project(
                "",
                app__tests__test_hooks_py='import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", '
                '"app.settings")  # expect: DPL401 severity=info\n',
            )
            | PYTEST_INI,
            id="a stale setdefault in a test module pytest-django configures first is info",
            note="archivebox's tests/test_hooks.py: pytest.ini's value is already in os.environ when it runs",
        ),
        Invalid(
            django_project(
                "",
                app__tests__test_hooks_py='import os\n\nos.environ["DJANGO_SETTINGS_MODULE"] = '
                '"app.settings"  # expect: DPL401 severity=error\n',
            )
            | PYTEST_INI,
            note="an assignment replaces pytest-django's value: the import fails under pytest too",
        ),
        Valid(django_project(""), id="DJANGO_SETTINGS_MODULE naming the project's settings"),
        Valid(
            django_project(
                "",
                app__tests__test_hooks_py='import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", '
                '"proj.settings")\n',
            )
            | PYTEST_INI,
            note="a test module's setdefault naming the settings the project has",
        ),
        Valid(
            django_project(
                "",
                app__seed_py='import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendor_site.settings")\n',
            ),
            note="a package the linted tree does not hold may be installed: not checked",
        ),  # fmt: skip
    ],
)

MISSING_APPLICATION = Rule(
    code="DPL402",
    slug="application-setting-not-found",
    severity="error",
    summary="`WSGI_APPLICATION` or `ASGI_APPLICATION` names an object the project does not define",
    message="`{setting} = {value!r}`, but {problem}",
    rationale=(
        "`WSGI_APPLICATION` is what `runserver` serves (a wrong path raises `ImproperlyConfigured: WSGI "
        "application ... could not be loaded`); `ASGI_APPLICATION` is what daphne's `runserver` and Channels "
        "serve. Only checked when the module's package is part of the linted project."
    ),
    fix="point it at the `application` object in your wsgi.py / asgi.py",
    gates=Gates(file_role="settings module"),
    links=(
        "https://docs.djangoproject.com/en/stable/ref/settings/#wsgi-application",
        "https://docs.djangoproject.com/en/stable/ref/settings/#asgi-application",
    ),
    examples=[
        Invalid(
            _files(
                ["app"],
                'WSGI_APPLICATION = "proj.wsgi.app"  # expect: DPL402\n',
                proj__wsgi_py="from django.core.wsgi import get_wsgi_application\n\n"
                "application = get_wsgi_application()\n",
            ),  # fmt: skip
            id="WSGI_APPLICATION naming an attribute wsgi.py lacks",
        ),
        Valid(
            _files(
                ["app"],
                'WSGI_APPLICATION = "proj.wsgi.application"\nASGI_APPLICATION = "other.asgi.application"\n',
                proj__wsgi_py="from django.core.wsgi import get_wsgi_application\n\n"
                "application = get_wsgi_application()\n",
            ),  # fmt: skip
            note="`other` is not part of the project: nothing to check",
        ),
    ],
)

DAPHNE_WITHOUT_ASGI_APPLICATION = Rule(
    code="DPL403",
    slug="daphne-without-asgi-application",
    severity="error",
    summary='`"daphne"` in INSTALLED_APPS without `ASGI_APPLICATION`',
    message='"daphne" is in INSTALLED_APPS but ASGI_APPLICATION is not set: `runserver` stops with CommandError',
    rationale=(
        "With daphne installed as an app, `manage.py runserver` is daphne's, which needs `ASGI_APPLICATION` and "
        "otherwise fails: `CommandError: You have not set ASGI_APPLICATION, which is needed to run the server.` "
        "(daphne/management/commands/runserver.py; verified with Channels 4.3)."
    ),
    fix='set `ASGI_APPLICATION = "<project>.asgi.application"`',
    gates=Gates(file_role="settings module"),
    links=("https://github.com/django/daphne#runserver",),
    examples=[
        Invalid(
            _files(["daphne", "django.contrib.staticfiles", "app"], expect="DPL403"),
            id="daphne installed without ASGI_APPLICATION",
        ),
        Valid(
            _files(
                ["daphne", "django.contrib.staticfiles", "app"],
                'ASGI_APPLICATION = "proj.asgi.application"\n',
                proj__asgi_py="from django.core.asgi import get_asgi_application\n\n"
                "application = get_asgi_application()\n",
            ),
            id="daphne installed with ASGI_APPLICATION set",
        ),  # fmt: skip
    ],
)

DAPHNE_AFTER_STATICFILES = Rule(
    code="DPL404",
    slug="daphne-after-staticfiles",
    severity="error",
    summary='`"daphne"` listed after `"django.contrib.staticfiles"` in INSTALLED_APPS',
    message='"daphne" comes after "django.contrib.staticfiles": `runserver` stays the WSGI one (daphne.E001)',
    rationale=(
        "The first app that provides `runserver` wins. With staticfiles first, `runserver` is Django's WSGI "
        'server, websockets get 404, and `manage.py check` reports daphne.E001 "Daphne must be listed before '
        'django.contrib.staticfiles in INSTALLED_APPS." (daphne/checks.py).'
    ),
    fix='move "daphne" above "django.contrib.staticfiles"',
    gates=Gates(file_role="settings module"),
    links=("https://github.com/django/daphne#runserver",),
    examples=[
        Invalid(
            _files(
                ["django.contrib.staticfiles", "daphne", "app"],
                'ASGI_APPLICATION = "proj.asgi.application"\n',
                expect="DPL404",
            ),
            id="staticfiles above daphne in INSTALLED_APPS",
        ),  # fmt: skip
        Valid(
            _files(["daphne", "django.contrib.staticfiles", "app"], 'ASGI_APPLICATION = "proj.asgi.application"\n'),
            id="daphne above staticfiles",
        ),
    ],
)


ASGI_ENTRYPOINT_MISSING = Rule(
    code="DPL405",
    slug="consumers-without-asgi-application",
    severity="error",
    summary="Channels consumers, but no ASGI application that could serve them",
    message="{count} Channels consumer(s) (e.g. `{example}`), but no asgi.py defines an `application`: "
    "nothing can serve them",
    rationale=(
        "Consumers run only behind an ASGI application (`ProtocolTypeRouter` in `asgi.py`) served by an ASGI "
        "server. Without one the websocket code is dead: every handshake gets 404. A project that serves only "
        "HTTP is never asked for an asgi.py, and neither is a tree with no settings module (a reusable app or "
        "a library: the project that installs it provides the ASGI application). Any ASGI application counts, "
        "whatever its name: the one `ASGI_APPLICATION` names, or one an ASGI server command points at."
    ),
    fix="add `asgi.py` with `application = ProtocolTypeRouter({{...}})` routing to the consumers",
    links=(
        "https://channels.readthedocs.io/en/stable/installation.html",
        "https://docs.djangoproject.com/en/stable/howto/deployment/asgi/",
    ),
    examples=[
        Invalid(
            django_project(
                "",
                app__consumers_py="""
                from channels.generic.websocket import AsyncWebsocketConsumer

                class Chat(AsyncWebsocketConsumer):  # expect: DPL405
                    async def connect(self):
                        await self.accept()
                """,
            ),
            id="a websocket consumer and no asgi.py",
        ),
        Valid(
            django_project(
                "",
                proj__wsgi_py="from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n",
            ),
            note="HTTP only: no asgi.py needed",
        ),
        Valid(
            django_project(
                "",
                app__consumers_py="""
                from channels.generic.websocket import AsyncWebsocketConsumer

                class Chat(AsyncWebsocketConsumer):
                    async def connect(self):
                        await self.accept()
                """,
                proj__routing_py="from channels.routing import ProtocolTypeRouter\n\n"
                "channel_app = ProtocolTypeRouter({})\n",
                Procfile="web: daphne proj.routing:channel_app\n",
            ),
            note="the ASGI application a server command points at may have any name, in any module",
        ),
        Valid(
            {
                "chatkit/__init__.py": "",
                "chatkit/consumers.py": """
                    from channels.generic.websocket import AsyncWebsocketConsumer

                    class Chat(AsyncWebsocketConsumer):
                        async def connect(self):
                            await self.accept()
                """,
            },
            note="a reusable app with no settings: the project that installs it routes to its consumers",
        ),
    ],
)


def _line_span(line: int) -> Span:
    return Span(line, 0, line, 0)


def _defines(facts: FileFacts, name: str) -> bool:
    return (
        any(isinstance(s, Assignment) and s.target == name for s in facts.statements)
        or any(f.qualname == name for f in facts.functions)
        or any(c.qualname == name for c in facts.classes)
        or any(isinstance(s, StarImport) for s in facts.statements)
        or any(bound == name for bound, _ in facts.imports)
    )


def _serves_an_asgi_app(model: ProjectModel, project: DjangoProject) -> bool:
    """An ASGI server command of this project points at an app the project defines, whatever its name
    (`daphne proj.routing:channel_app`): that is the ASGI application, wherever it lives."""
    for deployment in model.deployments_for(project):
        command = deployment.command
        if command.protocol != ASGI or not command.app or (deployment.path, deployment.line) in model.app_problems:
            continue
        module, _, attribute = command.app.removeprefix("asgi:").partition(":")
        facts = model.modules.find(module, project.root)
        if facts is not None and (facts.dynamic_globals or attribute.split(".")[0] in facts.bound_names):
            return True
    return False


def _package_in_project(model: ProjectModel, module: str, root: str) -> bool:
    return model.modules.find(module.split(".")[0], root) is not None


@check(MISSING_SETTINGS_MODULE)
def missing_settings_module(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        for settings in project.settings:
            reference = settings.reference
            if settings.facts is None and reference.path and _package_in_project(model, reference.module, project.root):
                finding = MISSING_SETTINGS_MODULE.finding(
                    reference.path, _line_span(reference.line), file=reference.path, module=reference.module,
                    package=reference.module.split(".")[0],
                )  # fmt: skip
                overridden = _set_first_by_pytest(model, reference)
                if overridden is None:
                    yield finding
                else:
                    yield replace(finding, severity="info", message=f"{finding.message}; {overridden}")


def _set_first_by_pytest(model: ProjectModel, reference: SettingsReference) -> str | None:
    """Why a test module's `os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)` does nothing under pytest, or
    None. pytest-django sets the variable from pytest's configuration in `pytest_load_initial_conftests`, before
    conftest.py and any test module is imported (pytest_django/plugin.py), so a setdefault there finds it set.
    It still takes effect when the module runs otherwise (`python -m unittest`): `info`, not silence."""
    name = reference.path.rsplit("/", 1)[-1]
    if not (name == "conftest.py" or name.startswith("test_") or name.endswith(("_test.py", "_tests.py"))):
        return None
    facts = model.file(reference.path)
    if facts is None or not any(
        call.callee == "os.environ.setdefault" and call.span.line == reference.line for call in facts.calls
    ):
        return None
    configured = [
        pytest
        for pytest in text_references(model.settings_texts)
        if pytest.source == "pytest" and (pytest.root == "." or reference.path.startswith(f"{pytest.root}/"))
    ]
    if not configured:
        return None
    first = configured[0]
    return (
        f"under pytest this setdefault does nothing: pytest-django has already set it to `{first.module}` "
        f"({first.path}:{first.line})"
    )


@check(MISSING_APPLICATION)
def missing_application(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        primary = project.primary
        if primary is None:
            continue
        for setting in ("WSGI_APPLICATION", "ASGI_APPLICATION"):
            found = primary.get(setting)
            if found is None or not isinstance(found.value, str) or "." not in found.value or found.uncertain:
                continue
            module, _, name = found.value.rpartition(".")
            if not _package_in_project(model, module, project.root):
                continue
            facts = model.modules.find(module, project.root)
            problem = (
                f"the project has no module `{module}`"
                if facts is None
                else (f"`{module}` defines no `{name}`" if not _defines(facts, name) else "")
            )
            if problem:
                yield MISSING_APPLICATION.finding(
                    found.path, _line_span(found.line), setting=setting, value=found.value, problem=problem
                )


def _installed_apps(project: DjangoProject) -> tuple[list[str], str, int] | None:
    primary = project.primary
    found = primary.get("INSTALLED_APPS") if primary else None
    if found is None or not isinstance(found.value, (list, tuple)):
        return None
    return [app for app in found.value if isinstance(app, str)], found.path, found.line


@check(ASGI_ENTRYPOINT_MISSING)
def consumers_without_asgi(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        if project.asgi_applications or project.primary is None or _serves_an_asgi_app(model, project):
            # No settings module at all: a reusable app or a library (Channels itself), whose consumers the host
            # project's asgi.py routes to. Only a project that is run (it has settings) must have one.
            continue
        consumers = sorted(
            (path, qualname) for path, qualname in model.consumers if model.root_of(path) == project.root
        )
        if not consumers:
            continue
        path, qualname = consumers[0]
        facts = model.file(path)
        cls = next((c for c in facts.classes if c.qualname == qualname), None) if facts else None
        span = cls.span if cls is not None else _line_span(1)
        yield ASGI_ENTRYPOINT_MISSING.finding(path, span, count=len(consumers), example=qualname)


@check(DAPHNE_WITHOUT_ASGI_APPLICATION, DAPHNE_AFTER_STATICFILES)
def daphne_runserver(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        installed = _installed_apps(project)
        if installed is None or "daphne" not in installed[0]:
            continue
        apps, path, line = installed
        primary = project.primary
        if primary is not None and primary.get("ASGI_APPLICATION") is None:
            yield DAPHNE_WITHOUT_ASGI_APPLICATION.finding(path, _line_span(line))
        staticfiles = "django.contrib.staticfiles"
        if staticfiles in apps and apps.index(staticfiles) < apps.index("daphne"):
            yield DAPHNE_AFTER_STATICFILES.finding(path, _line_span(line))
