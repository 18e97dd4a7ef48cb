"""Ground truth beats opinion: the DPL1xx ORM rules, checked against real Django.

One small Django project holds an async view per case. A line the linter must flag carries `# expect: CODE`;
the near-misses carry nothing. Three things are checked:

1. Statically, the linter reports exactly the annotated (line, code) pairs, so the project below stays an honest
   picture of what the linter says today.
2. At run time, under a real event loop with Django's AsyncClient and a logged-in user, every view in which the
   linter reports an error really raises `SynchronousOnlyOperation`, from the flagged line, and every view it
   leaves alone really returns 200.
3. Anonymous requests behave the same, except where the claim depends on a session (DPL104 says so itself).

The expected run-time outcome of a view comes from the lint report (findings located by the view's line range),
never from a second hand-written table, so the two halves cannot drift apart. The cases where Django and the
linter disagree today are kept, as strict xfails with the reason, in KNOWN_DISAGREEMENTS. Django runs in a
subprocess (tests/ground_truth/run_views.py) because `settings.configure()` is process-global.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import version
from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.runner import Report, lint
from tests.helpers import expectations, found, write_project

pytest.importorskip("django", reason="the ground-truth tests need Django (the `test` extra)")

RUNNER = Path(__file__).resolve().parent / "ground_truth" / "run_views.py"
UNSAFE = "SynchronousOnlyOperation"
RULES_UNDER_TEST = {"DPL101", "DPL102", "DPL103", "DPL104", "DPL106", "DPL130"}

MODELS = """
from django.db import models


class Article(models.Model):
    title = models.CharField(max_length=100)
    published = models.BooleanField(default=False)
"""

# Sync helpers for the transitive rule: on their own they are fine; what matters is the thread they run on.
SERVICES = """
from django.shortcuts import get_object_or_404

from .models import Article


def count_published():
    return Article.objects.filter(published=True).count()


def first_title():
    return get_object_or_404(Article, pk=1).title


def title_case(text):
    return text.title()


def username_of(user):
    return user.username
"""

VIEWS = """
from asgiref.sync import sync_to_async
from django.contrib.auth import aauthenticate, authenticate, get_user_model, login, logout
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import aget_list_or_404, aget_object_or_404, get_list_or_404, get_object_or_404

from .models import Article
from .services import count_published, first_title, title_case, username_of


def summary():
    return count_published()


# DPL101: a QuerySet or Manager method that queries, called on the event loop.

async def manager_get(request):
    Article.objects.get(pk=1)  # expect: DPL101
    return HttpResponse("ok")


async def chained_count(request):
    Article.objects.filter(published=True).count()  # expect: DPL101
    return HttpResponse("ok")


async def exists_on_variable(request):
    published = Article.objects.filter(published=True)
    published.exists()  # expect: DPL101
    return HttpResponse("ok")


async def manager_create(request):
    Article.objects.create(title="never written")  # expect: DPL101
    return HttpResponse("ok")


async def queryset_update(request):
    Article.objects.filter(pk=1).update(title="never written")  # expect: DPL101
    return HttpResponse("ok")


async def ordered_first(request):
    Article.objects.order_by("pk").first()  # expect: DPL101
    return HttpResponse("ok")


async def async_twins(request):
    await Article.objects.aget(pk=1)
    await Article.objects.filter(published=True).acount()
    await Article.objects.filter(published=True).aexists()
    await Article.objects.order_by("pk").afirst()
    await Article.objects.filter(pk=2).aupdate(published=False)
    return HttpResponse("ok")


async def sync_method_handed_to_sync_to_async(request):
    await sync_to_async(Article.objects.get)(pk=1)
    return HttpResponse("ok")


async def nested_sync_def_run_in_thread(request):
    def helper():
        return Article.objects.count()

    await sync_to_async(helper)()
    return HttpResponse("ok")


async def nested_sync_def_called(request):
    def helper():
        return Article.objects.count()

    helper()  # expect: DPL130
    return HttpResponse("ok")


# DPL102: a lazy QuerySet evaluated on the event loop.

async def for_loop(request):
    for article in Article.objects.all():  # expect: DPL102
        pass
    return HttpResponse("ok")


async def list_call(request):
    articles = Article.objects.filter(published=True)
    list(articles)  # expect: DPL102
    return HttpResponse("ok")


async def len_call(request):
    articles = Article.objects.all()
    len(articles)  # expect: DPL102
    return HttpResponse("ok")


async def truth_test(request):
    articles = Article.objects.filter(published=True)
    if articles:  # expect: DPL102
        pass
    return HttpResponse("ok")


async def list_comprehension(request):
    articles = Article.objects.all()
    [a.title for a in articles]  # expect: DPL102
    return HttpResponse("ok")


async def indexed(request):
    articles = Article.objects.order_by("pk")
    articles[0]  # expect: DPL102
    return HttpResponse("ok")


async def membership(request):
    article = await Article.objects.aget(pk=1)
    articles = Article.objects.all()
    article in articles  # expect: DPL102
    return HttpResponse("ok")


async def step_slice(request):
    articles = Article.objects.order_by("pk")
    articles[::2]  # expect: DPL102
    return HttpResponse("ok")


async def sorted_call(request):
    sorted(Article.objects.all(), key=lambda a: a.pk)  # expect: DPL102
    return HttpResponse("ok")


async def generator_expression_handed_to_thread(request):
    articles = Article.objects.all()
    # Looks deferred, but a generator expression calls iter() on its source at once, on the event loop.
    await sync_to_async(list)(a.title for a in articles)  # expect: DPL102
    return HttpResponse("ok")


async def async_iteration(request):
    articles = Article.objects.filter(published=True).order_by("-pk")[:10]
    [a.title async for a in articles]
    async for article in Article.objects.all():
        pass
    await Article.objects.all().acontains(article)
    return HttpResponse("ok")


# DPL103: a model instance saved, deleted or refreshed on the event loop.

async def instance_save(request):
    article = await Article.objects.aget(pk=1)
    article.title = "never written"
    article.save()  # expect: DPL103
    return HttpResponse("ok")


async def instance_refresh(request):
    article = await Article.objects.aget(pk=1)
    article.refresh_from_db()  # expect: DPL103
    return HttpResponse("ok")


async def instance_delete(request):
    article = await Article.objects.aget(title="doomed")
    article.delete()  # expect: DPL103
    return HttpResponse("ok")


async def instance_from_async_for(request):
    async for article in Article.objects.filter(pk=1):
        article.save()  # expect: DPL103
    return HttpResponse("ok")


async def instance_async_twins(request):
    article = await Article.objects.aget(pk=2)
    article.title = "second"
    await article.asave()
    await article.arefresh_from_db()
    await sync_to_async(article.save)()
    return HttpResponse("ok")


# DPL104: `request.user.<attr>` loads the session and the user synchronously (for a logged-in user).

async def user_attribute(request):
    if request.user.is_authenticated:  # expect: DPL104
        pass
    return HttpResponse("ok")


async def user_attribute_after_auser(request):
    await request.auser()
    request.user.username  # expect: DPL104
    return HttpResponse("ok")


async def auser(request):
    user = await request.auser()
    if user.is_authenticated:
        user.username
    return HttpResponse("ok")


async def user_handed_to_sync_code(request):
    await sync_to_async(username_of)(request.user)
    return HttpResponse("ok")


# DPL106: Django functions that query.

async def shortcut_get_object_or_404(request):
    get_object_or_404(Article, pk=1)  # expect: DPL106
    return HttpResponse("ok")


async def shortcut_get_list_or_404(request):
    get_list_or_404(Article, published=True)  # expect: DPL106
    return HttpResponse("ok")


async def atomic_block(request):
    with transaction.atomic():  # expect: DPL106
        pass
    return HttpResponse("ok")


async def auth_authenticate(request):
    authenticate(request, username="reader", password="secret")  # expect: DPL106
    return HttpResponse("ok")


async def auth_login(request):
    user = await get_user_model().objects.aget(username="reader")
    login(request, user)  # expect: DPL106
    return HttpResponse("ok")


async def auth_logout(request):
    logout(request)  # expect: DPL106
    return HttpResponse("ok")


async def shortcut_async_twins(request):
    await aget_object_or_404(Article, pk=1)
    await aget_list_or_404(Article, published=True)
    await aauthenticate(request, username="reader", password="secret")
    await sync_to_async(get_object_or_404)(Article, pk=1)
    return HttpResponse("ok")


# DPL130: a sync project function that queries, called from async code.

async def helper_called_directly(request):
    count_published()  # expect: DPL130
    return HttpResponse("ok")


async def helper_two_calls_deep(request):
    summary()  # expect: DPL130
    return HttpResponse("ok")


async def helper_using_shortcut(request):
    first_title()  # expect: DPL130
    return HttpResponse("ok")


async def helpers_run_in_thread(request):
    total = await sync_to_async(count_published)()
    await sync_to_async(summary)()
    title_case(str(total))
    return HttpResponse("ok")


# Cases that were disagreements once (a false alarm or a miss), kept so they stay fixed.

async def len_after_async_for(request):
    articles = Article.objects.all()
    async for article in articles:
        pass
    len(articles)
    return HttpResponse("ok")


async def iterator_consumed_in_thread(request):
    await sync_to_async(list)(Article.objects.all().iterator())
    return HttpResponse("ok")


async def user_truth_test(request):
    if request.user:  # expect: DPL104
        pass
    return HttpResponse("ok")


async def queryset_formatted(request):
    f"{Article.objects.all()}"  # expect: DPL102
    return HttpResponse("ok")


async def queryset_unpacked(request):
    first, *rest = Article.objects.order_by("pk")  # expect: DPL102
    return HttpResponse("ok")


# Known disagreements: real Django and the linter differ here today. Each is listed, with why, in
# KNOWN_DISAGREEMENTS; the `# expect:` comments below record what the linter says, not what is right.

async def queryset_as_response_body(request):
    return HttpResponse(Article.objects.values_list("title", flat=True))


async def unsaved_instance_save(request):
    Article(title="never written").save()
    return HttpResponse("ok")
"""

# Every async view gets the URL `/<name>/`, so adding a case is adding a view.
URLS = """
import inspect

from django.urls import path

from gtapp import views

urlpatterns = [
    path(f"{name}/", view)
    for name, view in vars(views).items()
    if inspect.iscoroutinefunction(view) and view.__module__ == views.__name__
]
"""

FILES = {
    "gtapp/models.py": MODELS,
    "gtapp/services.py": SERVICES,
    "gtapp/views.py": VIEWS,
    "gtapp/urls.py": URLS,
}
FILES = {path: textwrap.dedent(body).lstrip("\n") for path, body in FILES.items()}


def view_lines(source: str) -> dict[str, range]:
    """Module-level async views and the lines each one spans."""
    return {
        node.name: range(node.lineno, node.end_lineno + 1)
        for node in ast.parse(source).body
        if isinstance(node, ast.AsyncFunctionDef)
    }


VIEW_LINES = view_lines(FILES["gtapp/views.py"])


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return write_project(tmp_path_factory.mktemp("ground_truth") / "project", FILES)


@pytest.fixture(scope="module")
def report(project: Path) -> Report:
    major, minor = version("django").split(".")[:2]
    return lint([project], Config(select=("DPL1",), django_version=f"{major}.{minor}"), cwd=project)


def claims(report: Report) -> dict[str, list]:
    """View name -> the findings the linter places inside it."""
    by_view: dict[str, list] = {name: [] for name in VIEW_LINES}
    for finding in report.findings:
        assert finding.path == "gtapp/views.py", f"unexpected finding outside the views: {finding}"
        (name,) = [name for name, lines in VIEW_LINES.items() if finding.span.line in lines]
        by_view[name].append(finding)
    return by_view


@pytest.fixture(scope="module")
def real(project: Path) -> dict[str, dict[str, object]]:
    """What real Django did with each view, once logged in and once anonymous."""
    cases = [(name, True) for name in VIEW_LINES] + [(name, False) for name in VIEW_LINES]
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the runner configures settings itself
    # This escape hatch turns Django's guard off; with it set, every view would "work" and prove nothing.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    database = project.parent / "ground_truth.sqlite3"
    completed = subprocess.run(
        [sys.executable, str(RUNNER), str(project), str(database), json.dumps(cases)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=project.parent,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


# Views where Django does not do what the linter says (a false alarm, or a crash the linter misses). Each is an
# xfail(strict=True): when the linter learns the case, the test passes unexpectedly and this entry must go.
KNOWN_DISAGREEMENTS = {
    "queryset_as_response_body": "miss: HttpResponse consumes an iterable body, evaluating the QuerySet",
    "unsaved_instance_save": "miss by design: DPL103 only trusts instances it sees come from the ORM (its rationale)",
}
assert set(KNOWN_DISAGREEMENTS) <= set(VIEW_LINES)


def needs_a_session(finding) -> bool:
    """Without a session cookie there is nothing to load: `request.user` resolves to AnonymousUser and `logout()`
    flushes an empty session, neither touching the database (django/contrib/auth/__init__.py)."""
    return finding.code == "DPL104" or finding.message.startswith("`logout()`")


def view_params(*, with_disagreements: bool) -> list:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DISAGREEMENTS[name]))
        if name in KNOWN_DISAGREEMENTS
        else name
        for name in VIEW_LINES
        if with_disagreements or name not in KNOWN_DISAGREEMENTS
    ]


def check(outcome: dict[str, object], errors: list) -> None:
    if errors:
        said = "; ".join(f"{f.code} line {f.span.line}: {f.message}" for f in errors)
        assert outcome["outcome"] == UNSAFE, f"the linter says {said!r}, but Django did: {outcome}"
        # ... and it is the flagged line that raises, not some other line of the view.
        assert outcome["line"] in {f.span.line for f in errors}, f"Django raised elsewhere: {outcome}"
    else:
        assert outcome == {"outcome": 200}, f"the linter is silent, but Django did: {outcome}"


def test_linter_reports_exactly_the_annotated_lines(project: Path, report: Report):
    assert found(report) == expectations(project, FILES)


def test_every_rule_under_test_has_a_trigger_and_a_near_miss(report: Report):
    by_view = claims(report)
    agreed = {name: findings for name, findings in by_view.items() if name not in KNOWN_DISAGREEMENTS}
    assert {finding.code for findings in agreed.values() for finding in findings} == RULES_UNDER_TEST
    assert any(not findings for findings in agreed.values())


@pytest.mark.parametrize("view", view_params(with_disagreements=True))
def test_real_django_agrees_with_the_linter(view: str, report: Report, real: dict[str, dict[str, object]]):
    errors = [finding for finding in claims(report)[view] if finding.severity == "error"]
    check(real[f"{view} logged_in"], errors)


@pytest.mark.parametrize("view", view_params(with_disagreements=False))
def test_anonymous_requests_only_skip_the_session(view: str, report: Report, real: dict[str, dict[str, object]]):
    """DPL104 says anonymous requests pass, because there is no session to load; every claim that does not depend
    on the session must hold for them too."""
    errors = [f for f in claims(report)[view] if f.severity == "error" and not needs_a_session(f)]
    check(real[f"{view} anonymous"], errors)
