"""Call every `async def` of some view modules under real Django and print what each did, as one JSON object on
the last stdout line. Run by tests/test_fix_ground_truth.py in a subprocess of its own (`settings.configure()` is
process-global), with any Django release:

    python run_fixes.py PROJECT_DIR DATABASE_FILE MODULES_JSON

PROJECT_DIR holds the `gtapp` package (models `Article`, `Product`); MODULES_JSON lists module names in it
(`["gtapp.case_0", ...]`). Each coroutine function is awaited on a running event loop, as an ASGI server would,
with arguments by parameter name: `request` (a GET carrying the session of a logged-in user, through Django's own
session and authentication middleware), `pk` 1, `ids` [1, 2], anything else None. The result maps
`"module.function"` to:

- `outcome`: "ok", or the class name of the exception it raised;
- `blocked`: the longest the event loop went without running another task, in seconds (a blocking call shows);
- `never_awaited`: whether a coroutine was thrown away unawaited (Python's RuntimeWarning).
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import inspect
import json
import sys
import time
import warnings


def configure(project_dir: str, database_file: str) -> None:
    import django
    from django.conf import settings

    sys.path.insert(0, project_dir)
    settings.configure(
        DEBUG=False,
        SECRET_KEY="ground-truth-only",
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "gtapp"],
        # A file, not ":memory:": sync_to_async runs queries on another thread, with a connection of its own.
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database_file}},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    django.setup()


def seed() -> str:
    """The database, and the key of a logged-in user's session."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from gtapp.models import Article, Product

    call_command("migrate", run_syncdb=True, verbosity=0)
    Article.objects.create(pk=1, title="first", published=True)
    Article.objects.create(pk=2, title="second", published=False)
    Product.objects.create(pk=1, name="one")
    Product.objects.create(pk=2, name="two")
    user = get_user_model().objects.create_user("reader", password="secret")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def make_request(session_key: str):  # noqa: ANN201
    from django.conf import settings
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import AsyncRequestFactory

    request = AsyncRequestFactory().get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = session_key
    # process_request only: what the middleware sets up (lazy session, lazy `request.user`, `request.auser`).
    SessionMiddleware(lambda r: None).process_request(request)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    return request


ARGUMENTS = {"pk": 1, "ids": [1, 2], "delays": [0.3, 0.3]}


async def call(function, session_key: str) -> dict[str, object]:  # noqa: ANN001
    arguments = {}
    for name in inspect.signature(function).parameters:
        arguments[name] = make_request(session_key) if name == "request" else ARGUMENTS.get(name)
    longest = 0.0
    running = True

    async def ticker() -> None:
        nonlocal longest
        last = time.monotonic()
        while running:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            longest = max(longest, now - last)
            last = now

    ticking = asyncio.ensure_future(ticker())
    await asyncio.sleep(0.02)  # the ticker runs before the view starts
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            await function(**arguments)
        except Exception as error:  # noqa: BLE001 - recording what Django raised is the point
            outcome = type(error).__name__
        else:
            outcome = "ok"
        gc.collect()
    running = False
    await ticking
    never_awaited = any("was never awaited" in str(warning.message) for warning in caught)
    return {"outcome": outcome, "blocked": round(longest, 3), "never_awaited": never_awaited}


async def call_all(modules: list[str], session_key: str) -> dict[str, dict[str, object]]:
    results = {}
    for name in modules:
        module = importlib.import_module(name)
        for attribute, function in list(vars(module).items()):
            if inspect.iscoroutinefunction(function) and function.__module__ == name:
                results[f"{name}.{attribute}"] = await call(function, session_key)
    return results


def main() -> None:
    project_dir, database_file, modules_json = sys.argv[1:4]
    configure(project_dir, database_file)
    session_key = seed()
    print(json.dumps(asyncio.run(call_all(json.loads(modules_json), session_key)), sort_keys=True))


if __name__ == "__main__":
    main()
