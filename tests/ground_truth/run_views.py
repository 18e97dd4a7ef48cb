"""Request async views under real Django and print what happened, as one JSON object on the last stdout line.

Run by tests/test_ground_truth_orm.py in a subprocess of its own, because `settings.configure()` is
process-global and must not leak into the rest of the test suite:

    python run_views.py PROJECT_DIR DATABASE_FILE CASES_JSON

PROJECT_DIR holds the `gtapp` package; CASES_JSON is a list of `[view_name, logged_in]` pairs. The result maps
`"view_name logged_in|anonymous"` to `{"outcome": 200}` (any status code) or, for an exception the view raised,
`{"outcome": "ExceptionClassName", "detail": "...", "line": N}` where N is the line the view itself was running
(a query in a helper the view called reports the view's call).
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import sys
import traceback
from pathlib import Path


def configure(project_dir: str, database_file: str) -> None:
    import django
    from django.conf import settings

    sys.path.insert(0, project_dir)
    settings.configure(
        DEBUG=False,
        SECRET_KEY="ground-truth-only",
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "gtapp",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        ROOT_URLCONF="gtapp.urls",
        # A file, not ":memory:": sync_to_async runs queries on another thread, and every thread gets its own
        # connection; an in-memory database would be empty there.
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database_file}},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # speed; nothing here is secret
    )
    django.setup()


def seed() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from gtapp.models import Article

    call_command("migrate", run_syncdb=True, verbosity=0)
    Article.objects.create(pk=1, title="first", published=True)
    Article.objects.create(pk=2, title="second", published=False)
    Article.objects.create(pk=3, title="doomed", published=False)  # the one a wrongly-permitted delete would take
    get_user_model().objects.create_user("reader", password="secret")
    if importlib.util.find_spec("gtapp.seed") is not None:  # rows of its own (test_ground_truth_orm_releases.py)
        importlib.import_module("gtapp.seed").seed()


async def request_all(cases: list[tuple[str, bool]]) -> dict[str, dict[str, object]]:
    from asgiref.sync import sync_to_async
    from django.contrib.auth import get_user_model
    from django.test import AsyncClient

    user = await get_user_model().objects.aget(username="reader")
    results: dict[str, dict[str, object]] = {}
    for view, logged_in in cases:
        # A fresh client per request: a view that logs in or out must not change what the next one sees.
        client = AsyncClient()  # raise_request_exception=True: the view's exception reaches us, not a 500
        if logged_in:
            if hasattr(client, "aforce_login"):
                await client.aforce_login(user)
            else:  # Django < 5.0 has only the sync form
                await sync_to_async(client.force_login)(user)
        key = f"{view} {'logged_in' if logged_in else 'anonymous'}"
        try:
            response = await client.get(f"/{view}/")
        except Exception as error:  # noqa: BLE001 - recording what Django raised is the point
            results[key] = {"outcome": type(error).__name__, "detail": str(error)[:300], "line": view_line(error)}
        else:
            results[key] = {"outcome": response.status_code}
    return results


def view_line(error: BaseException) -> int | None:
    frames = traceback.extract_tb(error.__traceback__)
    lines = [frame.lineno for frame in frames if Path(frame.filename).parts[-2:] == ("gtapp", "views.py")]
    return lines[0] if lines else None  # the outermost views.py frame is the view; helpers come after it


def main() -> None:
    project_dir, database_file, cases_json = sys.argv[1:4]
    configure(project_dir, database_file)
    seed()
    cases = [(view, bool(logged_in)) for view, logged_in in json.loads(cases_json)]
    # asyncio.run: the views run on a real event loop in this thread, exactly as under an ASGI server.
    results = asyncio.run(request_all(cases))
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
