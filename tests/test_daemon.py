"""The resident engine for the command line (daemon.py): its answer is what `check` prints, byte for byte.

Each case runs the same command line twice on a copy of a fixture, after the same edits on disk: once answered
by a daemon (its engine brought up to date with the disk: files edited, added, removed), once as a plain run, and
compares standard output, standard error and the exit status.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from django_protolint import daemon, runner
from django_protolint.output import FORMATS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "blogsite"
    shutil.copytree(FIXTURES / "blogsite", root)
    monkeypatch.setenv("DJANGO_PROTOLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(daemon.NO_DAEMON, raising=False)
    monkeypatch.chdir(root)
    return root


def _request(argv: list[str], root: Path) -> dict[str, object]:
    return {"version": daemon.__version__, "argv": argv, "cwd": str(root), "env": dict(os.environ),
            "stdout_tty": False, "stderr_tty": False}  # fmt: skip


def _here(argv: list[str], root: Path) -> dict[str, object]:
    """The same command line, run in this process without any daemon."""
    stdout, stderr = daemon._Capture(False), daemon._Capture(False)
    with daemon._as_caller(str(root), dict(os.environ), stdout, stderr):
        code = daemon._run_command(argv)
    return {"stdout": stdout.getvalue(), "stderr": stderr.getvalue(), "code": code}


def _answered(resident: daemon.Daemon, argv: list[str], root: Path) -> dict[str, object]:
    runner.RESIDENT = resident.resident
    try:
        return resident.answer(_request(argv, root))
    finally:
        runner.RESIDENT = None


COMMANDS = [
    ["check"],
    ["check", "--output-format", "concise"],
    ["check", "--output-format", "json"],
    ["check", "--output-format", "sarif"],
    ["check", "--statistics"],
    ["check", "--select", "DPL1", "--show-fixes"],
    ["check", "--report-only", "articles/views.py"],
    ["check", "--fail-level", "error", "--exit-zero"],
]

EDITS = [
    ("articles/views.py", lambda text: text + "\n\nasync def slow(request):\n    time.sleep(1)\n"),
    ("articles/services.py", lambda text: text.replace("def slugify_title(title):", "async def slugify_title(title):")),
    ("articles/tasks.py", lambda text: "import time\n\n\nasync def job():\n    time.sleep(1)\n"),
    ("Procfile", lambda text: text.replace("gunicorn blogsite.wsgi:application --workers 3",
                                           "uvicorn blogsite.asgi:application")),
    ("requirements.txt", lambda text: text.replace("Django>=4.2,<5.0", "Django>=5.2,<6.0")),
    ("articles/tasks.py", None),  # removed
]  # fmt: skip


def test_the_daemon_answers_what_check_prints_after_each_edit(project: Path) -> None:
    resident = daemon.Daemon(project)
    for step in range(len(EDITS) + 1):
        if step:
            relative, change = EDITS[step - 1]
            target = project / relative
            if change is None:
                target.unlink()
            else:
                target.write_text(change(target.read_text(encoding="utf-8") if target.exists() else ""),
                                  encoding="utf-8")  # fmt: skip
            time.sleep(0.01)
        for argv in COMMANDS:
            answer = _answered(resident, argv, project)
            assert answer == _here(argv, project), (step, argv)
    assert resident.workspace is not None  # the engine answered: no run fell back to the pipeline
    assert resident.workspace.files_analysed < 3 * len(list(project.rglob("*.py")))


@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_every_output_format_through_the_daemon(project: Path, output_format: str) -> None:
    resident = daemon.Daemon(project)
    for argv in (["check", "--output-format", output_format], ["check", "--statistics", "--output-format",
                                                                output_format]):  # fmt: skip
        assert _answered(resident, argv, project) == _here(argv, project), argv


def test_another_configuration_gets_its_own_engine(project: Path) -> None:
    resident = daemon.Daemon(project)
    before = _answered(resident, ["check", "--output-format", "concise"], project)
    assert " DPL110 " in str(before["stdout"])
    first = resident.workspace
    (project / "pyproject.toml").write_text('[tool.django-protolint]\nignore = ["DPL110"]\n', encoding="utf-8")
    answer = _answered(resident, ["check", "--output-format", "concise"], project)
    assert answer == _here(["check", "--output-format", "concise"], project)
    assert " DPL110 " not in str(answer["stdout"])
    assert resident.workspace is not first


@pytest.mark.parametrize(
    ("argv", "served"),
    [
        (["check"], True),
        (["check", "--report-only", "a.py"], True),
        (["check", "--fix"], False),
        (["check", "--diff"], False),
        (["check", "--add-noqa"], False),
        (["check", "-"], False),
        (["check", "--stdin-filename=a.py"], False),
        (["check", "-o", "report.sarif"], False),
        (["check", "--no-daemon"], False),
        (["rules"], False),
        ([], False),
    ],
)
def test_what_a_daemon_may_answer(argv: list[str], served: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(daemon.NO_DAEMON, raising=False)
    assert daemon.served(argv) is served
    monkeypatch.setenv(daemon.NO_DAEMON, "1")
    assert daemon.served(argv) is False


def test_a_daemon_refuses_what_it_does_not_serve(project: Path, tmp_path: Path) -> None:
    resident = daemon.Daemon(project)
    assert "refused" in resident.answer("not a request")
    assert "refused" in resident.answer(_request(["check"], tmp_path))  # another directory
    assert "refused" in resident.answer(_request(["check", "--fix"], project))
    resident.fingerprint = "an older installation"
    assert "refused" in resident.answer(_request(["check"], project))
    assert resident.stopping


def test_no_daemon_no_answer(project: Path) -> None:
    assert daemon.ask(["check"]) is None  # nothing listens: the caller runs the command


def test_a_background_daemon_end_to_end(project: Path) -> None:
    """`daemon start`, `check` answered through the socket by the console entry point, `daemon stop`."""
    command = [sys.executable, "-m", "django_protolint"]
    here = subprocess.run([*command, "check", "--no-daemon"], capture_output=True, text=True, cwd=project)
    started = subprocess.run([*command, "daemon", "start", "--idle", "5"], capture_output=True, text=True,
                             cwd=project)  # fmt: skip
    try:
        assert "started" in started.stdout, started.stdout + started.stderr
        deadline = time.monotonic() + 120
        while daemon.status(project) is None and time.monotonic() < deadline:
            time.sleep(0.2)  # the daemon warms its engine before it answers the first ping
        assert daemon.status(project) is not None
        (project / "articles/views.py").write_text(
            (project / "articles/views.py").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8"
        )
        here = subprocess.run([*command, "check", "--no-daemon"], capture_output=True, text=True, cwd=project)
        assert daemon.ask(["check"]) is not None  # the daemon answers the entry point's request
        answered = subprocess.run([*command, "check"], capture_output=True, text=True, cwd=project)
        assert (answered.stdout, answered.stderr, answered.returncode) == (here.stdout, here.stderr, here.returncode)
    finally:
        stopped = subprocess.run([*command, "daemon", "stop"], capture_output=True, text=True, cwd=project)
    assert "stopped" in stopped.stdout
    deadline = time.monotonic() + 30
    while os.path.exists(daemon.socket_path(str(project))) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists(daemon.socket_path(str(project)))
