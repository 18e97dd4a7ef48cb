"""Formats for CI systems: json-lines, SARIF 2.1.0 (GitHub code scanning), GitHub workflow commands, GitLab Code
Quality, JUnit XML and pylint's one-line shape. Conventions: ../shared/conventions.md §2-5."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from xml.etree import ElementTree

from django_protolint import __version__
from django_protolint.findings import Finding
from django_protolint.metadata import REPOSITORY
from django_protolint.output.json_format import finding_record
from django_protolint.rules import load_rules
from django_protolint.rules.docs import how_to_fix, rule_markdown
from django_protolint.runner import Report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
GITLAB_SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def fingerprint(finding: Finding) -> str:
    """Stable across line moves: the rule, the file and what the message names (not the line number)."""
    return hashlib.sha256(f"{finding.code}\0{finding.path}\0{finding.message}".encode()).hexdigest()


def render_json_lines(report: Report, color: bool) -> str:
    return "".join(json.dumps(finding_record(finding), ensure_ascii=False) + "\n" for finding in report.findings)


def render_pylint(report: Report, color: bool) -> str:
    rules = load_rules()
    return "".join(
        f"{f.path}:{f.span.line}: [{f.code}({rules[f.code].slug if f.code in rules else f.code})] {f.message}\n"
        for f in report.findings
    )


# ----------------------------------------------------------------------------- SARIF


def _repository_root(start: Path) -> Path:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def render_sarif(report: Report, color: bool) -> str:
    rules = load_rules()
    cwd = Path.cwd().resolve()
    root = _repository_root(cwd)
    used = sorted({finding.code for finding in report.findings} | set(rules))
    index = {code: number for number, code in enumerate(used)}
    descriptors = []
    for code in used:
        rule = rules.get(code)
        if rule is None:
            continue
        descriptors.append(
            {
                "id": code,
                "name": rule.slug,
                "shortDescription": {"text": rule.summary[:1024]},
                "fullDescription": {"text": rule.rationale[:1024]},
                "helpUri": rule.url,
                # The same text as `django-protolint rule CODE` and docs/rules.md (rules/docs.py).
                "help": {"text": how_to_fix(rule), "markdown": rule_markdown(rule)},
                "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
                "properties": {"tags": ["django", "async"], "precision": "high"},
            }
        )
    results = []
    for finding in report.findings:
        absolute = Path(os.path.realpath(cwd / finding.path))
        try:
            uri = absolute.relative_to(root).as_posix()
        except ValueError:
            uri = absolute.as_uri()
        region: dict[str, int] = {"startLine": finding.span.line, "startColumn": finding.span.column + 1}
        if (finding.span.end_line, finding.span.end_column) > (finding.span.line, finding.span.column):
            region |= {"endLine": finding.span.end_line, "endColumn": finding.span.end_column + 1}
        location = {"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}, "region": region}}
        message = finding.message + (f"\n\nHelp: {finding.help}" if finding.help else "")
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": SARIF_LEVELS[finding.severity],
                "message": {"text": message},
                "locations": [location],
                "partialFingerprints": {"djangoProtolint/v1": fingerprint(finding)},
            }
        )
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "django-protolint",
                        "semanticVersion": __version__,
                        "informationUri": REPOSITORY,
                        "rules": descriptors,
                    }
                },  # fmt: skip
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
                "invocations": [{"executionSuccessful": True}],
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------- GitHub workflow commands


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report, color: bool) -> str:
    lines = []
    for finding in report.findings:
        span = finding.span
        properties = [f"file={_escape_property(finding.path)}", f"line={span.line}"]
        # The runner rejects col/endColumn unless the annotation stays on one line and ends after it starts.
        if span.end_line == span.line:
            properties.append(f"col={span.column + 1}")
            if span.end_column > span.column:
                properties.append(f"endColumn={span.end_column + 1}")
        else:
            properties.append(f"endLine={span.end_line}")
        properties.append(f"title={_escape_property(finding.code)}")
        # The message starts with path:line:col: CODE so the log stays complete past GitHub's annotation cap.
        message = f"{finding.path}:{span.line}:{span.column + 1}: {finding.code} {finding.message}"
        lines.append(f"::{GITHUB_COMMANDS[finding.severity]} {','.join(properties)}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


# ----------------------------------------------------------------------------- GitLab Code Quality


def render_gitlab(report: Report, color: bool) -> str:
    base = Path(os.environ.get("CI_PROJECT_DIR") or _repository_root(Path.cwd().resolve()))
    seen: set[str] = set()
    issues = []
    for finding in report.findings:
        absolute = Path(os.path.realpath(Path.cwd() / finding.path))
        try:
            path = absolute.relative_to(base.resolve()).as_posix()
        except ValueError:
            path = finding.path
        print_ = fingerprint(finding)
        salt = 0
        while print_ in seen:  # equal fingerprints merge into one entry in GitLab: keep them unique
            salt += 1
            print_ = hashlib.sha256(f"{fingerprint(finding)}\0{salt}".encode()).hexdigest()
        seen.add(print_)
        issues.append(
            {
                "description": f"{finding.code} {finding.message}",
                "check_name": finding.code,
                "fingerprint": print_,
                "severity": GITLAB_SEVERITIES[finding.severity],
                "location": {
                    "path": path,
                    "positions": {
                        "begin": {"line": finding.span.line, "column": finding.span.column + 1},
                        "end": {"line": finding.span.end_line, "column": finding.span.end_column + 1},
                    },
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------- JUnit


def render_junit(report: Report, color: bool) -> str:
    suites = ElementTree.Element("testsuites", name="django-protolint", tests=str(len(report.findings)),
                                 failures=str(len(report.findings)))  # fmt: skip
    by_path: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)
    if not by_path:
        suite = ElementTree.SubElement(suites, "testsuite", name="django-protolint", tests="1", failures="0")
        ElementTree.SubElement(suite, "testcase", name="django-protolint", classname="django-protolint")
    for path, findings in sorted(by_path.items()):
        suite = ElementTree.SubElement(suites, "testsuite", name=path, tests=str(len(findings)),
                                       failures=str(len(findings)))  # fmt: skip
        for finding in findings:
            case = ElementTree.SubElement(
                suite, "testcase", name=f"org.django-protolint.{finding.code}", classname=path,
                line=str(finding.span.line), column=str(finding.span.column + 1),
            )  # fmt: skip
            failure = ElementTree.SubElement(case, "failure", message=finding.message, type=finding.code)
            # JUnit has no levels: every finding is a failure, so the text says which are `info` (concise's shape).
            failure.text = (f"{path}:{finding.span.line}:{finding.span.column + 1}: {finding.code} "
                            f"{finding.severity}: {finding.message}")  # fmt: skip
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
