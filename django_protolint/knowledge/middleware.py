"""Third-party middleware: whether Django can run each one without a thread (sync or async capable), by release.

Django decides from the factory's `sync_capable`/`async_capable` flags, which the decorators
`sync_and_async_middleware` etc. set and `MiddlewareMixin` sets to both (../shared/facts.md §3.3). A plain class
without flags is sync-only: under ASGI every request hops to a thread for it.

Every row was read in the package's own source at every release tag of its repository (a script parsed the
class at each tag with `ast` and classified it as `BaseHandler.load_middleware` would), plus the newest wheel
on PyPI, `checked`. `modes` are (first release, mode, what decides) in ascending order; a mode holds until the
next row. Releases before the first row, and releases after `checked` when the last mode is "sync", were not
read: a project that may install one gets "unknown", and no rule guesses.
"""

from __future__ import annotations

from dataclasses import dataclass

PLAIN = "a plain class without `async_capable = True`"
FLAGS = "`sync_capable = True`, `async_capable = True`"
MIXIN = "a `MiddlewareMixin` subclass (its hooks still run in a thread under ASGI)"
DECORATOR = "`@sync_and_async_middleware`"


# Django's `MiddlewareMixin` (sync_capable and async_capable both True), under every name Django exports it by.
DJANGO_MIDDLEWARE_MIXINS = {
    "django.utils.deprecation.MiddlewareMixin": "django/utils/deprecation.py, 1.10 to 6.1; on main (6.2 in "
    "development) a re-export, `from django.middleware import MiddlewareMixin  # Retained for backward "
    "compatibility`, with no deprecation warning (read at commit a4c3eab)",
    "django.middleware.MiddlewareMixin": "django/middleware/__init__.py on main (6.2 in development, commit a4c3eab): "
    "`from django.middleware.base import MiddlewareMixin`",
    "django.middleware.base.MiddlewareMixin": "django/middleware/base.py on main (6.2 in development, commit "
    "a4c3eab): the class itself, `sync_capable = True`, `async_capable = True`, moved from "
    "django/utils/deprecation.py",
}


@dataclass(frozen=True)
class ThirdPartyMiddleware:
    dotted_path: str
    distribution: str  # as on PyPI
    modes: tuple[tuple[str, str, str], ...]  # (first release, "sync"/"both", what decides)
    checked: str  # the newest release read
    source: str  # repository and file


TABLE = {
    row.dotted_path: row
    for row in (
        # evansd/whitenoise whitenoise/middleware.py (src/ from 6.0): `WhiteNoiseMiddleware(WhiteNoise)`, neither
        # class sets a flag, at every tag v3.0b1..6.12.0 and in the 6.12.0 wheel.
        ThirdPartyMiddleware(
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "whitenoise",
            (("3.0", "sync", PLAIN),),
            "6.12.0",
            "evansd/whitenoise whitenoise/middleware.py",
        ),
        # adamchainz/django-cors-headers: MiddlewareMixin 1.2.0..3.14.0; own async path with flags from 4.0.0
        # (commit 8a2ab51 "Add async support to middleware (#852)"); 4.9.0 wheel: flags.
        ThirdPartyMiddleware(
            "corsheaders.middleware.CorsMiddleware",
            "django-cors-headers",
            (("1.2.0", "both", MIXIN), ("4.0.0", "both", FLAGS)),
            "4.9.0",
            "adamchainz/django-cors-headers src/corsheaders/middleware.py",
        ),
        # django-commons/django-debug-toolbar: MiddlewareMixin 1.6..1.11, plain class 2.0..4.4.6, flags from
        # 5.0.0 (commit 25656eef "Support an async middleware for the toolbar."); 8.0.0 wheel: flags.
        ThirdPartyMiddleware(
            "debug_toolbar.middleware.DebugToolbarMiddleware",
            "django-debug-toolbar",
            (("1.6", "both", MIXIN), ("2.0", "sync", PLAIN), ("5.0.0", "both", FLAGS)),
            "8.0.0",
            "django-commons/django-debug-toolbar debug_toolbar/middleware.py",
        ),
        # pennersr/django-allauth: added in 0.56.0 as a plain class; `@sync_and_async_middleware` from 0.60.0;
        # 65.21.1 wheel: decorator.
        ThirdPartyMiddleware(
            "allauth.account.middleware.AccountMiddleware",
            "django-allauth",
            (("0.56.0", "sync", PLAIN), ("0.60.0", "both", DECORATOR)),
            "65.21.1",
            "pennersr/django-allauth allauth/account/middleware.py",
        ),
        # pennersr/django-allauth: a plain class since it was added in 0.59.0, still in the 65.21.1 wheel.
        ThirdPartyMiddleware(
            "allauth.usersessions.middleware.UserSessionsMiddleware",
            "django-allauth",
            (("0.59.0", "sync", PLAIN),),
            "65.21.1",
            "pennersr/django-allauth allauth/usersessions/middleware.py",
        ),
        # mozilla/django-csp: plain class at v2.0, MiddlewareMixin from 3.1 through the 4.0 wheel.
        ThirdPartyMiddleware(
            "csp.middleware.CSPMiddleware",
            "django-csp",
            (("2.0", "sync", PLAIN), ("3.1", "both", MIXIN)),
            "4.0",
            "mozilla/django-csp csp/middleware.py",
        ),
        # adamchainz/django-htmx: plain class 1.0.0..1.9.0, flags from 1.10.0 (commit 3fa3e0b "Add async support
        # to HtmxMiddleware (#224)"); 1.29.0 wheel: flags.
        ThirdPartyMiddleware(
            "django_htmx.middleware.HtmxMiddleware",
            "django-htmx",
            (("1.0.0", "sync", PLAIN), ("1.10.0", "both", FLAGS)),
            "1.29.0",
            "adamchainz/django-htmx src/django_htmx/middleware.py",
        ),
        # jazzband/django-simple-history: plain class at 2.0, MiddlewareMixin 2.1.0..3.3.0,
        # `@sync_and_async_middleware` from 3.4.0; 3.13.0 wheel: decorator.
        ThirdPartyMiddleware(
            "simple_history.middleware.HistoryRequestMiddleware",
            "django-simple-history",
            (("2.0", "sync", PLAIN), ("2.1.0", "both", MIXIN), ("3.4.0", "both", DECORATOR)),
            "3.13.0",
            "jazzband/django-simple-history simple_history/middleware.py",
        ),
        # jazzband/django-axes: added in 5.0 as a plain class, flags from 6.3.0 (commit 6f2584b "Add async support
        # to middleware"); 8.3.1 wheel: flags.
        ThirdPartyMiddleware(
            "axes.middleware.AxesMiddleware",
            "django-axes",
            (("5.0", "sync", PLAIN), ("6.3.0", "both", FLAGS)),
            "8.3.1",
            "jazzband/django-axes axes/middleware.py",
        ),
        # django-otp/django-otp: plain class v0.7.0..v1.6.3, flags from v1.7.0; 1.7.5 wheel: flags.
        ThirdPartyMiddleware(
            "django_otp.middleware.OTPMiddleware",
            "django-otp",
            (("0.7.0", "sync", PLAIN), ("1.7.0", "both", FLAGS)),
            "1.7.5",
            "django-otp/django-otp src/django_otp/middleware.py",
        ),
        # jazzband/django-silk: MiddlewareMixin 0.7.0..3.0.1, a plain class from 3.0.2 through the 5.6.0 wheel.
        ThirdPartyMiddleware(
            "silk.middleware.SilkyMiddleware",
            "django-silk",
            (("0.7.0", "both", MIXIN), ("3.0.2", "sync", PLAIN)),
            "5.6.0",
            "jazzband/django-silk silk/middleware.py",
        ),
        # etianen/django-reversion: a plain class from v2.0.0 through the 6.4.0 wheel.
        ThirdPartyMiddleware(
            "reversion.middleware.RevisionMiddleware",
            "django-reversion",
            (("2.0.0", "sync", PLAIN),),
            "6.4.0",
            "etianen/django-reversion reversion/middleware.py",
        ),
        # adamchainz/django-browser-reload: plain class 1.1.0..1.4.0, flags from 1.5.0 through 1.21.0.
        ThirdPartyMiddleware(
            "django_browser_reload.middleware.BrowserReloadMiddleware",
            "django-browser-reload",
            (("1.1.0", "sync", PLAIN), ("1.5.0", "both", FLAGS)),
            "1.21.0",
            "adamchainz/django-browser-reload src/django_browser_reload/middleware.py",
        ),
    )
}
