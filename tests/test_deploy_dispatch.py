"""`CMD ["gunicorn"]` given to an ENTRYPOINT script that dispatches on `case "$1" in`: the server is what the arm
runs (baserow's backend image), not a bare WSGI gunicorn."""

from __future__ import annotations

import textwrap

import pytest

from django_protolint.project.deploy.dispatch import dispatched
from django_protolint.project.deploy.files import Deployment, read_deployment

# baserow backend/docker/docker-entrypoint.sh's shape: a help text in a multi-line string, a function that picks the
# app by its own `$1`, arms that pass the rest of the arguments on with "${@:2}".
ENTRYPOINT = r'''#!/bin/bash
set -euo pipefail

show_help() {
    echo """
Commands:
gunicorn      : Start the backend with gunicorn (ASGI)
gunicorn-wsgi : Start the backend with gunicorn (WSGI)
"""
}

run_backend_server(){
  wait_for_postgres
  if [[ -n "$SECURE_PROXY" ]]; then
    EXTRA_ARGS=(--forwarded-allow-ips='*')
  else
    EXTRA_ARGS=()
  fi

  if [[ "$1" = "wsgi" ]]; then
    STARTUP_ARGS=(shop.wsgi:application)
  elif [[ "$1" = "asgi" ]]; then
    STARTUP_ARGS=(-k uvicorn.workers.UvicornWorker shop.asgi:application)
  else
    echo "Unknown run_backend_server argument $1" >&2
    exit 1
  fi
  exec gunicorn --workers="$WORKERS" \
    "${EXTRA_ARGS[@]}" \
    -b 0.0.0.0:8000 \
    "${STARTUP_ARGS[@]}" \
    "${@:2}"
}

case "$1" in
    django-dev)
        exec python manage.py runserver 0.0.0.0:8000
    ;;
    gunicorn)
      run_backend_server asgi "${@:2}"
    ;;
    gunicorn-wsgi)
      run_backend_server wsgi "${@:2}"
    ;;
    celery-worker)
      exec celery -A shop worker -l INFO
    ;;
    *)
        echo "Command given was $*"
        show_help
        exit 1
    ;;
esac
'''


@pytest.mark.parametrize(
    ("arguments", "label", "expected"),
    [
        pytest.param(["gunicorn"], "gunicorn", ("asgi", "shop.asgi:application"), id="arm-calls-function-asgi"),
        pytest.param(
            ["gunicorn-wsgi", "--timeout", "120"],
            "gunicorn-wsgi",
            ("wsgi", "shop.wsgi:application"),
            id="arm-calls-function-wsgi-with-extra-arguments",
        ),
        pytest.param(["django-dev"], "django-dev", ("wsgi", None), id="runserver-arm"),
        pytest.param(["celery-worker"], "celery-worker", None, id="an-arm-that-starts-no-server"),
        pytest.param(["anything"], "*", None, id="the-default-arm-prints-help"),
    ],
)
def test_the_arm_the_first_argument_selects(arguments: list[str], label: str, expected: tuple | None):
    found = dispatched(ENTRYPOINT, arguments)
    assert found is not None and found.label == label
    assert (None if found.server is None else (found.server.protocol, found.server.app)) == expected


def test_extra_arguments_reach_the_server():
    found = dispatched(ENTRYPOINT, ["gunicorn-wsgi", "--timeout", "120"])
    assert found is not None and found.server is not None
    assert found.server.command.endswith("shop.wsgi:application --timeout 120")


def test_a_script_without_a_case_on_its_first_argument_dispatches_nothing():
    assert dispatched('#!/bin/sh\npython manage.py migrate\nexec "$@"\n', ["gunicorn"]) is None
    assert dispatched('case "$MODE" in\n  web) exec gunicorn a.wsgi ;;\nesac\n', ["web"]) is None
    assert dispatched(ENTRYPOINT, []) is None


def test_labels_alternatives_quotes_and_one_line_arms():
    script = 'case "${1:-}" in\n  "web"|serve) exec uvicorn shop.asgi:app ;;\n  *) exec "$@" ;;\nesac\n'
    for word in ("web", "serve"):
        found = dispatched(script, [word])
        assert found is not None and found.server is not None and found.server.server == "uvicorn"
    # the default arm running its arguments keeps the CMD as the command
    other = dispatched(script, ["gunicorn", "shop.wsgi"])
    assert other is not None and other.label == "*" and other.server is not None
    assert (other.server.server, other.server.app) == ("gunicorn", "shop.wsgi")


def test_an_arm_that_does_not_exec_goes_on_after_esac():
    script = 'case "$1" in\n  migrate) python manage.py migrate ;;\n  *) echo "starting $1" ;;\nesac\nexec "$@"\n'
    found = dispatched(script, ["gunicorn", "shop.wsgi"])
    assert found is not None and found.label == "*" and found.server is not None
    assert (found.server.server, found.server.app) == ("gunicorn", "shop.wsgi")
    # an arm that exits does not
    ending = script.replace('*) echo "starting $1" ;;', '*) echo "unknown $1"; exit 1 ;;')
    found = dispatched(ending, ["gunicorn", "shop.wsgi"])
    assert found is not None and found.server is None


def test_an_arm_that_runs_a_project_script_is_followed():
    script = 'case "$1" in\n  web) exec /app/bin/start-web.sh ;;\n  worker) exec celery -A shop worker ;;\nesac\n'
    start = "#!/bin/sh\nexec gunicorn shop.asgi:application -k uvicorn_worker.UvicornWorker\n"

    def lookup(reference: str) -> str | None:
        return start if reference.endswith("start-web.sh") else None

    found = dispatched(script, ["web"], lookup)
    assert found is not None and found.server is not None and found.server.protocol == "asgi"
    assert dispatched(script, ["web"]) == dispatched(script, ["web"], lambda reference: None)  # unread: no server


def _rows(dockerfile: str, scripts: dict[str, str]) -> list[tuple[object, ...]]:
    def lookup(reference: str) -> str | None:
        return scripts.get(reference.rsplit("/", 1)[-1])

    entries = read_deployment("backend/Dockerfile", textwrap.dedent(dockerfile).lstrip("\n"), lookup)
    return [(e.line, e.command.server, e.command.protocol, e.command.app) for e in entries if isinstance(e, Deployment)]


BASEROW_DOCKERFILE = """
FROM debian:bookworm-slim AS core
COPY backend/docker/docker-entrypoint.sh /baserow/backend/docker/docker-entrypoint.sh
ENTRYPOINT ["/usr/bin/tini", "--", "/bin/bash", "/baserow/backend/docker/docker-entrypoint.sh"]

FROM core AS local
CMD ["gunicorn"]
"""


def test_a_cmd_that_names_an_entrypoint_arm_is_served_by_that_arm():
    assert _rows(BASEROW_DOCKERFILE, {"docker-entrypoint.sh": ENTRYPOINT}) == [
        (6, "gunicorn", "asgi", "shop.asgi:application")
    ]


def test_the_dispatch_note_names_the_arm():
    entries = read_deployment("Dockerfile", textwrap.dedent(BASEROW_DOCKERFILE).lstrip("\n"),
                              lambda reference: ENTRYPOINT if reference.endswith(".sh") else None)  # fmt: skip
    [deployment] = [entry for entry in entries if isinstance(entry, Deployment)]
    assert deployment.command.notes[-1] == (
        "`gunicorn` is a sub-command of the ENTRYPOINT script `docker-entrypoint.sh`: its `gunicorn)` arm "
        "(line 39) starts this"
    )


def test_a_sub_command_that_starts_no_server_is_no_deployment():
    text = BASEROW_DOCKERFILE.replace('CMD ["gunicorn"]', 'CMD ["celery-worker"]')
    assert _rows(text, {"docker-entrypoint.sh": ENTRYPOINT}) == []


def test_an_unread_entrypoint_script_leaves_a_bare_server_word_unknown():
    assert _rows(BASEROW_DOCKERFILE, {}) == [(6, "gunicorn", "unknown", None)]


def test_near_miss_without_entrypoint_a_cmd_with_its_app_stays_wsgi_gunicorn():
    text = 'FROM python:3.12\nCMD ["gunicorn", "app.wsgi"]\n'
    assert _rows(text, {}) == [(2, "gunicorn", "wsgi", "app.wsgi")]


def test_near_miss_an_unread_entrypoint_script_keeps_a_cmd_that_names_its_app():
    text = 'FROM python:3.12\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["gunicorn", "app.wsgi"]\n'
    assert _rows(text, {}) == [(3, "gunicorn", "wsgi", "app.wsgi")]


def test_near_miss_an_entrypoint_that_execs_its_arguments_keeps_the_cmd():
    text = 'FROM python:3.12\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["gunicorn"]\n'
    script = '#!/bin/sh\nset -e\npython manage.py migrate --noinput\nexec "$@"\n'
    assert _rows(text, {"docker-entrypoint.sh": script}) == [(3, "gunicorn", "wsgi", None)]


# ============================================================================ Helm values: `args` to a built image

VALUES = """\
backend-asgi:
  image:
    repository: backend
  args:
    - "gunicorn"
backend-wsgi:
  image: registry.example.com/shop/backend:1.4
  args: [gunicorn-wsgi]
worker:
  image:
    repository: backend
  args: [celery-worker]
"""


def _helm(texts: dict[str, str]) -> list[tuple[object, ...]]:
    from django_protolint.project.deploy.images import image_arguments

    def lookup(reference: str) -> str | None:
        return texts.get(reference.removeprefix("/app/"))

    return [(d.path, d.line, d.command.protocol, d.command.app, d.certain)
            for d in image_arguments(texts, lookup)]  # fmt: skip


HELM_TREE = {
    "deploy/helm/shop/Chart.yaml": "apiVersion: v2\nname: shop\n",
    "deploy/helm/shop/values.yaml": VALUES,
    "backend/Dockerfile": 'FROM python:3.12\nENTRYPOINT ["/app/backend/entrypoint.sh"]\nCMD ["gunicorn"]\n',
    "backend/entrypoint.sh": ENTRYPOINT,
}


def test_helm_args_select_arms_of_the_images_entrypoint():
    assert _helm(HELM_TREE) == [
        ("deploy/helm/shop/values.yaml", 4, "asgi", "shop.asgi:application", False),
        ("deploy/helm/shop/values.yaml", 8, "wsgi", "shop.wsgi:application", False),
    ]


def test_near_miss_values_outside_a_chart_are_not_read():
    tree = {path: text for path, text in HELM_TREE.items() if not path.endswith("Chart.yaml")}
    assert _helm(tree) == []


def test_near_miss_an_image_two_dockerfiles_could_build_is_not_matched():
    assert _helm({**HELM_TREE, "legacy/backend/Dockerfile": "FROM python:3.12\nCMD gunicorn old.wsgi\n"}) == []


def test_near_miss_a_command_replaces_the_entrypoint():
    values = VALUES.replace('  args:\n    - "gunicorn"', '  command: ["/bin/sh"]\n  args:\n    - "gunicorn"')
    assert [row[1] for row in _helm({**HELM_TREE, "deploy/helm/shop/values.yaml": values})] == [9]
