"""DPL21x: middleware that costs async views their concurrency."""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Gates, Invalid, Rule, Valid, check, django_project
from django_protolint.source.facts import Span

SETTINGS_WITH = 'INSTALLED_APPS = ["app"]\nROOT_URLCONF = "proj.urls"\nMIDDLEWARE = {middleware!r}\n'
ASYNC_VIEW = """
import asyncio

async def index(request):
    await asyncio.sleep(0)
"""

SYNC_ONLY_MIDDLEWARE = Rule(
    code="DPL210",
    slug="sync-only-middleware-with-async-views",
    severity="warning",
    summary="A middleware that is sync-only while the project has async views",
    message="middleware `{middleware}` is sync-only ({reason}): under ASGI every request to the {count} async "
    "view(s) switches to a thread for it",
    rationale=(
        "Django builds the middleware chain in the server's mode and adapts each layer that cannot run in it. "
        "A sync-only middleware in front of an async view means a `sync_to_async` hop on every request, and it "
        "holds a thread for the whole request, which caps long-polling and streaming. Django's own middleware "
        "is sync and async capable, and so is a subclass of Django's `MiddlewareMixin`, whichever name it is "
        "imported by (`django.utils.deprecation`, or `django.middleware` from Django 6.2); yours needs "
        "`async_capable = True` (or `@sync_and_async_middleware`) and an async code path. Third-party middleware is judged from a table of releases read in each package's source "
        "(django_protolint/knowledge/middleware.py), and only when the project's dependency files pin releases "
        "that all agree; it is reported on the `MIDDLEWARE` setting, and only when that list does not depend on a "
        "condition such as `if DEBUG:`."
    ),
    fix="subclass `MiddlewareMixin`, or decorate the factory with `@sync_and_async_middleware` and handle "
    "coroutine `get_response`; for a package, upgrade to an async-capable release or drop the middleware",
    known_problems=(
        "Third-party middleware missing from the table, or whose release the dependency files do not pin "
        "(`whitenoise>=6` may install a release newer than the one we read), is never reported."
    ),
    gates=Gates(file_role="settings module"),
    links=("https://docs.djangoproject.com/en/stable/topics/http/middleware/#asynchronous-support",),
    examples=[
        Invalid(
            django_project(
                """
                import asyncio

                async def index(request):
                    await asyncio.sleep(0)
                """,
                routes=("index",),
                proj__settings_py=SETTINGS_WITH.format(middleware=["app.middleware.Timing"]),
                app__middleware_py="""
                class Timing:  # expect: DPL210
                    def __init__(self, get_response):
                        self.get_response = get_response

                    def __call__(self, request):
                        return self.get_response(request)
                """,
            ),
            id="a plain sync middleware class in front of async views",
        ),
        Valid(
            django_project(
                """
                import asyncio

                async def index(request):
                    await asyncio.sleep(0)
                """,
                routes=("index",),
                proj__settings_py=SETTINGS_WITH.format(
                    middleware=[
                        "django.middleware.common.CommonMiddleware",
                        "app.middleware.Timing",
                        "app.middleware.timing",
                        "app.middleware.Legacy",
                    ]
                ),
                app__middleware_py="""
                from django.utils.decorators import sync_and_async_middleware
                from django.utils.deprecation import MiddlewareMixin

                class Timing:
                    sync_capable = True
                    async_capable = True

                    def __init__(self, get_response):
                        self.get_response = get_response

                @sync_and_async_middleware
                def timing(get_response):
                    return get_response

                class Legacy(MiddlewareMixin):
                    pass
                """,
            ),
            note="async-capable by flags, by decorator and by MiddlewareMixin",
        ),
        Valid(
            django_project(
                ASYNC_VIEW,
                routes=("index",),
                proj__settings_py=SETTINGS_WITH.format(middleware=["app.middleware.Timing", "app.middleware.Audit"]),
                app__middleware_py="""
                from django.middleware import MiddlewareMixin
                from django.middleware.base import MiddlewareMixin as BaseMixin

                class Timing(MiddlewareMixin):
                    pass

                class Audit(BaseMixin):
                    pass
                """,
            ),
            note="Django 6.2 exports `MiddlewareMixin` from `django.middleware` (defined in `django.middleware.base`)",
        ),
        Invalid(
            django_project(
                ASYNC_VIEW,
                routes=("index",),
                proj__settings_py=SETTINGS_WITH.format(middleware=["app.middleware.Timing"]),
                app__compat_py="""
                class MiddlewareMixin:
                    def __init__(self, get_response):
                        self.get_response = get_response

                    def __call__(self, request):
                        return self.get_response(request)
                """,
                app__middleware_py="""
                from app.compat import MiddlewareMixin

                class Timing(MiddlewareMixin):  # expect: DPL210
                    pass
                """,
            ),
            note="a project's own class named `MiddlewareMixin` is a plain class: only Django's sets the flags",
        ),
        Valid(
            django_project(
                """
                def index(request):
                    return None
                """,
                routes=("index",),
                proj__settings_py=SETTINGS_WITH.format(middleware=["app.middleware.Timing"]),
                app__middleware_py="""
                class Timing:
                    def __init__(self, get_response):
                        self.get_response = get_response
                """,
            ),
            note="no async views: a sync-only middleware costs nothing",
        ),
        Invalid(
            django_project(
                ASYNC_VIEW,
                routes=("index",),
                proj__settings_py=SETTINGS_WITH.format(
                    middleware=["whitenoise.middleware.WhiteNoiseMiddleware", "corsheaders.middleware.CorsMiddleware"]
                ).replace("']\n", "']  # expect: DPL210\n"),
            )
            | {"requirements.txt": "django==5.2\nwhitenoise==6.5.1\ndjango-cors-headers==4.3.1\n"},
            note="whitenoise is sync-only in every release we read; corsheaders is async-capable from 4.0.0",
        ),
        Valid(
            django_project(
                ASYNC_VIEW,
                routes=("index",),
                proj__settings_py=SETTINGS_WITH.format(
                    middleware=[
                        "whitenoise.middleware.WhiteNoiseMiddleware",
                        "django_htmx.middleware.HtmxMiddleware",
                        "debug_toolbar.middleware.DebugToolbarMiddleware",
                    ]
                ),
            )
            | {"requirements.txt": "whitenoise>=6\ndjango-htmx==1.17.0\ndjango-debug-toolbar>=5.0\n"},
            note="whitenoise unpinned (a newer release may differ); django-htmx 1.17 and debug-toolbar 5 are async",
        ),
        Valid(
            django_project(
                ASYNC_VIEW,
                routes=("index",),
                proj__settings_py=SETTINGS_WITH.format(middleware=["django.middleware.common.CommonMiddleware"])
                + 'DEBUG = True\nif DEBUG:\n    MIDDLEWARE += ["debug_toolbar.middleware.DebugToolbarMiddleware"]\n',
            )
            | {"requirements.txt": "django-debug-toolbar==4.4.6\n"},
            note="a sync-only release, but only under `if DEBUG:`: the list is uncertain, so silent",
        ),
    ],
)


@check(SYNC_ONLY_MIDDLEWARE)
def sync_only_middleware(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        count = len(project.async_views)
        if not count:
            continue
        listed = project.primary.get("MIDDLEWARE") if project.primary else None
        for middleware in project.middleware:
            if middleware.mode != "sync":
                continue
            if middleware.path and middleware.span:
                yield SYNC_ONLY_MIDDLEWARE.finding(
                    middleware.path, middleware.span, middleware=middleware.dotted_path, reason=middleware.reason,
                    count=count,
                )  # fmt: skip
            elif listed is not None and not listed.uncertain and listed.path:
                # A package's middleware has no line of ours: the setting that lists it stands for it. A list that
                # depends on a condition (`if DEBUG: MIDDLEWARE += [...]`) may not hold it in production.
                yield SYNC_ONLY_MIDDLEWARE.finding(
                    listed.path, Span(listed.line, 0, listed.line, 0), middleware=middleware.dotted_path,
                    reason=middleware.reason, count=count,
                )  # fmt: skip
