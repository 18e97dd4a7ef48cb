"""Under real Starlette/FastAPI beside a configured Django, print as one JSON object on the last stdout line:

- `types`: for each qualified name of knowledge/asgi_frameworks.NON_DJANGO_REQUESTS (argv JSON list), whether it
  imports, is a starlette HTTPConnection, and is a Django HttpRequest;
- `run`: what a starlette app in khoj's shape sees when an async route reads `request.user` and
  `request.session` set by starlette's SessionMiddleware and AuthenticationMiddleware, whose backend fetches the
  Django user with `afirst()`: the status codes, the user name the route saw, and any exception (Django raises
  SynchronousOnlyOperation for a synchronous query on the event loop; none must happen), and the status of a
  route whose `request` parameter is unannotated (FastAPI injects its Request only through the annotation);
- `wsgi`: the status a real WSGI server (wsgiref's, on loopback) answers for a FastAPI app that mounts Django's ASGI
  application (khoj's shape), beside the one it answers for Django's own WSGI application, with the exception the
  FastAPI app raised when the server called it the WSGI way.

    python run_starlette_requests.py WORK_DIR NAMES_JSON
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import traceback

# At module level: with `from __future__ import annotations` FastAPI resolves the annotation `Request` in the
# route's module globals; a name imported inside a function would leave `request` a required query parameter.
from fastapi import FastAPI, Request
from starlette.requests import HTTPConnection

urlpatterns: list[object] = []  # the ROOT_URLCONF: Django's own application answers 404 to every path


def configure(work_dir: str) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="gt",
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": f"{work_dir}/db.sqlite3"}},
        USE_TZ=True,
        ROOT_URLCONF=__name__,  # no routes: Django answers 404 itself
        ALLOWED_HOSTS=["127.0.0.1", "testserver"],
    )
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    User.objects.create_user("ada", "ada@example.com", "pw")


def types(names: list[str]) -> dict[str, dict[str, bool]]:
    from django.http import HttpRequest
    from starlette.requests import HTTPConnection

    found = {}
    for name in names:
        module, _, attribute = name.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module), attribute)
        except (ImportError, AttributeError):
            found[name] = {"imports": False, "starlette": False, "django": False}
            continue
        found[name] = {
            "imports": True,
            "starlette": isinstance(cls, type) and issubclass(cls, HTTPConnection),
            "django": isinstance(cls, type) and issubclass(cls, HttpRequest),
        }
    return found


def app():  # noqa: ANN201 - a Starlette application
    from django.contrib.auth.models import User
    from starlette.authentication import AuthCredentials, AuthenticationBackend, SimpleUser, UnauthenticatedUser
    from starlette.middleware.authentication import AuthenticationMiddleware
    from starlette.middleware.sessions import SessionMiddleware

    class Backend(AuthenticationBackend):
        async def authenticate(self, request: HTTPConnection):  # noqa: ANN202
            current = request.session.get("user")
            user = await User.objects.filter(username=current).afirst() if current else None
            if user is None:
                return AuthCredentials(), UnauthenticatedUser()
            return AuthCredentials(["authenticated"]), SimpleUser(user.username)

    application = FastAPI()

    @application.get("/login")
    async def login(request: Request) -> dict[str, str]:
        request.session["user"] = "ada"
        return {}

    @application.get("/me")
    async def me(request: Request) -> dict[str, object]:
        return {"user": request.user.display_name if request.user.is_authenticated else None,
                "session": request.session.get("user")}  # fmt: skip

    @application.get("/bare")
    async def bare(request) -> dict[str, object]:  # noqa: ANN001 - the unannotated shape, on purpose
        return {"user": request.user.display_name}

    # add_middleware wraps: the last added runs first, so the session exists when authentication runs.
    application.add_middleware(AuthenticationMiddleware, backend=Backend())
    application.add_middleware(SessionMiddleware, secret_key="gt")
    return application


async def get(application, path: str, cookie: str | None) -> tuple[int, str | None, dict[str, object]]:  # noqa: ANN001
    headers = [(b"host", b"testserver")] + ([(b"cookie", cookie.encode())] if cookie else [])
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"", "headers": headers,
             "client": ("127.0.0.1", 1), "server": ("testserver", 80)}  # fmt: skip
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await application(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    set_cookie = next((value.decode() for name, value in start["headers"] if name == b"set-cookie"), None)
    return int(start["status"]), set_cookie, json.loads(body or b"{}")


async def run() -> dict[str, object]:
    application = app()
    try:
        status, cookie, _ = await get(application, "/login", None)
        assert cookie is not None
        second, _, seen = await get(application, "/me", cookie.split(";")[0])
        bare, _, _ = await get(application, "/bare", cookie.split(";")[0])
    except Exception as error:  # noqa: BLE001 - reported, the test decides
        return {"error": type(error).__name__, "detail": traceback.format_exc()[-1500:]}
    return {"login": status, "me": second, "seen": seen, "bare": bare}


def served_over_wsgi() -> dict[str, object]:
    import threading
    import urllib.error
    import urllib.request
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.asgi import get_asgi_application
    from django.core.wsgi import get_wsgi_application

    mounted = FastAPI()
    mounted.mount("/server", get_asgi_application())
    raised: list[str] = []

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    def status(application) -> int:  # noqa: ANN001
        def recording(environ, start_response):  # noqa: ANN001, ANN202
            try:
                return application(environ, start_response)
            except Exception as error:
                raised.append(f"{type(error).__name__}: {error}")
                raise

        server = make_server("127.0.0.1", 0, recording, handler_class=Quiet)
        server.handle_error = lambda *args: None  # the traceback is recorded above
        thread = threading.Thread(target=server.handle_request)
        thread.start()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/server/", timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        finally:
            thread.join()
            server.server_close()

    return {"fastapi": status(mounted), "django": status(get_wsgi_application()), "raised": raised}


def main() -> None:
    work_dir, names = sys.argv[1], json.loads(sys.argv[2])
    configure(work_dir)
    import django
    import fastapi
    import starlette

    result = {"django": django.get_version(), "fastapi": fastapi.__version__, "starlette": starlette.__version__,
              "types": types(names), "run": asyncio.run(run()), "wsgi": served_over_wsgi()}  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main()
