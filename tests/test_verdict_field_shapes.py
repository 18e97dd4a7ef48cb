"""What the code needs and what serves it, in shapes found in the field corpus (field/review/), each beside a
near-miss: Channels HTTP consumers, FastAPI websockets around Django, a URLconf built at runtime, a test image in
a `test-server/` directory, an example uwsgi.ini beside the server that runs, and a script packaged without its
`.sh` extension."""

from __future__ import annotations

import textwrap

from tests.helpers import run, write_project

MANAGE = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n"
SETTINGS = "ROOT_URLCONF = 'shop.urls'\nINSTALLED_APPS = ['django.contrib.auth']\n"


def verdict_of(tmp_path, files: dict[str, str]):
    base = {
        "manage.py": MANAGE,
        "shop/__init__.py": "",
        "shop/settings.py": SETTINGS,
        "shop/urls.py": "urlpatterns = []\n",
    }
    report = run(write_project(tmp_path, {**base, **{k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()}}))
    [verdict] = report.model.verdicts.values()
    return verdict


# channels-examples/news_collector: an AsyncHttpConsumer routed in the router's "http" branch exists only under ASGI.
ROUTER_WITH_HTTP_CONSUMER = """
    from channels.http import AsgiHandler
    from channels.routing import ProtocolTypeRouter, URLRouter
    from django.urls import path, re_path
    from shop.consumers import Collect

    application = ProtocolTypeRouter({
        "http": URLRouter([
            path("collect/", Collect),
            re_path("^", AsgiHandler),
        ]),
    })
"""
CONSUMER = "from channels.generic.http import AsyncHttpConsumer\n\nclass Collect(AsyncHttpConsumer):\n    pass\n"


def test_a_channels_http_consumer_route_needs_asgi(tmp_path):
    verdict = verdict_of(tmp_path, {"shop/asgi.py": ROUTER_WITH_HTTP_CONSUMER, "shop/consumers.py": CONSUMER})
    assert verdict.needs == "asgi-required"
    [evidence] = verdict.needs_evidence
    assert (evidence.path, evidence.line, evidence.kind) == ("shop/asgi.py", 8, "asgi-http")
    assert "1 ASGI-only HTTP route" in verdict.summary


def test_an_http_branch_that_only_reaches_django_needs_nothing_more(tmp_path):
    only_django = ROUTER_WITH_HTTP_CONSUMER.replace('            path("collect/", Collect),\n', "")
    with_app = """
        from channels.routing import ProtocolTypeRouter, URLRouter
        from django.core.asgi import get_asgi_application
        from django.urls import re_path

        django_asgi_app = get_asgi_application()
        application = ProtocolTypeRouter({"http": URLRouter([re_path(r"", django_asgi_app)])})
    """
    assert verdict_of(tmp_path / "a", {"shop/asgi.py": only_django}).needs == "wsgi"
    assert verdict_of(tmp_path / "b", {"shop/asgi.py": with_app}).needs == "wsgi"


# etesync-server: Django mounted inside a FastAPI app whose router serves a websocket endpoint.
FASTAPI_ASGI = """
    from django.core.asgi import get_asgi_application

    django_application = get_asgi_application()


    def create_application():
        from shop.api import create_app

        app = create_app()
        app.mount("/", django_application)
        return app


    application = create_application()
"""
FASTAPI_API = """
    from fastapi import APIRouter, FastAPI, WebSocket

    websocket_router = APIRouter()


    @websocket_router.websocket("/{ticket}/")
    async def websocket_endpoint(websocket: WebSocket):
        await websocket.accept()


    def create_app():
        app = FastAPI()
        app.include_router(websocket_router, prefix="/api/ws")
        return app
"""


def test_a_fastapi_websocket_around_django_needs_asgi(tmp_path):
    verdict = verdict_of(tmp_path, {"shop/asgi.py": FASTAPI_ASGI, "shop/api.py": FASTAPI_API})
    assert verdict.needs == "asgi-required"
    # `app` comes from a project factory, so `app.mount` is not known to be FastAPI's: only the websocket counts
    assert [(e.path, e.line, e.kind) for e in verdict.needs_evidence] == [("shop/api.py", 7, "websocket")]


def test_a_fastapi_service_beside_a_plain_django_asgi_py_is_not_this_projects(tmp_path):
    plain = "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n"
    verdict = verdict_of(tmp_path, {"shop/asgi.py": plain, "shop/api.py": FASTAPI_API})
    assert verdict.needs == "wsgi"


# khoj: asgi.py is Django's own, but the application served (uvicorn.run(app)) is a FastAPI app in another module
# that mounts Django's ASGI application and includes a router with a websocket endpoint.
KHOJ_MAIN = """
    import uvicorn
    from django.core.asgi import get_asgi_application
    from fastapi import FastAPI

    from shop.api import websocket_router

    app = FastAPI()
    django_app = get_asgi_application()
    app.include_router(websocket_router, prefix="/api/ws")
    app.mount("/server", django_app, name="server")

    if __name__ == "__main__":
        uvicorn.run(app, host="0.0.0.0", port=42110)
"""
PLAIN_ASGI = "from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n"


def test_django_mounted_in_a_fastapi_app_with_a_websocket_needs_asgi(tmp_path):
    verdict = verdict_of(tmp_path, {"shop/asgi.py": PLAIN_ASGI, "shop/api.py": FASTAPI_API, "shop/main.py": KHOJ_MAIN})
    assert verdict.needs == "asgi-required"
    assert [(e.path, e.line, e.kind) for e in verdict.needs_evidence] == [
        ("shop/api.py", 7, "websocket"),
        ("shop/main.py", 10, "asgi-app"),
    ]


def test_django_mounted_in_a_fastapi_app_needs_asgi_without_any_websocket(tmp_path):
    """FastAPI and Starlette have no WSGI entry point: Django served through one of their apps is served over ASGI,
    whatever its views are (the wrong value before: "wsgi", from the sync views alone)."""
    no_websocket = KHOJ_MAIN.replace("from shop.api import websocket_router", "").replace(
        'app.include_router(websocket_router, prefix="/api/ws")', ""
    )
    verdict = verdict_of(tmp_path, {"shop/asgi.py": PLAIN_ASGI, "shop/main.py": no_websocket})
    assert verdict.needs == "asgi-required"
    assert [(e.path, e.kind) for e in verdict.needs_evidence] == [("shop/main.py", "asgi-app")]
    assert "Django mounted in an ASGI framework's app" in verdict.summary


def test_a_test_module_mounting_django_in_a_fastapi_app_serves_nothing(tmp_path):
    """Near-miss: a test builds the FastAPI app around Django to exercise it; nothing deploys it."""
    verdict = verdict_of(tmp_path, {"shop/asgi.py": PLAIN_ASGI, "tests/test_mounted.py": KHOJ_MAIN})
    assert verdict.needs == "wsgi"


def test_a_fastapi_app_that_mounts_something_else_is_not_djangos(tmp_path):
    """Near-miss: the module mounts static files, and Django is never made an ASGI application there."""
    static_only = KHOJ_MAIN.replace("from django.core.asgi import get_asgi_application\n", "").replace(
        "django_app = get_asgi_application()", "django_app = StaticFiles(directory='static')"
    )
    verdict = verdict_of(
        tmp_path, {"shop/asgi.py": PLAIN_ASGI, "shop/api.py": FASTAPI_API, "shop/main.py": static_only}
    )
    assert verdict.needs == "wsgi"


# django-async: urlpatterns extended by a project helper over every function of the view modules.
RUNTIME_URLS = """
    from django.urls import path

    from . import views


    def urls_with_prefix(prefix, functions):
        return [path(f"{prefix}/{name}/", view) for name, view in functions]


    urlpatterns = []
    urlpatterns.extend(urls_with_prefix("views", views.all_functions))
"""
VIEWS = """
    import asyncio

    from .finder import get_all_functions


    async def slow(request):
        await asyncio.sleep(1)


    async def helper(client):
        await client.get("/")


    all_functions = get_all_functions(globals())
"""


def test_async_views_behind_a_urlconf_built_at_runtime_count(tmp_path):
    verdict = verdict_of(tmp_path, {"shop/urls.py": RUNTIME_URLS, "shop/views.py": VIEWS,
                                    "shop/finder.py": "def get_all_functions(g):\n    return []\n"})  # fmt: skip
    assert verdict.needs == "asgi-beneficial"
    # `helper` takes no request: not a view
    assert [(e.path, e.line) for e in verdict.needs_evidence] == [("shop/views.py", 6)]
    assert "(1 async view)" in verdict.summary


def test_a_urlconf_extended_by_a_django_helper_is_not_built_at_runtime(tmp_path):
    static_urls = """
        from django.conf import settings
        from django.conf.urls.static import static

        from . import views

        urlpatterns = []
        urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
    """
    verdict = verdict_of(tmp_path, {"shop/urls.py": static_urls, "shop/views.py": VIEWS})
    assert verdict.needs == "wsgi"


# etesync-server: docker/test-server/ holds an image for client test suites, not production.
def test_a_server_script_under_a_test_server_directory_is_development(tmp_path):
    script = "#!/bin/sh\nset -e\nexec uvicorn shop.asgi:application --host 0.0.0.0 --port 3735\n"
    verdict = verdict_of(tmp_path, {"docker/test-server/entrypoint.sh": script})
    assert verdict.served == "unknown"
    [development] = verdict.development_servers
    assert development.why == "it sits under `test-server/`"
    near_miss = verdict_of(tmp_path / "near-miss", {"docker/server/entrypoint.sh": script})
    assert near_miss.served == "asgi"


# ArchiveBox: etc/uwsgi.ini, loaded by nothing, beside the Dockerfile whose command starts daphne.
UWSGI_INI = "[uwsgi]\nmodule = shop.wsgi:application\nmaster = true\n"
DAPHNE_DOCKERFILE = 'FROM python:3.12\nCOPY . /app\nCMD ["daphne", "-b", "0.0.0.0", "shop.asgi:application"]\n'


def test_an_unloaded_uwsgi_ini_beside_the_server_that_runs_is_not_served(tmp_path):
    verdict = verdict_of(tmp_path, {"etc/uwsgi.ini": UWSGI_INI, "Dockerfile": DAPHNE_DOCKERFILE})
    assert verdict.served == "asgi"
    [example] = verdict.development_servers
    assert example.path == "etc/uwsgi.ini" and "no command in the repository loads it" in example.why


def test_a_uwsgi_ini_alone_or_loaded_by_the_command_is_served(tmp_path):
    assert verdict_of(tmp_path / "alone", {"etc/uwsgi.ini": UWSGI_INI}).served == "wsgi"
    loading = 'FROM python:3.12\nCOPY . /app\nCMD ["uwsgi", "--ini", "etc/uwsgi.ini"]\n'
    both = verdict_of(tmp_path / "loaded", {"etc/uwsgi.ini": UWSGI_INI, "Dockerfile": loading})
    assert both.served == "wsgi" and [d.path for d in both.servers] == ["Dockerfile"]


# Mathesar: the image runs `./bin/mathesar`, packaged at build time from build-scripts/bin/mathesar.sh.
def test_a_script_packaged_without_its_sh_extension_is_followed(tmp_path):
    dockerfile = 'FROM python:3.12\nCOPY . /app\nCMD ["bash", "./bin/shop", "run"]\n'
    script = "#!/bin/bash\nexec gunicorn shop.wsgi -b 0.0.0.0:8000\n"
    verdict = verdict_of(tmp_path, {"Dockerfile": dockerfile, "build-scripts/bin/shop.sh": script})
    assert verdict.served == "wsgi"
    assert [(d.path, d.where) for d in verdict.servers] == [("Dockerfile", "Dockerfile CMD")]


def test_a_script_named_with_an_extension_is_not_matched_to_another_one(tmp_path):
    dockerfile = 'FROM python:3.12\nCOPY . /app\nCMD ["python", "./bin/shop.py", "run"]\n'
    script = "#!/bin/bash\nexec gunicorn shop.wsgi -b 0.0.0.0:8000\n"
    verdict = verdict_of(tmp_path, {"Dockerfile": dockerfile, "build-scripts/bin/shop.sh": script})
    assert [d.path for d in verdict.servers] == ["build-scripts/bin/shop.sh"]


# openwisp-monitoring: the root Dockerfile builds the test project and runs tests/docker-entrypoint.sh.
def test_a_dockerfile_running_a_development_script_is_development_and_reported_once(tmp_path):
    dockerfile = 'FROM python:3.12\nWORKDIR /opt/app/tests/\nCMD ["sh", "docker-entrypoint.sh"]\n'
    script = "#!/bin/sh\npython manage.py migrate\npython manage.py runserver 0.0.0.0:8000\n"
    verdict = verdict_of(tmp_path, {"Dockerfile": dockerfile, "tests/docker-entrypoint.sh": script})
    assert verdict.servers == []
    [development] = verdict.development_servers
    assert development.path == "Dockerfile"
    assert development.why == "it runs `tests/docker-entrypoint.sh`, which is development: it sits under `tests/`"


def test_a_dockerfile_running_a_production_script_stays_production_and_is_reported_once(tmp_path):
    dockerfile = 'FROM python:3.12\nCMD ["sh", "docker-entrypoint.sh"]\n'
    script = "#!/bin/sh\npython manage.py migrate\nexec gunicorn shop.wsgi\n"
    verdict = verdict_of(tmp_path, {"Dockerfile": dockerfile, "docker/docker-entrypoint.sh": script})
    assert [d.path for d in verdict.servers] == ["Dockerfile"] and verdict.development_servers == []


# Arches: one entrypoint serves both modes; its DEV branch announces itself, its PROD branch runs gunicorn.
def test_a_dockerfile_running_a_two_mode_entrypoint_stays_production(tmp_path):
    dockerfile = 'FROM python:3.12\nENTRYPOINT ["docker/entrypoint.sh"]\n'
    script = textwrap.dedent("""
        #!/bin/bash
        if [[ "$DJANGO_MODE" == "DEV" ]]; then
            echo "----- SETTING DEV MODE -----"
            python manage.py runserver 0.0.0.0:8000
        fi
        exec gunicorn shop.wsgi:application
    """).lstrip("\\n")
    verdict = verdict_of(tmp_path, {"Dockerfile": dockerfile, "docker/entrypoint.sh": script})
    assert [d.path for d in verdict.servers] == ["Dockerfile"] and verdict.served == "wsgi"
