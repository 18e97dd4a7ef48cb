"""action.yml, the composite GitHub Action: its shape, and each shell step run here as the runner would run it
(inputs through `env`, `bash -e` with the step's script), against a project with findings."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import BLOCKING_VIEW, write_project

ACTION_PATH = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ACTION_PATH / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def steps() -> dict[str, dict]:
    return {step["name"]: step for step in ACTION["runs"]["steps"]}


def defaults() -> dict[str, str]:
    return {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}


def resolve(value: str, inputs: dict[str, str], github: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        scope, _, name = match.group(1).partition(".")
        return {"inputs": inputs, "github": github}[scope][name]

    return EXPRESSION.sub(one, value)


def run_step(name: str, cwd: Path, inputs: dict[str, str], extra_env: dict[str, str] | None = None):
    step = steps()[name]
    assert step["shell"] == "bash"
    github = {"action_path": str(ACTION_PATH)}
    env = {**os.environ, **(extra_env or {})}
    env.update({key: resolve(str(value), inputs, github) for key, value in step.get("env", {}).items()})
    # The runner runs `bash --noprofile --norc -eo pipefail {0}` with the script in a file.
    script = cwd / f".step-{name.replace(' ', '-')}.sh"
    script.write_text(step["run"], encoding="utf-8")
    try:
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
    finally:
        script.unlink()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "repo", {"app/views.py": BLOCKING_VIEW})


@pytest.fixture
def tool_on_path(tmp_path: Path) -> dict[str, str]:
    """`django-protolint` and `python` as the install step leaves them: this interpreter's."""
    scripts = Path(sys.executable).parent
    assert (scripts / "django-protolint").exists() or shutil.which("django-protolint")
    return {"PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_the_action_is_composite_and_never_splices_inputs_into_scripts():
    assert ACTION["runs"]["using"] == "composite"
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], f"{step['name']}: inputs must reach the script through env"
    uses = [step["uses"] for step in ACTION["runs"]["steps"] if "uses" in step]
    assert any(use.startswith("github/codeql-action/upload-sarif@") for use in uses)
    assert list(steps())[-1] == "Lint (annotations)", "the step whose status fails the job comes last"


def test_install_step_installs_the_actions_own_copy_by_default(tmp_path):
    shim = tmp_path / "shim"
    shim.mkdir()
    record = tmp_path / "pip-args"
    (shim / "python").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n', encoding="utf-8")
    (shim / "python").chmod(0o755)
    env = {"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    completed = run_step("Install django-protolint", tmp_path, defaults(), env)
    assert completed.returncode == 0, completed.stderr
    args = record.read_text(encoding="utf-8").split()
    assert args[:3] == ["-m", "pip", "install"] and args[-1] == str(ACTION_PATH)
    completed = run_step("Install django-protolint", tmp_path, {**defaults(), "package": "django-protolint==0.1.0"},
                         env)  # fmt: skip
    assert record.read_text(encoding="utf-8").split()[-1] == "django-protolint==0.1.0"


def test_sarif_step_writes_a_sarif_report_and_does_not_fail(project, tool_on_path):
    completed = run_step("SARIF report", project, defaults(), tool_on_path)
    assert completed.returncode == 0, completed.stderr
    document = json.loads((project / "django-protolint.sarif").read_text(encoding="utf-8"))
    assert document["version"] == "2.1.0"
    assert [result["ruleId"] for result in document["runs"][0]["results"]] == ["DPL110"]


def test_annotation_step_prints_workflow_commands_and_fails_on_findings(project, tool_on_path):
    completed = run_step("Lint (annotations)", project, defaults(), tool_on_path)
    assert completed.returncode == 1
    assert completed.stdout.startswith("::warning file=app/views.py,line=5,")
    completed = run_step("Lint (annotations)", project, {**defaults(), "args": "--fail-level error"}, tool_on_path)
    assert completed.returncode == 0, "args reach the command line, split into options"


def test_summary_step_appends_the_verdict(project, tool_on_path, tmp_path):
    summary = tmp_path / "summary.md"
    completed = run_step(
        "Protocol-fit verdict", project, defaults(), {**tool_on_path, "GITHUB_STEP_SUMMARY": str(summary)}
    )
    # No Django project in this repository: `report` says so on stderr and the step still passes.
    assert completed.returncode == 0
    assert "no Django project found" in completed.stderr
    site = write_project(tmp_path / "site", {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
        "proj/settings.py": 'ROOT_URLCONF = "proj.urls"\n', "proj/urls.py": "urlpatterns = []\n",
        "Procfile": "web: gunicorn proj.wsgi\n",
    })  # fmt: skip
    completed = run_step(
        "Protocol-fit verdict", site, defaults(), {**tool_on_path, "GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert completed.returncode == 0, completed.stderr
    assert summary.read_text(encoding="utf-8").startswith("## Project")
