"""Ground truth for knowledge/asgi_frameworks.NON_DJANGO_REQUESTS, under real FastAPI/Starlette beside Django:
every name in the table is a starlette HTTPConnection and never Django's HttpRequest, and an async FastAPI route
in khoj's shape (starlette SessionMiddleware, AuthenticationMiddleware whose backend fetches the Django user with
`afirst()`) reads `request.user` and `request.session` on the event loop without Django raising
SynchronousOnlyOperation: the reason DPL104/DPL105 stay silent on such a `request`."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

from django_protolint.knowledge.asgi_frameworks import NON_DJANGO_REQUESTS
from tests.django_versions import python_for, releases

SCRIPT = Path(__file__).resolve().parent / "ground_truth" / "run_starlette_requests.py"
FASTAPI = "fastapi==0.118.3"  # the release whose fastapi/__init__.py and fastapi/requests.py the table cites


@lru_cache(maxsize=None)
def measured(series: str) -> dict[str, object]:
    python = python_for(series, extras=(FASTAPI, "itsdangerous"))  # SessionMiddleware signs with it
    work = tempfile.mkdtemp(prefix=f"gt-starlette-{series}-")
    names = json.dumps(sorted(NON_DJANGO_REQUESTS))
    completed = subprocess.run([python, str(SCRIPT), work, names], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    print(f"Django {series}:", json.dumps(result), file=sys.stderr)
    return result


@pytest.mark.parametrize("series", releases("4.2", "5.2", "6.1"))
def test_every_listed_type_is_a_starlette_connection_not_a_django_request(series: str) -> None:
    found = measured(series)["types"]
    assert isinstance(found, dict)
    assert found == {name: {"imports": True, "starlette": True, "django": False} for name in NON_DJANGO_REQUESTS}


@pytest.mark.parametrize("series", releases("4.2", "5.2", "6.1"))
def test_a_fastapi_route_reads_starlette_user_and_session_without_a_sync_query(series: str) -> None:
    run = measured(series)["run"]
    assert {key: value for key, value in run.items() if key != "bare"} == {
        "login": 200, "me": 200, "seen": {"user": "ada", "session": "ada"}}  # fmt: skip


@pytest.mark.parametrize("series", releases("4.2", "5.2", "6.1"))
def test_an_unannotated_request_in_a_fastapi_route_is_a_query_parameter(series: str) -> None:
    # Why an unannotated `request` under `@router.get(...)` is left to DPL104/DPL105: in FastAPI it is no Request
    # at all (a missing query parameter answers 422), and in Django Ninja it is Django's HttpRequest.
    assert measured(series)["run"]["bare"] == 422


@pytest.mark.parametrize("series", releases("4.2", "5.2", "6.1"))
def test_a_wsgi_server_cannot_serve_django_mounted_in_a_fastapi_app(series: str) -> None:
    # Why the verdict says "ASGI required" for Django mounted in a FastAPI/Starlette app (verdict.needs_of): a WSGI
    # server calls the application as `app(environ, start_response)`; FastAPI's app takes (scope, receive, send)
    # and fails on every request, while Django's own WSGI application answers under the same server.
    wsgi = measured(series)["wsgi"]
    assert isinstance(wsgi, dict)
    assert wsgi["fastapi"] == 500
    assert wsgi["django"] == 404  # no URL patterns: Django itself answered
    assert len(wsgi["raised"]) == 1 and wsgi["raised"][0].startswith("TypeError")
