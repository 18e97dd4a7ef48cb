"""Ground truth for the version-gated ORM and auth knowledge (issue 13 §4), on each release a claim speaks about.

The related-manager writes (`add`/`remove`/`clear`/`set`, twins since 4.2), the auth managers' and user
instances' methods (`create_user`, `get_by_natural_key`, `check_password`, `has_perm`, ...; twins since 5.0 and
5.2) and `QuerySet.fetch_mode()` (6.1) run under Django's AsyncClient in a real event loop, once per release
(tests/django_versions.py), with a logged-in user who is not a superuser.

As in tests/test_ground_truth_orm.py, the expected outcome of a view comes from the lint report for that release:
a view the linter flags with an error must raise `SynchronousOnlyOperation` from the flagged line, and a view it
leaves alone must return 200. A view that uses a twin is part of the project only on releases that have it.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from django_protolint.config import Config
from django_protolint.runner import lint
from tests.django_versions import python_for, releases
from tests.helpers import expectations, found, write_project

RUNNER = Path(__file__).resolve().parent / "ground_truth" / "run_views.py"
UNSAFE = "SynchronousOnlyOperation"

MODELS = """
from django.db import models


class Article(models.Model):
    title = models.CharField(max_length=100)
    published = models.BooleanField(default=False)


class Author(models.Model):
    name = models.CharField(max_length=100)


class Tag(models.Model):
    name = models.CharField(max_length=30)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    tags = models.ManyToManyField(Tag)


class Review(models.Model):
    author = models.ForeignKey(Author, null=True, on_delete=models.SET_NULL, related_name="reviews")
"""

SEED = """
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User

from .models import Author, Book, Review, Tag


def seed():
    author = Author.objects.create(pk=1, name="ann")
    Tag.objects.create(pk=1, name="new")
    Book.objects.create(pk=1, author=author)
    Review.objects.create(pk=1, author=author)
    # A two-character salt is below the hasher's entropy: check_password upgrades the hash and saves it.
    User.objects.create(username="legacy", password=MD5PasswordHasher().encode("secret", "ab"))
"""

HEADER = """
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.models import User
from django.db import models
from django.http import HttpResponse

from .models import Article, Author, Book, Review, Tag

"""

# Views by the release that has every API they use: a release's project holds the groups up to it.
VIEWS = {
    "4.2": """
async def m2m_add(request):
    author = await Author.objects.aget(pk=1)
    book = await Book.objects.aget(pk=1)
    tag = await Tag.objects.aget(pk=1)
    review = await Review.objects.aget(pk=1)
    book.tags.add(tag)  # expect: DPL108
    return HttpResponse("ok")


async def m2m_remove(request):
    author = await Author.objects.aget(pk=1)
    book = await Book.objects.aget(pk=1)
    tag = await Tag.objects.aget(pk=1)
    review = await Review.objects.aget(pk=1)
    book.tags.remove(tag)  # expect: DPL108
    return HttpResponse("ok")


async def m2m_clear(request):
    author = await Author.objects.aget(pk=1)
    book = await Book.objects.aget(pk=1)
    tag = await Tag.objects.aget(pk=1)
    review = await Review.objects.aget(pk=1)
    book.tags.clear()  # expect: DPL108
    return HttpResponse("ok")


async def m2m_set(request):
    author = await Author.objects.aget(pk=1)
    book = await Book.objects.aget(pk=1)
    tag = await Tag.objects.aget(pk=1)
    review = await Review.objects.aget(pk=1)
    book.tags.set([tag])  # expect: DPL108
    return HttpResponse("ok")


async def reverse_foreign_key_set(request):
    author = await Author.objects.aget(pk=1)
    book = await Book.objects.aget(pk=1)
    tag = await Tag.objects.aget(pk=1)
    review = await Review.objects.aget(pk=1)
    author.books.set([book])  # expect: DPL108
    return HttpResponse("ok")


async def nullable_reverse_remove(request):
    author = await Author.objects.aget(pk=1)
    book = await Book.objects.aget(pk=1)
    tag = await Tag.objects.aget(pk=1)
    review = await Review.objects.aget(pk=1)
    author.reviews.remove(review)  # expect: DPL108
    return HttpResponse("ok")


async def nullable_reverse_clear(request):
    author = await Author.objects.aget(pk=1)
    book = await Book.objects.aget(pk=1)
    tag = await Tag.objects.aget(pk=1)
    review = await Review.objects.aget(pk=1)
    author.reviews.clear()  # expect: DPL108
    return HttpResponse("ok")


async def create_user(request):
    get_user_model().objects.create_user("never", password="x")  # expect: DPL101
    return HttpResponse("ok")


async def create_superuser(request):
    User.objects.create_superuser("never-root", password="x")  # expect: DPL101
    return HttpResponse("ok")


async def get_by_natural_key(request):
    User.objects.get_by_natural_key("reader")  # expect: DPL101
    return HttpResponse("ok")


async def check_password_upgrades_the_hash(request):
    legacy = await User.objects.aget(username="legacy")
    legacy.check_password("secret")  # expect: DPL103
    return HttpResponse("ok")


async def has_perm(request):
    reader = await User.objects.aget(username="reader")
    reader.has_perm("gtapp.change_article")  # expect: DPL103
    return HttpResponse("ok")


async def get_all_permissions(request):
    reader = await User.objects.aget(username="reader")
    reader.get_all_permissions()  # expect: DPL103
    return HttpResponse("ok")


async def has_perms(request):
    reader = await User.objects.aget(username="reader")
    reader.has_perms(["gtapp.change_article"])  # expect: DPL103
    return HttpResponse("ok")


async def get_user_permissions(request):
    reader = await User.objects.aget(username="reader")
    reader.get_user_permissions()  # expect: DPL103
    return HttpResponse("ok")


async def get_group_permissions(request):
    reader = await User.objects.aget(username="reader")
    reader.get_group_permissions()  # expect: DPL103
    return HttpResponse("ok")


async def has_module_perms(request):
    reader = await User.objects.aget(username="reader")
    reader.has_module_perms("gtapp")  # expect: DPL103
    return HttpResponse("ok")


async def backend_has_perm(request):
    reader = await User.objects.aget(username="reader")
    ModelBackend().has_perm(reader, "gtapp.change_article")  # expect: DPL106
    return HttpResponse("ok")


async def backend_authenticate(request):
    ModelBackend().authenticate(request, username="reader", password="secret")  # expect: DPL106
    return HttpResponse("ok")


async def base_backend_has_perm(request):
    reader = await User.objects.aget(username="reader")
    BaseBackend().has_perm(reader, "gtapp.change_article")
    return HttpResponse("ok")


async def request_user_has_perm(request):
    request.user.has_perm("gtapp.change_article")  # expect: DPL104
    return HttpResponse("ok")


async def related_manager_twins(request):
    author = await Author.objects.aget(pk=1)
    book = await Book.objects.aget(pk=1)
    tag = await Tag.objects.aget(pk=1)
    review = await Review.objects.aget(pk=1)
    await book.tags.aadd(tag)
    await book.tags.aremove(tag)
    await book.tags.aset([tag])
    await book.tags.aclear()
    await author.books.aset([book])
    await author.reviews.aclear()
    await author.reviews.aadd(review)
    await author.reviews.aremove(review)
    await author.reviews.aset([review])
    return HttpResponse("ok")
""",
    "5.0": """
async def acheck_password(request):
    legacy = await User.objects.aget(username="legacy")
    await legacy.acheck_password("secret")
    return HttpResponse("ok")
""",
    "5.2": """
async def auth_twins(request):
    await get_user_model().objects.acreate_user("twin", password="x")
    await User.objects.acreate_superuser("twin-root", password="x")
    await User.objects.aget_by_natural_key("reader")
    reader = await User.objects.aget(username="reader")
    await reader.ahas_perm("gtapp.change_article")
    await reader.ahas_perms(["gtapp.change_article"])
    await reader.aget_user_permissions()
    await reader.aget_group_permissions()
    await reader.aget_all_permissions()
    await reader.ahas_module_perms("gtapp")
    backend = ModelBackend()
    await backend.aauthenticate(request, username="reader", password="secret")
    await backend.aget_user(reader.pk)
    await backend.ahas_perm(reader, "gtapp.change_article")
    await backend.ahas_module_perms(reader, "gtapp")
    await backend.aget_user_permissions(reader)
    await backend.aget_group_permissions(reader)
    await backend.aget_all_permissions(reader)
    return HttpResponse("ok")
""",
    "6.1": """
async def fetch_mode_then_get(request):
    Article.objects.fetch_mode(models.FETCH_PEERS).get(pk=1)  # expect: DPL101
    return HttpResponse("ok")


async def fetch_mode_is_lazy(request):
    peers = Article.objects.fetch_mode(models.FETCH_PEERS)
    await peers.aget(pk=1)
    return HttpResponse("ok")
""",
}

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


def _series(release: str) -> tuple[int, ...]:
    return tuple(int(part) for part in release.split("."))


def files_for(release: str) -> dict[str, str]:
    views = HEADER + "".join(body for since, body in VIEWS.items() if _series(since) <= _series(release))
    files = {"gtapp/__init__.py": "", "gtapp/models.py": MODELS, "gtapp/seed.py": SEED, "gtapp/views.py": views,
             "gtapp/urls.py": URLS}  # fmt: skip
    return {path: textwrap.dedent(body).lstrip("\n") for path, body in files.items()}


def view_lines(source: str) -> dict[str, range]:
    return {
        node.name: range(node.lineno, node.end_lineno + 1)
        for node in ast.parse(source).body
        if isinstance(node, ast.AsyncFunctionDef)
    }


def run_views(python: str, project: Path, names: list[str]) -> dict[str, dict[str, object]]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # it turns the guard off: every view would "work"
    cases = [[name, True] for name in names] + [["request_user_has_perm", False]]
    completed = subprocess.run(
        [python, str(RUNNER), str(project), str(project.parent / "db.sqlite3"), json.dumps(cases)],
        capture_output=True, text=True, timeout=300, env=env, cwd=project.parent,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("release", releases("4.2", "5.0", "5.2", "6.1"))
def test_real_django_agrees_with_the_linter(release: str, tmp_path: Path):
    python = python_for(release)
    files = files_for(release)
    project = write_project(tmp_path / "project", files)
    report = lint([project], Config(select=("DPL1",), django_version=release), cwd=project)
    assert found(report) == expectations(project, files)

    lines = view_lines(files["gtapp/views.py"])
    real = run_views(python, project, list(lines))
    for name, span in lines.items():
        errors = [f for f in report.findings if f.span.line in span and f.severity == "error"]
        outcome = real[f"{name} logged_in"]
        if errors:
            assert outcome["outcome"] == UNSAFE, (release, name, outcome)
            assert outcome["line"] in {f.span.line for f in errors}, (release, name, outcome)
        else:
            assert outcome == {"outcome": 200}, (release, name, outcome)
    # DPL104's own claim: an anonymous request has no session to load, and AnonymousUser asks no backend.
    assert real["request_user_has_perm anonymous"] == {"outcome": 200}


def test_each_twin_in_the_knowledge_is_exercised():
    """Every twin the new knowledge rows name appears in a near-miss view of the release that adds it."""
    from django_protolint.knowledge import django_api

    rows = [*django_api.RELATED_MANAGER_WRITES.values(), *django_api.AUTH_MANAGER.values(),
            *django_api.USER_INSTANCE.values()]  # fmt: skip
    for row in rows:
        since = ".".join(map(str, row.since))
        assert f".{row.twin}(" in VIEWS[since], (row.twin, since)
    for row in django_api.FUNCTIONS.values():
        if row.sync.startswith("django.contrib.auth.backends.ModelBackend."):
            assert f".{row.twin.rsplit('.', 1)[-1]}(" in VIEWS["5.2"], row.twin
