"""`check --report-only PATHS`: the whole project is analysed, findings are shown only for PATHS (pre-commit's
staged files), so old findings elsewhere do not fail a commit that did not touch them."""

from __future__ import annotations

from tests.helpers import BLOCKING_VIEW, invoke, write_project

CROSS_FILE = {
    # The blocking call is in a helper; the finding (DPL131) is on the async view that calls it.
    "app/helpers.py": "import time\n\n\ndef pause():\n    time.sleep(1)\n",
    "app/views.py": "from .helpers import pause\n\n\nasync def view(request):\n    pause()\n",
}


def _concise(root, *args):
    result = invoke(["check", "--format", "concise", "--no-color", "--no-cache", *args], cwd=root)
    assert result.exception is None, result.exception
    return result, [line.split(": ")[0] + ":" + line.split(": ")[1].split()[0] for line in result.stdout.splitlines()
                    if line.count(":") >= 3 and " DPL" in line]  # fmt: skip


def test_findings_outside_the_given_paths_are_not_shown(tmp_path):
    root = write_project(tmp_path / "project", {"app/old.py": BLOCKING_VIEW, "app/new.py": "x = 1\n"})
    result, lines = _concise(root, "--report-only", "app/new.py")
    assert result.exit_code == 0, result.stdout
    assert lines == []
    result, lines = _concise(root, "--report-only", "app/old.py", "app/new.py")
    assert result.exit_code == 1
    assert lines == ["app/old.py:5:5:DPL110"]


def test_the_analysis_still_sees_the_whole_project(tmp_path):
    root = write_project(tmp_path / "project", CROSS_FILE)
    # Given only views.py, the helper in another file is still read: the transitive finding is there.
    result, lines = _concise(root, "--report-only", "app/views.py")
    assert result.exit_code == 1
    assert lines == ["app/views.py:5:5:DPL131"]
    # Given only the helper, nothing is reported: the finding belongs to the view.
    result, lines = _concise(root, "--report-only", "app/helpers.py")
    assert (result.exit_code, lines) == (0, [])


def test_a_directory_covers_the_files_under_it(tmp_path):
    root = write_project(tmp_path / "project", {"app/old.py": BLOCKING_VIEW, "other/x.py": BLOCKING_VIEW})
    _, lines = _concise(root, "--report-only", "app")
    assert lines == ["app/old.py:5:5:DPL110"]


def test_the_project_root_is_the_configuration_directory(tmp_path):
    root = write_project(
        tmp_path / "project", {"app/old.py": BLOCKING_VIEW, "pyproject.toml": "[project]\nname = 'x'\n"}
    )
    (root / "app" / "sub").mkdir()
    result = invoke(
        ["check", "--format", "concise", "--no-cache", "--report-only", "../old.py"], cwd=root / "app" / "sub"
    )
    assert result.exit_code == 1 and "DPL110" in result.stdout


def test_report_only_refuses_fix(tmp_path):
    root = write_project(tmp_path / "project", {"app/old.py": BLOCKING_VIEW})
    result = invoke(["check", "--report-only", "--fix", "app/old.py"], cwd=root)
    assert result.exit_code == 2 and "--report-only cannot be combined" in result.stderr
