"""Django's class-based views and view decorators, as data.

GENERIC_VIEW_HANDLERS: for each Django view class, the handlers `View.view_is_async` looks at (the methods named
in `http_method_names`, `options` excluded, that the class has). All of Django's are sync. Generated from
Django 5.2 (`hasattr(cls, m)` over `cls.http_method_names`); tests/test_knowledge_views.py checks the table
against the installed Django.

VIEW_DECORATORS: for each of Django's view decorators, the first release whose decorator keeps an `async def`
view async, the release that added it, and the source; checked by a real-Django run on 4.2, 5.0, 5.1, 5.2, 6.0
and 6.1 (tests/test_ground_truth_decorators.py).
"""

from __future__ import annotations

from dataclasses import dataclass

GENERIC_VIEW_HANDLERS: dict[str, tuple[str, ...]] = {
    "django.contrib.auth.views.LoginView": ("get", "post", "put"),
    "django.contrib.auth.views.LogoutView": ("post",),
    "django.contrib.auth.views.PasswordChangeDoneView": ("get",),
    "django.contrib.auth.views.PasswordChangeView": ("get", "post", "put"),
    "django.contrib.auth.views.PasswordResetCompleteView": ("get",),
    "django.contrib.auth.views.PasswordResetConfirmView": ("get", "post", "put"),
    "django.contrib.auth.views.PasswordResetDoneView": ("get",),
    "django.contrib.auth.views.PasswordResetView": ("get", "post", "put"),
    "django.views.generic.base.RedirectView": ("delete", "get", "head", "patch", "post", "put"),
    "django.views.generic.base.TemplateView": ("get",),
    "django.views.generic.base.View": (),
    "django.views.generic.dates.ArchiveIndexView": ("get",),
    "django.views.generic.dates.BaseArchiveIndexView": ("get",),
    "django.views.generic.dates.BaseDateDetailView": ("get",),
    "django.views.generic.dates.BaseDateListView": ("get",),
    "django.views.generic.dates.BaseDayArchiveView": ("get",),
    "django.views.generic.dates.BaseMonthArchiveView": ("get",),
    "django.views.generic.dates.BaseTodayArchiveView": ("get",),
    "django.views.generic.dates.BaseWeekArchiveView": ("get",),
    "django.views.generic.dates.BaseYearArchiveView": ("get",),
    "django.views.generic.dates.DateDetailView": ("get",),
    "django.views.generic.dates.DayArchiveView": ("get",),
    "django.views.generic.dates.MonthArchiveView": ("get",),
    "django.views.generic.dates.TodayArchiveView": ("get",),
    "django.views.generic.dates.WeekArchiveView": ("get",),
    "django.views.generic.dates.YearArchiveView": ("get",),
    "django.views.generic.detail.BaseDetailView": ("get",),
    "django.views.generic.detail.DetailView": ("get",),
    "django.views.generic.edit.BaseCreateView": ("get", "post", "put"),
    "django.views.generic.edit.BaseDeleteView": ("delete", "get", "post"),
    "django.views.generic.edit.BaseFormView": ("get", "post", "put"),
    "django.views.generic.edit.BaseUpdateView": ("get", "post", "put"),
    "django.views.generic.edit.CreateView": ("get", "post", "put"),
    "django.views.generic.edit.DeleteView": ("delete", "get", "post"),
    "django.views.generic.edit.FormView": ("get", "post", "put"),
    "django.views.generic.edit.ProcessFormView": ("get", "post", "put"),
    "django.views.generic.edit.UpdateView": ("get", "post", "put"),
    "django.views.generic.list.BaseListView": ("get",),
    "django.views.generic.list.ListView": ("get",),
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


@dataclass(frozen=True)
class ViewDecorator:
    """One of Django's view decorators, and what it makes of an `async def` view."""

    qualname: str  # where a project imports it from
    async_from: tuple[int, int] | None  # first release that keeps an async view async; None: none through 6.1
    added: tuple[int, int] | None  # first release that has it; None: older than every release we speak about
    source: str

    @property
    def always_async_capable(self) -> bool:
        """Async-capable in every release that has it: never reported, whatever the project's version."""
        return self.async_from is not None and self.added is not None and self.added >= self.async_from


_VIEW_DECORATORS_5_0 = (
    "django/views/decorators/{csrf,http,cache,vary,clickjacking,common,debug,gzip}.py: an `async def` wrapper "
    "when `iscoroutinefunction(view_func)`, from 5.0 (docs/releases/5.0.txt, Decorators: 'now support wrapping "
    "asynchronous view functions'); 4.2 wraps every view in a plain `def`"
)
_MIDDLEWARE_DECORATOR_5_0 = (
    "django/utils/decorators.py `make_middleware_decorator`: `if iscoroutinefunction(view_func): async def "
    "_view_wrapper` from 5.0 (not in the 5.0 release notes, read in the 4.2.30 and 5.0.14 sources); 4.2 has "
    "only the sync `_wrapper_view`"
)
_AUTH_DECORATORS_5_1 = (
    "django/contrib/auth/decorators.py `user_passes_test`: an `async def _view_wrapper` when "
    "`iscoroutinefunction(view_func)`, from 5.1 (docs/releases/5.1.txt, contrib.auth: the three decorators "
    "support wrapping asynchronous view functions)"
)

VIEW_DECORATORS: dict[str, ViewDecorator] = {
    row.qualname: row
    for row in (
        *(
            ViewDecorator(qualname, (5, 0), None, _VIEW_DECORATORS_5_0)
            for qualname in (
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
                "django.views.decorators.vary.vary_on_cookie",
                "django.views.decorators.vary.vary_on_headers",
                "django.views.decorators.clickjacking.xframe_options_deny",
                "django.views.decorators.clickjacking.xframe_options_sameorigin",
                "django.views.decorators.clickjacking.xframe_options_exempt",
                "django.views.decorators.common.no_append_slash",
                "django.views.decorators.debug.sensitive_variables",
                "django.views.decorators.debug.sensitive_post_parameters",
                "django.views.decorators.gzip.gzip_page",
            )
        ),
        # `cache_page` is `decorator_from_middleware_with_args(CacheMiddleware)`: async through the same branch.
        ViewDecorator("django.views.decorators.cache.cache_page", (5, 0), None, _MIDDLEWARE_DECORATOR_5_0),
        # Project decorators are made with these (`header = decorator_from_middleware(HeaderMiddleware)`); the
        # rule follows such module-level names to the row.
        ViewDecorator("django.utils.decorators.decorator_from_middleware", (5, 0), None, _MIDDLEWARE_DECORATOR_5_0),
        ViewDecorator("django.utils.decorators.decorator_from_middleware_with_args", (5, 0), None,
                      _MIDDLEWARE_DECORATOR_5_0),
        *(
            ViewDecorator(qualname, (5, 1), None, _AUTH_DECORATORS_5_1)
            for qualname in (
                "django.contrib.auth.decorators.login_required",
                "django.contrib.auth.decorators.permission_required",
                "django.contrib.auth.decorators.user_passes_test",
            )
        ),
        ViewDecorator(
            "django.contrib.admin.views.decorators.staff_member_required", (5, 1), None,
            "django/contrib/admin/views/decorators.py: `staff_member_required` is `user_passes_test(lambda u: "
            "u.is_active and u.is_staff, ...)` in every release, so it follows user_passes_test: sync-only "
            "through 5.0, async-capable from 5.1 (not in the release notes)",
        ),
        ViewDecorator(
            "django.contrib.auth.decorators.login_not_required", (5, 1), (5, 1),
            "django/contrib/auth/decorators.py `login_not_required` (new in 5.1, docs/releases/5.1.txt): sets "
            "`view_func.login_required = False` and returns the view itself",
        ),
        *(
            ViewDecorator(
                qualname, (6, 0), (6, 0),
                "django/views/decorators/csp.py `_make_csp_decorator` (new in 6.0, docs/releases/6.0.txt, "
                "Content Security Policy): `_wrapped_async_view` when `iscoroutinefunction(view_func)`",
            )
            for qualname in (
                "django.views.decorators.csp.csp_override",
                "django.views.decorators.csp.csp_report_only_override",
            )
        ),
        ViewDecorator(
            "django.utils.decorators.method_decorator", (5, 2), None,
            "django/utils/decorators.py `_multi_decorate`: `markcoroutinefunction(_wrapper)` when the method is a "
            "coroutine function, from 5.2 (docs/releases/5.2.txt, Decorators)",
        ),
    )
}  # fmt: skip
"""Each row checked on 4.2, 5.0, 5.1, 5.2, 6.0 and 6.1 by tests/test_ground_truth_decorators.py (a real-Django
run per release: Django's own `iscoroutinefunction` on the decorated view, and a request through AsyncClient),
except `method_decorator`, checked on 4.2, 5.0 and 5.2 (../shared/facts.md §2.1)."""
