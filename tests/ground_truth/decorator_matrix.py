"""Each of Django's view decorators on an `async def` view, under the real Django this interpreter has installed.

Run by tests/test_ground_truth_decorators.py with the python of one release's virtualenv (tests/django_versions.py),
in a subprocess of its own because `settings.configure()` is process-global:

    python decorator_matrix.py DATABASE_FILE

It imports only Django. For each case (a decorator by the dotted path a project imports it from, and how it is
applied) it prints, in one JSON object on the last stdout line:
- `present`: the name exists in this release (False: an ImportError, the decorator is newer);
- `coroutine`: Django's own predicate (`iscoroutinefunction` as `django.core.handlers.base` imports it: asgiref's
  through 6.0, `inspect`'s from 6.1) still holds for the decorated view, so Django calls it as async;
- `outcome`: a request through `AsyncClient` as a logged-in superuser: the status code, or the exception's class
  name (a sync wrapper around an async view gives "ValueError: ... returned an unawaited coroutine" or an
  AttributeError on the coroutine).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys


def configure(database_file: str) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="ground-truth-only",
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        ROOT_URLCONF=__name__,
        # A file: sync_to_async runs queries on other threads, each with its own connection.
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database_file}},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    django.setup()


def _etag(request, *args, **kwargs):
    return "v1"


def _no_date(request, *args, **kwargs):
    return None


def _middleware():
    from django.utils.deprecation import MiddlewareMixin

    class Header(MiddlewareMixin):
        def __init__(self, get_response=None, *args, **kwargs):
            super().__init__(get_response)

        def process_response(self, request, response):
            response["X-Header"] = "yes"
            return response

    return Header


# (dotted path, how to apply it: "bare" = @decorator, or the arguments of @decorator(...), method)
CASES: list[tuple[str, object, str]] = [
    ("django.views.decorators.csrf.csrf_exempt", "bare", "GET"),
    ("django.views.decorators.csrf.csrf_protect", "bare", "GET"),
    ("django.views.decorators.csrf.ensure_csrf_cookie", "bare", "GET"),
    ("django.views.decorators.csrf.requires_csrf_token", "bare", "GET"),
    ("django.views.decorators.http.require_http_methods", (["GET"],), "GET"),
    ("django.views.decorators.http.require_GET", "bare", "GET"),
    ("django.views.decorators.http.require_POST", "bare", "POST"),
    ("django.views.decorators.http.require_safe", "bare", "GET"),
    ("django.views.decorators.http.condition", {"etag_func": _etag}, "GET"),
    ("django.views.decorators.http.etag", (_etag,), "GET"),
    ("django.views.decorators.http.last_modified", (_no_date,), "GET"),
    ("django.views.decorators.http.conditional_page", "bare", "GET"),
    ("django.views.decorators.cache.cache_control", {"max_age": 1}, "GET"),
    ("django.views.decorators.cache.never_cache", "bare", "GET"),
    ("django.views.decorators.cache.cache_page", (1,), "GET"),
    ("django.views.decorators.vary.vary_on_cookie", "bare", "GET"),
    ("django.views.decorators.vary.vary_on_headers", ("X-Test",), "GET"),
    ("django.views.decorators.clickjacking.xframe_options_deny", "bare", "GET"),
    ("django.views.decorators.clickjacking.xframe_options_sameorigin", "bare", "GET"),
    ("django.views.decorators.clickjacking.xframe_options_exempt", "bare", "GET"),
    ("django.views.decorators.common.no_append_slash", "bare", "GET"),
    ("django.views.decorators.debug.sensitive_variables", (), "GET"),
    ("django.views.decorators.debug.sensitive_post_parameters", (), "GET"),
    ("django.views.decorators.gzip.gzip_page", "bare", "GET"),
    ("django.views.decorators.csp.csp_override", ({},), "GET"),
    ("django.views.decorators.csp.csp_report_only_override", ({},), "GET"),
    ("django.contrib.auth.decorators.login_required", "bare", "GET"),
    ("django.contrib.auth.decorators.permission_required", ("auth.view_user",), "GET"),
    ("django.contrib.auth.decorators.user_passes_test", (lambda user: user.is_staff,), "GET"),
    ("django.contrib.auth.decorators.login_not_required", "bare", "GET"),
    ("django.contrib.admin.views.decorators.staff_member_required", "bare", "GET"),
    # A project decorator made from a middleware: `header = decorator_from_middleware(Header)`, then `@header`.
    ("django.utils.decorators.decorator_from_middleware", "middleware", "GET"),
    ("django.utils.decorators.decorator_from_middleware_with_args", "middleware-with-args", "GET"),
]


def decorate(path: str, how: object):
    module, _, name = path.rpartition(".")
    try:
        decorator = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None

    async def view(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    if how == "bare":
        return decorator(view)
    if how == "middleware":
        return decorator(_middleware())(view)
    if how == "middleware-with-args":
        return decorator(_middleware())()(view)
    if isinstance(how, dict):
        return decorator(**how)(view)
    return decorator(*how)(view)  # type: ignore[misc]


def seed() -> object:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    return get_user_model().objects.create_superuser("admin", "admin@example.com", "secret")


urlpatterns: list[object] = []


async def request_all(user: object, views: dict[str, tuple[object, str]]) -> dict[str, object]:
    from django.test import AsyncClient

    outcomes: dict[str, object] = {}
    for number, (path, (_, method)) in enumerate(views.items()):
        client = AsyncClient()
        await asyncio.get_running_loop().run_in_executor(None, client.force_login, user)  # 4.2 has no aforce_login
        call = client.post if method == "POST" else client.get
        try:
            response = await call(f"/v{number}/")
        except Exception as error:  # noqa: BLE001 - recording what Django raised is the point
            outcomes[path] = type(error).__name__
        else:
            outcomes[path] = response.status_code
    return outcomes


def main() -> None:
    configure(sys.argv[1])
    from django.core.handlers import base
    from django.urls import path as route

    user = seed()
    results: dict[str, dict[str, object]] = {}
    views: dict[str, tuple[object, str]] = {}
    for dotted, how, method in CASES:
        decorated = decorate(dotted, how)
        if decorated is None:
            results[dotted] = {"present": False}
            continue
        results[dotted] = {"present": True, "coroutine": bool(base.iscoroutinefunction(decorated))}
        views[dotted] = (decorated, method)
    urlpatterns.extend(route(f"v{number}/", view) for number, (view, _) in enumerate(views.values()))
    for dotted, outcome in asyncio.run(request_all(user, views)).items():
        results[dotted]["outcome"] = outcome
    import django

    print(json.dumps({"django": django.get_version(), "cases": results}, sort_keys=True))


if __name__ == "__main__":
    main()
