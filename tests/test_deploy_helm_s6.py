"""Helm charts and s6-overlay services (issue 12 §2, §3), each beside a near-miss."""

from __future__ import annotations

from django_protolint.project.deploy.base import PRODUCTION, DeployProblem
from django_protolint.project.deploy.files import read_deployment
from tests.helpers import deployment_entries

HELM_DEPLOYMENT = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ include "shop.fullname" . }}
      labels:
        {{- include "shop.labels" . | nindent 4 }}
    spec:
      replicas: {{ .Values.replicaCount }}
      template:
        spec:
          containers:
            - name: web
              image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
              {{- if .Values.asgi }}
              command: ["daphne", "-b", "0.0.0.0", "shop.asgi:application"]
              {{- else }}
              command: ["gunicorn", "shop.wsgi", "-b", "0.0.0.0:8000"]
              {{- end }}
              {{- with .Values.resources }}
              resources:
                {{- toYaml . | nindent 12 }}
              {{- end }}
"""


def test_a_helm_template_is_read_with_its_values_unknown_and_its_first_arm():
    [found] = deployment_entries("charts/shop/templates/deployment.yaml", HELM_DEPLOYMENT)
    assert (found.line, found.command.server, found.environment, found.certain) == (15, "daphne", PRODUCTION, False)
    assert "Helm/Go template" in found.why


def test_a_template_that_is_no_yaml_even_read_so_is_no_evidence_and_no_problem():
    assert deployment_entries("charts/shop/templates/deployment.yaml", "spec: {{ .Values.x\n  - [\n") == []


def test_plain_broken_yaml_is_still_a_problem():
    [problem] = deployment_entries("k8s/deployment.yaml", "spec:\n  - [\n")
    assert isinstance(problem, DeployProblem)


def test_an_s6_overlay_service_runs_its_server_as_its_user():
    run = "#!/command/execlineb -P\nwith-contenv\ns6-setuidgid app\ngunicorn shop.wsgi -b 0.0.0.0:8000\n"
    [found] = deployment_entries("docker/rootfs/etc/s6-overlay/s6-rc.d/web/run", run)
    assert (found.line, found.command.server, found.where) == (4, "gunicorn", "s6-overlay service `web`")
    one_line = "#!/usr/bin/with-contenv sh\nexec s6-setuidgid app daphne -b 0.0.0.0 shop.asgi:application\n"
    [found] = deployment_entries("root/etc/services.d/ws/run", one_line)
    assert (found.command.server, found.command.app) == ("daphne", "shop.asgi:application")


def test_a_run_script_outside_an_s6_service_directory_is_a_shell_script():
    [found] = deployment_entries("scripts/run", "exec gunicorn shop.wsgi\n")
    assert found.where == "shell script"


# A production file that runs a Makefile target: the target's recipe is the server, reported once, at the file.
MAKEFILE = "serve:\n\tgunicorn shop.wsgi -b 0.0.0.0:8000\n\ndev:\n\tpython manage.py runserver\n"


def test_a_dockerfile_running_a_make_target_serves_its_recipe(tmp_path):
    from tests.helpers import run, write_project

    files = {
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
        "shop/__init__.py": "",
        "shop/settings.py": "ROOT_URLCONF = 'shop.urls'\n",
        "shop/urls.py": "urlpatterns = []\n",
        "shop/wsgi.py": "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n",
        "Makefile": MAKEFILE,
        "Dockerfile": 'FROM python:3.12\nCMD ["make", "serve"]\n',
    }
    [verdict] = run(write_project(tmp_path, files)).model.verdicts.values()
    assert [(d.path, d.command.server) for d in verdict.servers] == [("Dockerfile", "gunicorn")]
    assert [(d.path, d.line) for d in verdict.development_servers] == [("Makefile", 5)]


def test_make_with_another_target_or_no_makefile_serves_nothing():
    dockerfile = 'FROM python:3.12\nCMD ["make", "migrate"]\n'
    with_makefile = read_deployment("Dockerfile", dockerfile, lambda name: MAKEFILE if name == "Makefile" else None, "")
    assert with_makefile == [] and deployment_entries("Dockerfile", 'FROM python:3.12\nCMD ["make", "serve"]\n') == []
