"""Near-misses and version gates of the ORM/auth knowledge added for issue 13 §4 (the examples in the rule
declarations carry the main shapes; ground truth is in test_ground_truth_orm_releases.py)."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import expectations, found, run, write_project

MODELS = """
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AbstractUser, PermissionsMixin
from django.db import models

NULLABLE = True


class Member(AbstractUser):
    pass


class Staff(AbstractBaseUser, PermissionsMixin):
    pass


class Kiosk(AbstractBaseUser):
    pass


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")


class Note(models.Model):
    author = models.ForeignKey(Author, null=NULLABLE, on_delete=models.SET_NULL, related_name="notes")


class Pen(models.Model):
    owner = models.ForeignKey(Author, null=True, on_delete=models.SET_NULL)
"""

CASES = {
    "reverse foreign key writes": """
        from .models import Author

        async def view(request):
            author = await Author.objects.aget(pk=1)
            author.books.add(None)  # expect: DPL108
            author.books.set([])  # expect: DPL108
            author.books.remove(None)  # no remove() without null=True: an AttributeError, not a query
            author.books.clear()  # likewise
            author.notes.clear()  # null= a name we cannot read: silent
            author.pen_set.clear()  # expect: DPL108
    """,
    "user models by their bases": """
        from django.contrib.auth import get_user_model
        from .models import Kiosk, Member, Staff

        async def view(request):
            member = await Member.objects.aget(pk=1)
            member.has_perm("x")  # expect: DPL103
            member.check_password("x")  # expect: DPL103
            staff = await Staff.objects.aget(pk=1)
            staff.get_all_permissions()  # expect: DPL103
            kiosk = await Kiosk.objects.aget(pk=1)
            kiosk.check_password("x")  # expect: DPL103
            kiosk.has_perm("x")  # no PermissionsMixin: the project defines has_perm (or has none)
            anyone = await get_user_model().objects.aget(pk=1)
            anyone.check_password("x")  # expect: DPL103
            anyone.has_perms(["x"])  # AUTH_USER_MODEL unknown: it may lack PermissionsMixin
    """,
    "auth managers, only on a manager": """
        from django.contrib.auth.models import User

        async def view(request, service):
            User.objects.create_user("a")  # expect: DPL101
            service.create_user("a")  # not a manager
            await User.objects.acreate_user("b")

        def sync_view(request):
            User.objects.create_user("a")
    """,
    "the sync user from authenticate": """
        from django.contrib.auth import aauthenticate

        async def view(request):
            user = await aauthenticate(request, username="a", password="b")
            user.check_password("b")  # expect: DPL103
            await user.acheck_password("b")
    """,
}


@pytest.mark.parametrize("name", CASES)
def test_case(name: str, tmp_path):
    files = {"app/models.py": MODELS, "app/views.py": textwrap.dedent(CASES[name]).lstrip("\n")}
    project = write_project(tmp_path, files)
    report = run(project, select=("DPL1",), django_version="5.2")
    assert found(report) == expectations(project, files)


@pytest.mark.parametrize(
    "version, advice",
    [
        ("4.2", "wrap the sync code in `sync_to_async` (`await member.ahas_perm(...)` needs Django ≥ 5.2"),
        ("5.2", "use `await member.ahas_perm(...)`"),
    ],
)
def test_the_twin_is_named_only_where_django_has_it(version: str, advice: str, tmp_path):
    view = "from .models import Member\n\nasync def view(request):\n    member = await Member.objects.aget(pk=1)\n" \
           "    member.has_perm('x')\n"  # fmt: skip
    project = write_project(tmp_path, {"app/models.py": MODELS, "app/views.py": view})
    (finding,) = run(project, select=("DPL103",), django_version=version).findings
    assert advice in finding.help


def test_request_user_permission_is_one_finding_without_a_fix(tmp_path):
    view = "async def view(request):\n    if request.user.has_perm('x'):\n        return 1\n" \
           "    return request.user.is_staff\n"  # fmt: skip
    project = write_project(tmp_path, {"app/views.py": view})
    findings = run(project, select=("DPL1",), django_version="5.2").findings
    assert [(f.code, f.span.line) for f in findings] == [("DPL104", 2), ("DPL104", 4)]
    assert findings[0].fix is None and "await user.ahas_perm(...)" in findings[0].help
    assert findings[1].fix is not None  # plain attributes keep their auser() fix
