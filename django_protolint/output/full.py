"""The default: each finding with the offending line underlined and the fix advice, like ruff's full output."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import click

from django_protolint.output.concise import line, summary
from django_protolint.output.verdict import summary_lines
from django_protolint.rules.base import Finding
from django_protolint.runner import Report
from django_protolint.source.decode import UndecodableSource, decode_source

_LINE_END = re.compile(r"\r\n|\r|\n")


@lru_cache(maxsize=64)
def _source_lines(path: str) -> tuple[str, ...]:
    # Display only: the frame is read back from disk here, after the analysis has finished, and decoded as the
    # analysis decoded it (coding cookie, BOM) so the text and the columns agree.
    try:
        # Not str.splitlines(): it also breaks at form feeds and other separators Python's tokenizer does not
        # count as line ends, which would show the wrong line.
        return tuple(_LINE_END.split(decode_source(Path(path).read_bytes())))
    except (OSError, UndecodableSource):
        return ()


def frame(finding: Finding, color: bool) -> list[str]:
    lines = _source_lines(finding.path)
    number = finding.span.line
    if not 0 < number <= len(lines):
        return []
    text = lines[number - 1].replace("\t", " ")
    start = finding.span.column
    end = finding.span.end_column if finding.span.end_line == number else len(text)
    width = max(end - start, 1)
    gutter = " " * len(str(number))
    marks = " " * start + "^" * width
    if color:
        marks = click.style(marks, fg="red", bold=True)
    return [f"{gutter} |", f"{number} | {text}", f"{gutter} | {marks}", f"{gutter} |"]


def render(report: Report, color: bool) -> str:
    # The cache is keyed by the shown (working-directory-relative) path: another report in the same process may
    # show the same path for another file.
    _source_lines.cache_clear()
    out: list[str] = []
    for finding in report.findings:
        out.append(line(finding, color))
        out.extend(frame(finding, color))
        if finding.help:
            help_label = click.style("help", fg="cyan", bold=True) if color else "help"
            out.append(f"  = {help_label}: {finding.help}")
        out.append("")
    out.extend(summary_lines(report.model, color))
    out.append(summary(report))
    return "\n".join(out) + "\n"
