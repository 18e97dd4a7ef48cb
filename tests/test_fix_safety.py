"""Fixes that are right in fact, not only in syntax (issue 13 §6): no `await` where it changes what the code
means, the file's own imports reused, imports the fix leaves unused removed, and JSON edits in ruff's shape."""

from __future__ import annotations

import json
import textwrap

import pytest

from django_protolint.fixes.apply import apply_fixes
from tests.helpers import invoke, run, write_project


def fixed(tmp_path, source: str, select: str, django_version: str | None = "5.2") -> tuple[str, list]:
    root = write_project(tmp_path / "project", {"app/views.py": textwrap.dedent(source).lstrip()})
    report = run(root, select=(select,), django_version=django_version)
    outcome = apply_fixes(report.findings, root, unsafe=True)
    assert not outcome.failures
    text = outcome.changes[0].after if outcome.changes else (root / "app" / "views.py").read_text(encoding="utf-8")
    return text, list(report.findings)


# ------------------------------------------------------------------ where an `await` may go

NO_FIX = [
    pytest.param(
        "from .models import Article\n\nasync def v(request, ids):\n"
        "    return sorted(Article.objects.get(pk=i).title for i in ids)\n",
        "DPL101",
        id="orm-call-in-a-generator-expression",
    ),
    pytest.param(
        "from .models import Article\n\nasync def v(request, ids):\n"
        "    return sum(1 for i in ids if Article.objects.filter(pk=i).exists())\n",
        "DPL101",
        id="orm-call-in-a-generator-condition",
    ),
    pytest.param(
        "from .models import Article\n\nasync def v(request, ids):\n"
        "    return list(a for i in ids for a in [Article.objects.get(pk=i)])\n",
        "DPL101",
        id="orm-call-in-a-later-iterable-of-a-generator",
    ),
    pytest.param(
        "from .models import Article\n\nasync def v(request, ids):\n"
        "    return max(len([Article.objects.get(pk=i)]) for i in ids)\n",
        "DPL101",
        id="comprehension-inside-a-generator-expression",
    ),
    pytest.param(
        "async def v(request, names):\n    return list(request.user.username + n for n in names)\n",
        "DPL104",
        id="request-user-in-a-generator-expression",
    ),
    pytest.param(
        "import time\n\nasync def v(request, ds):\n    return sum(time.sleep(d) or 1 for d in ds)\n",
        "DPL110",
        id="sleep-in-a-generator-expression",
    ),
    pytest.param(
        "from django.shortcuts import get_object_or_404\nfrom .models import Article\n\n"
        "async def v(request, ids):\n    return tuple(get_object_or_404(Article, pk=i) for i in ids)\n",
        "DPL106",
        id="shortcut-in-a-generator-expression",
    ),
    pytest.param(
        "import time\n\nasyncio = None\n\nasync def v(request):\n    time.sleep(1)\n",
        "DPL110",
        id="the-name-asyncio-is-taken-at-module-level",
    ),
    pytest.param(
        "import time\n\nasync def v(request, asyncio):\n    time.sleep(1)\n",
        "DPL110",
        id="a-parameter-hides-asyncio",
    ),
]


@pytest.mark.parametrize(("source", "code"), NO_FIX)
def test_finding_without_a_fix(source, code, tmp_path):
    root = write_project(tmp_path / "project", {"app/views.py": source})
    findings = run(root, select=(code,), django_version="5.2").findings
    assert [finding.code for finding in findings] == [code]
    assert findings[0].fix is None


FIXED = [
    pytest.param(
        "from .models import Article\n\nasync def v(request):\n"
        "    return sum(1 for _ in range(Article.objects.count()))\n",
        "from .models import Article\n\nasync def v(request):\n"
        "    return sum(1 for _ in range(await Article.objects.acount()))\n",
        "DPL101",
        id="the-first-iterable-runs-outside-the-generator",
    ),
    pytest.param(
        "from .models import Article\n\nasync def v(request, ids):\n"
        "    return {i: Article.objects.get(pk=i).title for i in ids}\n",
        "from .models import Article\n\nasync def v(request, ids):\n"
        "    return {i: (await Article.objects.aget(pk=i)).title for i in ids}\n",
        "DPL101",
        id="dict-comprehension-becomes-async",
    ),
    pytest.param(
        "import asyncio as aio\nimport time\n\nasync def v(request):\n    time.sleep(1)\n",
        "import asyncio as aio\n\nasync def v(request):\n    await aio.sleep(1)\n",
        "DPL110",
        id="asyncio-alias-reused-time-import-dropped",
    ),
    pytest.param(
        "from asyncio import sleep as nap\nimport time\n\nasync def v(request):\n    time.sleep(1)\n",
        "from asyncio import sleep as nap\n\nasync def v(request):\n    await nap(1)\n",
        "DPL110",
        id="asyncio-sleep-imported-by-name",
    ),
    pytest.param(
        "import asyncio\nfrom time import sleep\n\nasync def v(request):\n    sleep(1)\n",
        "import asyncio\n\nasync def v(request):\n    await asyncio.sleep(1)\n",
        "DPL110",
        id="sleep-imported-from-time-by-name",
    ),
    pytest.param(
        "import time\n\nasync def v(request):\n    time.sleep(1)\n",
        "import asyncio\n\nasync def v(request):\n    await asyncio.sleep(1)\n",
        "DPL110",
        id="time-replaced-by-asyncio",
    ),
    pytest.param(
        "import time\n\nasync def v(request):\n    time.sleep(1)\n    return time.time()\n",
        "import time\nimport asyncio\n\nasync def v(request):\n    await asyncio.sleep(1)\n    return time.time()\n",
        "DPL110",
        id="time-still-used",
    ),
    pytest.param(
        'import time\n\n__all__ = ["v", "time"]\n\nasync def v(request):\n    time.sleep(1)\n',
        'import time\nimport asyncio\n\n__all__ = ["v", "time"]\n\nasync def v(request):\n    await asyncio.sleep(1)\n',
        "DPL110",
        id="time-exported-by-name",
    ),
    pytest.param(
        "import time\n\nasync def a(request):\n    time.sleep(1)\n\nasync def b(request):\n    time.sleep(2)\n",
        "import asyncio\n\nasync def a(request):\n    await asyncio.sleep(1)\n\n"
        "async def b(request):\n    await asyncio.sleep(2)\n",
        "DPL110",
        id="every-use-replaced-by-fixes-applied-together",
    ),
    pytest.param(
        "import time\n\nasync def v(request):\n    def later():\n        import asyncio\n    time.sleep(1)\n",
        "import asyncio\n\nasync def v(request):\n    def later():\n        import asyncio\n"
        "    await asyncio.sleep(1)\n",
        "DPL110",
        id="an-import-inside-a-function-binds-nothing-at-module-level",
    ),
]


@pytest.mark.parametrize(("source", "after", "code"), FIXED)
def test_fix(source, after, code, tmp_path):
    text, findings = fixed(tmp_path, source, code)
    assert all(finding.fix is not None for finding in findings)
    assert text == after


# ------------------------------------------------------------------ the JSON shape


def _json_fixes(tmp_path, source: str) -> list[dict]:
    root = write_project(tmp_path / "project", {"app/views.py": source})
    result = invoke(["check", "--no-config", "--format", "json", "--django-version", "5.2", "."], cwd=root)
    return [finding["fix"] for finding in json.loads(result.stdout)["findings"] if finding["fix"] is not None]


def _offsets(text: str, edit: dict) -> tuple[int, int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(location: dict) -> int:
        return starts[location["row"] - 1] + location["column"] - 1

    return offset(edit["location"]), offset(edit["end_location"])


def _apply_one(text: str, fix: dict) -> str:
    for edit in reversed(fix["edits"]):
        start, end = _offsets(text, edit)
        text = text[:start] + edit["content"] + text[end:]
    return text


def test_json_edits_are_the_whole_fix_ordered_and_apart(tmp_path):
    source = (
        "from django.shortcuts import get_object_or_404\nimport time\nfrom .models import Article\n\n"
        "async def v(request):\n    time.sleep(1)\n    return get_object_or_404(Article, pk=1)\n"
    )
    fixes = _json_fixes(tmp_path, source)
    assert len(fixes) == 2
    for fix in fixes:
        spans = [_offsets(source, edit) for edit in fix["edits"]]
        assert spans == sorted(spans)
        assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))
    sleep, shortcut = sorted(fixes, key=lambda fix: fix["message"])[::-1]
    assert _apply_one(source, sleep) == (
        "from django.shortcuts import get_object_or_404\nfrom .models import Article\nimport asyncio\n\n"
        "async def v(request):\n    await asyncio.sleep(1)\n    return get_object_or_404(Article, pk=1)\n"
    )
    assert sleep["imports"] == ["import asyncio"]  # still there for readers of earlier reports
    assert _apply_one(source, shortcut) == (
        "import time\nfrom .models import Article\nfrom django.shortcuts import aget_object_or_404\n\n"
        "async def v(request):\n    time.sleep(1)\n    return await aget_object_or_404(Article, pk=1)\n"
    )


def test_json_merges_a_removed_import_with_the_one_added_in_its_place(tmp_path):
    source = "import time\n\nasync def v(request):\n    time.sleep(1)\n"
    (fix,) = _json_fixes(tmp_path, source)
    assert fix["edits"][0] == {
        "content": "import asyncio\n",
        "location": {"row": 1, "column": 1},
        "end_location": {"row": 2, "column": 1},
    }
    assert _apply_one(source, fix) == "import asyncio\n\nasync def v(request):\n    await asyncio.sleep(1)\n"


def test_json_each_fix_keeps_an_import_another_finding_still_uses(tmp_path):
    source = "import time\n\nasync def a(request):\n    time.sleep(1)\n\nasync def b(request):\n    time.sleep(2)\n"
    for fix in _json_fixes(tmp_path, source):
        assert "import time\n" in _apply_one(source, fix)  # each fix alone; applied together they drop it
