"""A template's undecidable `{% if %}` that is a development switch (awx's `{% if kube_dev | bool %}`) is read as
off: the arm it does not guard is the production rendering. Any other undecidable condition keeps the first arm."""

from __future__ import annotations

import pytest

from django_protolint.project.deploy.base import Deployment, DeployProblem
from django_protolint.project.deploy.files import read_deployment
from django_protolint.project.deploy.project import image_copies
from django_protolint.source.template import defaults_of, development_switch, render


@pytest.mark.parametrize(
    ("condition", "off"),
    [
        pytest.param("kube_dev | bool", False, id="awx-kube-dev-filtered"),
        pytest.param("debug", False, id="debug"),
        pytest.param("use_reloader", False, id="werkzeug-use-reloader"),
        pytest.param("useLocalServer", False, id="camel-case-words"),
        pytest.param("not kube_dev | bool", True, id="negated-switch-is-production"),
        pytest.param("env == 'development'", False, id="compared-to-a-development-value"),
        pytest.param("env != 'dev'", True, id="not-equal-to-dev"),
        pytest.param("DEBUG == 'False'", True, id="debug-compared-to-false"),
        pytest.param("(build_dev | bool) or (kube_dev | bool)", False, id="either-switch"),
        pytest.param("kube_dev and ssl", False, id="and-with-the-switch"),
        pytest.param("not debug or ssl", True, id="or-with-the-switch-off"),
    ],
)
def test_a_development_switch_and_its_value_with_the_switch_off(condition: str, off: bool):
    assert development_switch(condition) is off


@pytest.mark.parametrize(
    "condition",
    [
        pytest.param("device_type", id="device-is-not-dev"),
        pytest.param("devops_user == 'root'", id="devops-is-not-dev"),
        pytest.param("localhost_only", id="localhost-is-not-local"),
        pytest.param("use_tls | bool", id="no-switch-word"),
        pytest.param("kube_dev or ssl", id="or-with-another-unknown"),
        pytest.param("cookiecutter.use_async == 'y'", id="cookiecutter-option"),
        pytest.param("x | bool(", id="bad-syntax"),
    ],
)
def test_not_a_development_switch(condition: str):
    assert development_switch(condition) is None


SUPERVISOR = """\
[program:uwsgi]
{% if kube_dev | bool %}
command = make uwsgi
{% else %}
command = /venv/bin/uwsgi --module relay.wsgi:application
{% endif %}
"""


def _servers(path: str, text: str) -> list[tuple[int, str, bool]]:
    found = read_deployment(path, text, lambda reference: None, "", None)
    assert not [entry for entry in found if isinstance(entry, DeployProblem)]
    return [(d.line, d.command.server, d.certain) for d in found if isinstance(d, Deployment) and not d.alternative]


def test_a_development_switch_takes_the_else_arm_unsure():
    assert _servers("roles/web/templates/supervisor.conf.j2", SUPERVISOR) == [(5, "uwsgi", False)]
    rendering = render(SUPERVISOR, defaults_of(None))
    assert "make uwsgi" not in rendering.text and "relay.wsgi" in rendering.text
    assert rendering.assumptions == ["`kube_dev | bool` could not be evaluated: a development switch, taken as off"]


def test_a_negated_development_switch_takes_its_own_arm():
    text = SUPERVISOR.replace("kube_dev | bool", "not kube_dev | bool")
    assert _servers("roles/web/templates/supervisor.conf.j2", text) == []  # `make uwsgi`, no Makefile to follow
    assert "make uwsgi" in render(text, defaults_of(None)).text


def test_an_undecidable_switch_that_is_no_development_switch_keeps_the_first_arm():
    text = SUPERVISOR.replace("kube_dev | bool", "use_tls | bool").replace(
        "make uwsgi", "/venv/bin/daphne relay.asgi:app"
    )
    assert _servers("roles/web/templates/supervisor.conf.j2", text) == [(3, "daphne", False)]


def test_device_type_is_no_development_switch():
    text = SUPERVISOR.replace("kube_dev | bool", "device_type").replace("make uwsgi", "/venv/bin/daphne relay.asgi:app")
    assert _servers("roles/web/templates/supervisor.conf.j2", text) == [(3, "daphne", False)]


def test_an_elif_after_a_development_switch_is_evaluated_like_any_arm():
    text = "{% if debug %}\nfirst\n{% elif 1 == 1 %}\nsecond\n{% else %}\nthird\n{% endif %}\n"
    assert render(text, defaults_of(None)).text.split() == ["second"]


def test_image_copies_map_an_image_path_to_the_repository_file():
    texts = {
        "tools/role/templates/Dockerfile.j2": "ADD tools/role/files/uwsgi.ini /etc/relay/uwsgi.ini\n"
        "COPY --chown=app:app deploy/gunicorn.conf.py /etc/app/\nADD {{ dest }}/x.conf /etc/x.conf\n",
        "tools/role/files/uwsgi.ini": "[uwsgi]\n",
        "deploy/gunicorn.conf.py": "",
    }
    assert image_copies(texts) == {
        "/etc/relay/uwsgi.ini": "tools/role/files/uwsgi.ini",
        "/etc/app/gunicorn.conf.py": "deploy/gunicorn.conf.py",
    }


def test_image_copies_ignore_files_the_repository_lacks():
    assert image_copies({"Dockerfile": "COPY uwsgi.ini /etc/uwsgi.ini\n"}) == {}
