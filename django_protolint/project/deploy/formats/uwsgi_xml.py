"""uWSGI's XML configuration."""

from __future__ import annotations

from django_protolint.project.deploy import uwsgi
from django_protolint.project.deploy.base import DeploymentFormat, Found, ScriptLookup, basename


def read_uwsgi_xml(path: str, text: str, scripts: ScriptLookup) -> Found:
    return uwsgi.read_xml(path, text)


FORMAT = DeploymentFormat("uWSGI XML", lambda path: path.lower().endswith(".xml") and "uwsgi" in basename(path).lower(),
                          read_uwsgi_xml)  # fmt: skip
