"""The `report` command's contract (exit codes, JSON, text and markdown shapes) on the deployment fixtures, and
verdicts of projects built in the tests.

What each fixture's verdict is (needs, evidence, servers, fit) was worked out by reading the fixture, and lives
with the rest of its reviewed claims in tests/claims/<fixture>.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.project.verdict import Verdict
from django_protolint.rules.base import django_project
from django_protolint.runner import lint
from tests.claims import claimed
from tests.helpers import invoke, run, write_project

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# The deployment fixtures and blogsite: each one's needs/served/fit, evidence and servers are reviewed claims in
# tests/claims/<fixture>.py (asserted by tests/test_project_snapshots.py); this file tests the `report` command.
VERDICT_FIXTURES = ["blogsite", *sorted(path.name for path in FIXTURES.iterdir() if path.name.startswith("deploy_"))]


def claimed_fit(name: str) -> str | None:
    """The reviewed fit, when the tool agrees with it (a `wrong=` claim is a strict xfail of its own)."""
    claim = claimed(name, "verdict.fit")
    return None if claim.wrong else claim.value


def verdict_of(name: str) -> Verdict:
    root = FIXTURES / name
    verdicts = lint([root], Config(), cwd=root).model.verdicts
    assert list(verdicts) == ["."]
    return verdicts["."]


@pytest.mark.parametrize("name", [name for name in VERDICT_FIXTURES if claimed_fit(name)])
def test_summary_names_the_fit_and_every_production_server(name: str):
    verdict = verdict_of(name)
    assert verdict.summary.startswith(f"Protocol fit: {claimed_fit(name).upper()} — code: ")
    for server in verdict.servers:
        assert f"{server.path}:{server.line}" in verdict.summary


def test_websocket_evidence_names_the_route():
    [evidence] = verdict_of("deploy_channels_wsgi_only").needs_evidence
    assert evidence.reason == "websocket route `ws/alerts/` → consumers.AlertConsumer.as_asgi"


def test_async_view_evidence_names_the_view():
    [evidence] = verdict_of("deploy_none").needs_evidence
    assert evidence.reason == "async view `results` awaits I/O"


def test_server_commands_are_the_normalised_command_lines():
    verdict = verdict_of("deploy_split_servers")
    assert [d.command.command for d in verdict.servers] == [
        "daphne -u /run/daphne/daphne%(process_num)d.sock --fd 0 --access-log - --proxy-headers "
        "scoreboard.asgi:application",
        "gunicorn --access-logfile - --workers 3 --bind unix:/run/gunicorn.sock scoreboard.wsgi:application",
        "gunicorn scoreboard.wsgi:application --bind 0.0.0.0:8000 --workers 4",
        "daphne --bind 0.0.0.0 --port 8001 --proxy-headers scoreboard.asgi:application",
    ]


# ============================================================================================ `report`

MISMATCH_OR_SUBOPTIMAL = [name for name in VERDICT_FIXTURES if claimed_fit(name) in ("mismatch", "suboptimal")]
FIT_OR_UNKNOWN = [name for name in VERDICT_FIXTURES if claimed_fit(name) in ("fit", "unknown")]


def report(name: str, *options: str) -> tuple[int, str]:
    result = invoke(["report", ".", *options], cwd=FIXTURES / name)
    assert result.exception is None, result.exception
    return result.exit_code, result.stdout


def test_the_exit_code_tables_cover_both_outcomes():
    assert MISMATCH_OR_SUBOPTIMAL and FIT_OR_UNKNOWN


@pytest.mark.parametrize("name", MISMATCH_OR_SUBOPTIMAL)
@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_report_exits_1_on_mismatch_or_suboptimal(name: str, output_format: str):
    assert report(name, "--format", output_format)[0] == 1


@pytest.mark.parametrize("name", FIT_OR_UNKNOWN)
@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_report_exits_0_on_fit_or_unknown(name: str, output_format: str):
    assert report(name, "--format", output_format)[0] == 0


@pytest.mark.parametrize(
    ("server", "fit", "code"),
    [
        pytest.param("asgi", "fit", 0, id="declared ASGI fits async views"),
        pytest.param("wsgi", "suboptimal", 1, id="declared WSGI is suboptimal for async views"),
        pytest.param("gunicorn", "suboptimal", 1, id="a declared server name counts as its protocol"),
    ],
)
def test_report_with_a_declared_server(server: str, fit: str, code: int):
    exit_code, out = report("deploy_none", "--format", "json", "--server", server)
    [project] = json.loads(out)["projects"]
    assert (project["verdict"]["fit"], project["verdict"]["declared_server"], exit_code) == (
        fit, "wsgi" if server == "gunicorn" else server, code
    )  # fmt: skip


def _json_verdict(name: str) -> dict:
    exit_code, out = report(name, "--format", "json")
    data = json.loads(out)
    assert list(data) == ["projects"]
    [project] = data["projects"]
    assert project["root"] == "."
    return project["verdict"]


@pytest.mark.parametrize("name", VERDICT_FIXTURES)
def test_json_verdict_contract(name: str):
    verdict = _json_verdict(name)
    assert {"needs", "needs_evidence", "served", "servers", "fit", "summary"} <= set(verdict)
    assert verdict["needs"] in ("asgi-required", "asgi-beneficial", "wsgi")
    assert verdict["served"] in ("wsgi", "asgi", "both", "unknown")
    assert verdict["fit"] in ("fit", "suboptimal", "mismatch", "unknown")
    assert isinstance(verdict["summary"], str)
    for evidence in verdict["needs_evidence"]:
        assert set(evidence) == {"path", "line", "reason"}
        assert (type(evidence["path"]), type(evidence["line"]), type(evidence["reason"])) == (str, int, str)
    for server in verdict["servers"] + verdict["development_servers"]:
        assert {"name", "protocol", "worker", "path", "line", "command"} <= set(server)
        assert isinstance(server["name"], str) and isinstance(server["command"], str)
        assert isinstance(server["line"], int) and isinstance(server["path"], str)
        assert server["protocol"] in ("wsgi", "asgi", "rsgi", "unknown")
        assert server["worker"] is None or isinstance(server["worker"], str)
        config = server["config"]  # the configuration file the server loads, when it completed the command
        assert config is None or (isinstance(config["path"], str) and isinstance(config["line"], int))


def test_json_server_record_in_full():
    [server] = _json_verdict("deploy_uvicorn_worker_missing")["servers"]
    assert server == {
        "name": "gunicorn",
        "protocol": "asgi",
        "worker": "uvicorn_worker.UvicornWorker",
        "app": "ledger.asgi:application",
        "path": "Procfile",
        "line": 2,
        "command": "gunicorn ledger.asgi:application -k uvicorn_worker.UvicornWorker --workers 3 --log-file -",
        "environment": "production",
        "environment_reason": "a platform manifest (Procfile process `web`)",
        "environment_certain": True,
        "where": "Procfile process `web`",
        "notes": [],
        "config": None,
    }


def test_report_text_shape():
    exit_code, out = report("deploy_channels_wsgi_only")
    assert exit_code == 1
    assert out.splitlines() == [
        "Project . (settings: notifier.settings)",
        "",
        claimed("deploy_channels_wsgi_only", "verdict.summary").value,
        "",
        "What the code needs:",
        "  - alerts/routing.py:6: websocket route `ws/alerts/` → consumers.AlertConsumer.as_asgi",
        "What serves it:",
        "  - gunicorn (wsgi, worker sync) at Dockerfile:19 [production, Dockerfile CMD]: "
        "`gunicorn notifier.wsgi:application --bind 0.0.0.0:8000 --workers 3`",
        "      production (unsure): no development sign, so taken as production",
        "  - runserver (wsgi) at docker-compose.yml:17 [development, compose service `dev`]: "
        "`manage.py runserver 0.0.0.0:8000`",
        "      development: the service name `dev` marks development",
        "Settings: notifier/asgi.py:8 sets DJANGO_SETTINGS_MODULE=notifier.settings",
        "Recommendation: `daphne notifier.asgi:application`",
    ]


def test_report_text_without_deployment_files_says_how_to_declare_the_server():
    exit_code, out = report("deploy_none")
    assert exit_code == 0
    assert "  - no deployment file found (declare the server with --server)" in out.splitlines()
    assert "Recommendation:" not in out


def test_report_markdown_shape():
    exit_code, out = report("deploy_uwsgi_async", "--format", "markdown")
    lines = out.splitlines()
    assert exit_code == 1
    assert lines[0] == "## Project . (settings: pricewatch.settings)"
    assert f"**{verdict_of('deploy_uwsgi_async').summary}**" in lines
    headings = [line for line in lines if line.startswith("### ")]
    assert headings == ["### What the code needs", "### What serves it", "### Settings", "### Recommendation"]
    assert "- uwsgi (wsgi) at uwsgi.ini:1 [production, uWSGI ini]: `uwsgi --ini uwsgi.ini`" in lines
    assert lines[-1] == "- `uvicorn pricewatch.asgi:application` (add `uvicorn` to the dependencies)"


def test_report_markdown_without_a_recommendation_has_no_recommendation_heading():
    _, out = report("deploy_split_servers", "--format", "markdown")
    assert "### Recommendation" not in out
    # one needs line, five servers, two nginx routes and where the websocket route goes, the settings line
    assert out.count("\n- ") == 1 + 5 + 3 + 1
    assert "### Routes (reverse proxy)" in out


# ============================================================================================ a server on the wrong app

SYNC_VIEW = "def index(request):\n    return None\n"
AWAITING_VIEW = "import asyncio\n\n\nasync def index(request):\n    await asyncio.sleep(0)\n"


@pytest.mark.parametrize(
    ("views", "procfile", "needs", "codes"),
    [
        pytest.param(
            "",
            "web: gunicorn proj.asgi:application",
            "wsgi",
            {"DPL506"},
            id="gunicorn sync on asgi.py with no views: DPL506 alone, no websocket claim",
        ),  # fmt: skip
        pytest.param(
            SYNC_VIEW,
            "web: gunicorn proj.asgi:application",
            "wsgi",
            {"DPL506"},
            id="gunicorn sync on asgi.py with sync views: DPL506 alone",
        ),  # fmt: skip
        pytest.param(
            SYNC_VIEW,
            "web: uvicorn proj.wsgi:application",
            "wsgi",
            {"DPL506"},
            id="uvicorn on wsgi.py with sync views: DPL506 alone",
        ),  # fmt: skip
        pytest.param(
            AWAITING_VIEW,
            "web: gunicorn proj.asgi:application",
            "asgi-beneficial",
            {"DPL506"},
            id="gunicorn sync on asgi.py with async views: DPL506 alone, the stronger",
        ),  # fmt: skip
    ],
)
def test_server_on_the_wrong_app_is_a_mismatch_reported_by_dpl506(
    tmp_path: Path, views: str, procfile: str, needs: str, codes: set[str]
):
    entry_points = {f"proj__{kind}_py": f"application = object()  # {kind}\n" for kind in ("asgi", "wsgi")}
    files = django_project(views, routes=("index",) if views else (), Procfile=procfile + "\n", **entry_points)
    report = run(write_project(tmp_path, files))
    verdict = report.model.verdicts["."]
    assert (verdict.needs, verdict.fit) == (needs, "mismatch")
    assert {(f.path, f.span.line, f.code) for f in report.findings} == {("Procfile", 1, code) for code in codes}


EVENT_STREAM = (
    "import asyncio\nfrom django.http import StreamingHttpResponse\n\n"
    "async def ticks():\n    while True:\n        yield 'data: tick\\n\\n'\n        await asyncio.sleep(1)\n\n"
    "async def events(request):\n    return StreamingHttpResponse(ticks(), content_type='text/event-stream')\n"
)


def lint_event_stream(tmp_path):
    files = django_project(EVENT_STREAM, routes=("events",), Procfile="web: gunicorn proj.wsgi:application\n")
    return run(write_project(tmp_path / "p", files))


def test_async_event_stream_requires_asgi(tmp_path):
    (verdict,) = lint_event_stream(tmp_path).model.verdicts.values()
    assert verdict.needs == "asgi-required" and verdict.fit == "mismatch"
    assert any("async generator `ticks`" in evidence.reason for evidence in verdict.needs_evidence)
    assert "1 async stream" in verdict.summary


def test_stream_only_mismatch_is_reported_at_the_stream_not_as_websockets(tmp_path):
    codes = {f.code for f in lint_event_stream(tmp_path).findings}
    assert "DPL509" in codes and "DPL501" not in codes
