"""Every output format on one fixture project: SARIF against the official 2.1.0 schema, GitLab's required fields,
GitHub's escaping rules, JUnit as parseable XML, and the editor matcher regex against concise output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from django_protolint.output import FORMATS
from django_protolint.output.ci import _escape_data, _escape_property
from tests.helpers import invoke, write_project

jsonschema = pytest.importorskip("jsonschema")

SCHEMAS = Path(__file__).resolve().parent / "schemas"
DOCS = Path(__file__).resolve().parent.parent / "docs"
VIEWS = """\
import time
from .models import Article


async def detail(request, pk):
    article = Article.objects.get(pk=pk)
    time.sleep(1)
    return "100%, done: ok"
"""


@pytest.fixture
def project(tmp_path) -> Path:
    root = write_project(tmp_path / "project", {"app/views.py": VIEWS, "Procfile": "oops no colon\n"})
    (root / ".git").mkdir()  # a repository root, for SARIF's %SRCROOT%
    return root


def run(project: Path, output_format: str) -> str:
    result = invoke(["check", "--no-config", "--format", output_format, "."], cwd=project)
    assert result.exit_code == 1, result.stderr
    return result.stdout


def test_every_format_is_registered():
    assert set(FORMATS) >= {"full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit", "pylint"}


def test_sarif_validates_against_the_official_schema(project):
    document = json.loads(run(project, "sarif"))
    schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    (run_,) = document["runs"]
    results = run_["results"]
    assert {r["ruleId"] for r in results} == {"DPL101", "DPL110", "DPL504"}
    rules = run_["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert result["partialFingerprints"]["djangoProtolint/v1"]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    sleep = next(r for r in results if r["ruleId"] == "DPL110")
    assert sleep["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7, "startColumn": 5, "endLine": 7, "endColumn": 18,
    }  # fmt: skip


def test_sarif_rule_descriptors_and_json_urls_render_the_rule_text(project):
    # One text per rule (rules/docs.py): SARIF's help is what `django-protolint rule CODE` prints.
    from django_protolint.rules import load_rules
    from django_protolint.rules.docs import how_to_fix, rule_markdown

    rules = load_rules()
    (run_,) = json.loads(run(project, "sarif"))["runs"]
    for descriptor in run_["tool"]["driver"]["rules"]:
        rule = rules[descriptor["id"]]
        assert descriptor["help"] == {"text": how_to_fix(rule), "markdown": rule_markdown(rule)}
        assert descriptor["helpUri"] == rule.url
        assert descriptor["fullDescription"]["text"] == rule.rationale[:1024]
    for finding in json.loads(run(project, "json"))["findings"]:
        assert finding["url"] == rules[finding["code"]].url
        assert not re.search(r"\{[A-Za-z_]\w*\}", finding["help"] or ""), finding["help"]  # a field left unfilled


def test_gitlab_code_quality_fields(project):
    issues = json.loads(run(project, "gitlab"))
    assert len(issues) == 3
    assert len({issue["fingerprint"] for issue in issues}) == 3
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["description"].startswith(issue["check_name"])
        assert issue["location"]["path"] in ("app/views.py", "Procfile")
        assert issue["location"]["positions"]["begin"]["line"] >= 1


def test_gitlab_fingerprints_are_stable_when_lines_move(project):
    before = {i["check_name"]: i["fingerprint"] for i in json.loads(run(project, "gitlab"))}
    views = project / "app" / "views.py"
    views.write_text("# a new first line\n" + views.read_text(encoding="utf-8"), encoding="utf-8")
    after = {i["check_name"]: i["fingerprint"] for i in json.loads(run(project, "gitlab"))}
    assert before == after


def test_github_workflow_commands(project):
    lines = run(project, "github").splitlines()
    assert len(lines) == 3
    pattern = re.compile(r"^::(error|warning|notice) file=[^,]+,line=\d+(,col=\d+(,endColumn=\d+)?|,endLine=\d+),"
                         r"title=DPL\d{3}::.+$")  # fmt: skip
    for line in lines:
        assert pattern.match(line), line
    sleep = next(line for line in lines if "DPL110" in line)
    assert sleep.startswith("::warning file=app/views.py,line=7,col=5,endColumn=18,title=DPL110::app/views.py:7:5:")


def test_github_escaping():
    assert _escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert _escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_junit_is_valid_xml_with_one_failure_per_finding(project):
    root = ElementTree.fromstring(run(project, "junit"))
    assert root.tag == "testsuites" and root.get("failures") == "3"
    cases = root.findall(".//testcase")
    assert {case.get("name") for case in cases} >= {"org.django-protolint.DPL110", "org.django-protolint.DPL101"}
    assert all(case.find("failure") is not None for case in cases)


def test_json_lines_match_the_json_findings(project):
    records = [json.loads(line) for line in run(project, "json-lines").splitlines()]
    assert records == json.loads(run(project, "json"))["findings"]


def test_pylint_format(project):
    lines = run(project, "pylint").splitlines()
    assert (
        "app/views.py:7: [DPL110(blocking-sleep-in-async)] `time.sleep()` blocks the event loop inside async "
        "function `detail`" in lines
    )


def test_vscode_problem_matcher_reads_concise_output(project):
    matcher = json.loads((DOCS / "vscode-problem-matcher.json").read_text(encoding="utf-8"))
    pattern = matcher["tasks"][0]["problemMatcher"]["pattern"]
    regexp = re.compile(pattern["regexp"])
    lines = run(project, "concise").splitlines()
    matched = [m for line in lines if (m := regexp.match(line))]
    assert len(matched) == 3  # the findings; summary and verdict lines are skipped
    first = next(m for m in matched if m.group(pattern["code"]) == "DPL110")
    assert (first.group(pattern["file"]), first.group(pattern["line"]), first.group(pattern["column"])) == (
        "app/views.py", "7", "5",
    )  # fmt: skip
    assert first.group(pattern["severity"]) == "warning"  # VS Code's own severity names
    assert first.group(pattern["message"]).startswith("`time.sleep()` blocks")


def test_ci_examples_use_real_formats():
    for example in (DOCS / "ci").iterdir():
        for used in re.findall(r"--format (\S+)", example.read_text(encoding="utf-8")):
            assert used in FORMATS or used in ("markdown",), (example.name, used)
