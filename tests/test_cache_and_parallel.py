"""The facts cache and the process pool change how fast the per-file pass is, never what it finds."""

from __future__ import annotations

import os
import pickle

import pytest

from django_protolint import parallel, runner
from django_protolint.cache import FactsCache
from django_protolint.config import Config
from django_protolint.runner import lint
from tests.helpers import found, write_project

VIEW = """\
import time
from .models import Article


async def view_{n}(request):
    time.sleep(1)
    return Article.objects.get(pk={n})
"""


@pytest.fixture
def big_project(tmp_path):
    files = {f"app/views_{n}.py": VIEW.format(n=n) for n in range(parallel.PARALLEL_THRESHOLD + 6)}
    files["app/broken.py"] = "def broken(:\n"
    return write_project(tmp_path / "project", files)


def test_parallel_and_sequential_agree(big_project):
    sequential = lint([big_project], Config(), cwd=big_project, jobs=1)
    parallel_run = lint([big_project], Config(), cwd=big_project, jobs=2)
    assert found(sequential) == found(parallel_run)
    assert sequential.findings == parallel_run.findings  # same order, same messages
    assert len(found(sequential)) == 2 * (parallel.PARALLEL_THRESHOLD + 6) + 1


def test_second_run_reads_every_file_from_the_cache(big_project, tmp_path):
    first_cache = FactsCache(tmp_path / "cache")
    first = lint([big_project], Config(), cwd=big_project, cache=first_cache, jobs=2)
    assert first_cache.hits == 0
    second_cache = FactsCache(tmp_path / "cache")
    second = lint([big_project], Config(), cwd=big_project, cache=second_cache, jobs=2)
    assert second_cache.misses == 0 and second_cache.hits == len(second.files) - 0
    assert first.findings == second.findings


def test_an_edited_file_is_analysed_again(tmp_path):
    root = write_project(tmp_path / "project", {"app/views.py": VIEW.format(n=1)})
    cache = FactsCache(tmp_path / "cache")
    assert len(lint([root], Config(), cwd=root, cache=cache).findings) == 2
    (root / "app" / "views.py").write_text(VIEW.format(n=1).replace("time.sleep(1)", "pass"), encoding="utf-8")
    again = FactsCache(tmp_path / "cache")
    assert [f.code for f in lint([root], Config(), cwd=root, cache=again).findings] == ["DPL101"]
    assert again.misses == 1


def test_corrupt_and_foreign_entries_are_misses(tmp_path):
    root = write_project(tmp_path / "project", {"app/views.py": VIEW.format(n=1)})
    cache = FactsCache(tmp_path / "cache")
    expected = lint([root], Config(), cwd=root, cache=cache).findings
    entries = list(cache.directory.rglob("*.pickle"))
    assert entries
    entries[0].write_bytes(b"\x80\x04garbage")
    for entry in entries[1:]:
        entry.write_bytes(pickle.dumps({"not": "facts"}))
    again = FactsCache(tmp_path / "cache")
    assert lint([root], Config(), cwd=root, cache=again).findings == expected
    assert again.hits == 0


def test_unwritable_cache_directory_does_not_stop_the_run(tmp_path):
    root = write_project(tmp_path / "project", {"app/views.py": VIEW.format(n=1)})
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    assert len(lint([root], Config(), cwd=root, cache=FactsCache(blocker)).findings) == 2


def test_a_worker_that_dies_costs_only_its_file(big_project, monkeypatch):
    real = parallel._analyse

    def crash_on_one_file(job):
        if job[1].endswith("views_3.py"):
            os._exit(70)  # a hard crash, as a segfault in the parser would be
        return real(job)

    monkeypatch.setattr(parallel, "_analyse", crash_on_one_file)  # workers are forked: they see the patch
    report = lint([big_project], Config(), cwd=big_project, jobs=2)
    crashed = [f for f in report.findings if f.code == "DPL003"]
    assert [f.path for f in crashed] == ["app/views_3.py"]
    assert {(f.path, f.code) for f in report.findings if f.path == "app/views_4.py"} == {
        ("app/views_4.py", "DPL101"), ("app/views_4.py", "DPL110"),
    }  # fmt: skip


def test_progress_is_reported_for_every_file(big_project):
    seen: list[tuple[int, int]] = []
    lint([big_project], Config(), cwd=big_project, jobs=2, progress=lambda done, total: seen.append((done, total)))
    total = parallel.PARALLEL_THRESHOLD + 8  # the views, broken.py and app/__init__.py
    assert seen[-1] == (total, total) and len(seen) == total


def test_progress_bar_waits_before_drawing(monkeypatch, capsys):
    from django_protolint.cli import ProgressBar

    bar = ProgressBar()
    bar(1, 10)
    assert capsys.readouterr().err == ""  # a short run draws nothing
    monkeypatch.setattr(bar, "_started", bar._started - 5)
    bar(5, 10)
    bar.finish()
    assert "5/10 files" in capsys.readouterr().err


def _hang_on_views_3(real):
    def analyse(job):
        if job[1].endswith("views_3.py"):
            import time

            time.sleep(60)  # a loop that never ends, as far as a pre-commit hook can tell
        return real(job)

    return analyse


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_that_takes_too_long_costs_only_that_file(big_project, monkeypatch, jobs):
    monkeypatch.setattr(parallel, "FILE_TIME_LIMIT", 0.5)
    monkeypatch.setattr(parallel, "_analyse", _hang_on_views_3(parallel._analyse))
    report = lint([big_project], Config(), cwd=big_project, jobs=jobs)
    stopped = [f for f in report.findings if f.code == "DPL003"]
    assert [f.path for f in stopped] == ["app/views_3.py"]
    assert "longer than 0.5 s" in stopped[0].message
    assert {f.code for f in report.findings if f.path == "app/views_4.py"} == {"DPL101", "DPL110"}


def test_strict_turns_an_internal_error_into_exit_2(big_project, monkeypatch):
    from tests.helpers import invoke

    real = parallel._analyse
    monkeypatch.setattr(parallel, "FILE_TIME_LIMIT", 0.5)
    monkeypatch.setattr(parallel, "_analyse", _hang_on_views_3(real))
    lenient = invoke(["check", "--format", "concise", "--jobs", "1", "--no-cache"], cwd=big_project)
    assert lenient.exit_code == 1 and "app/views_3.py:1:1: DPL003" in lenient.stdout
    strict = invoke(["check", "--format", "concise", "--jobs", "1", "--no-cache", "--strict"], cwd=big_project)
    assert strict.exit_code == 2 and "failed on 1 file" in strict.stderr
    # Strictness is about the tool failing, not about the code: findings alone do not make it exit 2.
    monkeypatch.setattr(parallel, "_analyse", real)
    assert (
        invoke(["check", "--format", "concise", "--no-cache", "--strict", "--exit-zero"], cwd=big_project).exit_code
        == 0
    )


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_changed_after_its_digest_is_linted_as_read_and_not_cached(big_project, tmp_path, jobs):
    # A cold run keeps each file's digest, not its bytes: the file is read again where it is analysed. An edit in
    # between (an editor saving during a pre-commit run) is linted as read, and those facts are not kept under the
    # digest of the earlier content, which the next run would otherwise trust.
    cache = FactsCache(tmp_path / "cache")
    discovery, _ = runner._discover([big_project], Config(), big_project, cache)
    inputs = runner.read_inputs(discovery, cache)
    assert all(state[1] is None for state in inputs.python.values() if isinstance(state, tuple))
    edited_file = big_project / "app" / "views_1.py"
    original = edited_file.read_text()
    edited_file.write_text("async def renamed(request):\n    return None\n")
    files = runner.read_facts(discovery, cache, jobs, None, inputs)
    [edited] = [facts for facts in files if facts.path == "app/views_1.py"]
    assert [function.qualname for function in edited.functions] == ["renamed"]
    assert inputs.changed_during_run
    cache.save()
    edited_file.write_text(original)  # back: the content the earlier digest was of
    again = FactsCache(tmp_path / "cache")
    rerun = lint([big_project], Config(), cwd=big_project, cache=again)
    assert {f.code for f in rerun.findings if f.path == "app/views_1.py"} == {"DPL101", "DPL110"}
    assert again.misses == 1  # only that file is analysed again: the others' facts were kept
