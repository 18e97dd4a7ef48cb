"""The field test: django-protolint on real Django applications, compared with a ledger reviewed by hand.

    python scripts/field_test.py [--snapshots DIR] [--cache DIR] [--project NAME ...]
                                 [--write-results field/RESULTS.md] [--write-pending DIR]

For each entry of `field/projects.toml` it exports the pinned commit from a local git snapshot into a cache
outside the repository, runs `django-protolint check --format json` and `report --format json` on the tree, and
compares the findings and verdicts with `field/review/<name>.toml`. It prints, per project: reviewed false
positives still reported, reviewed true positives no longer reported, findings nobody has reviewed yet, verdicts
that differ from the reviewed truth, files left unanalysed (DPL001/DPL002/DPL003), time and peak memory. It ends
with one summary line and exits 1 when a reviewed false positive comes back or a reviewed true positive or verdict
is lost, so it serves as a regression check. It needs the snapshots, so CI does not run it.

Snapshots: `--snapshots DIR` or `$DJANGO_PROTOLINT_SNAPSHOTS`, a directory holding one git directory per
repository as `<owner>+<name>/repo` (bare, or with a `.git` inside), `<owner>+<name>` or `<owner>/<name>`.
Snapshots may lack large blobs; the export skips them and counts them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPOSITORY = Path(__file__).resolve().parent.parent
FIELD = REPOSITORY / "field"
UNANALYSED_CODES = ("DPL001", "DPL002", "DPL003")
FAMILIES = ("DPL1", "DPL2", "DPL3", "DPL4", "DPL5")
JUDGEMENTS = ("tp", "fp", "debatable")
# The severities that fail `check` at its default `--fail-level warning`: a debatable finding at one of them
# fails someone's commit over a call reviewers could not call wrong (negligible-blocking: a stat() on local disk).
FAILING_SEVERITIES = ("error", "warning")
VERDICT_KEYS = ("needs", "served", "fit")


# ---------------------------------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Entry:
    name: str
    repo: str
    commit: str
    kind: str
    why: str


def load_corpus(path: Path) -> list[Entry]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Entry(p["name"], p["repo"], p["commit"], p["kind"], p.get("why", "")) for p in data["project"]]


def find_snapshot(root: Path, repo: str) -> Path | None:
    owner, name = repo.split("/", 1)
    for candidate in (root / f"{owner}+{name}" / "repo", root / f"{owner}+{name}", root / owner / name):
        for git_dir in (candidate / ".git", candidate):
            if (git_dir / "HEAD").is_file() and (git_dir / "objects").is_dir():
                return git_dir
    return None


def export(git_dir: Path, commit: str, destination: Path) -> int:
    """Write `commit`'s tree to `destination`; returns how many blobs the snapshot lacks (skipped).

    Not `git archive`: it stops at the first missing blob, and snapshots leave out large files."""
    marker = destination / ".field-export"
    if marker.is_file():
        return int(marker.read_text() or 0)
    if destination.exists():
        shutil.rmtree(destination)
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", "--full-tree", commit],
        check=True,
        capture_output=True,
    ).stdout
    entries = []  # (mode, sha, path)
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob":
            entries.append((mode.decode(), sha.decode(), os.fsdecode(path)))
    batch = subprocess.Popen(
        ["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert batch.stdin is not None and batch.stdout is not None
    missing = 0
    for mode, sha, relative in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            missing += 1
            continue
        content = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after the content
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            try:
                os.symlink(os.fsdecode(content), target)
            except OSError:
                missing += 1
            continue
        target.write_bytes(content)
        if mode == "100755":
            target.chmod(0o755)
    batch.stdin.close()
    batch.wait()
    destination.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(missing))
    return missing


# ---------------------------------------------------------------------------------------------------- running


@dataclass
class Run:
    findings: list[dict]
    projects: list[dict]
    seconds: float
    peak_mb: float
    failure: str | None = None


def run_tool(tree: Path, args: list[str]) -> tuple[dict | None, float, float, str]:
    """One django-protolint command on `tree` (the working directory, so paths are relative to it): its JSON,
    wall seconds, the peak RSS of the largest process in MB, and stderr."""
    command = [sys.executable, "-m", "django_protolint", *args, "--format", "json", "--no-cache", "."]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=tree,
            stdout=out,
            stderr=err,
            env={**os.environ, "PYTHONPATH": str(REPOSITORY), "NO_COLOR": "1"},
        )
        # wait4 gives this child's own rusage; on Linux its ru_maxrss covers the workers it waited for too.
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read().decode(errors="replace")
    peak_mb = usage.ru_maxrss / 1024
    try:
        return json.loads(stdout), seconds, peak_mb, stderr
    except json.JSONDecodeError:
        return None, seconds, peak_mb, stderr or stdout.decode(errors="replace")


def run_project(tree: Path) -> Run:
    checked, seconds, peak_mb, err = run_tool(tree, ["check", "--exit-zero", "-q"])
    if checked is None:
        return Run([], [], seconds, peak_mb, f"check gave no JSON: {err.strip().splitlines()[-1:] or ''}")
    reported, _, _, err = run_tool(tree, ["report"])
    if reported is None:
        return Run(checked["findings"], [], seconds, peak_mb, f"report gave no JSON: {err.strip()[-200:]}")
    return Run(checked["findings"], reported.get("projects", []), seconds, peak_mb)


# ---------------------------------------------------------------------------------------------------- ledger


def source_line(tree: Path, path: str, line: int) -> str:
    """The stripped text of `path`'s line: what a ledger entry is keyed on, so it survives line shifts."""
    try:
        lines = (tree / path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


@dataclass
class Ledger:
    findings: list[dict] = field(default_factory=list)
    verdicts: list[dict] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)  # real problems the tool does not report, noted in review


def load_ledger(path: Path) -> Ledger:
    if not path.is_file():
        return Ledger()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Ledger(data.get("finding", []), data.get("verdict", []), data.get("miss", []))


def match_findings(
    findings: list[dict], ledger: Ledger, tree: Path
) -> tuple[list[tuple[dict, dict | None]], list[dict]]:
    """Pair each reported finding with its ledger entry: same path, code and source-line text, the nearest line
    first. Returns (finding, entry or None) pairs, and the ledger entries no finding took."""
    free = list(ledger.findings)
    pairs = []
    for finding in sorted(findings, key=lambda f: (f["path"], f["line"], f["column"], f["code"])):
        text = source_line(tree, finding["path"], finding["line"])
        candidates = [
            e
            for e in free
            if e["path"] == finding["path"] and e["code"] == finding["code"] and e.get("text", "") == text
        ]
        if not candidates:  # the line's text changed: fall back to the same line
            candidates = [
                e
                for e in free
                if e["path"] == finding["path"] and e["code"] == finding["code"] and e["line"] == finding["line"]
            ]
        entry = min(candidates, key=lambda e: abs(e["line"] - finding["line"]), default=None)
        if entry is not None:
            free.remove(entry)
        pairs.append((finding, entry))
    # A finding that moved within its file (a rule now points at another part of the same code: DPL302 from
    # `ProtocolTypeRouter(` to its "websocket" entry) keeps its review when the pairing is unambiguous: the one
    # unpaired finding and the one free entry of that path and code. Shown as `moved`, never silently.
    for index, (finding, entry) in enumerate(pairs):
        if entry is not None:
            continue
        key = (finding["path"], finding["code"])
        entries = [e for e in free if (e["path"], e["code"]) == key]
        findings = [f for f, e in pairs if e is None and (f["path"], f["code"]) == key]
        if len(entries) == 1 and len(findings) == 1:
            free.remove(entries[0])
            pairs[index] = (finding, {**entries[0], "moved_from": entries[0]["line"]})
    return pairs, free


def project_root(project: dict) -> str:
    root = project.get("root") or "."
    return "." if root in ("", ".") else root


def verdict_of(project: dict) -> dict:
    verdict = project.get("verdict") or {}
    return {key: verdict.get(key) for key in VERDICT_KEYS}


# ---------------------------------------------------------------------------------------------------- comparing


@dataclass
class Outcome:
    entry: Entry
    run: Run | None = None
    missing_blobs: int = 0
    tree_files: int = 0
    problem: str | None = None
    pairs: list[tuple[dict, dict | None]] = field(default_factory=list)
    free: list[dict] = field(default_factory=list)  # ledger entries no reported finding matched
    misses: list[dict] = field(default_factory=list)
    verdicts: list[tuple[str, dict | None, dict | None]] = field(default_factory=list)  # root, truth, tool

    @property
    def known_fps(self) -> list[tuple[dict, dict]]:
        """Reviewed false positives still reported (the baseline: the accuracy issues remove them)."""
        return [(f, e) for f, e in self.pairs if e is not None and e["judgement"] == "fp" and not e.get("fixed_in")]

    @property
    def back_fps(self) -> list[tuple[dict, dict]]:
        """Reviewed false positives that were gone (`fixed_in` in the ledger) and are reported again."""
        return [(f, e) for f, e in self.pairs if e is not None and e["judgement"] == "fp" and e.get("fixed_in")]

    @property
    def gone_fps(self) -> list[dict]:
        return [e for e in self.free if e["judgement"] == "fp" and not e.get("fixed_in")]

    @property
    def moved(self) -> list[tuple[dict, dict]]:
        return [(f, e) for f, e in self.pairs if e is not None and "moved_from" in e]

    @property
    def unreviewed(self) -> list[dict]:
        return [f for f, e in self.pairs if e is None]

    @property
    def lost_tps(self) -> list[dict]:
        return [e for e in self.free if e["judgement"] == "tp"]

    @property
    def unanalysed(self) -> list[dict]:
        return [f for f, _ in self.pairs if f["code"] in UNANALYSED_CODES]

    @property
    def verdict_errors(self) -> list[tuple[str, dict | None, dict | None]]:
        return [(root, truth, tool) for root, truth, tool in self.verdicts if not verdict_right(truth, tool)]


def verdict_right(truth: dict | None, tool: dict | None) -> bool:
    """A reviewed root that is no project (`project = false`) is right only when the tool reports none there."""
    if truth is None:
        return False
    if truth.get("project", True) is False:
        return tool is None
    return tool is not None and all(truth.get(k) == tool.get(k) for k in VERDICT_KEYS)


def compare(entry: Entry, run: Run, ledger: Ledger, tree: Path) -> Outcome:
    outcome = Outcome(entry, run)
    outcome.pairs, outcome.free = match_findings(run.findings, ledger, tree)
    outcome.misses = ledger.misses
    tool_verdicts = {project_root(p): verdict_of(p) for p in run.projects}
    truth_verdicts = {v.get("root", "."): v for v in ledger.verdicts}
    for root in sorted(set(tool_verdicts) | set(truth_verdicts)):
        outcome.verdicts.append((root, truth_verdicts.get(root), tool_verdicts.get(root)))
    return outcome


def family(code: str) -> str:
    return code[:4]


def precision(outcomes: list[Outcome]) -> dict[str, dict[str, int]]:
    """Per family: findings by judgement, "unreviewed", and "debatable failing" (debatable at warning or above)."""
    counts: dict[str, dict[str, int]] = {
        f: {j: 0 for j in (*JUDGEMENTS, "unreviewed", "debatable failing")} for f in FAMILIES
    }
    for outcome in outcomes:
        for finding, entry in outcome.pairs:
            fam = family(finding["code"])
            if fam not in counts:
                continue
            counts[fam][entry["judgement"] if entry else "unreviewed"] += 1
            if entry and entry["judgement"] == "debatable" and finding.get("severity") in FAILING_SEVERITIES:
                counts[fam]["debatable failing"] += 1
    return counts


def ratio(tp: int, fp: int) -> str:
    return f"{tp / (tp + fp):.0%}" if tp + fp else "n/a"


# ---------------------------------------------------------------------------------------------------- printing


def print_outcome(outcome: Outcome) -> None:
    entry, run = outcome.entry, outcome.run
    if outcome.problem:
        print(f"{entry.name}: {outcome.problem}")
        return
    assert run is not None
    print(
        f"== {entry.name} ({entry.repo}@{entry.commit[:10]}): {len(run.findings)} findings, "
        f"{run.seconds:.1f} s, {run.peak_mb:.0f} MB"
        + (f", {outcome.missing_blobs} blobs not in the snapshot" if outcome.missing_blobs else "")
    )
    if run.failure:
        print(f"  TOOL FAILED: {run.failure}")
    for finding, ledger_entry in outcome.back_fps:
        print(
            f"  FALSE POSITIVE BACK {finding['path']}:{finding['line']} {finding['code']} (gone in "
            f"{ledger_entry['fixed_in']}) — {ledger_entry['why']}"
        )
    for lost in outcome.lost_tps:
        print(f"  TRUE POSITIVE LOST {lost['path']}:{lost['line']} {lost['code']} — {lost['why']}")
    for finding, ledger_entry in outcome.known_fps:
        print(f"  known fp {finding['path']}:{finding['line']} {finding['code']} [{ledger_entry.get('cause', '')}]")
    for finding, moved in outcome.moved:
        print(
            f"  moved {finding['path']}:{moved['moved_from']} → {finding['line']} {finding['code']} "
            f"[{moved['judgement']}] (--update-ledger records it)"
        )
    for gone in outcome.gone_fps:
        print(
            f"  fp gone {gone['path']}:{gone['line']} {gone['code']} [{gone.get('cause', '')}] (--update-ledger records it)"
        )
    for finding in outcome.unreviewed:
        print(
            f"  unreviewed {finding['path']}:{finding['line']}:{finding['column']} {finding['code']} "
            f"{finding['message']}"
        )
    for root, truth, tool in outcome.verdict_errors:
        if truth is None:
            print(f"  unreviewed verdict at {root}: {_triple(tool or {})}")
        elif truth.get("tool_agreed"):
            print(f"  VERDICT LOST at {root}: tool {_triple(tool) if tool else 'no project'}, truth {_truth(truth)}")
        else:
            print(
                f"  verdict wrong at {root}: tool {_triple(tool) if tool else 'no project'}, truth {_truth(truth)}"
                f" — {truth.get('why', '')}"
            )
    for root, truth, tool in outcome.verdicts:
        if verdict_right(truth, tool) and not truth.get("tool_agreed"):
            print(f"  verdict now right at {root} (--update-ledger records it)")
    for finding in outcome.unanalysed:
        print(f"  unanalysed {finding['path']}: {finding['code']} {finding['message']}")


def _triple(verdict: dict) -> str:
    return "/".join(str(verdict.get(k)) for k in VERDICT_KEYS)


def _truth(truth: dict) -> str:
    return "no project here" if truth.get("project", True) is False else _triple(truth)


def summary_line(outcomes: list[Outcome]) -> str:
    counts = precision(outcomes)
    families = " ".join(f"{fam}xx {ratio(c['tp'], c['fp'])}" for fam, c in counts.items())
    tp = sum(c["tp"] for c in counts.values())
    fp = sum(c["fp"] for c in counts.values())
    reviewed = [v for o in outcomes for v in o.verdicts if v[1] is not None]
    right = sum(1 for root, truth, tool in reviewed if verdict_right(truth, tool))
    unanalysed = sum(len(o.unanalysed) for o in outcomes)
    unreviewed = sum(len(o.unreviewed) for o in outcomes) + sum(1 for o in outcomes for v in o.verdicts if v[1] is None)
    debatable = sum(c["debatable"] for c in counts.values())
    failing = sum(c["debatable failing"] for c in counts.values())
    return (
        f"precision {ratio(tp, fp)} ({tp} tp, {fp} fp) · {families} · verdicts right {right}/{len(reviewed)}"
        f" · unanalysed files {unanalysed} · unreviewed {unreviewed}"
        f" · debatable failing a commit {failing}/{debatable}"
    )


# ---------------------------------------------------------------------------------------------------- pending


def pending_toml(outcome: Outcome, tree: Path) -> str:
    """Ledger entries to fill in for what nobody has reviewed yet (judgement, why; cause for an fp)."""
    lines = [f"# {outcome.entry.name}: unreviewed findings and verdicts, to review and move into field/review/"]
    projects = {project_root(p): p for p in outcome.run.projects} if outcome.run else {}
    for root, truth, tool in outcome.verdicts:
        if truth is None and tool is not None:
            verdict = projects[root].get("verdict") or {}
            shown = [
                f"#   {s['environment']}: {s['name']} ({s['protocol']}) at {s['path']}:{s['line']} `{s['command']}`"
                for s in verdict.get("servers", []) + verdict.get("development_servers", [])
            ]
            lines += [
                "",
                f"# the tool said {_triple(tool)}; what it read as servers:",
                *shown,
                "[[verdict]]",
                f"root = {json.dumps(root)}",
                *(f"{k} = {json.dumps(tool[k])}  # the tool's; replace with the truth" for k in VERDICT_KEYS),
                'servers = []  # "path:line what serves it (and for a split deployment, which paths)"',
                "tool_agreed = false  # true when the tool's needs/served/fit above equal the truth",
                'why = ""',
            ]
    for finding in outcome.unreviewed:
        text = source_line(tree, finding["path"], finding["line"])
        lines += [
            "",
            "[[finding]]",
            f"path = {json.dumps(finding['path'])}",
            f"line = {finding['line']}",
            f"code = {json.dumps(finding['code'])}",
            f"text = {json.dumps(text)}",
            f"message = {json.dumps(finding['message'])}",
            'judgement = ""  # tp / fp / debatable',
            'why = ""',
            'cause = ""  # for an fp: a short cause tag',
        ]
    return "\n".join(lines) + "\n"


def update_ledger(path: Path, outcome: Outcome, commit: str, tree: Path | None = None) -> int:
    """Record progress in the ledger: verdicts now right get `tool_agreed = true`, reviewed false positives no
    longer reported get `fixed_in`, so that their return fails a later run; moved findings get their new line and
    text. Returns how many entries changed."""
    agreed = {
        root
        for root, truth, tool in outcome.verdicts
        if truth is not None and verdict_right(truth, tool) and not truth.get("tool_agreed")
    }
    gone = {(e["path"], e["line"], e["code"]) for e in outcome.gone_fps}
    moved = {(e["path"], e["moved_from"], e["code"]): f for f, e in outcome.moved} if tree is not None else {}
    if not (agreed or gone or moved) or not path.is_file():
        return 0
    changed = 0
    blocks = re.split(r"(?m)^(?=\[\[)", path.read_text(encoding="utf-8"))
    for index, block in enumerate(blocks):
        if not block.startswith("[["):
            continue
        table, entries = next(iter(tomllib.loads(block).items()))
        entry = entries[0]
        if table == "verdict" and entry.get("root", ".") in agreed:
            if re.search(r"(?m)^tool_agreed = false", block):
                blocks[index] = re.sub(r"(?m)^tool_agreed = false.*$", "tool_agreed = true", block)
            else:
                blocks[index] = block.replace("[[verdict]]\n", "[[verdict]]\ntool_agreed = true\n", 1)
            changed += 1
        elif table == "finding" and (finding := moved.get((entry["path"], entry["line"], entry["code"]))):
            text = source_line(tree, finding["path"], finding["line"])  # type: ignore[arg-type]
            block = re.sub(r"(?m)^line = \d+$", f"line = {finding['line']}", block, count=1)
            blocks[index] = re.sub(
                r"(?m)^text = .*$", lambda _, text=text: f"text = {json.dumps(text)}", block, count=1
            )
            changed += 1
        elif table == "finding" and (entry["path"], entry["line"], entry["code"]) in gone:
            body, tail = re.match(r"(.*?\n)(\s*(?:#.*\n?|\n)*)$", block, re.S).groups()
            blocks[index] = f'{body}fixed_in = "{commit}"\n{tail}'
            changed += 1
    path.write_text("".join(blocks), encoding="utf-8")
    return changed


# ---------------------------------------------------------------------------------------------------- results


def tool_commit() -> str:
    return subprocess.run(
        ["git", "-C", str(REPOSITORY), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()


def results_markdown(outcomes: list[Outcome], command: str) -> str:
    from collections import Counter

    commit = tool_commit()
    out = [
        "# Field test results",
        "",
        f"`{command}` on {datetime.date.today().isoformat()}, django-protolint at {commit}, "
        f"Python {sys.version.split()[0]}. Written by the script; do not edit by hand.",
        "",
        f"**{summary_line(outcomes)}**",
        "",
        "## Precision per rule family",
        "",
        "Reviewed findings only; `debatable` counts in neither side. DPL00x (files not analysed) are apart. "
        "*Debatable failing a commit*: debatable findings at `warning` or `error`, which fail `check` at the "
        "default `--fail-level warning` (at `info` they are shown and pass).",
        "",
        "| family | tp | fp | debatable | debatable failing a commit | unreviewed | precision |",
        "|---|---|---|---|---|---|---|",
    ]
    for fam, c in precision(outcomes).items():
        out.append(
            f"| {fam}xx | {c['tp']} | {c['fp']} | {c['debatable']} | {c['debatable failing']} | {c['unreviewed']} "
            f"| {ratio(c['tp'], c['fp'])} |"
        )
    per_rule: Counter = Counter()
    causes: dict[str, list[str]] = {}
    for o in outcomes:
        for finding, entry in o.pairs:
            if entry is None or finding["code"] in UNANALYSED_CODES:
                continue
            per_rule[(finding["code"], entry["judgement"])] += 1
            if entry["judgement"] == "fp":
                causes.setdefault(entry.get("cause") or "unclassified", []).append(
                    f"{o.entry.name} `{finding['path']}:{finding['line']}` {finding['code']}: {entry['why']}"
                )
    out += ["", "## Per rule", "", "| rule | tp | fp | debatable |", "|---|---|---|---|"]
    for code in sorted({code for code, _ in per_rule}):
        out.append(
            f"| {code} | {per_rule[(code, 'tp')]} | {per_rule[(code, 'fp')]} | {per_rule[(code, 'debatable')]} |"
        )
    out += ["", "## False positives by cause", ""]
    for cause, items in sorted(causes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out += [f"### {cause} ({len(items)})", "", *(f"- {item}" for item in items), ""]
    out += [
        "## Verdicts",
        "",
        "| project | root | tool (needs/served/fit) | truth | agree | why |",
        "|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        for root, truth, tool in o.verdicts:
            agree = verdict_right(truth, tool)
            out.append(
                f"| {o.entry.name} | `{root}` | {_triple(tool) if tool else 'no project found'} | "
                f"{_truth(truth) if truth else 'unreviewed'} | {'yes' if agree else 'no'} | "
                f"{(truth or {}).get('why', '')} |"
            )
    verdict_causes: dict[str, list[str]] = {}
    for o in outcomes:
        for root, truth, _tool in o.verdict_errors:
            if truth is None:
                continue
            for cause in truth.get("cause") or ["unclassified"]:
                verdict_causes.setdefault(cause, []).append(f"{o.entry.name} `{root}`")
    out += ["", "## Verdict errors by cause", "", "A wrong verdict may have more than one cause.", ""]
    for cause, items in sorted(verdict_causes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        out.append(f"- **{cause}** ({len(items)}): {', '.join(items)}")
    out += [
        "",
        "## Misses noted in review",
        "",
        "Real problems the tool does not report, noticed while reviewing (not a systematic search).",
        "",
    ]
    for o in outcomes:
        for miss in o.misses:
            out.append(
                f"- {o.entry.name} `{miss.get('path')}:{miss.get('line')}` {miss.get('code')}: {miss.get('why')}"
            )
    out += ["", "## Files not analysed (DPL001/DPL002/DPL003)", ""]
    any_unanalysed = False
    for o in outcomes:
        for finding in o.unanalysed:
            any_unanalysed = True
            out.append(f"- {o.entry.name} `{finding['path']}`: {finding['code']} {finding['message']}")
    if not any_unanalysed:
        out.append("None.")
    out += [
        "",
        "## Time and memory per project",
        "",
        "`check --format json --no-cache`, wall time; peak RSS of the largest process so far in the run.",
        "",
        "| project | files in tree | findings | seconds | peak MB | blobs not in snapshot |",
        "|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        if o.run is None:
            out.append(f"| {o.entry.name} | — | — | — | — | {o.problem} |")
            continue
        out.append(
            f"| {o.entry.name} | {o.tree_files} | {len(o.run.findings)} | "
            f"{o.run.seconds:.2f} | {o.run.peak_mb:.0f} | {o.missing_blobs} |"
        )
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--snapshots",
        type=Path,
        default=os.environ.get("DJANGO_PROTOLINT_SNAPSHOTS"),
        help="directory of git snapshots (or $DJANGO_PROTOLINT_SNAPSHOTS)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("DJANGO_PROTOLINT_FIELD_CACHE", Path.home() / ".cache" / "django-protolint-field")),
        help="where exported trees are kept (outside the repository)",
    )
    parser.add_argument("--corpus", type=Path, default=FIELD / "projects.toml")
    parser.add_argument("--review", type=Path, default=FIELD / "review")
    parser.add_argument("--project", action="append", default=[], help="only this project (repeatable)")
    parser.add_argument("--write-results", type=Path, help="write the Markdown results here")
    parser.add_argument("--write-pending", type=Path, help="write unreviewed findings as ledger stubs here")
    parser.add_argument(
        "--update-ledger",
        action="store_true",
        help="record verdicts now right and false positives now gone in the ledger",
    )
    args = parser.parse_args(argv)

    if args.snapshots is None:
        print("field_test: no snapshot directory: pass --snapshots or set DJANGO_PROTOLINT_SNAPSHOTS")
        return 2
    corpus = load_corpus(args.corpus)
    if args.project:
        unknown = set(args.project) - {e.name for e in corpus}
        if unknown:
            print(f"field_test: not in the corpus: {', '.join(sorted(unknown))}")
            return 2
        corpus = [e for e in corpus if e.name in args.project]

    outcomes = []
    for entry in corpus:
        git_dir = find_snapshot(args.snapshots, entry.repo)
        if git_dir is None:
            outcome = Outcome(entry, problem=f"no snapshot of {entry.repo} under {args.snapshots}; skipped")
            outcomes.append(outcome)
            print_outcome(outcome)
            continue
        tree = args.cache / f"{entry.name}-{entry.commit[:12]}"
        try:
            missing = export(git_dir, entry.commit, tree)
        except subprocess.CalledProcessError as error:
            outcome = Outcome(
                entry,
                problem=f"cannot export {entry.commit[:12]}: "
                f"{(error.stderr or b'').decode(errors='replace').strip()[:200]}",
            )
            outcomes.append(outcome)
            print_outcome(outcome)
            continue
        run = run_project(tree)
        outcome = compare(entry, run, load_ledger(args.review / f"{entry.name}.toml"), tree)
        outcome.missing_blobs = missing
        outcome.tree_files = sum(len(files) for _, _, files in os.walk(tree)) - 1  # less the export marker
        outcomes.append(outcome)
        print_outcome(outcome)
        if args.update_ledger:
            changed = update_ledger(args.review / f"{entry.name}.toml", outcome, tool_commit(), tree)
            if changed:
                print(f"  ledger: {changed} entries updated")
        if args.write_pending and (outcome.unreviewed or any(t is None for _, t, _ in outcome.verdicts)):
            args.write_pending.mkdir(parents=True, exist_ok=True)
            (args.write_pending / f"{entry.name}.toml").write_text(pending_toml(outcome, tree), encoding="utf-8")

    print(summary_line(outcomes))
    if args.write_results:
        command = "python scripts/field_test.py " + " ".join(a for a in (argv or sys.argv[1:]) if a)
        args.write_results.write_text(results_markdown(outcomes, command.strip()), encoding="utf-8")
    # A false positive that was gone and is back, a true positive no longer reported, a verdict the tool had
    # right (tool_agreed) and no longer has: each is a regression.
    regressions = sum(len(o.back_fps) + len(o.lost_tps) for o in outcomes) + sum(
        1 for o in outcomes for root, truth, tool in o.verdict_errors if truth is not None and truth.get("tool_agreed")
    )
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
