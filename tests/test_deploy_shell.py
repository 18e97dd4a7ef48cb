"""Server commands assembled in shell variables (deploy/shell.py), in the shape of Mathesar's packaged
`bin/mathesar`, beside near-misses: what the script does not assign stays unknown."""

from __future__ import annotations

import textwrap

from django_protolint.project.deploy.files import read_deployment
from django_protolint.project.deploy.shell import expanded_lines

PACKAGED_SCRIPT = """
    #!/usr/bin/env bash
    select_gunicorn() {
      if [[ "${NO_VENV}" = true ]]; then
        echo "gunicorn"
      else
        echo "${BASE_DIR}/venv/bin/gunicorn"
      fi
    }

    run() {
      local gunicorn_args
      gunicorn_args=(
        config.wsgi
        -b "0.0.0.0:8000"
        --chdir "${BASE_DIR}"
      )
      local gunicorn_bin
      gunicorn_bin=$(select_gunicorn)
      exec "$gunicorn_bin" "${gunicorn_args[@]}"
    }
"""


def lines(text: str) -> dict[int, str]:
    return dict(expanded_lines(textwrap.dedent(text).lstrip("\n")))


def test_a_command_built_from_an_array_and_a_function_is_read_whole():
    assert lines(PACKAGED_SCRIPT)[19].strip() == "exec gunicorn config.wsgi -b 0.0.0.0:8000 --chdir '${BASE_DIR}'"
    [deployment] = read_deployment("bin/mathesar.sh", textwrap.dedent(PACKAGED_SCRIPT).lstrip("\n"),
                                   lambda reference: None, "")  # fmt: skip
    assert (deployment.line, deployment.command.server, deployment.command.app) == (19, "gunicorn", "config.wsgi")


def test_variables_the_script_does_not_assign_stay_as_written():
    assert lines('exec "$SERVER" "${ARGS[@]}"\n') == {1: 'exec "$SERVER" "${ARGS[@]}"'}
    assert lines("APP=shop.wsgi\nexec gunicorn $APP $EXTRA\n") == {2: "exec gunicorn shop.wsgi $EXTRA"}


def test_an_environment_prefix_is_a_command_not_an_assignment():
    assert lines("DJANGO_SETTINGS_MODULE=shop.prod gunicorn shop.wsgi\n") == {
        1: "DJANGO_SETTINGS_MODULE=shop.prod gunicorn shop.wsgi"
    }


def test_a_value_with_spaces_is_not_split_when_quoted_in_place():
    assert lines('OPTS="-w 4 -b 0.0.0.0:8000"\nexec gunicorn shop.wsgi $OPTS\n') == {
        2: "exec gunicorn shop.wsgi -w 4 -b 0.0.0.0:8000"
    }
