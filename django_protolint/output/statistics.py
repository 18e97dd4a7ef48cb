"""`--statistics`: a count per rule, as text or (with a JSON output format) as ruff's JSON statistics."""

from __future__ import annotations

import json
from collections import Counter

from django_protolint.rules import load_rules
from django_protolint.runner import Report


def statistics(report: Report, as_json: bool = False) -> str:
    counts = Counter(finding.code for finding in report.findings)
    fixable = Counter(finding.code for finding in report.findings
                      if finding.fix is not None and finding.fix.applicability == "safe")  # fmt: skip
    rules = load_rules()
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        rows = [{"code": code, "name": rules[code].slug if code in rules else None, "count": count,
                 "fixable": fixable[code] > 0, "fixable_count": fixable[code]} for code, count in ordered]  # fmt: skip
        return json.dumps(rows, indent=2) + "\n"
    width = max((len(str(n)) for n in counts.values()), default=1)
    return "".join(
        f"{count:>{width}}\t{code}\t{'[*] ' if fixable[code] else ''}{rules[code].slug if code in rules else code}\n"
        for code, count in ordered
    )
