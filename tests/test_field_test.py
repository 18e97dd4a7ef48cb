"""The field test script (scripts/field_test.py) and the ledger it reads: the script runs only where the
snapshots are, so its parts are tested here on small git repositories made on the spot."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPOSITORY = Path(__file__).resolve().parent.parent
FIELD = REPOSITORY / "field"


def _load_script():
    spec = importlib.util.spec_from_file_location("field_test", REPOSITORY / "scripts" / "field_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["field_test"] = module
    spec.loader.exec_module(module)
    return module


field_test = _load_script()


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
            "HOME": str(cwd),
            "PATH": "/usr/bin:/bin",
        },
    ).stdout


def _snapshot(tmp_path: Path, files: dict[str, str]) -> tuple[Path, str]:
    """A snapshot laid out as the fetch tool leaves it: <root>/<owner>+<name>/repo/.git."""
    work = tmp_path / "snapshots" / "acme+shop" / "repo"
    work.mkdir(parents=True)
    _git(work, "init", "-q")
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    _git(work, "add", ".")
    _git(work, "commit", "-qm", "snapshot")
    return work / ".git", _git(work, "rev-parse", "HEAD").strip()


def test_export_skips_blobs_the_snapshot_lacks(tmp_path):
    git_dir, commit = _snapshot(tmp_path, {"app/views.py": "x = 1\n", "big.bin": "large\n"})
    blob = _git(git_dir.parent, "rev-parse", "HEAD:big.bin").strip()
    (git_dir / "objects" / blob[:2] / blob[2:]).unlink()  # as a snapshot without files of 4 MiB and more

    missing = field_test.export(git_dir, commit, tmp_path / "tree")

    assert missing == 1
    assert (tmp_path / "tree" / "app" / "views.py").read_text() == "x = 1\n"
    assert not (tmp_path / "tree" / "big.bin").exists()
    # A second export reuses the finished tree.
    (tmp_path / "tree" / "app" / "views.py").write_text("changed\n")
    assert field_test.export(git_dir, commit, tmp_path / "tree") == 1
    assert (tmp_path / "tree" / "app" / "views.py").read_text() == "changed\n"


def test_find_snapshot_layouts(tmp_path):
    git_dir, _ = _snapshot(tmp_path, {"a.py": ""})
    assert field_test.find_snapshot(tmp_path / "snapshots", "acme/shop") == git_dir
    assert field_test.find_snapshot(tmp_path / "snapshots", "acme/other") is None


def _finding(path: str, line: int, code: str = "DPL101") -> dict:
    return {"path": path, "line": line, "column": 1, "code": code, "message": "m"}


def test_ledger_entries_survive_line_shifts(tmp_path):
    (tmp_path / "views.py").write_text("\n\nasync def v():\n    A.objects.get()\n")
    ledger = field_test.Ledger(
        findings=[
            {"path": "views.py", "line": 2, "code": "DPL101", "text": "A.objects.get()", "judgement": "tp", "why": "w"},
            {"path": "views.py", "line": 9, "code": "DPL110", "text": "time.sleep(1)", "judgement": "tp", "why": "w"},
        ]
    )
    pairs, free = field_test.match_findings([_finding("views.py", 4)], ledger, tmp_path)
    assert pairs[0][1] is ledger.findings[0]  # same text, two lines lower
    assert free == [ledger.findings[1]]  # a reviewed true positive no longer reported


def test_same_text_twice_pairs_by_nearest_line(tmp_path):
    (tmp_path / "v.py").write_text("x()\nx()\n")
    near, far = (
        {"path": "v.py", "line": n, "code": "DPL101", "text": "x()", "judgement": j, "why": ""}
        for n, j in ((2, "fp"), (1, "tp"))
    )
    pairs, free = field_test.match_findings(
        [_finding("v.py", 2), _finding("v.py", 1)], field_test.Ledger(findings=[near, far]), tmp_path
    )
    assert [entry["judgement"] for _, entry in pairs] == ["tp", "fp"]
    assert free == []


PROJECT = {
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
    "shop/__init__.py": "",
    "shop/settings.py": "ROOT_URLCONF = 'shop.urls'\nINSTALLED_APPS = []\n",
    "shop/urls.py": "from django.urls import path\nfrom shop import views\nurlpatterns = [path('', views.index)]\n",
    "shop/views.py": "import time\n\nasync def index(request):\n    time.sleep(1)\n",
    "shop/wsgi.py": "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n",
    "Procfile": "web: gunicorn shop.wsgi\n",
}


def _run_main(tmp_path: Path, ledger: str, capsys) -> tuple[int, str]:
    git_dir, commit = _snapshot(tmp_path, PROJECT)
    field = tmp_path / "field"
    (field / "review").mkdir(parents=True)
    (field / "projects.toml").write_text(
        f'[[project]]\nname = "shop"\nrepo = "acme/shop"\ncommit = "{commit}"\nkind = "application"\n'
        '[[project]]\nname = "gone"\nrepo = "acme/gone"\ncommit = "' + "0" * 40 + '"\nkind = "application"\n'
    )
    (field / "review" / "shop.toml").write_text(ledger)
    code = field_test.main(
        [
            "--snapshots",
            str(tmp_path / "snapshots"),
            "--cache",
            str(tmp_path / "cache"),
            "--corpus",
            str(field / "projects.toml"),
            "--review",
            str(field / "review"),
            "--write-results",
            str(tmp_path / "RESULTS.md"),
        ]
    )
    return code, capsys.readouterr().out


def test_a_known_false_positive_is_listed_but_passes(tmp_path, capsys):
    code, out = _run_main(
        tmp_path,
        '[[finding]]\npath = "shop/views.py"\nline = 4\ncode = "DPL110"\n'
        'text = "time.sleep(1)"\njudgement = "fp"\nwhy = "pretend"\ncause = "c"\n',
        capsys,
    )
    assert code == 0
    assert "known fp shop/views.py:4 DPL110 [c]" in out


def test_a_false_positive_that_was_gone_and_comes_back_fails_the_run(tmp_path, capsys):
    code, out = _run_main(
        tmp_path,
        '[[finding]]\npath = "shop/views.py"\nline = 4\ncode = "DPL110"\n'
        'text = "time.sleep(1)"\njudgement = "fp"\nwhy = "pretend"\ncause = "c"\n'
        'fixed_in = "abc1234"\n',
        capsys,
    )
    assert code == 1
    assert "FALSE POSITIVE BACK shop/views.py:4 DPL110 (gone in abc1234)" in out
    assert "gone: no snapshot of acme/gone" in out  # one line, and the run goes on
    assert "FALSE POSITIVE" not in (tmp_path / "RESULTS.md").read_text().split("## Per rule")[0]


def test_a_lost_true_positive_or_verdict_fails_the_run(tmp_path, capsys):
    ledger = (
        '[[finding]]\npath = "shop/views.py"\nline = 4\ncode = "DPL110"\ntext = "time.sleep(1)"\n'
        'judgement = "tp"\nwhy = "blocks"\n'
        '[[finding]]\npath = "shop/views.py"\nline = 3\ncode = "DPL101"\ntext = "async def index(request):"\n'
        'judgement = "tp"\nwhy = "pretend it was reported once"\n'
        '[[verdict]]\nroot = "."\nneeds = "asgi-beneficial"\nserved = "asgi"\nfit = "fit"\n'
        'tool_agreed = true\nwhy = "pretend"\n'
    )
    code, out = _run_main(tmp_path, ledger, capsys)
    assert code == 1
    assert "TRUE POSITIVE LOST shop/views.py:3 DPL101" in out
    assert "VERDICT LOST at ." in out
    assert "TRUE POSITIVE LOST shop/views.py:4" not in out


def test_agreement_passes(tmp_path, capsys):
    # DPL202 is not reported beside the DPL110 in the same view: one problem, one finding.
    ledger = (
        '[[finding]]\npath = "shop/views.py"\nline = 4\ncode = "DPL110"\ntext = "time.sleep(1)"\n'
        'judgement = "tp"\nwhy = "blocks"\n'
        '[[verdict]]\nroot = "."\nneeds = "wsgi"\nserved = "wsgi"\nfit = "fit"\ntool_agreed = true\n'
        'why = "the async view awaits nothing; gunicorn"\n'
    )
    code, out = _run_main(tmp_path, ledger, capsys)
    assert code == 0, out
    assert "verdicts right 1/1" in out


def test_debatable_findings_that_fail_a_commit_are_counted(tmp_path, capsys):
    # DPL110 is a warning: a debatable one fails `check` at the default --fail-level, so the summary counts it.
    ledger = (
        '[[finding]]\npath = "shop/views.py"\nline = 4\ncode = "DPL110"\ntext = "time.sleep(1)"\n'
        'judgement = "debatable"\nwhy = "pretend it is negligible"\ncause = "negligible-blocking"\n'
    )
    code, out = _run_main(tmp_path, ledger, capsys)
    assert code == 0, out
    assert out.splitlines()[-1].endswith(" · unreviewed 1 · debatable failing a commit 1/1")
    assert "| DPL1xx | 0 | 0 | 1 | 1 | 0 | n/a |" in (tmp_path / "RESULTS.md").read_text()


def test_a_finding_moved_within_its_file_keeps_its_review(tmp_path):
    (tmp_path / "asgi.py").write_text('application = ProtocolTypeRouter({\n    "websocket": URLRouter(r),\n})\n')
    entry = {
        "path": "asgi.py",
        "line": 1,
        "code": "DPL302",
        "text": "application = ProtocolTypeRouter({",
        "judgement": "tp",
        "why": "w",
    }
    pairs, free = field_test.match_findings(
        [_finding("asgi.py", 2, "DPL302")], field_test.Ledger(findings=[entry]), tmp_path
    )
    assert free == [] and pairs[0][1]["judgement"] == "tp" and pairs[0][1]["moved_from"] == 1
    outcome = field_test.Outcome(field_test.Entry("shop", "acme/shop", "0" * 40, "application", ""), pairs=pairs)
    assert outcome.lost_tps == [] and outcome.unreviewed == [] and len(outcome.moved) == 1
    ledger = tmp_path / "shop.toml"
    ledger.write_text(
        '[[finding]]\npath = "asgi.py"\nline = 1\ncode = "DPL302"\n'
        'text = "application = ProtocolTypeRouter({"\njudgement = "tp"\nwhy = "w"\n'
    )
    assert field_test.update_ledger(ledger, outcome, "abc1234", tmp_path) == 1
    (updated,) = tomllib.loads(ledger.read_text())["finding"]
    assert (updated["line"], updated["text"], updated["judgement"]) == (2, '"websocket": URLRouter(r),', "tp")


def test_two_candidates_are_not_guessed_as_moved(tmp_path):
    (tmp_path / "v.py").write_text("a\nb\nc\nd\n")
    entries = [{"path": "v.py", "line": n, "code": "DPL302", "text": "x", "judgement": "tp", "why": ""} for n in (1, 2)]
    pairs, free = field_test.match_findings(
        [_finding("v.py", 4, "DPL302")], field_test.Ledger(findings=entries), tmp_path
    )
    assert pairs[0][1] is None and len(free) == 2


# ---------------------------------------------------------------------------------------------- the ledger itself

LEDGERS = sorted((FIELD / "review").glob("*.toml"))


def test_corpus_entries_are_pinned():
    entries = field_test.load_corpus(FIELD / "projects.toml")
    assert len(entries) >= 32
    assert len({e.name for e in entries}) == len(entries)
    for entry in entries:
        assert re.fullmatch(r"[0-9a-f]{40}", entry.commit), entry.name
        assert entry.kind in {"application", "template", "reusable-app", "example"}, entry.name
        assert entry.why, entry.name
    assert {p.stem for p in LEDGERS} <= {e.name for e in entries}


@pytest.mark.parametrize("ledger", LEDGERS, ids=[p.stem for p in LEDGERS])
def test_every_ledger_entry_is_judged_with_a_reason(ledger):
    data = tomllib.loads(ledger.read_text(encoding="utf-8"))
    for entry in data.get("finding", []):
        where = f"{entry.get('path')}:{entry.get('line')} {entry.get('code')}"
        assert entry["judgement"] in field_test.JUDGEMENTS, where
        assert entry["why"].strip(), where
        assert isinstance(entry["line"], int) and "text" in entry, where
        if entry["judgement"] == "fp":
            assert entry.get("cause", "").strip(), where
    for verdict in data.get("verdict", []):
        assert verdict["needs"] in {"wsgi", "asgi-beneficial", "asgi-required"}, verdict
        assert verdict["served"] in {"wsgi", "asgi", "both", "unknown"}, verdict
        assert verdict["fit"] in {"fit", "suboptimal", "mismatch", "unknown"}, verdict
        assert verdict["why"].strip(), verdict


def test_update_ledger_records_progress_so_that_a_return_fails(tmp_path, capsys):
    ledger = (
        '# a comment kept\n[[verdict]]\nroot = "."\nneeds = "asgi-beneficial"\nserved = "wsgi"\nfit = "suboptimal"\n'
        'tool_agreed = false\nwhy = "pretend"\n\n'
        '[[verdict]]\nroot = "phantom"\nproject = false\nneeds = "wsgi"\nserved = "unknown"\nfit = "unknown"\n'
        'why = "no project there"\n\n'
        '[[finding]]\npath = "shop/views.py"\nline = 9\ncode = "DPL101"\ntext = "gone()"\njudgement = "fp"\n'
        'why = "pretend"\ncause = "c"\n# trailing comment\n'
    )
    code, out = _run_main(tmp_path, ledger, capsys)
    assert code == 0
    assert "verdict wrong at ." in out and "fp gone shop/views.py:9 DPL101" in out
    path = tmp_path / "field" / "review" / "shop.toml"
    outcome = field_test.Outcome(field_test.Entry("shop", "acme/shop", "0" * 40, "application", ""))
    outcome.verdicts = [
        (".", tomllib.loads(ledger)["verdict"][0], {"needs": "asgi-beneficial", "served": "wsgi", "fit": "suboptimal"}),
        ("phantom", tomllib.loads(ledger)["verdict"][1], None),
    ]
    outcome.free = [tomllib.loads(ledger)["finding"][0]]
    assert field_test.update_ledger(path, outcome, "abc1234") == 3
    updated = tomllib.loads(path.read_text())
    assert [v.get("tool_agreed") for v in updated["verdict"]] == [True, True]
    assert updated["finding"][0]["fixed_in"] == "abc1234"
    assert path.read_text().startswith("# a comment kept\n")


def test_a_phantom_project_root_is_a_wrong_verdict():
    phantom = {"root": "tests", "project": False, "needs": "wsgi", "served": "unknown", "fit": "unknown"}
    assert not field_test.verdict_right(phantom, {"needs": "wsgi", "served": "unknown", "fit": "unknown"})
    assert field_test.verdict_right(phantom, None)
