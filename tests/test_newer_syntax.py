"""Files in syntax newer than the running Python (3.12's f-strings and type parameters, 3.13's type parameter
defaults, 3.11's `except*`) are analysed anyway, with the facts the newer Python gives (source/newer_syntax.py).

(a) A file the running CPython reads never goes through the bridge; forced through it, it gives the same facts.
(b) On the running Python, a file in newer syntax gives the facts Python 3.12/3.13 gives from the same bytes.
    Those are computed by that interpreter in a subprocess, skipped when none is installed.
"""

from __future__ import annotations

import ast
import base64
import glob
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import django
import pytest

from django_protolint.source import parse
from django_protolint.source.facts import FileFacts
from django_protolint.source.newer_scan import MOST_CHAINED_TOKENS, scan
from django_protolint.source.newer_syntax import NewerSyntax, parse_newer_syntax
from django_protolint.source.parse import build_facts, parses_as_python
from django_protolint.source.visitor import FactsVisitor
from tests.helpers import invoke

REPOSITORY = Path(__file__).resolve().parent.parent
RUNNING = sys.version_info[:2]

# name -> (the Python that first reads it, source). Each exercises one family of constructs with Django-shaped
# facts inside them: calls, queries, awaits, settings, imports, positions after non-ASCII text.
SAMPLES: dict[str, tuple[tuple[int, int], str]] = {
    "pep701-quotes": (
        (3, 12),
        r"""
import requests
from django.http import JsonResponse
from shop.models import Product


async def detail(request, pk):
    product = await Product.objects.aget(pk=pk)
    headers = {"X-Name": f"{product.meta["name"]}", 'X-Tags': f'{", ".join(t['label'] for t in product.tags)}'}
    body = f"{f"{f"{requests.get(product.url).text}"}"}"
    return JsonResponse({"headers": headers, "body": body, "qs": f"{Product.objects.filter(pk=pk)!r}"})
""",
    ),
    "pep701-backslashes-comments-lines": (
        (3, 12),
        r"""
from shop.models import Order


def report(rows, width):
    text = f"{"\n".join(row["name"] for row in rows)}\t{'\\'.join(r.path for r in rows)}"
    block = f'''{
        len(rows)  # how many
    } rows, {
        sum(row["total"] for row in rows):>{width}.2f
    }'''
    single = f"{
        Order.objects.filter(pk__in=[row["pk"] for row in rows]).count()
    }!"
    return text + block + single
""",
    ),
    "pep701-fields": (
        (3, 12),
        r"""
value = compute()
a = f"{value=}"
b = f"{value = !r:>10}"
c = f"{value!s:{fill}^{width(value)}}"
d = f"{value:%Y-%m-%d}"
e = f"{ {k: v for k, v in value.items()}[key] }"
f = f"{(named := value)}"
g = f"{value, other}"
h = f"{value!=other} {value==other} {value<=other}"
i = f"{value:{"<" if left else ">"}{width}}"
j = rf"\d{value["k"]}\w" f"{value}" "plain" f'{value['k']}'
k = f"\N{BULLET} {value["k"]} {{literal}} {{{value}}}"
m = f"{f"{f"{f"{deep()}"}"}"}"
n = f"{value:{f"{inner()}"}}"
""",
    ),
    "pep701-concatenations-and-places": (
        (3, 12),
        r"""
from django.urls import path
from django.http import HttpResponse

message = (
    "Hello "
    f"{user["name"]}"  # a comment between the parts
    '!'
    f"{count:>{width}}"
)
call(f"{a}" f"{b["c"]}", key=f"{d}")


@route(f"/items/{ITEM["id"]}/")
def view(request, name=f"{DEFAULTS["name"]}") -> f"{X["y"]}":
    return HttpResponse(f"{request.GET["q"]}")


match f"{command["name"]}":
    case "run" if f"{flags["go"]}":
        go()
    case _:
        pass

lookup = {f"{k["a"]}": v for k, v in items()}
handler = lambda row: f"{row["x"]}"
urlpatterns = [path(f"{PREFIX["api"]}/", view)]
""",
    ),
    "pep701-settings": (
        (3, 12),
        r"""
import os

BASE = os.environ.get("BASE", "/srv")
STATIC_ROOT = f"{BASE}/{os.environ.get("STATIC", "static")}"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": f"redis://{os.environ["REDIS_HOST"]}"}}
INSTALLED_APPS = ["django.contrib.auth", "shop"]
INSTALLED_APPS += [f"{"plugins"}.reports"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{"proj"}.settings")
""",
    ),
    "pep701-non-ascii": (
        (3, 12),
        r"""
async def ünïcode(request):
    return f"€ {request.GET["q"]} — {await fetch(f"日本 {request.user.pk}")} 😀 {request.session["k"]}"
""",
    ),
    "pep695": (
        (3, 12),
        r"""
from collections.abc import Awaitable, Callable
from typing import Annotated

from django.db import models


class Repository[M: models.Model, *Ts, **P](Base, metaclass=Meta):
    def first[D](self, default: D) -> M | D:
        return self.model.objects.first() or default


def apply[T: (int, str), **P](func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return func(*args, **kwargs)


async def spread[
    T,  # a comment inside the list
    U: int,
](x: T) -> U:
    return sync_call(x)


type Pair[T] = tuple[T, T]
type Handler = Callable[[str], Awaitable[None]]
type Depends = Annotated[int, make_dependency(Repository.objects.all())]
type Multi = (
    int
    | str  # a comment
)


class Inner:
    type Local = list[Callable[[int], str]]


if True: type Conditional = int
x = 1; type Semi[K: str, *Vs, **Q] = dict[K, tuple[*Vs]]; y = type
type type = int
print(type(x), type)
""",
    ),
    "pep696": (
        (3, 13),
        r"""
from django.db import models


class Box[T = int, *Ts = *tuple[int, ...], **P = [int]]:
    pass


def first[D = None](default: D = None) -> D:
    return models.Model.objects.first() or default


type Lookup[K: str = str, V = make_default()] = dict[K, V]
""",
    ),
    "pep701-noqa": (
        (3, 12),
        r"""
import time

x = f'''{
    time.sleep(1)  # noqa: DPL110 - a comment inside a replacement field, for Python 3.12
}'''
quoted = f"{d["'"]} # noqa: not a comment, text"
text = "# noqa: not a comment either"
call(
    1,  # noqa
    f"{b["c"]}",
)
y = f"{d["#"]}"  # noqa: E501
z = f"{
    e
}"  # noqa: DPL111
# django-protolint: noqa: DPL202
""",
    ),
    "pep654": (
        (3, 11),
        r"""
async def gather(request):
    try:
        await tasks()
    except* ValueError as group:
        log(group)
    except  *  (TypeError, KeyError):
        pass
""",
    ),
}
# Every line ending CPython knows: columns and lines stay right past each kind.
for _ending, _name in (("\r\n", "crlf"), ("\r", "lone-cr")):
    for _source in ("pep701-quotes", "pep701-backslashes-comments-lines", "pep695"):
        SAMPLES[f"{_source}-{_name}"] = (SAMPLES[_source][0], SAMPLES[_source][1].replace("\n", _ending))


def _facts(source: str | bytes) -> FileFacts:
    data = source.encode("utf-8") if isinstance(source, str) else source
    return build_facts(data, "sample.py", "shop.sample", False)


def _newer_python(version: tuple[int, int]) -> str | None:
    """An interpreter of that version: in pyenv (where the CI machine has them) or on PATH (not a pyenv shim that
    only names it)."""
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(os.path.join(pyenv, "versions", f"{version[0]}.{version[1]}.*", "bin", "python")))
    candidates.append(shutil.which(f"python{version[0]}.{version[1]}"))
    for candidate in candidates:
        if not candidate:
            continue
        try:
            completed = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                                       capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
        except OSError:
            continue
        if completed.returncode == 0 and completed.stdout.strip() == str(version):
            return candidate
    return None


_FACTS_SCRIPT = """
import base64, json, pickle, sys, warnings
warnings.simplefilter("ignore")
from django_protolint.source.parse import build_facts
sources = json.load(sys.stdin)
facts = {name: build_facts(source.encode("utf-8"), "sample.py", "shop.sample", False) for name, source in sources.items()}
print(base64.b64encode(pickle.dumps(facts, protocol=4)).decode())
"""


def _facts_by(python: str, sources: dict[str, str]) -> dict[str, FileFacts]:
    """Facts computed by another interpreter: the per-file pass needs only the standard library there, since a
    Python that reads the file never asks libcst."""
    completed = subprocess.run(
        [python, "-c", _FACTS_SCRIPT], input=json.dumps(sources), capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)}, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return pickle.loads(base64.b64decode(completed.stdout))  # noqa: S301 - our own subprocess


def _differences(ours: FileFacts, theirs: FileFacts) -> list[str]:
    return [name for name in FileFacts.__dataclass_fields__ if getattr(ours, name) != getattr(theirs, name)]


# ------------------------------------------------------------------------------------------ analysed at all


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_newer_syntax_is_analysed(name):
    facts = _facts(SAMPLES[name][1])
    assert facts.problem is None, facts.problem


def test_a_blocking_call_inside_a_replacement_field_is_found():
    facts = _facts(SAMPLES["pep701-quotes"][1])
    assert "requests.get" in {call.callee for call in facts.calls}
    assert any(query.operation == "repr" for query in facts.queries)  # f"{qs!r}" evaluates the QuerySet


# ------------------------------------------------------------------------------------------ (b) equal to 3.12/3.13


@pytest.mark.parametrize("version", [(3, 12), (3, 13)], ids=["3.12", "3.13"])
def test_facts_equal_those_of_the_newer_python(version):
    python = _newer_python(version)
    if python is None:
        pytest.skip(f"no Python {version[0]}.{version[1]} installed")
    sources = {name: source for name, (since, source) in SAMPLES.items() if since <= version}
    theirs = _facts_by(python, sources)
    for name, source in sources.items():
        ours = _facts(source)
        assert ours.problem is None and theirs[name].problem is None, (name, ours.problem, theirs[name].problem)
        assert ours == theirs[name], (name, _differences(ours, theirs[name]))


# The newer interpreter's own library holds real files in its syntax. The largest (test_typing.py, typing.py,
# turtle.py, 100-330 KB) were compared too when this was written; they are left out here for time.
_OWN_FILES_LIMIT = 40_000


@pytest.mark.parametrize("version", [(3, 12), (3, 13)], ids=["3.12", "3.13"])
def test_the_newer_pythons_own_files_give_its_facts(version):
    python = _newer_python(version)
    if python is None:
        pytest.skip(f"no Python {version[0]}.{version[1]} installed")
    library = subprocess.run([python, "-c", "import os, sysconfig; print(sysconfig.get_paths()['stdlib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    sources = {}
    for path in sorted(Path(library).rglob("*.py")):
        if "site-packages" in path.parts or path.stat().st_size > _OWN_FILES_LIMIT:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            parse.parse_source(text)
        except SyntaxError:
            sources[str(path.relative_to(library))] = text
        except (ValueError, RecursionError, MemoryError):
            continue
    theirs = _facts_by(python, sources)
    compared = 0
    for name, source in sources.items():
        if theirs[name].problem is not None:
            continue  # not Python in that version either (test data for its syntax errors)
        assert _facts(source) == theirs[name], name
        compared += 1
    if RUNNING < version:
        assert compared >= 3  # test_type_params.py, test_type_aliases.py, ... are in every such library


# ------------------------------------------------------------------------------------------ (a) no bridge needed

# Django's own modules, chosen for their many f-strings (and non-ASCII text for formats.py).
DJANGO = Path(django.__file__).resolve().parent
DJANGO_FILES = ["db/migrations/questioner.py", "db/backends/sqlite3/_functions.py", "contrib/admin/filters.py",
                "core/management/commands/shell.py", "conf/locale/fr/formats.py", "utils/html.py"]  # fmt: skip


@pytest.mark.parametrize("relative", DJANGO_FILES)
def test_a_file_python_reads_never_goes_through_the_bridge(relative, monkeypatch):
    def refuse(text: str) -> None:
        raise AssertionError("the bridge was asked about a file CPython reads")

    monkeypatch.setattr(parse, "parse_newer_syntax", refuse)
    assert _facts((DJANGO / relative).read_bytes()).problem is None


@pytest.mark.parametrize("relative", DJANGO_FILES)
def test_forced_through_the_bridge_a_file_keeps_every_fact(relative, monkeypatch):
    """On a Python older than 3.12 this rebuilds every f-string of the file from its parts."""
    data = (DJANGO / relative).read_bytes()
    native = _facts(data)

    def refuse(text: str) -> ast.Module:
        raise SyntaxError("forced through the bridge")

    monkeypatch.setattr(parse, "parse_source", refuse)
    bridged = _facts(data)
    assert bridged.problem is None
    assert bridged == native, _differences(bridged, native)


# ------------------------------------------------------------------------------------------ positions


def _reparsed(segment: str, node: ast.expr) -> ast.expr:
    """A node's source text, parsed alone (through the bridge when it holds newer syntax itself). `*args` stands
    only in a list, and `tuple[*Ts]`'s tuple is `*Ts` alone."""
    wrapped, element = f"(\n{segment}\n)\n", False
    if isinstance(node, ast.Starred):
        wrapped, element = f"[\n{segment}\n]\n", True
    elif isinstance(node, ast.Tuple) and segment.lstrip().startswith("*"):
        wrapped = f"(\n{segment},\n)\n"
    try:
        expression = ast.parse(wrapped, mode="eval").body
    except SyntaxError:
        newer = parse_newer_syntax(wrapped)
        assert newer is not None, segment
        expression = newer.tree.body[0].value  # type: ignore[attr-defined]
    return expression.elts[0] if element else expression  # type: ignore[attr-defined]


def _shape(node: ast.AST) -> str:
    """The node as `ast.dump` shows it, but for what the bridge leaves out and what standing alone changes: the
    literal text between an f-string's fields, and a target's Store context (alone, a name is read)."""
    dump = ast.dump(node)
    dump = re.sub(r"Constant\(value='(?:[^'\\]|\\.)*'\)(?:, )?(?=[^\]]*\])", "", dump)
    return dump.replace("ctx=Store()", "ctx=Load()").replace("ctx=Del()", "ctx=Load()")


@pytest.mark.skipif(RUNNING >= (3, 13), reason="the running Python reads these files itself")
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_rebuilt_node_sits_on_its_own_source(name):
    """Each expression of the bridged tree covers text that parses, alone, to that very expression; the visitor's
    character spans cover the same text (tests/test_positions.py checks this on trees CPython built itself)."""
    since, source = SAMPLES[name]
    if since <= RUNNING:
        pytest.skip("the running Python reads this sample itself")
    newer = parse_newer_syntax(source)
    assert newer is not None
    tree = newer.tree
    visitor = FactsVisitor("m", False, source)
    lines = re.split(r"\r\n|\r|\n", source)
    checked = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.expr) or isinstance(node, (ast.JoinedStr, ast.FormattedValue)):
            continue
        segment = ast.get_source_segment(source, node)
        assert segment is not None, ast.dump(node)
        assert _shape(_reparsed(segment, node)) == _shape(node), segment
        span = visitor.span(node)
        if span.line == span.end_line:
            assert lines[span.line - 1][span.column : span.end_column] == segment
        checked += 1
    assert checked > 0


def test_finding_columns_count_characters_after_non_ascii_text():
    facts = _facts(SAMPLES["pep701-non-ascii"][1])
    line = SAMPLES["pep701-non-ascii"][1].splitlines()[2]
    (fetch,) = [call for call in facts.calls if call.text == "fetch"]
    assert line[fetch.span.column : fetch.span.end_column] == 'fetch(f"日本 {request.user.pk}")'


# ------------------------------------------------------------------------------------------ what stays DPL001


def test_a_line_with_print_in_newer_syntax_is_not_called_python_2():
    assert _facts('print(f"{row["name"]}")\n').problem is None


def test_a_broken_file_stays_a_syntax_error_whatever_newer_syntax_it_has():
    problem = _facts('x = f"{row["name"]}"\ndef broken(:\n    pass\n').problem
    assert problem is not None and problem.code == "DPL001"
    assert problem.message.startswith("SyntaxError") and "newer" not in problem.message


def test_an_old_libcst_says_so_rather_than_guessing(monkeypatch):
    import libcst

    if RUNNING >= (3, 12):
        pytest.skip("the running Python reads the file itself")
    monkeypatch.delattr(libcst, "TypeAlias")
    problem = _facts('ok = 1\nx = f"{row["name"]}"\n').problem
    assert problem is not None and "newer than Python" in problem.message and "libcst" in problem.message
    assert "SyntaxError" not in problem.message
    assert problem.span.line == 2  # where the running Python refused the file, as before libcst was asked


@pytest.mark.skipif(RUNNING >= (3, 12), reason="the running Python reads type parameters itself")
def test_a_type_parameter_list_with_an_empty_line_is_newer_syntax_not_analysed():
    problem = _facts("def f[\n    T,\n\n    U,\n](x: T) -> U:\n    pass\n").problem
    assert problem is not None and problem.code == "DPL001" and problem.span[:2] == (1, 5)
    assert "newer than Python" in problem.message and "empty line" in problem.message
    assert "run django-protolint with the Python your project targets" in problem.help


def test_a_file_too_chained_for_libcst_is_never_given_to_it():
    """libcst's native parser would overflow its C stack (killing the process) on such a chain; a subprocess, so
    that a crash fails the test instead of ending the run."""
    source = 'x = f"{d["k"]}"\ny = ' + "a." * 30000 + "b\n"
    script = f"from django_protolint.source.parse import build_facts; print(build_facts({source!r}.encode(), 'c.py', 'c', False).problem)"
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                               env={**os.environ, "PYTHONPATH": str(REPOSITORY)}, check=False)  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    if RUNNING < (3, 12):
        assert "DPL001" in completed.stdout


def test_many_separated_elements_are_not_a_chain():
    items = ", ".join(f'f"{{row["k{index}"]}}"' for index in range(3000))  # 21,000 tokens in one statement
    facts = _facts(f"rows = [{items}]\n")
    assert facts.problem is None


@pytest.mark.parametrize(
    "source",
    ["x = " + "a." * MOST_CHAINED_TOKENS + "b\n", "x = " + "(" * 101 + "1" + ")" * 101 + "\n",
     "x = " + 'f"{' * 51 + "1" + '}"' * 51 + "\n"],
    ids=["chain", "brackets", "f-strings"],
)  # fmt: skip
def test_the_scan_refuses_what_libcst_could_not_survive(source):
    assert scan(source.encode()) is None


# Replacement fields the way Python 3.12 delimits them: (f-string, the expression texts of its fields in order).
FIELDS = [
    ('f"{a!=b}"', ["a!=b"]),
    ('f"{a=}"', ["a"]),
    ('f"{a = !r:>{w}}"', ["a", "w"]),
    ('f"{a:=b}"', ["a"]),
    ('f"{a==b:{c}}"', ["a==b", "c"]),
    ('f"{ {1: 2}[a] }"', ["{1: 2}[a]"]),
    ('f"\\N{BULLET}{a}"', ["a"]),
    ('rf"\\N{a}"', ["a"]),
    ('f"{{a}} {{{b}}}"', ["b"]),
    ('f"{a["}"]}"', ['a["}"]']),
    ("f'''{a # c\n}'''", ["a"]),
    ('f"{a:{"x" if b else "y"}}"', ["a", '"x" if b else "y"']),
]


@pytest.mark.parametrize(("source", "expressions"), FIELDS, ids=[source for source, _ in FIELDS])
def test_the_scan_delimits_replacement_fields_as_python_312_does(source, expressions):
    data = source.encode()
    found = scan(data)
    assert found is not None and found.complete
    (fstring,) = found.root.inner
    texts = []

    def collect(fields):
        for each in fields:
            texts.append(data[each.expression.start : each.expression.end].decode())
            collect(each.spec or [])

    collect(fstring.fields)
    assert texts == expressions


# ------------------------------------------------------------------------------------------ the rest of the tool


def test_a_fix_in_a_newer_syntax_file_is_applied(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(REPOSITORY / "fixtures" / "newer_syntax", root)
    result = invoke(["check", "--fix", "--no-cache", "--format", "concise", "."], cwd=root)
    assert result.exception is None and "would not parse" not in result.stdout + result.stderr
    fixed = (root / "accounts" / "views.py").read_text(encoding="utf-8")
    assert "await Entry.objects.filter(account_id=pk).acount()" in fixed
    assert parses_as_python(fixed)


def test_everything_the_per_file_pass_runs_is_in_the_cache_key():
    """The cache keys facts by a digest of the `source` and `knowledge` packages (cache.py): the bridge must live
    there, or a change to it would serve stale facts."""
    script = (
        "import sys; from django_protolint.source.parse import build_facts; "
        "assert build_facts(b'x = f\"{d[\"k\"]}\"\\ntype T = int\\n', 'a.py', 'a', False).problem is None; "
        "print(sorted(m for m in sys.modules if m.startswith('django_protolint')))"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                               env={**os.environ, "PYTHONPATH": str(REPOSITORY)}, check=False)  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    from django_protolint import cache

    for module in ast.literal_eval(completed.stdout):
        parts = module.split(".")
        assert len(parts) == 1 or parts[1] in cache._ANALYSIS_PACKAGES, module
    assert "libcst" in cache._ANALYSIS_DEPENDENCIES


@pytest.mark.skipif(RUNNING >= (3, 14), reason="the running Python reads template strings itself")
def test_unsupported_constructs_name_themselves():
    import libcst

    try:
        libcst.parse_module('t"{x}"\n')
    except Exception:  # noqa: BLE001
        pytest.skip("this libcst predates template strings")
    with pytest.raises(NewerSyntax) as raised:
        parse_newer_syntax('x = t"{x}"\n')
    assert "t-string" in raised.value.what
