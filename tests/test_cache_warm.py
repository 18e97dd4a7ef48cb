"""The warm path: stat signatures instead of reading, one index and one pack per run, whole reports reused only
while every input is the same."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from django_protolint import cache as cache_module
from django_protolint import runner
from django_protolint.cache import FactsCache
from django_protolint.config import Config
from django_protolint.output.concise import render as concise
from django_protolint.pack import PackReader, write_pack
from django_protolint.runner import Rendered, Report, lint, lint_rendered
from tests.helpers import invoke, write_project

VIEW = "import time\n\n\nasync def view(request):\n    time.sleep(1)\n"
QUERY_VIEW = "from .models import Article\n\n\nasync def view(request):\n    return Article.objects.get(pk=1)\n"
OLD = time.time() - 3600  # older than the racily-clean window


def _age(root: Path) -> None:
    """Every file an hour old, so that its stat signature is recorded (a fresh file is hashed every time)."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (OLD, OLD))


def _project(tmp_path: Path, **extra: str) -> Path:
    files = {"app/views.py": VIEW, "app/models.py": "from django.db import models\n\n\nclass Article(models.Model):\n"
             "    pass\n", "requirements.txt": "Django>=4.2,<5.0\n", **extra}  # fmt: skip
    root = write_project(tmp_path / "project", files)
    _age(root)
    return root


def _rendered(root: Path, cache: FactsCache, config: Config | None = None, variant: str = "concise") -> Rendered:
    def render(report: Report) -> Rendered:
        return Rendered(concise(report, False), bool(report.findings))

    return lint_rendered([root], config or Config(), render, variant, cwd=root, cache=cache)


@pytest.fixture
def trusting(monkeypatch):
    """Record every signature however young. `os.utime` (which ages the files here) makes the ctime new, and a
    young ctime is otherwise never trusted."""
    monkeypatch.setattr(cache_module, "_RACY_NS", -(10**18))


@pytest.fixture
def reads(monkeypatch):
    """Which Python files the run reads."""
    seen: list[str] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        if self.suffix == ".py":
            seen.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    return seen


# ----------------------------------------------------------------------------- stat signatures


def test_unchanged_files_are_neither_read_nor_hashed(tmp_path, reads, trusting):
    root = _project(tmp_path)
    first = lint([root], Config(), cwd=root, cache=FactsCache(tmp_path / "cache"))
    assert reads
    reads.clear()
    again = FactsCache(tmp_path / "cache")
    second = lint([root], Config(), cwd=root, cache=again)
    assert reads == [] and again.misses == 0
    assert second.findings == first.findings


def test_a_touched_but_unchanged_file_is_hashed_and_its_facts_reused(tmp_path, reads, trusting):
    root = _project(tmp_path)
    lint([root], Config(), cwd=root, cache=FactsCache(tmp_path / "cache"))
    os.utime(root / "app" / "views.py", (OLD + 60, OLD + 60))  # touch, git checkout: new mtime, same bytes
    reads.clear()
    again = FactsCache(tmp_path / "cache")
    lint([root], Config(), cwd=root, cache=again)
    assert reads == ["views.py"]  # read to compare contents...
    assert again.misses == 0  # ...and found the same: not analysed again


def test_a_same_size_edit_with_the_mtime_put_back_is_still_seen(tmp_path, trusting):
    """The signature holds the ctime too, which a program cannot set back (ruff compares the mtime alone)."""
    root = _project(tmp_path)
    cache = FactsCache(tmp_path / "cache")
    assert [f.code for f in lint([root], Config(), cwd=root, cache=cache).findings] == ["DPL110"]
    views = root / "app" / "views.py"
    edited = VIEW.replace("time.sleep(1)", "print(1)     ")
    assert len(edited) == len(VIEW)
    time.sleep(0.05)  # past the kernel's timestamp tick
    views.write_text(edited, encoding="utf-8")
    os.utime(views, (OLD, OLD))
    assert lint([root], Config(), cwd=root, cache=FactsCache(tmp_path / "cache")).findings == ()


def test_a_file_edited_twice_within_a_tick_is_not_trusted_by_signature(tmp_path):
    """Racily clean, as git says: a signature younger than the timestamp granularity is not recorded."""
    root = write_project(tmp_path / "project", {"app/views.py": VIEW})
    views = root / "app" / "views.py"
    stamp = views.stat().st_mtime_ns
    assert len(lint([root], Config(), cwd=root, cache=FactsCache(tmp_path / "cache")).findings) == 1
    views.write_text(VIEW.replace("time.sleep(1)", "print(1)     "), encoding="utf-8")
    os.utime(views, ns=(stamp, stamp))  # same size, same mtime; the ctime may well be in the same tick
    assert lint([root], Config(), cwd=root, cache=FactsCache(tmp_path / "cache")).findings == ()


# ----------------------------------------------------------------------------- one index, one pack


def _run_files(cache: FactsCache) -> list[Path]:
    return sorted((cache.directory / "runs").glob("*.pickle"))


def test_a_run_keeps_one_index_and_one_pack(tmp_path, trusting):
    files = {f"app/views_{n}.py": VIEW for n in range(20)}
    root = write_project(tmp_path / "project", files)
    cache = FactsCache(tmp_path / "cache")
    lint([root], Config(), cwd=root, cache=cache)
    assert [path.name.split(".", 1)[1] for path in _run_files(cache)] == ["facts.pickle", "index.pickle"]
    (root / "app" / "views_3.py").unlink()
    lint([root], Config(), cwd=root, cache=FactsCache(tmp_path / "cache"))
    pack = PackReader(_run_files(cache)[0])
    assert len(pack.entries()) == 20  # 19 views and `__init__.py`: the deleted file's entry is gone


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign", "empty", "wrong-entries"])
@pytest.mark.parametrize("which", ["facts", "index"])
def test_a_damaged_index_or_pack_is_a_miss_never_an_error(tmp_path, damage, which, trusting):
    root = _project(tmp_path)
    cache = FactsCache(tmp_path / "cache")
    findings = lint([root], Config(), cwd=root).findings
    expected = _rendered(root, cache)
    target = next(path for path in _run_files(cache) if path.name.endswith(f".{which}.pickle"))
    data = target.read_bytes()
    target.write_bytes(
        {
            "truncated": data[: len(data) // 2],
            "garbage": b"\x80\x05garbage",
            "foreign": pickle.dumps({"not": "ours"}),
            "empty": b"",
            "wrong-entries": pickle.dumps(
                {"format": 2, "entries": {"k": 1}, "signatures": {"a": 1}, "reports": {"k": "not a report"}}
            ),  # fmt: skip
        }[damage]
    )
    assert _rendered(root, FactsCache(tmp_path / "cache")) == expected
    again = FactsCache(tmp_path / "cache")
    assert lint([root], Config(), cwd=root, cache=again).findings == findings
    assert which == "index" or again.hits == 0


def test_a_damaged_entry_inside_the_pack_is_a_miss(tmp_path):
    root = _project(tmp_path)
    cache = FactsCache(tmp_path / "cache")
    expected = lint([root], Config(), cwd=root, cache=cache).findings
    pack_path = next(path for path in _run_files(cache) if path.name.endswith(".facts.pickle"))
    entries = PackReader(pack_path).entries()
    write_pack(pack_path, {key: data[:10] for key, data in entries.items()})
    again = FactsCache(tmp_path / "cache")
    assert lint([root], Config(), cwd=root, cache=again).findings == expected
    assert again.hits == 0 and again.misses == 3


def test_runs_that_interleave_lose_entries_at_worst(tmp_path):
    """Two runs on one scope, each reading before the other writes: whichever writes last wins, and what it wrote
    is consistent on its own."""
    root = _project(tmp_path)
    first, second = FactsCache(tmp_path / "cache"), FactsCache(tmp_path / "cache")
    expected = lint([root], Config(), cwd=root).findings
    first_report = lint([root], Config(), cwd=root, cache=first)  # first has saved
    (root / "app" / "views.py").write_text(QUERY_VIEW, encoding="utf-8")
    _age(root)
    second_report = lint([root], Config(), cwd=root, cache=second)  # read the old index, saved the new one
    assert first_report.findings == expected
    assert [f.code for f in second_report.findings] == ["DPL101"]
    third = FactsCache(tmp_path / "cache")
    assert lint([root], Config(), cwd=root, cache=third).findings == second_report.findings
    assert third.misses == 0


def test_concurrent_processes_share_the_cache_safely(tmp_path):
    root = _project(tmp_path, **{f"app/more_{n}.py": VIEW for n in range(30)})
    env = {**os.environ, "DJANGO_PROTOLINT_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "django_protolint", "check", ".", "--no-config", "--format", "concise",
               "--exit-zero", "--jobs", "1"]  # fmt: skip
    expected = subprocess.run([*command, "--no-cache"], cwd=root, env=env, capture_output=True, text=True).stdout
    for _ in range(3):
        processes = [subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True) for _ in range(4)]  # fmt: skip
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert err == "" and out == expected
        (root / "app" / "views.py").write_text(QUERY_VIEW if _ % 2 == 0 else VIEW, encoding="utf-8")
        expected = subprocess.run([*command, "--no-cache"], cwd=root, env=env, capture_output=True,
                                  text=True).stdout  # fmt: skip


# ----------------------------------------------------------------------------- whole reports


def test_an_unchanged_project_reuses_the_whole_report(tmp_path, reads, monkeypatch, trusting):
    root = _project(tmp_path)
    first = _rendered(root, FactsCache(tmp_path / "cache"))
    reads.clear()
    monkeypatch.setattr(runner, "read_facts", lambda *args, **kwargs: pytest.fail("facts were read"))
    again = FactsCache(tmp_path / "cache")
    second = _rendered(root, again)
    assert second == first and again.report_hits == 1 and reads == []
    assert first.has_findings and "DPL110" in first.text


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda root: (root / "app" / "views.py").write_text(QUERY_VIEW, encoding="utf-8"), id="a view"),
        pytest.param(lambda root: (root / "app" / "helpers.py").write_text(VIEW, encoding="utf-8"), id="a new file"),
        pytest.param(lambda root: (root / "app" / "models.py").unlink(), id="a deleted file"),
        pytest.param(
            lambda root: (root / "app" / "views.py").write_text(VIEW + "# noqa\n", encoding="utf-8"), id="a comment"
        ),
        pytest.param(
            lambda root: (root / "requirements.txt").write_text("Django>=5.0\n", encoding="utf-8"),
            id="requirements.txt",
        ),
        pytest.param(
            lambda root: (root / "Procfile").write_text("web: uvicorn proj.asgi:application\n", encoding="utf-8"),
            id="a new Procfile",
        ),
        pytest.param(
            lambda root: (root / "Procfile").write_text("web: gunicorn proj.wsgi\n", encoding="utf-8"),
            id="the Procfile",
        ),
        pytest.param(
            lambda root: (root / "pyproject.toml").write_text(
                '[project]\nname = "x"\ndependencies = ["Django>=5.1"]\n', encoding="utf-8"
            ),
            id="pyproject.toml",
        ),
        pytest.param(lambda root: (root / "app" / "__init__.py").unlink(), id="a module's name"),
    ],
)
def test_any_changed_input_makes_the_report_again(tmp_path, change):
    root = _project(tmp_path, Procfile="web: gunicorn proj.wsgi:application\n")
    first = _rendered(root, FactsCache(tmp_path / "cache"))
    assert _rendered(root, FactsCache(tmp_path / "cache")) == first  # reused while nothing changed
    change(root)
    expected = _rendered(root, None)  # no cache at all
    again = FactsCache(tmp_path / "cache")
    assert _rendered(root, again) == expected
    assert again.report_hits == 0


def test_a_non_python_input_changes_the_report(tmp_path):
    """The Django version comes from requirements.txt: the fix advice changes with it."""
    root = _project(tmp_path, **{"app/views.py": QUERY_VIEW})
    (root / "requirements.txt").write_text("Django>=3.2,<4.0\n", encoding="utf-8")
    before = _rendered(root, FactsCache(tmp_path / "cache"))
    (root / "requirements.txt").write_text("Django>=4.2\n", encoding="utf-8")
    after = _rendered(root, FactsCache(tmp_path / "cache"))
    assert before.text != after.text
    assert after == _rendered(root, None)


@pytest.mark.parametrize(
    "config",
    [
        Config(ignore=("DPL110",)),
        Config(select=("DPL1",)),
        Config(django_version="3.2"),
        Config(server="asgi"),
        Config(per_file_ignores={"app/*": ("DPL110",)}),
        Config(extra_blocking_calls={"app.views.helper": ""}),
        Config(exclude=("app",)),
    ],
    ids=repr,
)
def test_a_changed_configuration_makes_the_report_again(tmp_path, config):
    root = _project(tmp_path)
    _rendered(root, FactsCache(tmp_path / "cache"))
    again = FactsCache(tmp_path / "cache")
    assert _rendered(root, again, config) == _rendered(root, None, config)
    assert again.report_hits == 0


def test_another_variant_is_another_report(tmp_path):
    root = _project(tmp_path)
    _rendered(root, FactsCache(tmp_path / "cache"), variant="concise")
    again = FactsCache(tmp_path / "cache")
    _rendered(root, again, variant="json")
    assert again.report_hits == 0


@pytest.mark.parametrize("output_format", ["full", "concise", "json", "json-lines", "sarif", "github", "gitlab",
                                           "junit", "pylint"])  # fmt: skip
def test_cli_output_is_the_same_uncached_cold_and_warm(tmp_path, output_format, monkeypatch):
    root = _project(tmp_path, Procfile="web: gunicorn proj.wsgi:application\n")
    monkeypatch.setenv("DJANGO_PROTOLINT_CACHE_DIR", str(tmp_path / "cache"))
    args = ["check", ".", "--no-config", "--format", output_format]
    uncached = invoke([*args, "--no-cache"], cwd=root)
    cold = invoke(args, cwd=root)
    warm = invoke(args, cwd=root)
    statistics = invoke([*args, "--statistics"], cwd=root)
    statistics_warm = invoke([*args, "--statistics"], cwd=root)
    for result in (uncached, cold, warm, statistics, statistics_warm):
        assert result.exception is None and result.exit_code == 1
    assert uncached.stdout == cold.stdout == warm.stdout
    assert statistics.stdout == statistics_warm.stdout and "DPL110" in statistics.stdout
    assert invoke([*args, "--exit-zero"], cwd=root).exit_code == 0


def test_cli_reports_an_edit_between_warm_runs(tmp_path, monkeypatch):
    root = _project(tmp_path)
    monkeypatch.setenv("DJANGO_PROTOLINT_CACHE_DIR", str(tmp_path / "cache"))
    args = ["check", ".", "--no-config", "--format", "concise"]
    assert "DPL110" in invoke(args, cwd=root).stdout
    (root / "app" / "views.py").write_text("async def view(request):\n    return 1\n", encoding="utf-8")
    result = invoke(args, cwd=root)
    assert result.exit_code == 0 and "DPL110" not in result.stdout


def test_report_only_paths_are_part_of_the_reused_report(tmp_path, monkeypatch):
    root = _project(tmp_path, **{"app/other.py": VIEW})
    monkeypatch.setenv("DJANGO_PROTOLINT_CACHE_DIR", str(tmp_path / "cache"))
    args = ["check", "--format", "concise", "--report-only"]
    for _ in range(2):  # cold, then warm
        views = invoke([*args, "app/views.py"], cwd=root)
        other = invoke([*args, "app/other.py"], cwd=root)
        models = invoke([*args, "app/models.py"], cwd=root)
        assert "app/views.py" in views.stdout and "app/other.py" not in views.stdout
        assert "app/other.py" in other.stdout and "app/views.py" not in other.stdout
        assert (views.exit_code, other.exit_code, models.exit_code) == (1, 1, 0)


def test_an_internal_error_is_never_reused(tmp_path, monkeypatch):
    """A crash or a timeout may be the machine's, not the file's: the next run tries again."""
    from django_protolint import parallel

    root = _project(tmp_path)
    monkeypatch.setenv("DJANGO_PROTOLINT_CACHE_DIR", str(tmp_path / "cache"))
    real = parallel._analyse

    def crash_on_views(job):
        if job[1].endswith("views.py"):
            raise parallel._OutOfTime
        return real(job)

    monkeypatch.setattr(parallel, "_analyse", crash_on_views)
    args = ["check", "--format", "concise", "--jobs", "1", "--strict"]
    failed = invoke(args, cwd=root)
    assert failed.exit_code == 2 and "DPL003" in failed.stdout
    assert invoke(args, cwd=root).exit_code == 2  # reused? no: analysed (and failed) again
    monkeypatch.setattr(parallel, "_analyse", real)
    again = invoke(args, cwd=root)
    assert again.exit_code == 1 and "DPL003" not in again.stdout and "DPL110" in again.stdout


def test_the_console_entry_point_keeps_exit_codes_and_output(tmp_path):
    root = _project(tmp_path)
    env = {**os.environ, "DJANGO_PROTOLINT_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "django_protolint"]
    for args, code in ((["check", "--format", "concise"], 1), (["check", "--exit-zero"], 0),
                       (["check", "--select", "NOPE"], 2), (["rules"], 0), (["--version"], 0)):  # fmt: skip
        result = subprocess.run([*command, *args], cwd=root, env=env, capture_output=True, text=True)
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr
    out = subprocess.run([*command, "check", "--format", "concise", "-o", "report.txt"], cwd=root, env=env,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 1 and "DPL110" in (root / "report.txt").read_text(encoding="utf-8")
    piped = subprocess.run(f"{sys.executable} -m django_protolint rules | head -1", shell=True, cwd=root, env=env,
                           capture_output=True, text=True)  # fmt: skip
    assert piped.stdout.startswith("DPL") and "Traceback" not in piped.stderr


def test_the_report_command_reuses_its_verdict_until_a_deployment_file_changes(tmp_path, monkeypatch, trusting):
    root = _project(tmp_path, Procfile="web: gunicorn proj.wsgi:application\n")
    monkeypatch.setenv("DJANGO_PROTOLINT_CACHE_DIR", str(tmp_path / "cache"))
    analysed: list[int] = []
    real = runner._report

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        analysed.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "_report", counting)
    first = invoke(["report", "--format", "json"], cwd=root)
    again = invoke(["report", "--format", "json"], cwd=root)
    assert (first.exit_code, first.stdout) == (again.exit_code, again.stdout)
    assert len(analysed) == 1  # the second run reused the verdict
    markdown = invoke(["report", "--format", "markdown"], cwd=root)
    assert len(analysed) == 2 and markdown.stdout != first.stdout  # another format is another rendering
    (root / "Procfile").write_text("web: uvicorn proj.asgi:application\n", encoding="utf-8")
    changed = invoke(["report", "--format", "json"], cwd=root)
    assert len(analysed) == 3 and changed.stdout != first.stdout
    assert '"uvicorn"' in changed.stdout
    uncached = invoke(["report", "--format", "json", "--no-cache"], cwd=root)
    assert len(analysed) == 4 and uncached.stdout == changed.stdout


def test_a_pack_whose_table_points_outside_it_reads_as_missing_entries(tmp_path):
    path = tmp_path / "facts.pickle"
    write_pack(path, {"a": b"first", "b": b"second"})
    assert PackReader(path).entries() == {"a": b"first", "b": b"second"}
    data = path.read_bytes()
    table_at = int.from_bytes(data[8:16], "little")
    table = pickle.loads(data[table_at:])
    table["b"] = (table_at + 10_000, 6)  # past the end
    table["c"] = (16, 10_000)  # longer than the file
    path.write_bytes(data[:table_at] + pickle.dumps(table))
    assert PackReader(path).entries() == {"a": b"first"}


def test_a_reader_keeps_reading_the_pack_it_opened_when_another_run_replaces_it(tmp_path):
    path = tmp_path / "facts.pickle"
    write_pack(path, {"a": b"old"})
    reader = PackReader(path)
    write_pack(path, {"a": b"new!", "b": b"more"})  # another run's rename, meanwhile
    assert reader.read("a") == b"old" and reader.read("b") is None
    reader.close()
    assert PackReader(path).entries() == {"a": b"new!", "b": b"more"}
