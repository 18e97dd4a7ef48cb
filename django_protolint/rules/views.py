"""DPL20x: views that Django cannot run as written, or that gain nothing from being async.

These rules look only at views reachable from ROOT_URLCONF (see project/urls.py): an `async def` that no URL
routes to (a helper, a management command, a Celery task) is never an async view.
"""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding
from django_protolint.knowledge import django_api
from django_protolint.knowledge.django_views import HTTP_METHOD_NAMES, VIEW_DECORATORS, ViewDecorator
from django_protolint.project.async_work import schedules
from django_protolint.project.decorators import DjangoDecoratorAlias, called_name, django_decorator_alias, wrapping
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Invalid, Rule, Valid, check, django_project
from django_protolint.source.facts import FileFacts, FunctionFact

VIEWSET_ACTIONS = ("list", "retrieve", "create", "update", "partial_update", "destroy")

MIXED_HANDLERS = Rule(
    code="DPL201",
    slug="mixed-sync-async-view-handlers",
    severity="error",
    summary="A class-based view mixes `async def` and plain `def` HTTP handlers",
    message="`{view}` mixes async handlers ({async_handlers}) with sync ones ({sync_handlers}): Django raises "
    "ImproperlyConfigured when the URLconf calls as_view()",
    rationale=(
        "Django decides once per class whether a view is async: every handler named in `http_method_names` "
        "(except `options`) must be `async def`, or none. A mix raises `ImproperlyConfigured: ... HTTP handlers "
        "must either be all sync or all async` in `as_view()`, so the whole URLconf fails to import. Handlers "
        "inherited from Django's generic views are sync: an `async def get` on a `FormView` still leaves the "
        "sync `post` and `put`. Verified against Django in tests/test_knowledge_views.py."
    ),
    fix="make every handler async (override the inherited ones too), or every handler sync",
    links=("https://docs.djangoproject.com/en/stable/topics/class-based-views/#async-class-based-views",),
    examples=[
        Invalid(
            django_project(
                """
                from django.views import View
                from django.views.generic import FormView

                class Article(View):  # expect: DPL201
                    async def get(self, request):
                        return None

                    def post(self, request):
                        return None

                class Contact(FormView):  # expect: DPL201
                    async def get(self, request):
                        return None
                """,
                routes=("Article.as_view()", "Contact.as_view()"),
            ),
            id="an async get beside a sync post, and an async get on a FormView",
        ),
        Valid(
            django_project(
                """
                from django.views import View
                from django.views.generic import TemplateView

                class Article(View):
                    async def get(self, request):
                        return None

                    async def post(self, request):
                        return None

                    def options(self, request):
                        return None  # options is not counted

                class Home(TemplateView):
                    async def get(self, request):
                        return None

                class NotRouted(View):
                    async def get(self, request):
                        return None

                    def post(self, request):
                        return None
                """,
                routes=("Article.as_view()", "Home.as_view()"),
            ),
            note="uniform handlers; a class no URL uses never reaches as_view()",
        ),
    ],
)

NEVER_AWAITS = Rule(
    code="DPL202",
    slug="async-view-without-await",
    severity="info",
    summary="An async view that never awaits anything",
    message="async view `{view}` never awaits: it gains nothing from being async",
    rationale=(
        "An async view helps only while it waits on something awaitable (the async ORM, an async HTTP client, a "
        "channel layer). One that never awaits runs start to finish on the event loop, blocking it if it does "
        "any work, and under WSGI Django even starts an event loop per request to run it. Information only: it "
        "may be async on purpose, as a placeholder. Not reported beside a DPL1xx finding in the same view (a "
        "sync query, a blocking call, a coroutine left unawaited): their fix is to await something, the better "
        "advice; one problem, one finding. A view that schedules a task on the running loop or returns a "
        "stream fed by an async generator is async for a reason and is not reported."
    ),
    fix="make it a plain `def` view, or await the I/O it does",
    yields_to=("DPL1",),
    links=("https://docs.djangoproject.com/en/stable/topics/async/#async-views",),
    examples=[
        Invalid(
            django_project(
                """
                from django.http import HttpResponse

                async def index(request):  # expect: DPL202
                    return HttpResponse("hello")
                """,
                routes=("index",),
            ),
            id="an async view that awaits nothing",
        ),
        Valid(
            django_project(
                """
                import asyncio
                from django.http import HttpResponse

                async def index(request):
                    await asyncio.sleep(0)
                    return HttpResponse("hello")

                async def helper():  # not a view: no URL routes to it
                    return 1
                """,
                routes=("index",),
            ),
            id="an async view that awaits, and an async helper no URL routes to",
        ),
        Valid(
            django_project(
                """
                import asyncio
                from django.http import HttpResponse, StreamingHttpResponse

                async def refresh():
                    await asyncio.sleep(1)

                async def events():
                    while True:
                        yield "data: tick\\n\\n"
                        await asyncio.sleep(1)

                async def kick(request):
                    asyncio.create_task(refresh())
                    return HttpResponse(status=202)

                async def kick_on_loop(request):
                    asyncio.get_running_loop().create_task(refresh())
                    return HttpResponse(status=202)

                async def stream(request):
                    return StreamingHttpResponse(events(), content_type="text/event-stream")
                """,
                routes=("kick", "kick_on_loop", "stream"),
            ),
            note="scheduling a task on the running loop, or streaming an async generator, is why the view is async",
        ),
    ],
)

SYNC_ONLY_DECORATOR = Rule(
    code="DPL203",
    slug="sync-only-decorator-on-async-view",
    severity="error",
    summary="A decorator that is not async-capable (on the project's Django version, or of the project's own "
    "making) wraps an async view",
    message="`@{decorator}` turns async view `{view}` into a sync one {reason}: the view returns an unawaited "
    "coroutine",
    rationale=(
        "Before Django 5.0 the view decorators (`csrf_exempt`, `require_POST`, `cache_control`, ...) and before "
        "5.1 `login_required`/`permission_required`/`user_passes_test` wrapped every view in a plain `def`. The "
        "wrapped async view is then called as sync and returns a coroutine: `ValueError: The view ... didn't "
        "return an HttpResponse object. It returned an unawaited coroutine instead.` `method_decorator` keeps "
        "an async method async only from 5.2. `staff_member_required` is `user_passes_test` underneath: sync-only "
        "through 5.0. Decorators made with `decorator_from_middleware`/`decorator_from_middleware_with_args` (and "
        "`cache_page`) keep an async view async from 5.0; a project name assigned from one of Django's decorators "
        "(`staff_only = user_passes_test(...)`, `header = decorator_from_middleware(HeaderMiddleware)`) is followed "
        "to it. `login_not_required` (5.1) and `csp_override`/`csp_report_only_override` (6.0) are async-capable "
        "in the release that adds them, so they are never reported. Each row was checked by running real Django "
        "4.2, 5.0, 5.1, 5.2, 6.0 and 6.1 (tests/test_ground_truth_decorators.py); for Django's decorators the "
        "rule is silent when the project's Django version is unknown. A decorator the "
        "project defines does the same when the wrapper it returns is a plain `def` that calls the view: Django "
        "checks `iscoroutinefunction()` on the wrapper, and `functools.wraps` does not copy the coroutine flag "
        "(checked on Python 3.10 to 3.13). An `async def` wrapper, or one marked with `markcoroutinefunction`, "
        "keeps the view async. The message gives the chain from the decorator to its sync wrapper. The finding "
        "sits on the decorator line: that is what to change."
    ),
    fix="upgrade Django to {since} or later, or make the view sync",
    how_to_fix="Upgrade Django to the release that made the decorator async-aware (5.0 for the view decorators, 5.1 for `login_required`, `permission_required` and `user_passes_test`), or make the view sync.",
    links=(
        "https://docs.djangoproject.com/en/stable/topics/http/decorators/",
        "https://docs.djangoproject.com/en/stable/releases/5.0/#decorators",
        "https://docs.djangoproject.com/en/stable/releases/5.1/#django-contrib-auth",
    ),
    examples=[
        Invalid(
            django_project(
                """
                from django.contrib.auth.decorators import login_required
                from django.views.decorators.http import require_POST

                @login_required  # expect: DPL203
                async def profile(request):
                    return None

                @require_POST  # expect: DPL203
                async def submit(request):
                    return None
                """,
                routes=("profile", "submit"),
            ),
            django_version="4.2",
            id="login_required and require_POST on async views before Django 5.0",
        ),
        Valid(
            django_project(
                """
                from django.contrib.auth.decorators import login_required
                from django.views.decorators.http import require_POST

                @login_required
                async def profile(request):
                    return None

                @require_POST
                def submit(request):
                    return None
                """,
                routes=("profile", "submit"),
            ),
            django_version="5.1",
            id="login_required on an async view on Django 5.1",
        ),
        Invalid(
            django_project(
                """
                from django.contrib.admin.views.decorators import staff_member_required
                from app.decorators import staff_only

                @staff_member_required  # expect: DPL203
                async def dashboard(request):
                    return None

                @staff_only  # expect: DPL203
                async def reports(request):
                    return None
                """,
                routes=("dashboard", "reports"),
                app__decorators_py="""
                    from django.contrib.auth.decorators import user_passes_test

                    staff_only = user_passes_test(lambda user: user.is_staff)
                """,
            ),
            django_version="5.0",
            note="`staff_member_required` and a project name made with `user_passes_test` are sync-only on 5.0",
        ),
        Valid(
            django_project(
                """
                from django.contrib.admin.views.decorators import staff_member_required
                from django.contrib.auth.decorators import login_not_required
                from app.decorators import header, staff_only

                @staff_member_required
                async def dashboard(request):
                    return None

                @staff_only
                async def reports(request):
                    return None

                @header
                async def feed(request):
                    return None

                @login_not_required
                async def health(request):
                    return None
                """,
                routes=("dashboard", "reports", "feed", "health"),
                app__decorators_py="""
                    from django.contrib.auth.decorators import user_passes_test
                    from django.utils.decorators import decorator_from_middleware

                    from app.middleware import HeaderMiddleware

                    staff_only = user_passes_test(lambda user: user.is_staff)
                    header = decorator_from_middleware(HeaderMiddleware)
                """,
            ),
            django_version="5.1",
            note="async-capable on 5.1: `staff_member_required`, `user_passes_test`, `decorator_from_middleware` "
            "(from 5.0), and `login_not_required` (async-capable since it was added)",
        ),
        Invalid(
            django_project(
                """
                from app.decorators import header

                @header  # expect: DPL203
                async def feed(request):
                    return None
                """,
                routes=("feed",),
                app__decorators_py="""
                    from django.utils.decorators import decorator_from_middleware

                    from app.middleware import HeaderMiddleware

                    header = decorator_from_middleware(HeaderMiddleware)
                """,
            ),
            django_version="4.2",
            note="a decorator made with `decorator_from_middleware` wraps the view in a plain `def` before 5.0",
        ),
        Valid(
            django_project(
                """
                from django.contrib.auth.decorators import login_not_required
                from django.views.decorators.csp import csp_override

                @login_not_required
                async def health(request):
                    return None

                @csp_override({"default-src": ["'self'"]})
                async def page(request):
                    return None
                """,
                routes=("health", "page"),
            ),
            django_version="5.0",
            note="decorators added in 5.1 and 6.0 are async-capable from the start: a project that uses them runs "
            "a release that has them, whatever its lowest pin says",
        ),
        Invalid(
            django_project(
                """
                from app.decorators import api_key_required, throttled

                @api_key_required  # expect: DPL203
                async def orders(request):
                    return None

                @throttled(rate="10/m")  # expect: DPL203
                async def search(request):
                    return None
                """,
                routes=("orders", "search"),
                app__decorators_py="""
                    import functools

                    def api_key_required(view):
                        @functools.wraps(view)
                        def wrapper(request, *args, **kwargs):
                            return view(request, *args, **kwargs)
                        return wrapper

                    def throttled(rate):
                        def decorator(view_func):
                            @functools.wraps(view_func)
                            def _wrapped(request, *args, **kwargs):
                                return view_func(request, *args, **kwargs)
                            return _wrapped
                        return decorator
                """,
            ),
            note="a project decorator whose wrapper is a plain `def`: `functools.wraps` does not keep it async",
        ),
        Valid(
            django_project(
                """
                from app.decorators import api_key_required, marked, either, registered

                @api_key_required
                async def orders(request):
                    return None

                @marked
                async def search(request):
                    return None

                @either
                async def status(request):
                    return None

                @registered
                async def health(request):
                    return None

                @offloaded
                async def ready(request):
                    return None
                """,
                routes=("orders", "search", "status", "health", "ready"),
                app__decorators_py="""
                    import asyncio, functools
                    from asgiref.sync import markcoroutinefunction, sync_to_async

                    def api_key_required(view):
                        @functools.wraps(view)
                        async def wrapper(request, *args, **kwargs):
                            return await view(request, *args, **kwargs)
                        return wrapper

                    def marked(view):
                        def wrapper(request, *args, **kwargs):
                            return view(request, *args, **kwargs)
                        markcoroutinefunction(wrapper)
                        return wrapper

                    def either(view):
                        if asyncio.iscoroutinefunction(view):
                            async def wrapper(request):
                                return await view(request)
                        else:
                            def wrapper(request):
                                return view(request)
                        return wrapper

                    REGISTRY = []

                    def registered(view):
                        REGISTRY.append(view)
                        return view

                    def offloaded(view):
                        def wrapper(request):
                            return view(request)
                        wrapper = sync_to_async(wrapper)
                        return wrapper
                """,
            ),
            note="async wrappers, marked wrappers, both kinds, a wrapper rebound after its `def`, and decorators "
            "that return the view itself",
        ),
    ],
)

ASYNC_DRF_HANDLER = Rule(
    code="DPL204",
    slug="async-handler-on-drf-view",
    severity="error",
    summary="An `async def` handler or action on a Django REST framework view",
    message="`{view}.{handler}` is `async def`, but Django REST framework calls it synchronously: every request "
    "fails with AssertionError",
    rationale=(
        "DRF's `APIView.dispatch` calls the handler and expects a `Response`; an `async def` returns a coroutine "
        "and DRF raises `AssertionError: Expected a Response, HttpResponse or HttpStreamingResponse ... received "
        "a <class 'coroutine'>` (encode/django-rest-framework#7240). The `adrf` package provides async-aware "
        "`APIView` and `ViewSet`."
    ),
    fix="make the handler sync, or base the view on `adrf.views.APIView` / `adrf.viewsets.ViewSet`",
    links=("https://github.com/encode/django-rest-framework/issues/7240", "https://github.com/em1208/adrf"),
    examples=[
        Invalid(
            django_project(
                """
                from rest_framework.views import APIView

                class Ping(APIView):
                    async def get(self, request):  # expect: DPL204
                        return None
                """,
                routes=("Ping.as_view()",),
            ),
            id="an async handler on a DRF APIView",
        ),
        Valid(
            django_project(
                """
                from adrf.views import APIView
                from rest_framework.views import APIView as SyncAPIView

                class Ping(APIView):
                    async def get(self, request):
                        return None

                class Pong(SyncAPIView):
                    def get(self, request):
                        return None
                """,
                routes=("Ping.as_view()", "Pong.as_view()"),
            ),
            id="an async handler on adrf's APIView, a sync one on DRF's",
        ),
    ],
)


def _view_label(qualname: str) -> str:
    return qualname.rsplit(".", 2)[-1] if qualname.count(".") else qualname


@check(MIXED_HANDLERS)
def mixed_handlers(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        for view in project.views.values():
            if view.drf or not view.is_mixed:
                continue
            async_names = ", ".join(h.name for h in view.handlers if h.is_async)
            sync_names = ", ".join(
                f"{h.name} from {h.owner.rsplit('.', 1)[-1]}" if not h.path else h.name
                for h in view.handlers
                if not h.is_async
            )
            yield MIXED_HANDLERS.finding(
                view.path, view.span, view=view.qualname.rsplit(".", 1)[-1], async_handlers=async_names,
                sync_handlers=sync_names,
            )  # fmt: skip


@check(NEVER_AWAITS)
def never_awaits(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        for view in project.views.values():
            if view.drf or view.is_mixed:
                continue
            for facts, function in view.async_functions:
                if not function.awaits and not _works_on_the_loop(model, facts, function):
                    yield NEVER_AWAITS.finding(facts.path, function.span, view=function.qualname,
                                               extent=(function.span.line, function.end_line))  # fmt: skip


def _works_on_the_loop(model: ProjectModel, facts: FileFacts, function: FunctionFact) -> bool:
    """Being async is the point even without an `await`: the view schedules tasks on the running loop, or
    returns a stream fed by an async generator (which Django iterates on the loop)."""
    return any(call.scope.function == function.qualname and schedules(call) for call in facts.calls) or any(
        response.scope.function == function.qualname and model.is_async_stream(facts, response)
        for response in facts.streaming_responses
    )


@check(SYNC_ONLY_DECORATOR)
def sync_only_decorators(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        for view in project.views.values():
            for facts, function in view.async_functions:
                version = model.django_version_at(facts.path)[0]
                for decorator, span in zip(function.decorators, function.decorator_spans):
                    if version is not None and (found := _django_decorator(model, facts, decorator)) is not None:
                        row, alias = found
                        if row.always_async_capable or (row.async_from is not None and version >= row.async_from):
                            continue
                        since = django_api.version_label(row.async_from) if row.async_from else "never"
                        made = f"{alias.chain}; " if alias else ""
                        yield SYNC_ONLY_DECORATOR.finding(
                            facts.path, span, decorator=called_name(decorator).rsplit(".", 1)[-1],
                            view=function.qualname,
                            reason=f"on Django {django_api.version_label(version)} ({made}async-capable from {since})",
                            since=since,
                        )  # fmt: skip
                yield from _project_sync_wrappers(model, facts, function)


def _django_decorator(model: ProjectModel, facts: FileFacts, decorator: str,
                      ) -> tuple[ViewDecorator, DjangoDecoratorAlias | None] | None:  # fmt: skip
    """Django's decorator row for `decorator`: itself, or the one a project name was assigned from."""
    if (row := VIEW_DECORATORS.get(decorator)) is not None:
        return row, None
    alias = django_decorator_alias(model.modules, facts, decorator, VIEW_DECORATORS)
    return (VIEW_DECORATORS[alias.django_decorator], alias) if alias is not None else None


def _project_sync_wrappers(model: ProjectModel, facts: FileFacts, function: FunctionFact) -> Iterator[Finding]:
    """Decorators apply from the `def` up: the innermost one that returns a sync wrapper breaks the view, unless
    a project decorator above it wraps that in an `async def` again (which awaits the coroutine)."""
    applied = list(zip(function.decorators, function.decorator_spans))[::-1]
    for index, (decorator, span) in enumerate(applied):
        found = model.function_named(decorator, facts)
        if found is None:
            continue
        wrapped = wrapping(found.facts, found.function, decorator)
        if wrapped is None or wrapped.is_async:
            continue
        if any(_wraps_async(model, facts, outer) for outer, _ in applied[index + 1 :]):
            return
        yield SYNC_ONLY_DECORATOR.finding(
            facts.path, span, decorator=decorator.rsplit(".", 1)[-1], view=function.qualname,
            reason=f"(chain: {wrapped.chain}, a plain `def` that calls the view)",
            help="make the wrapper `async def` and await the view (or mark it with `markcoroutinefunction`), or "
            "make the view sync",
        )  # fmt: skip
        return


def _wraps_async(model: ProjectModel, facts: FileFacts, decorator: str) -> bool:
    found = model.function_named(decorator, facts)
    wrapped = wrapping(found.facts, found.function, decorator) if found is not None else None
    return wrapped is not None and wrapped.is_async


@check(ASYNC_DRF_HANDLER)
def async_drf_handlers(model: ProjectModel) -> Iterator[Finding]:
    names = set(HTTP_METHOD_NAMES) | set(VIEWSET_ACTIONS)
    for project in model.django_projects:
        for view in project.views.values():
            if not view.drf or view.facts is None or view.class_fact is None:
                continue
            for function in view.facts.functions:
                if function.class_name == view.class_fact.qualname and function.is_async and function.name in names:
                    yield ASYNC_DRF_HANDLER.finding(
                        view.facts.path, function.span, view=view.class_fact.qualname, handler=function.name
                    )
