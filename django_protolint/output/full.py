"""The default: each finding with the offending line underlined and the fix advice, like ruff's full output."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import click

from django_protolint.findings import Finding
from django_protolint.output.concise import SEVERITY_COLORS, line, summary
from django_protolint.output.verdict import summary_lines
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


CONTEXT_LINES = 2  # around the finding's line, as ruff's full output shows


def frame(finding: Finding, color: bool) -> list[str]:
    lines = _source_lines(finding.path)
    number = finding.span.line
    if not 0 < number <= len(lines):
        return []
    first = max(number - CONTEXT_LINES, 1)
    last = min(number + CONTEXT_LINES, len(lines))
    while last > number and not lines[last - 1].strip():  # no trailing blank context (the file's last newline)
        last -= 1
    width = len(str(last))
    gutter = " " * width
    text = lines[number - 1].replace("\t", " ")
    start = finding.span.column
    end = finding.span.end_column if finding.span.end_line == number else len(text)
    marks = " " * start + "^" * max(end - start, 1)
    if color:
        marks = click.style(marks, fg=SEVERITY_COLORS.get(finding.severity, "red"), bold=True)
    out = [f"{gutter} |"]
    for shown in range(first, last + 1):
        row = lines[shown - 1].replace("\t", " ")
        out.append(f"{shown:>{width}} | {row}".rstrip())
        if shown == number:
            out.append(f"{gutter} | {marks}")
    out.append(f"{gutter} |")
    return out


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
