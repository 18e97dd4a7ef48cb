"""Property tests: no program, valid or mangled, makes the per-file pass raise; how the files are analysed (one
process or a pool, cached or not) never changes what is found.

Bounded for CI: each property runs a fixed number of examples from a fixed seed (`derandomize=True`), with no
per-example deadline; the whole module takes well under a minute on two cores.
"""

from __future__ import annotations

import codecs
import pickle
import tempfile
from pathlib import Path
from unittest import mock

import django
import pytest
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps a cache and failure patches under its home directory (`./.hypothesis` by default), some of it
# written while hypothesmith is imported: point it away from the repository first.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "django-protolint-hypothesis")

import hypothesmith  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from django_protolint import parallel  # noqa: E402
from django_protolint.cache import FactsCache
from django_protolint.config import Config
from django_protolint.output import FORMATS
from django_protolint.runner import lint
from django_protolint.source.facts import FileFacts
from django_protolint.source.parse import CANNOT_PARSE, CANNOT_READ, INTERNAL_ERROR, build_facts
from tests.helpers import write_project

# hypothesmith compiles what it generates: CPython's warnings about odd-but-valid code are not ours.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

BOUNDED = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def assert_sound(facts: FileFacts, path: str = "gen.py") -> None:
    """A result, never an internal error, and it survives pickling unchanged (the cache and the pool rely on it)."""
    assert isinstance(facts, FileFacts)
    assert facts.path == path
    if facts.problem is not None:
        assert facts.problem.code in (CANNOT_PARSE, CANNOT_READ), facts.problem
        assert facts.problem.span.line >= 1
    assert pickle.loads(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)) == facts


# ------------------------------------------------------------------------------------------ (a) generated programs


@BOUNDED
@given(source=hypothesmith.from_grammar())
def test_programs_from_the_grammar_never_break_the_per_file_pass(source):
    assert_sound(build_facts(source.encode("utf-8"), "gen.py", "gen", False))


@settings(BOUNDED, max_examples=30)
@given(source=hypothesmith.from_node())
def test_programs_from_libcst_nodes_never_break_the_per_file_pass(source):
    facts = build_facts(source.encode("utf-8"), "gen.py", "gen", False)
    assert_sound(facts)
    # from_node() builds its programs from libcst nodes: libcst reads them back, so there is nothing to refuse
    # unless CPython itself does (it may, on code libcst's grammar is looser about).
    if facts.problem is not None:
        assert facts.problem.code == CANNOT_PARSE


# Valid Python that nests deeply: CPython compiles all of these (up to its own limits, past which it refuses the
# file, and so must we, as DPL001). Generated programs are short, so depth gets its own property. It found that
# ~139 brackets or ~324 operands in one chain made libcst's recursive walk raise RecursionError, reported as DPL003;
# parse.py now walks with a higher recursion limit and reports anything deeper as DPL001.
NESTINGS = {
    "binary chain": lambda n: "x = " + " + ".join(["a"] * n) + "\n",
    "boolean chain": lambda n: "x = " + " and ".join(["a"] * n) + "\n",
    "nested lists": lambda n: "x = " + "[" * n + "1" + "]" * n + "\n",
    "nested calls": lambda n: "x = " + "f(" * n + "1" + ")" * n + "\n",
    "unary chain": lambda n: "x = " + "-" * n + "1\n",
    "call chain": lambda n: "x = a" + "()" * n + "\n",
    "conditional chain": lambda n: "x = " + "a if b else " * n + "c\n",
    "nested blocks": lambda n: "".join("    " * i + "if x:\n" for i in range(n)) + "    " * n + "pass\n",
}


@settings(BOUNDED, max_examples=30, phases=[Phase.explicit, Phase.generate])  # no shrinking: every case is slow
@given(kind=st.sampled_from(sorted(NESTINGS)), depth=st.integers(1, 1000))
def test_deeply_nested_valid_code_is_never_an_internal_error(kind, depth):
    assert_sound(build_facts(NESTINGS[kind](depth).encode(), "gen.py", "gen", False))


# ------------------------------------------------------------------------------------------ (b) mangled real files

DJANGO_ROOT = Path(django.__file__).resolve().parent
REAL_FILES = (
    "shortcuts.py",
    "views/generic/base.py",
    "utils/text.py",
    "core/paginator.py",
    "contrib/auth/decorators.py",
    "db/models/manager.py",
    "http/cookie.py",
    "conf/locale/fr/formats.py",  # non-ASCII text
    "utils/translation/trans_null.py",
    "template/loader.py",
)
REPO = Path(__file__).resolve().parent.parent
SAMPLES = tuple((DJANGO_ROOT / name).read_bytes() for name in REAL_FILES) + (
    (REPO / "fixtures" / "blogsite" / "articles" / "views.py").read_bytes(),
)


def _flip(data: bytes, position: int, value: int) -> bytes:
    if not data:
        return bytes([value])
    index = position % len(data)
    return data[:index] + bytes([data[index] ^ value or 0xFF]) + data[index + 1 :]


def _truncate(data: bytes, position: int, _value: int) -> bytes:
    return data[: position % (len(data) + 1)]


def _insert_nul(data: bytes, position: int, _value: int) -> bytes:
    index = position % (len(data) + 1)
    return data[:index] + b"\x00" + data[index:]


def _insert_byte(data: bytes, position: int, value: int) -> bytes:
    index = position % (len(data) + 1)
    return data[:index] + bytes([value]) + data[index:]


def _reencode(name: str):
    def mutate(data: bytes, _position: int, _value: int) -> bytes:
        text = data.decode("utf-8", errors="replace")
        if name == "utf-16-nobom":
            return text.encode("utf-16-le")
        if name == "utf-8-bom":
            return codecs.BOM_UTF8 + data
        return text.encode(name, errors="replace")

    mutate.__name__ = f"reencode_{name}"
    return mutate


MUTATIONS = (_flip, _truncate, _insert_nul, _insert_byte, *(_reencode(name) for name in (
    "latin-1", "utf-16", "utf-16-nobom", "utf-32", "cp1252", "utf-8-bom")))  # fmt: skip

mutation = st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 1 << 20), st.integers(1, 255))


@BOUNDED
@given(sample=st.sampled_from(SAMPLES), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mangled_real_files_give_facts_or_a_problem(sample, mutations):
    data = sample
    for mutate, position, value in mutations:
        data = mutate(data, position, value)
    assert_sound(build_facts(data, "gen.py", "gen", False))


# ------------------------------------------------------------------------------------------ (c) same findings


VIEW_SNIPPETS = (
    "async def {name}(request):\n    time.sleep(1)\n    return HttpResponse()\n",
    "async def {name}(request, pk=1):\n    article = Article.objects.get(pk=pk)\n    return HttpResponse(article.title)\n",
    "async def {name}(request):\n    return JsonResponse(published_stats())\n",
    "async def {name}(request):\n    return JsonResponse(published_stats())  # noqa: DPL130\n",
    "def {name}(request):\n    time.sleep(1)\n    return HttpResponse(Article.objects.count())\n",
    "async def {name}(request):\n    article = await Article.objects.aget(pk=1)\n    article.save()\n"
    "    return HttpResponse()\n",
    "async def {name}(request):\n    if request.user.is_authenticated:\n        return HttpResponse('in')\n"
    "    return HttpResponse('out')\n",
    "async def {name}(request):\n    titles = [a.title for a in Article.objects.all()]\n"
    "    return JsonResponse({{'t': titles}})\n",
    "async def {name}(request):\n    return HttpResponse(requests.get('https://example.com').text)\n",
    "async def {name}(request):\n    await asyncio.sleep(0)\n    return HttpResponse(await Article.objects.acount())\n",
    "class {name}(View):\n    async def get(self, request):\n        return HttpResponse()\n\n"
    "    def post(self, request):\n        return HttpResponse()\n",
    "async def {name}(request):\n    asyncio.sleep(1)\n    return HttpResponse()\n",
)
VIEW_HEADER = """\
import asyncio
import time

import requests
from django.http import HttpResponse, JsonResponse
from django.views import View

from app.models import Article
from app.services import published_stats

"""
SERVICES = """\
from app.models import Article


def count_published():
    return Article.objects.filter(published=True).count()


def published_stats():
    return {"published": count_published()}
"""
MODELS = "from django.db import models\n\n\nclass Article(models.Model):\n    title = models.CharField(max_length=9)\n"
PROCFILES = (
    None,
    "web: gunicorn proj.wsgi:application --workers 3\n",
    "web: uvicorn proj.asgi:application --host 0.0.0.0\n",
    "web: daphne proj.asgi:application\n",
)

project_shape = st.fixed_dictionaries({
    "modules": st.lists(st.lists(st.integers(0, len(VIEW_SNIPPETS) - 1), min_size=1, max_size=5),
                        min_size=1, max_size=6),
    "routed": st.integers(0, 1 << 30),
    "procfile": st.sampled_from(PROCFILES),
    "broken": st.booleans(),
    "crlf": st.integers(0, 1 << 30),
    "settings_file": st.booleans(),
})  # fmt: skip


def build_project(root: Path, shape: dict) -> Path:
    files = {"app/models.py": MODELS, "app/services.py": SERVICES}
    routes: list[str] = []
    for module, snippets in enumerate(shape["modules"]):
        body = VIEW_HEADER
        for position, choice in enumerate(snippets):
            name = (
                f"view_{module}_{position}"
                if not VIEW_SNIPPETS[choice].startswith("class")
                else f"View{module}x{position}"
            )
            body += "\n\n" + VIEW_SNIPPETS[choice].format(name=name)
            if shape["routed"] >> (module * 5 + position) & 1:
                target = f"views_{module}.{name}" + (".as_view()" if name.startswith("View") else "")
                routes.append(f"    path('r{module}-{position}/', {target}),")
        if shape["crlf"] >> module & 1:
            body = body.replace("\n", "\r\n")
        files[f"app/views_{module}.py"] = body
    imports = "".join(f"from app import views_{module}\n" for module in range(len(shape["modules"])))
    files["proj/urls.py"] = (
        "from django.urls import path\n" + imports + "\nurlpatterns = [\n" + "\n".join(routes) + "\n]\n"
    )
    if shape["settings_file"]:
        files["proj/settings.py"] = "ROOT_URLCONF = 'proj.urls'\nINSTALLED_APPS = ['app']\n"
        files["manage.py"] = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n"
        files["proj/asgi.py"] = ("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n"
                                 "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n")  # fmt: skip
    if shape["broken"]:
        files["app/broken.py"] = "def broken(:\n"
    if shape["procfile"]:
        files["Procfile"] = shape["procfile"]
    files["requirements.txt"] = "django>=4.2\n"
    return write_project(root, files)


def _observed(report) -> tuple:
    return report.findings, FORMATS["concise"](report, False), report.files


@settings(BOUNDED, max_examples=30)
@given(shape=project_shape)
def test_findings_do_not_depend_on_processes_or_the_cache(shape):
    with tempfile.TemporaryDirectory(prefix="dpl-fuzz-") as scratch:
        root = build_project(Path(scratch) / "project", shape)
        python_files = len(list(root.rglob("*.py")))
        # A low threshold puts even a small tree through the process pool.
        with mock.patch.object(parallel, "PARALLEL_THRESHOLD", 2):
            sequential = lint([root], Config(), cwd=root, jobs=1)
            pooled = lint([root], Config(), cwd=root, jobs=2)
            cold_cache = FactsCache(Path(scratch) / "cache")
            cached_cold = lint([root], Config(), cwd=root, cache=cold_cache, jobs=2)
            warm_cache = FactsCache(Path(scratch) / "cache")
            cached_warm = lint([root], Config(), cwd=root, cache=warm_cache, jobs=1)
        assert cold_cache.hits == 0
        assert warm_cache.misses == 0 and warm_cache.hits == python_files
        expected = _observed(sequential)
        assert _observed(pooled) == expected
        assert _observed(cached_cold) == expected
        assert _observed(cached_warm) == expected
        if shape["broken"]:
            assert any(f.code == CANNOT_PARSE and f.path == "app/broken.py" for f in sequential.findings)
        assert not any(f.code == INTERNAL_ERROR for f in sequential.findings)
