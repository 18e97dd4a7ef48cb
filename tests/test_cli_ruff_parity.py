"""The command line beside ruff's (issue 15 §3): `report` errors, severity and `--fail-level`, a named file keeps its
project, standard input, ruff's option names, `--statistics`/`rules`/`rule` as JSON, `--help` sections, and
`--config`/`--settings` mistakes in one line."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from django_protolint.cli import main
from django_protolint.rules import load_rules
from tests.helpers import BLOCKING_VIEW, invoke, write_project

ANSI = re.compile(r"\x1b\[[0-9;]*m")

# A repository shaped as found in the wild: requirements at the top, a project package, an app whose async view
# queries the ORM (DPL101, whose safe fix needs the Django version the requirements give) through a helper too.
SITE = {
    "requirements.txt": "Django>=4.2,<5\n",
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
    "proj/settings.py": 'INSTALLED_APPS = ["app"]\nROOT_URLCONF = "proj.urls"\n',
    "proj/asgi.py": (
        "import os\nfrom django.core.asgi import get_asgi_application\n\n"
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\napplication = get_asgi_application()\n'
    ),
    "proj/urls.py": 'from django.urls import path\n\nfrom app import views\n\nurlpatterns = [path("a/<int:pk>/", views.detail)]\n',
    "app/models.py": "from django.db import models\n\n\nclass Article(models.Model):\n    title = models.CharField(max_length=9)\n",
    "app/helpers.py": "import time\n\n\ndef pause():\n    time.sleep(1)\n",
    "app/views.py": (
        "from .helpers import pause\nfrom .models import Article\n\n\n"
        "async def detail(request, pk):\n    pause()\n    return Article.objects.get(pk=pk)\n"
    ),
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "site", SITE)
    (root / ".git").mkdir()
    return root


def run(cwd: Path, *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None):
    if stdin is None:
        result = invoke(list(args), cwd=cwd, env=env)
    else:
        previous = Path.cwd()
        os.chdir(cwd)
        try:
            try:
                runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
            except TypeError:
                runner = CliRunner()
            raw = runner.invoke(main, list(args), input=stdin, env={"NO_COLOR": None, **(env or {})})
        finally:
            os.chdir(previous)
        result = raw
        assert not isinstance(raw.exception, Exception) or isinstance(raw.exception, SystemExit), raw.exception
    assert getattr(result, "exception", None) is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def concise(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if re.match(r"^\S+:\d+:\d+: DPL\d{3} ", line)]


# ------------------------------------------------------------------ report


def test_report_on_a_missing_path_is_exit_2_with_one_line(tmp_path):
    result = run(tmp_path, "report", "nowhere")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "django-protolint: error: `nowhere`: no such file or directory\n"


@pytest.mark.parametrize(
    "files",
    [{}, {"lib/util.py": "def add(a, b):\n    return a + b\n"}],
    ids=["empty-directory", "a-library-without-settings"],
)
def test_report_without_a_django_project_is_exit_2_with_one_line(tmp_path, files):
    root = write_project(tmp_path / "p", files)
    root.mkdir(exist_ok=True)
    result = run(root, "report", ".")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no Django project found in `.`" in result.stderr


def test_report_on_a_file_is_its_projects_report(site):
    whole = run(site, "report", "--no-cache", "--format", "json", ".")
    named = run(site / "app", "report", "--no-cache", "--format", "json", "views.py")
    assert whole.exit_code == named.exit_code == 0
    assert json.loads(named.stdout)["projects"][0]["settings"] == json.loads(whole.stdout)["projects"][0]["settings"]
    assert json.loads(named.stdout)["projects"][0]["django_version"] == "4.2"


# ------------------------------------------------------------------ severity, colour, --fail-level


def test_severity_is_shown_in_concise_and_full(site):
    lines = concise(run(site, "check", "--no-cache", "--format", "concise").stdout)
    assert "app/views.py:7:12: DPL101 [*] error: `Article.objects.get()` runs a database query" in "\n".join(lines)
    assert any(" DPL131 warning: " in line for line in lines), lines
    full = run(site, "check", "--no-cache", "--select", "DPL101").stdout
    assert full.splitlines()[0].startswith("app/views.py:7:12: DPL101 [*] error: ")
    assert "Found 1 problem (1 error)." in full


def test_colour_follows_the_severity(site):
    out = run(site, "check", "--no-cache", "--format", "concise", "--color").stdout
    error_line = next(line for line in out.splitlines() if "DPL101" in line)
    warning_line = next(line for line in out.splitlines() if "DPL131" in line)
    assert "\x1b[31m" in error_line and "\x1b[33m" not in error_line  # red
    assert "\x1b[33m" in warning_line and "\x1b[31m" not in warning_line  # yellow
    assert not ANSI.search(run(site, "check", "--no-cache", "--format", "concise").stdout)


INFO_ONLY = {"app/views.py": "x = 1  # noqa: DPL110\n"}  # DPL004 (info): a directive that suppresses nothing


@pytest.mark.parametrize(
    ("files", "args", "env", "status"),
    [
        (INFO_ONLY, [], {}, 0),
        (INFO_ONLY, ["--fail-level", "info"], {}, 1),
        (INFO_ONLY, [], {"DJANGO_PROTOLINT_FAIL_LEVEL": "info"}, 1),
        ({"app/views.py": BLOCKING_VIEW}, [], {}, 1),
        ({"app/views.py": BLOCKING_VIEW}, ["--fail-level", "error"], {}, 0),
        ({"app/views.py": BLOCKING_VIEW}, ["--fail-level", "info", "--exit-zero"], {}, 0),
    ],
    ids=["info-shown-exit-0", "fail-level-info", "from-the-environment", "warning-fails", "fail-level-error",
         "exit-zero-wins"],
)  # fmt: skip
def test_fail_level(tmp_path, files, args, env, status):
    root = write_project(tmp_path / "p", files)
    result = run(root, "check", "--no-cache", "--format", "concise", *args, env=env)
    assert result.exit_code == status
    assert concise(result.stdout), "the findings are shown whatever the exit status"


def test_fail_level_survives_a_reused_report(tmp_path):
    root = write_project(tmp_path / "p", INFO_ONLY)
    assert [run(root, "check", "--format", "concise").exit_code for _ in range(2)] == [0, 0]
    assert run(root, "check", "--format", "concise", "--fail-level", "info").exit_code == 1


# ------------------------------------------------------------------ a named file keeps its project


def test_a_file_named_from_a_subdirectory_gets_the_whole_project_findings(site):
    whole = [line for line in concise(run(site, "check", "--no-cache", "--format", "concise").stdout)
             if line.startswith("app/views.py:")]  # fmt: skip
    named = concise(run(site / "app", "check", "--no-cache", "--format", "concise", "views.py").stdout)
    assert named == [line.removeprefix("app/") for line in whole]
    # The Django version came from requirements.txt two directories up: the safe fix is offered.
    assert any(" DPL101 [*] " in line for line in named)
    # The helper in another module is read: the transitive finding on the view is there.
    assert any(" DPL131 " in line for line in named)


def test_a_file_named_from_the_top_shows_only_its_findings(site):
    lines = concise(run(site, "check", "--no-cache", "--format", "concise", "app/views.py").stdout)
    assert lines and all(line.startswith("app/views.py:") for line in lines)


def test_a_named_file_is_linted_even_when_excluded(site):
    (site / "pyproject.toml").write_text('[tool.django-protolint]\nexclude = ["app/views.py"]\n', encoding="utf-8")
    assert not any(
        "app/views.py" in line for line in concise(run(site, "check", "--no-cache", "--format", "concise").stdout)
    )
    assert concise(run(site, "check", "--no-cache", "--format", "concise", "app/views.py").stdout)


def test_a_lone_script_is_linted_as_before(tmp_path):
    (tmp_path / "solo").mkdir()
    (tmp_path / "solo" / "script.py").write_text(BLOCKING_VIEW, encoding="utf-8")
    lines = concise(run(tmp_path / "solo", "check", "--no-cache", "--format", "concise", "script.py").stdout)
    assert [line.split(": ")[1].split()[0] for line in lines] == ["DPL110"]


def test_standard_input_is_the_named_files_text(site):
    edited = SITE["app/views.py"].replace("    return Article.objects.get(pk=pk)\n", "    return None\n")
    result = run(site / "app", "check", "--no-cache", "--format", "concise", "--stdin-filename", "views.py", "-",
                 stdin=edited.encode())  # fmt: skip
    codes = [line.split(": ")[1].split()[0] for line in concise(result.stdout)]
    assert codes == ["DPL131"], "the unsaved text, not the file on disk (which has DPL101 too)"
    assert all(line.startswith("views.py:") for line in concise(result.stdout))


def test_standard_input_for_a_file_not_yet_on_disk(site):
    result = run(site, "check", "--no-cache", "--format", "concise", "--stdin-filename", "app/new.py",
                 stdin=BLOCKING_VIEW.encode())  # fmt: skip
    assert [line.split(": ")[0] for line in concise(result.stdout)] == ["app/new.py:5:5"]
    assert result.exit_code == 1


def test_standard_input_cannot_be_fixed(site):
    result = run(site, "check", "--fix", "-", stdin=b"x = 1\n")
    assert result.exit_code == 2 and "standard input" in result.stderr


# ------------------------------------------------------------------ ruff's option names and shapes


def test_output_format_is_formats_other_name(site):
    a = run(site, "check", "--no-cache", "--output-format", "concise").stdout
    b = run(site, "check", "--no-cache", "--format", "concise").stdout
    assert a == b and concise(a)


def test_statistics_follow_the_output_format(site):
    rows = json.loads(run(site, "check", "--no-cache", "--statistics", "--output-format", "json").stdout)
    by_code = {row["code"]: row for row in rows}
    assert by_code["DPL101"] == {"code": "DPL101", "name": "sync-orm-query-in-async", "count": 1, "fixable": True,
                                 "fixable_count": 1}  # fmt: skip
    assert by_code["DPL131"]["fixable_count"] == 0
    text = run(site, "check", "--no-cache", "--statistics").stdout
    assert "1\tDPL101\t[*] sync-orm-query-in-async" in text.splitlines()


def test_rules_and_rule_all_as_json(tmp_path):
    listed = json.loads(run(tmp_path, "rules", "--output-format", "json").stdout)
    assert [row["code"] for row in listed] == sorted(load_rules())
    assert {"code", "name", "severity", "summary", "url", "fixable"} <= set(listed[0])
    everything = json.loads(run(tmp_path, "rule", "--all", "--output-format", "json").stdout)
    assert [row["code"] for row in everything] == sorted(load_rules())
    assert everything[0]["explanation"].startswith("# DPL001")
    text = run(tmp_path, "rule", "--all").stdout
    assert all(f"# {code} `" in text for code in load_rules())


def test_rule_accepts_a_slug(tmp_path):
    assert run(tmp_path, "rule", "blocking-sleep-in-async").stdout == run(tmp_path, "rule", "DPL110").stdout
    one = json.loads(run(tmp_path, "rule", "unused-noqa", "--output-format", "json").stdout)
    assert one["code"] == "DPL004"
    assert run(tmp_path, "rule").exit_code == 2


def test_no_python_files_is_a_warning(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# hi\n", encoding="utf-8")
    result = run(tmp_path, "check", "--no-cache", "docs")
    assert result.exit_code == 0
    assert "warning: No Python files found under the given path(s)" in result.stderr


def test_show_fixes_lists_the_available_fixes(site):
    out = run(site, "check", "--no-cache", "--format", "concise", "--show-fixes").stdout
    assert "Fixes available:" in out
    assert "  app/views.py:7:12: DPL101 use `await ….aget()` (--fix)" in out


def test_fix_only_fixes_and_reports_nothing_else(site):
    result = run(site, "check", "--no-cache", "--fix-only", "--show-fixes")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "await Article.objects.aget(pk=pk)" in (site / "app" / "views.py").read_text(encoding="utf-8")
    assert "DPL101" in result.stderr and "Fixed 1 problem." in result.stderr


def test_help_is_grouped_with_environment_variables(tmp_path):
    text = run(tmp_path, "check", "--help").stdout
    sections = [
        line.rstrip(":") for line in text.splitlines() if line and not line.startswith(" ") and line.endswith(":")
    ]
    assert sections == ["Rule selection", "Output", "Exit status", "Fixes", "Project", "Run", "Global options"]
    flat = " ".join(text.split())
    for variable in ("DJANGO_PROTOLINT_OUTPUT_FORMAT", "DJANGO_PROTOLINT_FAIL_LEVEL", "NO_COLOR",
                     "DJANGO_PROTOLINT_CACHE_DIR"):  # fmt: skip
        assert f"env var: {variable}" in flat, variable


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config", "nope.toml"], "django-protolint: error: --config nope.toml: no such file\n"),
        (["--config", "app"], "django-protolint: error: --config app: is a directory; give the pyproject.toml file\n"),
        (["--settings", "proj settings"],
         "django-protolint: error: --settings `proj settings`: not a dotted module path (like `proj.settings`)\n"),
    ],
    ids=["missing-config", "config-is-a-directory", "settings-not-a-module"],
)  # fmt: skip
@pytest.mark.parametrize("command", ["check", "report"])
def test_config_and_settings_errors_are_one_plain_line(site, command, args, message):
    result = run(site, command, "--no-cache", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_settings_conflicting_with_asgi_py_is_reported(site):
    (site / "proj" / "dev.py").write_text('INSTALLED_APPS = ["app"]\nROOT_URLCONF = "proj.urls"\n', encoding="utf-8")
    for command in (["check", "--format", "concise"], ["report"]):
        result = run(site, *command, "--settings", "proj.dev")
        assert ("django-protolint: warning: --settings proj.dev differs from `proj.settings`, which proj/asgi.py:4 "
                "names") in result.stderr, command  # fmt: skip
    missing = run(site, "check", "--no-cache", "--settings", "proj.nowhere")
    assert "--settings proj.nowhere: no such module among the files analysed" in missing.stderr
    agreeing = run(site, "check", "--no-cache", "--settings", "proj.settings")
    assert "warning: --settings" not in agreeing.stderr
