"""DPL21x: middleware that costs async views their concurrency."""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Finding, Invalid, Rule, Valid, check, django_project

SETTINGS_WITH = 'INSTALLED_APPS = ["app"]\nROOT_URLCONF = "proj.urls"\nMIDDLEWARE = {middleware!r}\n'

SYNC_ONLY_MIDDLEWARE = Rule(
    code="DPL210",
    slug="sync-only-middleware-with-async-views",
    severity="warning",
    summary="A project middleware that is sync-only while the project has async views",
    message="middleware `{middleware}` is sync-only ({reason}): under ASGI every request to the {count} async "
    "view(s) switches to a thread for it",
    rationale=(
        "Django builds the middleware chain in the server's mode and adapts each layer that cannot run in it. "
        "A sync-only middleware in front of an async view means a `sync_to_async` hop on every request, and it "
        "holds a thread for the whole request, which caps long-polling and streaming. Django's own middleware "
        "is sync and async capable; yours needs `async_capable = True` (or `@sync_and_async_middleware`) and an "
        "async code path. See https://docs.djangoproject.com/en/stable/topics/http/middleware/#asynchronous-support."
    ),
    fix="subclass `MiddlewareMixin`, or decorate the factory with `@sync_and_async_middleware` and handle "
    "coroutine `get_response`",
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
            )
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
                    middleware=["django.middleware.common.CommonMiddleware", "app.middleware.Timing",
                                "app.middleware.timing", "app.middleware.Legacy"]
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
    ],
)


@check(SYNC_ONLY_MIDDLEWARE)
def sync_only_middleware(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        count = len(project.async_views)
        if not count:
            continue
        for middleware in project.middleware:
            if middleware.mode == "sync" and middleware.path and middleware.span:
                yield SYNC_ONLY_MIDDLEWARE.finding(
                    middleware.path, middleware.span, middleware=middleware.dotted_path, reason=middleware.reason,
                    count=count,
                )  # fmt: skip
