"""Django's class-based views and view decorators, as data.

GENERIC_VIEW_HANDLERS: for each Django view class, the handlers `View.view_is_async` looks at (the methods named
in `http_method_names`, `options` excluded, that the class has). All of Django's are sync. Generated from
Django 5.2 (`hasattr(cls, m)` over `cls.http_method_names`); tests/test_knowledge_views.py checks the table
against the installed Django.

ASYNC_CAPABLE_DECORATORS: the first Django release whose decorator keeps an `async def` view async (verified on
4.2.30, 5.0.14 and 5.2.19, ../shared/facts.md §2.1); None = never (it always turns the view sync).
"""

from __future__ import annotations

GENERIC_VIEW_HANDLERS: dict[str, tuple[str, ...]] = {
    "django.contrib.auth.views.LoginView": ('get', 'post', 'put'),
    "django.contrib.auth.views.LogoutView": ('post',),
    "django.contrib.auth.views.PasswordChangeDoneView": ('get',),
    "django.contrib.auth.views.PasswordChangeView": ('get', 'post', 'put'),
    "django.contrib.auth.views.PasswordResetCompleteView": ('get',),
    "django.contrib.auth.views.PasswordResetConfirmView": ('get', 'post', 'put'),
    "django.contrib.auth.views.PasswordResetDoneView": ('get',),
    "django.contrib.auth.views.PasswordResetView": ('get', 'post', 'put'),
    "django.views.generic.base.RedirectView": ('delete', 'get', 'head', 'patch', 'post', 'put'),
    "django.views.generic.base.TemplateView": ('get',),
    "django.views.generic.base.View": (),
    "django.views.generic.dates.ArchiveIndexView": ('get',),
    "django.views.generic.dates.BaseArchiveIndexView": ('get',),
    "django.views.generic.dates.BaseDateDetailView": ('get',),
    "django.views.generic.dates.BaseDateListView": ('get',),
    "django.views.generic.dates.BaseDayArchiveView": ('get',),
    "django.views.generic.dates.BaseMonthArchiveView": ('get',),
    "django.views.generic.dates.BaseTodayArchiveView": ('get',),
    "django.views.generic.dates.BaseWeekArchiveView": ('get',),
    "django.views.generic.dates.BaseYearArchiveView": ('get',),
    "django.views.generic.dates.DateDetailView": ('get',),
    "django.views.generic.dates.DayArchiveView": ('get',),
    "django.views.generic.dates.MonthArchiveView": ('get',),
    "django.views.generic.dates.TodayArchiveView": ('get',),
    "django.views.generic.dates.WeekArchiveView": ('get',),
    "django.views.generic.dates.YearArchiveView": ('get',),
    "django.views.generic.detail.BaseDetailView": ('get',),
    "django.views.generic.detail.DetailView": ('get',),
    "django.views.generic.edit.BaseCreateView": ('get', 'post', 'put'),
    "django.views.generic.edit.BaseDeleteView": ('delete', 'get', 'post'),
    "django.views.generic.edit.BaseFormView": ('get', 'post', 'put'),
    "django.views.generic.edit.BaseUpdateView": ('get', 'post', 'put'),
    "django.views.generic.edit.CreateView": ('get', 'post', 'put'),
    "django.views.generic.edit.DeleteView": ('delete', 'get', 'post'),
    "django.views.generic.edit.FormView": ('get', 'post', 'put'),
    "django.views.generic.edit.ProcessFormView": ('get', 'post', 'put'),
    "django.views.generic.edit.UpdateView": ('get', 'post', 'put'),
    "django.views.generic.list.BaseListView": ('get',),
    "django.views.generic.list.ListView": ('get',),
}

# The same classes under the names people import them by.


def _with_reexports(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    extended = dict(table)
    for qualname, handlers in table.items():
        name = qualname.rsplit(".", 1)[-1]
        # django/views/generic/__init__.py re-exports the concrete views, not the Base* classes.
        if qualname.startswith("django.views.generic.") and not name.startswith(("Base", "Process")):
            extended.setdefault(f"django.views.generic.{name}", handlers)
        if qualname == "django.views.generic.base.View":
            extended.setdefault("django.views.View", handlers)
    return extended


GENERIC_VIEW_HANDLERS = _with_reexports(GENERIC_VIEW_HANDLERS)

HTTP_METHOD_NAMES = ("get", "post", "put", "patch", "delete", "head", "options", "trace")

# Django REST framework views reject `async def` handlers: "Expected a Response ... received a <class 'coroutine'>"
# (encode/django-rest-framework#7240). adrf's classes of the same names accept them.
DRF_VIEW_PREFIXES = ("rest_framework.views.", "rest_framework.generics.", "rest_framework.viewsets.")
ADRF_PREFIX = "adrf."

ASYNC_CAPABLE_DECORATORS: dict[str, tuple[int, int] | None] = {
    **dict.fromkeys(
        (
            "django.views.decorators.csrf.csrf_exempt",
            "django.views.decorators.csrf.csrf_protect",
            "django.views.decorators.csrf.ensure_csrf_cookie",
            "django.views.decorators.csrf.requires_csrf_token",
            "django.views.decorators.http.require_http_methods",
            "django.views.decorators.http.require_GET",
            "django.views.decorators.http.require_POST",
            "django.views.decorators.http.require_safe",
            "django.views.decorators.http.condition",
            "django.views.decorators.http.etag",
            "django.views.decorators.http.last_modified",
            "django.views.decorators.http.conditional_page",
            "django.views.decorators.cache.cache_control",
            "django.views.decorators.cache.never_cache",
            "django.views.decorators.cache.cache_page",
            "django.views.decorators.vary.vary_on_cookie",
            "django.views.decorators.vary.vary_on_headers",
            "django.views.decorators.clickjacking.xframe_options_deny",
            "django.views.decorators.clickjacking.xframe_options_sameorigin",
            "django.views.decorators.clickjacking.xframe_options_exempt",
            "django.views.decorators.common.no_append_slash",
            "django.views.decorators.debug.sensitive_variables",
            "django.views.decorators.debug.sensitive_post_parameters",
            "django.views.decorators.gzip.gzip_page",
        ),
        (5, 0),
    ),
    **dict.fromkeys(
        (
            "django.contrib.auth.decorators.login_required",
            "django.contrib.auth.decorators.permission_required",
            "django.contrib.auth.decorators.user_passes_test",
        ),
        (5, 1),
    ),
    "django.utils.decorators.method_decorator": (5, 2),
}
