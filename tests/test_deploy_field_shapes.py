"""Deployment shapes found in the field corpus (field/review/), each beside a near-miss."""

from __future__ import annotations

import textwrap

from django_protolint.project.deploy.base import DeployProblem
from tests.helpers import deployment_entries, deployments_in, run, write_project


def servers(path: str, text: str) -> list[tuple[int, str, str, str | None]]:
    return [(d.line, d.where, d.command.protocol, d.command.app) for d in deployments_in(path, text)]


UWSGI_WITH_DAPHNE = """
[uwsgi]
; Start Redis first
attach-daemon = redis-server
attach-daemon = celery -A shop worker
attach-daemon = daphne -b 0.0.0.0 -p 8001 shop.asgi:application
module = shop.wsgi:application
master = true
"""


def test_uwsgi_attach_daemon_starts_a_second_server():
    # Dispatcharr's docker/uwsgi.ini: daphne for /ws/ beside the WSGI workers, one file
    assert servers("docker/uwsgi.ini", UWSGI_WITH_DAPHNE) == [
        (1, "uWSGI ini", "wsgi", "shop.wsgi:application"),
        (5, "uWSGI attach-daemon", "asgi", "shop.asgi:application"),
    ]


def test_uwsgi_attach_daemon_of_workers_only_adds_no_server():
    text = UWSGI_WITH_DAPHNE.replace("attach-daemon = daphne -b 0.0.0.0 -p 8001 shop.asgi:application\n", "")
    assert [where for _, where, _, _ in servers("docker/uwsgi.ini", text)] == ["uWSGI ini"]


def test_the_split_uwsgi_deployment_serves_websockets(tmp_path):
    files = {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
        "shop/settings.py": "ROOT_URLCONF = 'shop.urls'\nINSTALLED_APPS = ['channels']\nASGI_APPLICATION = 'shop.asgi.application'\n",
        "shop/urls.py": "urlpatterns = []\n",
        "shop/asgi.py": textwrap.dedent("""
            from channels.routing import ProtocolTypeRouter, URLRouter
            from django.core.asgi import get_asgi_application
            from django.urls import path
            from shop.consumers import Chat

            application = ProtocolTypeRouter({"http": get_asgi_application(),
                                              "websocket": URLRouter([path("ws/", Chat.as_asgi())])})
        """),
        "shop/consumers.py": "from channels.generic.websocket import AsyncWebsocketConsumer\n\n"
        "class Chat(AsyncWebsocketConsumer):\n    pass\n",
        "requirements.txt": "django==5.2\nchannels==4.3.2\ndaphne==4.2.1\n",
        "docker/uwsgi.ini": textwrap.dedent(UWSGI_WITH_DAPHNE).lstrip("\n"),
    }
    report = run(write_project(tmp_path, files))
    [verdict] = report.model.verdicts.values()
    assert (verdict.needs, verdict.served, verdict.fit) == ("asgi-required", "both", "fit")
    assert not [f for f in report.findings if f.code == "DPL501"]
    without = {**files, "docker/uwsgi.ini": files["docker/uwsgi.ini"].replace("attach-daemon = daphne", "; daphne")}
    report = run(write_project(tmp_path / "near-miss", without))
    assert [f.code for f in report.findings if f.code == "DPL501"] == ["DPL501"]


COOKIECUTTER_PROCFILE = """
release: python manage.py migrate
{%- if cookiecutter.use_async == "y" %}
web: gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker
{%- else %}
web: gunicorn config.wsgi:application
{%- endif %}
"""


def test_template_tags_in_a_procfile_are_no_lines_and_each_arm_is_unsure():
    found = deployment_entries("{{cookiecutter.project_slug}}/Procfile", COOKIECUTTER_PROCFILE)
    assert not [entry for entry in found if isinstance(entry, DeployProblem)]
    assert [(d.line, d.command.protocol, d.certain) for d in found] == [(3, "asgi", False), (5, "wsgi", False)]
    # No cookiecutter.json to choose with: the first arm stands for the file, the other is its alternative (an arm
    # is never a second server: tests/test_templates.py)
    assert [d.alternative for d in found] == ["", 'not cookiecutter.use_async == "y"']


def test_a_procfile_line_without_a_process_name_is_still_malformed():
    found = deployment_entries("Procfile", "web: gunicorn shop.wsgi\n{ broken\n")
    assert [(entry.kind, entry.line) for entry in found if isinstance(entry, DeployProblem)] == [("procfile", 2)]


def test_compose_merge_tags_are_valid_yaml():
    # DefectDojo's docker-compose.override.unit_tests.yml
    text = """
    services:
      nginx: !reset
      uwsgi:
        entrypoint: !override ['/wait-for-it.sh', 'db:5432', '--', 'gunicorn', 'dojo.wsgi']
    """
    found = deployment_entries("docker-compose.override.unit_tests.yml", text)
    assert [(type(entry).__name__, getattr(entry, "line", None)) for entry in found] == [("Deployment", 4)]
    assert found[0].command.app == "dojo.wsgi"


def test_broken_compose_yaml_is_still_a_problem():
    found = deployment_entries("docker-compose.yml", "services:\n  web: [unclosed\n")
    assert [entry.kind for entry in found if isinstance(entry, DeployProblem)] == ["parse"]


# ---------------------------------------------------------------------------------------------- commands built in Python

ENTRYPOINT_TABLE = """
KNOWN_COMMANDS = {
    "runserver": ["python", "server/manage.py", "runserver", "0.0.0.0:8000"],
    "gunicorn": ["gunicorn", "--worker-tmp-dir", "/dev/shm", "--config", CONF, "--chdir", "/srv", "server.wsgi"],
    "celery": ["celery", "-A", "server", "worker"],
}
"""
MANAGEMENT_COMMAND = """
import subprocess
import sys


class Command:
    def handle(self, port):
        cmd = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", self.addr, "--port", str(port)]
        cmd += ["shop.asgi:application"]
        subprocess.Popen(cmd)
"""
SUPERVISOR_PROGRAM = """
SERVER = lambda host, port: {
    "command": join([sys.executable, "-m", "daphne", f"--bind={host}", f"--port={port}", "shop.asgi:application"]),
}
"""


def _python_servers(tmp_path, name: str, source: str) -> list[tuple[str, str, str, bool]]:
    report = run(write_project(tmp_path, {name: textwrap.dedent(source)}))
    return [(d.command.server, d.command.protocol, d.environment, d.certain) for d in report.model.deployments]


def test_a_launcher_table_of_commands_is_read(tmp_path):
    # zentral's docker-entrypoint.py: the image's entrypoint picks one of these by name
    assert _python_servers(tmp_path, "docker-entrypoint.py", ENTRYPOINT_TABLE) == [
        ("gunicorn", "wsgi", "production", False)
    ]


def test_a_management_command_that_starts_granian_is_read(tmp_path):
    # fiduswriter's own `runserver` command
    assert _python_servers(tmp_path, "shop/management/commands/runserver.py", MANAGEMENT_COMMAND) == [
        ("granian", "asgi", "production", False)
    ]


def test_a_supervisor_program_built_in_python_is_read(tmp_path):
    # archivebox's supervisord_util.py
    assert _python_servers(tmp_path, "shop/workers.py", SUPERVISOR_PROGRAM) == [("daphne", "asgi", "production", False)]


def test_lists_that_only_name_servers_start_nothing(tmp_path):
    source = (
        'SERVERS = ["gunicorn", "uvicorn", "daphne"]\nINSTALL = ["pip", "install", "gunicorn", "--upgrade"]\n'
        'MIGRATE = ["python", "manage.py", "migrate", "--noinput"]\n'
    )
    assert _python_servers(tmp_path, "tools.py", source) == []


def test_a_command_list_in_a_test_file_is_development(tmp_path):
    assert _python_servers(tmp_path, "tests/test_server.py", MANAGEMENT_COMMAND) == [
        ("granian", "asgi", "development", True)
    ]
