"""`[tool.django-protolint]` in the nearest pyproject.toml, how the command line overrides it, and the Django version
read from a project's dependency files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from django_protolint.project.dependencies import (
    django_versions_in,
    lowest_django_version,
    requirement_names,
    requirements_in,
    version_range,
)
from tests.helpers import BLOCKING_VIEW, invoke, write_project

VIEWS = """\
import time

import requests

from .models import Article


async def detail(request, pk):
    time.sleep(1)
    requests.get("https://example.com")
    return Article.objects.get(pk=pk)
"""
ALL_CODES = {"DPL101", "DPL110", "DPL111"}


def table(body: str) -> str:
    return f"[tool.django-protolint]\n{body}\n"


def report(cwd: Path, *args: str) -> dict:
    result = invoke(["check", "--format", "json", *args], cwd=cwd)
    assert result.exception is None, f"crashed: {result.exception!r}"
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def codes(cwd: Path, *args: str) -> set[str]:
    return {finding["code"] for finding in report(cwd, *args)["findings"]}


def paths(cwd: Path, *args: str) -> set[str]:
    return {finding["path"] for finding in report(cwd, *args)["findings"]}


def project(tmp_path: Path, config: str | None, files: dict[str, str] | None = None) -> Path:
    files = {"app/views.py": VIEWS, **(files or {})}
    if config is not None:
        files["pyproject.toml"] = config
    return write_project(tmp_path / "project", files)


# ------------------------------------------------------------------ selection


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (table('select = ["DPL11"]'), {"DPL110", "DPL111"}),
        (table('select = "DPL110"'), {"DPL110"}),
        (table('ignore = ["DPL111"]'), {"DPL101", "DPL110"}),
        (table('select = ["DPL101"]\nextend-select = ["DPL111"]'), {"DPL101", "DPL111"}),
        (table('select = ["DPL1"]\nignore = ["DPL11"]'), {"DPL101"}),
        (table('ignore = ["ALL"]'), set()),
        (table('extend-select = ["DPL110"]'), ALL_CODES),
        ('[project]\nname = "x"\n', ALL_CODES),
    ],
    ids=["select", "select-string", "ignore", "extend-select", "select-and-ignore", "ignore-all", "extend-only",
         "no-table"],
)  # fmt: skip
def test_selection_from_pyproject(tmp_path, config, expected):
    assert codes(project(tmp_path, config)) == expected


@pytest.mark.parametrize(
    ("config", "args", "expected"),
    [
        (table('select = ["DPL101"]'), ["--select", "DPL110"], {"DPL110"}),
        # As in ruff, a command-line --select starts afresh: the configuration's ignore no longer applies.
        (table('ignore = ["DPL110"]'), ["--select", "DPL110"], {"DPL110"}),
        (table('extend-select = ["DPL101"]\nselect = ["DPL11"]'), ["--select", "DPL110"], {"DPL110"}),
        # A later layer wins for the codes it names, even at equal specificity.
        (table('ignore = ["DPL110"]'), ["--extend-select", "DPL110"], ALL_CODES),
        (table('select = ["DPL11"]'), ["--ignore", "DPL110"], {"DPL111"}),
        (table('select = ["DPL11"]'), ["--extend-select", "DPL101"], ALL_CODES),
        (table('ignore = ["DPL1"]'), ["--extend-select", "DPL111"], {"DPL111"}),
        (table('ignore = ["DPL110"]'), ["--ignore", "DPL111"], {"DPL101"}),
    ],
    ids=["select-replaces-select", "select-replaces-ignore", "select-drops-extend", "extend-beats-ignore",
         "ignore-on-top", "extend-on-top", "extend-more-specific", "ignores-add-up"],
)  # fmt: skip
def test_command_line_beats_config(tmp_path, config, args, expected):
    assert codes(project(tmp_path, config), *args) == expected


def test_no_config_and_explicit_config(tmp_path):
    root = project(tmp_path, table('select = ["DPL110"]'))
    other = tmp_path / "other.toml"
    other.write_text(table('select = ["DPL111"]'), encoding="utf-8")
    assert codes(root) == {"DPL110"}
    assert codes(root, "--no-config") == ALL_CODES
    assert codes(root, "--config", str(other)) == {"DPL111"}


def test_nearest_pyproject_wins(tmp_path):
    root = project(tmp_path, table('select = ["DPL110"]'))
    (root / "app" / "pyproject.toml").write_text(table('select = ["DPL111"]'), encoding="utf-8")
    assert codes(root / "app") == {"DPL111"}
    assert codes(root) == {"DPL110"}


def test_pyproject_found_from_a_subdirectory(tmp_path):
    root = project(tmp_path, table('select = ["DPL101"]'))
    assert codes(root / "app", ".") == {"DPL101"}


# ------------------------------------------------------------------ exclude


EXCLUDE_FILES = {
    "legacy/old.py": BLOCKING_VIEW,
    "legacy/deep/older.py": BLOCKING_VIEW,
    "app/migrations/0001_initial.py": BLOCKING_VIEW,
    "app/api_generated.py": BLOCKING_VIEW,
    "app/tasks.py": BLOCKING_VIEW,
}


def test_exclude_directory_and_file_glob(tmp_path):
    config = table('exclude = ["legacy", "*_generated.py", "*/migrations/*"]')
    root = project(tmp_path, config, EXCLUDE_FILES)
    assert paths(root) == {"app/views.py", "app/tasks.py"}


def test_exclude_without_config_lints_everything(tmp_path):
    root = project(tmp_path, None, EXCLUDE_FILES)
    assert len(paths(root)) == 6


def test_exclude_is_relative_to_the_pyproject_not_the_working_directory(tmp_path):
    config = table('exclude = ["app/migrations", "legacy/deep"]')
    root = project(tmp_path, config, EXCLUDE_FILES)
    assert paths(root) == {"app/views.py", "app/tasks.py", "app/api_generated.py", "legacy/old.py"}
    assert paths(root / "app", ".") == {"views.py", "tasks.py", "api_generated.py"}
    assert paths(root, "app") == {"app/views.py", "app/tasks.py", "app/api_generated.py"}
    assert paths(root.parent, "project") == {
        "project/app/views.py", "project/app/tasks.py", "project/app/api_generated.py", "project/legacy/old.py",
    }  # fmt: skip


def test_a_file_named_on_the_command_line_is_linted_even_if_excluded(tmp_path):
    root = project(tmp_path, table('exclude = ["legacy"]'), EXCLUDE_FILES)
    assert paths(root, "legacy/old.py") == {"legacy/old.py"}


@pytest.mark.parametrize("config", ['exclude = ["legacy"]', 'exclude = ["legacy*"]', 'exclude = ["legacy/deep"]'])
def test_a_directory_named_on_the_command_line_is_linted_even_if_excluded(tmp_path, config):
    root = project(tmp_path, table(config), EXCLUDE_FILES)
    assert "legacy/deep/older.py" in paths(root, "legacy/deep")


def test_excluded_directories_inside_a_named_directory_stay_excluded(tmp_path):
    root = project(tmp_path, table('exclude = ["deep"]'), EXCLUDE_FILES)
    assert paths(root, "legacy") == {"legacy/old.py"}


def test_virtualenvs_are_skipped(tmp_path):
    root = project(tmp_path, None, {"env/lib/mod.py": BLOCKING_VIEW, "env/pyvenv.cfg": "home = /usr\n"})
    assert paths(root) == {"app/views.py"}


# ------------------------------------------------------------------ per-file-ignores


PER_FILE = {"scripts/run.py": VIEWS, "app/tests/test_views.py": VIEWS}


def per_file_codes(cwd: Path, *args: str) -> set[tuple[str, str]]:
    return {(finding["path"], finding["code"]) for finding in report(cwd, *args)["findings"]}


def test_per_file_ignores_glob(tmp_path):
    config = table('per-file-ignores = { "scripts/*" = ["DPL11"], "*/tests/*" = ["DPL101", "DPL110"] }')
    root = project(tmp_path, config, PER_FILE)
    assert per_file_codes(root) == {
        ("app/views.py", "DPL101"), ("app/views.py", "DPL110"), ("app/views.py", "DPL111"),
        ("scripts/run.py", "DPL101"),
        ("app/tests/test_views.py", "DPL111"),
    }  # fmt: skip


def test_per_file_ignores_negated(tmp_path):
    # Outside app/, DPL101 is not reported.
    root = project(tmp_path, table('per-file-ignores = { "!app/*" = ["DPL101"] }'), PER_FILE)
    found = per_file_codes(root)
    assert ("app/views.py", "DPL101") in found and ("app/tests/test_views.py", "DPL101") in found
    assert ("scripts/run.py", "DPL101") not in found
    assert ("scripts/run.py", "DPL110") in found


def test_per_file_ignores_file_name(tmp_path):
    root = project(tmp_path, table('per-file-ignores = { "views.py" = ["ALL"] }'), PER_FILE)
    assert {path for path, _ in per_file_codes(root)} == {"scripts/run.py", "app/tests/test_views.py"}


def test_per_file_ignores_are_relative_to_the_pyproject(tmp_path):
    root = project(tmp_path, table('per-file-ignores = { "scripts/*" = ["ALL"] }'), PER_FILE)
    assert "project/scripts/run.py" not in {path for path, _ in per_file_codes(root.parent, "project")}
    assert "run.py" not in {path for path, _ in per_file_codes(root / "scripts", ".")}


# ------------------------------------------------------------------ extra-blocking-calls

SDK_VIEWS = """\
import acme
from acme import fetch as acme_fetch


async def view(request):
    acme.fetch("a")
    acme_fetch("b")
    await acme.fetch("c")
    acme.other("d")


def sync_view(request):
    acme.fetch("e")
"""


def test_extra_blocking_calls_with_a_hint(tmp_path):
    config = table('extra-blocking-calls = { "acme.fetch" = "use acme.afetch" }')
    root = project(tmp_path, config, {"app/views.py": SDK_VIEWS})
    findings = report(root)["findings"]
    assert [(f["line"], f["column"], f["code"]) for f in findings] == [(6, 5, "DPL140"), (7, 5, "DPL140")]
    assert {f["help"] for f in findings} == {"use acme.afetch"}
    assert findings[0]["message"] == "`acme.fetch()` blocks the event loop inside async function `view`"


def test_extra_blocking_calls_as_a_list(tmp_path):
    root = project(tmp_path, table('extra-blocking-calls = ["acme.fetch", "acme.other"]'), {"app/views.py": SDK_VIEWS})
    findings = report(root)["findings"]
    assert [(f["line"], f["code"]) for f in findings] == [(6, "DPL140"), (7, "DPL140"), (9, "DPL140")]
    assert all(f["help"] for f in findings), "a listed call without a hint still gets fix advice"


def test_extra_blocking_calls_unset(tmp_path):
    root = project(tmp_path, None, {"app/views.py": SDK_VIEWS})
    assert report(root)["findings"] == []


def test_extra_blocking_calls_can_be_ignored(tmp_path):
    config = table('extra-blocking-calls = ["acme.fetch"]\nignore = ["DPL140"]')
    assert report(project(tmp_path, config, {"app/views.py": SDK_VIEWS}))["findings"] == []


@pytest.mark.parametrize("value", ['"acme.fetch"', '{ "acme.fetch" = 1 }', "[1, 2]"])
def test_extra_blocking_calls_bad_shape(tmp_path, value):
    root = project(tmp_path, table(f"extra-blocking-calls = {value}"))
    result = invoke(["check"], cwd=root)
    assert result.exit_code == 2 and "extra-blocking-calls" in result.stderr


# ------------------------------------------------------------------ Django version and fix advice


def advice(cwd: Path, *args: str) -> str:
    (finding,) = [f for f in report(cwd, "--select", "DPL101", *args)["findings"]]
    return finding["help"]


def project_version(cwd: Path, *args: str) -> str | None:
    return report(cwd, *args)["projects"][0]["django_version"]


@pytest.mark.parametrize("version", ["4.1", "4.2", "5.0", "5.2"])
def test_async_twin_suggested_from_4_1(tmp_path, version):
    root = project(tmp_path, table(f'django-version = "{version}"'))
    assert advice(root) == "use `await Article.objects.aget(...)`"
    assert project_version(root) == version


@pytest.mark.parametrize("version", ["3.2", "4.0"])
def test_sync_to_async_before_4_1(tmp_path, version):
    root = project(tmp_path, table(f'django-version = "{version}"'))
    text = advice(root)
    assert text.startswith("wrap the sync code in `sync_to_async`"), text
    assert "4.1" in text and version in text


def test_unknown_version_offers_both(tmp_path):
    text = advice(project(tmp_path, None))
    assert "aget" in text and "sync_to_async" in text


def test_advice_does_not_blame_requirements_for_a_configured_version(tmp_path):
    text = advice(project(tmp_path, table('django-version = "3.2"')))
    assert "3.2" in text and "requirements" not in text


def test_django_version_option_beats_config(tmp_path):
    root = project(tmp_path, table('django-version = "3.2"'))
    assert advice(root, "--django-version", "5.0") == "use `await Article.objects.aget(...)`"


def test_config_version_beats_requirements(tmp_path):
    root = project(tmp_path, table('django-version = "3.2"'), {"requirements.txt": "Django>=5.0\n"})
    assert project_version(root) == "3.2"


@pytest.mark.parametrize(
    ("files", "version", "evidence_path"),
    [
        ({"requirements.txt": "Django>=4.2,<5\n"}, "4.2", "requirements.txt"),
        ({"requirements.txt": "requests\ndjango~=5.0.1  # pinned\n"}, "5.0", "requirements.txt"),
        ({"requirements/base.txt": "Django==4.1.7\n"}, "4.1", "requirements/base.txt"),
        ({"requirements.txt": "Django==4.2.7 \\\n    --hash=sha256:0123 \\\n    --hash=sha256:4567\n"}, "4.2",
         "requirements.txt"),
        ({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["django[argon2]>=4.1,<6"]\n'}, "4.1",
         "pyproject.toml"),
        ({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\ndjango = "^5.0"\n'}, "5.0", "pyproject.toml"),
        ({"pyproject.toml": '[tool.poetry.dependencies]\nDjango = { version = "~4.2", extras = ["bcrypt"] }\n'}, "4.2",
         "pyproject.toml"),
        ({"pyproject.toml": '[tool.poetry.dependencies]\nDjango = "4.2.*"\n'}, "4.2", "pyproject.toml"),
        ({"setup.cfg": "[options]\ninstall_requires =\n    requests>=2\n    Django>=3.2,<4\n"}, "3.2", "setup.cfg"),
        ({"Pipfile": '[packages]\ndjango = "==4.2.*"\n\n[dev-packages]\npytest = "*"\n'}, "4.2", "Pipfile"),
        ({"Pipfile": '[packages]\nDjango = { version = ">=5.1" }\n'}, "5.1", "Pipfile"),
        # The lowest release the file allows wins: !=4.0.* does not raise the floor.
        ({"requirements.txt": "Django>=3.2,!=4.0.*\n"}, "3.2", "requirements.txt"),
        # Django stated only in a Poetry group or a PEP 621 extra is still the Django the project runs.
        ({"pyproject.toml": '[tool.poetry.group.main.dependencies]\ndjango = "^5.1"\n'}, "5.1", "pyproject.toml"),
        ({"pyproject.toml": '[project]\nname = "x"\n[project.optional-dependencies]\nweb = ["Django>=5.2"]\n'},
         "5.2", "pyproject.toml"),
    ],
    ids=["requirements", "compatible-release", "requirements-dir", "hashes", "pep621", "poetry-caret",
         "poetry-table", "poetry-bare-wildcard", "setup-cfg", "pipfile", "pipfile-table", "lowest-allowed",
         "poetry-group", "pep621-extra"],
)  # fmt: skip
def test_django_version_from_dependency_files(tmp_path, files, version, evidence_path):
    root = project(tmp_path, None, files)
    document = report(root)
    assert document["projects"][0]["django_version"] == version
    assert document["projects"][0]["django_version_evidence"]["path"] == evidence_path


def test_the_evidence_names_the_line_that_states_django(tmp_path):
    files = {"requirements.txt": "# web\nrequests\nDjango==4.2.7 \\\n    --hash=sha256:0123\nchannels\n"}
    evidence = report(project(tmp_path, None, files))["projects"][0]["django_version_evidence"]
    assert evidence == {"path": "requirements.txt", "line": 3, "requirement": "Django==4.2.7"}


def test_one_reader_serves_names_ranges_and_the_django_floor():
    # Every question about dependencies is answered from the same requirements: a Poetry group counts for all.
    text = '[tool.poetry.dependencies]\npython = "^3.11"\n[tool.poetry.group.web.dependencies]\nDjango = "^5.0"\n'
    files = {"pyproject.toml": text}
    [requirement] = requirements_in("pyproject.toml", text)
    assert (requirement.canonical_name, requirement.specifier, requirement.line) == ("django", ">=5.0,<6", 4)
    assert requirement_names(files) == {"django"}
    allowed = version_range(files, "django")
    assert (str(allowed.low), str(allowed.high)) == ("5.0", "6")
    assert lowest_django_version(files).version == (5, 0)


def test_version_from_requirements_drives_the_advice(tmp_path):
    assert advice(project(tmp_path, None, {"requirements.txt": "Django>=3.2,<4\n"})).startswith("wrap the sync code")
    assert advice(project(tmp_path / "b", None, {"requirements.txt": "Django>=4.2\n"})) == (
        "use `await Article.objects.aget(...)`"
    )


def test_no_lower_bound_means_unknown(tmp_path):
    assert project_version(project(tmp_path, None, {"requirements.txt": "Django<5\nrequests\n"})) is None


def test_several_files_combine_by_the_highest_floor():
    # Both files' constraints must hold, so the project runs at least the higher of the two floors.
    files = {"requirements.txt": "Django>=3.2\n", "pyproject.toml": '[project]\ndependencies = ["django>=4.2"]\n'}
    assert lowest_django_version(files).version == (4, 2)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("pyproject.toml", "[project\n"),
        ("Pipfile", "not toml ["),
        ("setup.cfg", "[options\ninstall_requires = Django>=4.2\n"),
        ("requirements.txt", "Django>=>4\n-e .\n"),
    ],
)
def test_unreadable_dependency_files_state_nothing(path, text):
    assert django_versions_in(path, text) == []
