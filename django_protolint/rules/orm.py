"""DPL10x: the synchronous Django ORM (and what sits on it) used on the event loop.

Django guards its database wrapper with `@async_unsafe`: any query from a thread with a running event loop raises
`SynchronousOnlyOperation` (django/utils/asyncio.py; docs/topics/async.txt). Each rule below names one way code
reaches that guard. Facts: ../shared/facts.md §1.4 (verified on Django 5.2).
"""

from __future__ import annotations

from collections.abc import Iterator

from django_protolint.findings import Finding
from django_protolint.fixes.edits import awaited, replace
from django_protolint.fixes.imports import released, spelling
from django_protolint.knowledge import django_api
from django_protolint.project.model import ProjectModel
from django_protolint.project.models import Relations
from django_protolint.rules.advice import twin_advice
from django_protolint.rules.base import FixSafety, Gates, Invalid, Rule, Valid, check

ASYNC_DOCS = "https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm"


def _scope_label(function: str | None) -> str:
    return f"async function `{function}`"


SYNC_QUERY = Rule(
    code="DPL101",
    slug="sync-orm-query-in-async",
    severity="error",
    raises_synchronous_only=True,
    summary="A QuerySet or Manager method that runs a query is called inside async code",
    message="`{call}()` runs a database query inside {scope}: Django raises SynchronousOnlyOperation",
    rationale=(
        "Inside `async def` the event loop is running, and Django refuses to run a synchronous query there: "
        "`get()`, `create()`, `count()`, `exists()`, `first()`, `update()`, `delete()` and the other methods that "
        "hit the database raise `SynchronousOnlyOperation`. Django 4.1 added an async twin for each "
        "(`aget()`, `acreate()`, ...). The auth managers' `create_user()`, `create_superuser()` and "
        "`get_by_natural_key()` query too; Django 5.2 added `acreate_user()`, `acreate_superuser()` and "
        "`aget_by_natural_key()` on its own managers (a project's manager may not have them, so no fix is offered). "
        "`fetch_mode()` (6.1) only builds a QuerySet."
    ),
    fix="{advice}",
    how_to_fix="Call the async twin of the method and await it (`await Article.objects.aget(pk=pk)`, Django 4.1+); the finding's help line names the twin your Django version has. On older Django, or for a method without a twin, move the query into a sync function and call it with `await sync_to_async(fn)()`.",
    fix_safety=FixSafety(
        "safe",
        "Django implements the async twin as the same query run through `sync_to_async` (or the same steps with async calls), so the fixed code does what the original meant; the original could only raise `SynchronousOnlyOperation` on the event loop.",
    ),
    gates=Gates(async_scope=True),
    links=("https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm",),
    examples=[
        Invalid(
            """
            from .models import Article

            async def article_detail(request, pk):
                article = Article.objects.get(pk=pk)  # expect: DPL101
                total = Article.objects.filter(published=True).count()  # expect: DPL101
                title = Article.objects.filter(pk=pk).first().title  # expect: DPL101
                return article, total, title
            """,
            django_version="4.2",
            fixed="""
            from .models import Article

            async def article_detail(request, pk):
                article = await Article.objects.aget(pk=pk)  # expect: DPL101
                total = await Article.objects.filter(published=True).acount()  # expect: DPL101
                title = (await Article.objects.filter(pk=pk).afirst()).title  # expect: DPL101
                return article, total, title
            """,
            id="get, count and first on a manager or QuerySet in an async view",
        ),
        Invalid(
            """
            from .models import Article

            async def titles(request, ids):
                return sorted(Article.objects.get(pk=pk).title for pk in ids)  # expect: DPL101
            """,
            django_version="4.2",
            note="no fix: `await` in a generator expression makes an async generator, which `sorted()` cannot "
            "consume (TypeError)",
        ),
        Invalid(
            """
            from .models import Article

            async def titles(request):
                return sorted([Article.objects.get(pk=pk).title for pk in (1, 2)])  # expect: DPL101
            """,
            django_version="4.2",
            fixed="""
            from .models import Article

            async def titles(request):
                return sorted([(await Article.objects.aget(pk=pk)).title for pk in (1, 2)])  # expect: DPL101
            """,
            note="a list comprehension with `await` in an `async def` is an async comprehension: fixed",
        ),
        Invalid(
            """
            from .models import Article

            async def view(request):
                def helper():
                    return Article.objects.count()  # a nested sync def is not async code
                published = Article.objects.filter(published=True)
                return published.exists()  # expect: DPL101
            """,
            id="a query after a nested sync def is still in the async view",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async
            from .models import Article

            async def article_detail(request, pk):
                article = await Article.objects.aget(pk=pk)
                total = await Article.objects.filter(published=True).acount()
                rows = await sync_to_async(Article.objects.get)(pk=pk)
                return article, total, rows
            """,
            note="the async twins, and the sync method handed to sync_to_async uncalled",
        ),
        Valid(
            """
            from .models import Article

            def article_detail(request, pk):
                return Article.objects.get(pk=pk)
            """,
            note="sync views may query",
        ),
        Invalid(
            """
            from django.contrib.auth import get_user_model
            from django.views import View

            class Profile(View):
                model = None

                async def get(self, request, pk):
                    user = get_user_model().objects.get(pk=pk)  # expect: DPL101
                    return self.model.objects.filter(owner=user).first()  # expect: DPL101
            """,
            id="queries in an async handler of a class-based view, through get_user_model and self.model",
        ),
        Invalid(
            """
            from django.contrib.auth.models import User
            from django.db import models
            from .models import Article

            async def signup(request):
                user = User.objects.create_user("ann", password="x")  # expect: DPL101
                User.objects.get_by_natural_key("ann")  # expect: DPL101
                return Article.objects.fetch_mode(models.FETCH_PEERS).get(pk=1)  # expect: DPL101
            """,
            django_version="6.1",
            note="the auth managers' methods (twins since 5.2); `fetch_mode()` (6.1) is lazy, `get()` after it is not",
        ),
        Valid(
            """
            from django.contrib.auth.models import User
            from django.db import models
            from .models import Article

            async def signup(request):
                user = await User.objects.acreate_user("ann", password="x")
                peers = Article.objects.fetch_mode(models.FETCH_PEERS)
                return user, await peers.aget(pk=1)
            """,
            django_version="6.1",
            note="the 5.2 twins; building a QuerySet with `fetch_mode()` runs no query",
        ),
        Valid(
            """
            import boto3

            async def listing(request):
                bucket = boto3.resource("s3").Bucket("media")
                return bucket.objects.filter(Prefix="tmp/").delete()  # boto3's S3 collection, not a QuerySet
            """,
            note="`.objects` on an instance is not a model manager",
        ),
        Valid(
            """
            from .models import Article

            async def view(request):
                def count():
                    return Article.objects.count()

                first = lambda: Article.objects.first()

                class Report:
                    def total(self):
                        return Article.objects.count()

                return count, first, Report
            """,
            id="a sync def, a lambda and a nested class's method inside an async view are not async code",
        ),
        Valid(
            """
            from .models import Article

            async def view(request, pk):
                published = Article.objects.filter(published=True).order_by("-pk")
                article = await published.aget(pk=pk)
                return article, await published.acount(), published.values_list("pk", flat=True)
            """,
            id="a QuerySet built, chained and awaited through its async twins runs no sync query",
        ),
        Valid(
            {
                "tests/ws/conftest.py": 'import os\n\nos.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")\n',
                "tests/ws/test_signals.py": """
                    from app.models import Article

                    async def test_article_signal():
                        return Article.objects.get(pk=1)
                """,
            },
            id="an async test under a conftest.py that sets DJANGO_ALLOW_ASYNC_UNSAFE: Django lets the query run",
        ),
        Invalid(
            {
                "tests/ws/conftest.py": 'import os\n\nos.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "")\n',
                "tests/ws/test_signals.py": """
                    from app.models import Article

                    async def test_article_signal():
                        return Article.objects.get(pk=1)  # expect: DPL101
                """,
                "app/views.py": """
                    from .models import Article

                    async def article(request):
                        return Article.objects.get(pk=1)  # expect: DPL101
                """,
            },
            id="an empty DJANGO_ALLOW_ASYNC_UNSAFE keeps the guard, and a conftest never covers application code",
        ),
    ],
)

QUERYSET_EVALUATED = Rule(
    code="DPL102",
    slug="queryset-evaluated-in-async",
    severity="error",
    raises_synchronous_only=True,
    summary="A lazy QuerySet is evaluated (iterated, `list()`, `len()`, `bool()`, `in`, indexed) inside async code",
    message="QuerySet `{receiver}` is evaluated ({how}) inside {scope}: the query runs synchronously and raises",
    rationale=(
        "Building a QuerySet is free; evaluating it runs the query. Iterating it with a plain `for`, passing it to "
        "`list()`/`len()`/`bool()`, testing `x in qs` or indexing it all run a synchronous query, which raises "
        "`SynchronousOnlyOperation` on the event loop. Django 4.1 added `async for` over QuerySets and the "
        "`acount()`/`aexists()`/`acontains()` twins."
    ),
    fix="{advice}",
    how_to_fix="Iterate with `async for`, or use the async twin of the evaluation (`await qs.acount()`, `await qs.aexists()`, `await qs.acontains(obj)`), Django 4.1+; for `list(qs)` write `[obj async for obj in qs]`.",
    gates=Gates(async_scope=True),
    links=("https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm",),
    examples=[
        Invalid(
            """
            from .models import Article

            async def index(request):
                articles = Article.objects.filter(published=True)
                titles = [a.title for a in articles]  # expect: DPL102
                for article in Article.objects.all():  # expect: DPL102
                    print(article)
                if articles:  # expect: DPL102
                    return len(articles)  # expect: DPL102
                return list(articles[:10])  # expect: DPL102
            """,
            id="iterating, testing, len() and list() of a QuerySet in an async view",
        ),
        Valid(
            """
            from .models import Article

            async def index(request):
                articles = Article.objects.filter(published=True).order_by("-id")[:10]
                titles = [a.title async for a in articles]
                async for article in Article.objects.all():
                    print(article)
                return titles

            def sync_index(request):
                return list(Article.objects.all())
            """,
            note="`async for`, slicing without a step (still lazy), and sync code",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async
            from .models import Article

            async def index(request):
                def titles():
                    return [a.title for a in Article.objects.all()]

                count = lambda: len(Article.objects.all())
                return await sync_to_async(titles)(), count
            """,
            id="evaluating a QuerySet in a nested sync def or a lambda is not async code",
        ),
    ],
)

INSTANCE_METHOD = Rule(
    code="DPL103",
    slug="sync-model-method-in-async",
    severity="error",
    raises_synchronous_only=True,
    summary="`save()`, `delete()` or `refresh_from_db()` on a model instance, or a user's `check_password()` or "
    "permission methods, inside async code",
    message="`{receiver}.{method}()` writes to or reads from the database inside {scope}: Django raises "
    "SynchronousOnlyOperation{condition}",
    rationale=(
        "`Model.save()`, `delete()`, `refresh_from_db()` and `full_clean()` run queries. Django 4.2 added "
        "`asave()`, `adelete()` and `arefresh_from_db()`; validation has no async form. The rule fires only for "
        "instances it can see come from the ORM (`await Model.objects.aget(...)`, `async for obj in qs`), so it "
        "misses instances built elsewhere rather than guess. On a user, `check_password()` saves the upgraded hash "
        "when the hasher or its iteration count changed (`acheck_password()` since 5.0), and `has_perm()`, "
        "`has_perms()`, `has_module_perms()` and `get_*_permissions()` read permissions through the backends "
        "unless the user is an active superuser (a-twins since 5.2). These are reported only on models known to "
        "have Django's method: `auth.User`, a project model with Django's user bases that does not redefine it, "
        "and for `check_password()` any user model (`get_user_model()`, `await request.auser()`). "
        "Verified per release in tests/test_ground_truth_orm_releases.py."
    ),
    fix="{advice}",
    how_to_fix="Await the instance method's async twin (`await obj.asave()`, `await obj.adelete()`, `await obj.arefresh_from_db()`, Django 4.2+); run `full_clean()` and other methods without a twin inside `sync_to_async`.",
    fix_safety=FixSafety(
        "safe",
        "Django implements the async twin as the same query run through `sync_to_async` (or the same steps with async calls), so the fixed code does what the original meant; the original could only raise `SynchronousOnlyOperation` on the event loop.",
    ),
    gates=Gates(async_scope=True),
    links=(
        "https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm",
        "https://docs.djangoproject.com/en/stable/ref/models/instances/",
    ),
    examples=[
        Invalid(
            """
            from .models import Article

            async def publish(request, pk):
                article = await Article.objects.aget(pk=pk)
                article.published = True
                article.save()  # expect: DPL103
            """,
            django_version="4.2",
            fixed="""
            from .models import Article

            async def publish(request, pk):
                article = await Article.objects.aget(pk=pk)
                article.published = True
                await article.asave()  # expect: DPL103
            """,
            id="save() on an instance fetched with aget",
        ),
        Valid(
            """
            from .models import Article

            async def publish(request, pk, form):
                article = await Article.objects.aget(pk=pk)
                article.published = True
                await article.asave()
                form.save()  # not known to be a model instance
            """,
            id="asave() awaited, and save() on an object not known to be a model instance",
        ),
        Invalid(
            """
            from django.contrib.auth.models import User

            async def change_email(request, pk):
                user = await request.auser()
                if not user.check_password(request.POST["password"]):  # expect: DPL103
                    return None
                staff = await User.objects.aget(pk=pk)
                return staff.has_perm("blog.change_post")  # expect: DPL103
            """,
            django_version="5.2",
            note="check_password saves an upgraded hash; PermissionsMixin methods read permissions",
        ),
        Valid(
            """
            from django.contrib.auth.hashers import check_password
            from django.contrib.auth.models import User
            from .models import Device

            async def change_email(request, pk, encoded):
                user = await request.auser()
                if not await user.acheck_password(request.POST["password"]):
                    return None
                check_password("x", encoded)  # no setter: nothing to save
                device = await Device.objects.aget(pk=pk)
                device.check_password("1234")  # not a user model
                staff = await User.objects.aget(pk=pk)

                def allowed():
                    return staff.has_perm("blog.change_post")  # a nested sync def is not async code

                user.has_perm("blog.change_post")  # AUTH_USER_MODEL may not have PermissionsMixin
                return await staff.ahas_perm("blog.change_post")
            """,
            django_version="5.2",
            note="the twins, the hashers function, a model that is not a user, a nested sync def",
        ),
        Valid(
            {
                "accounts/models.py": """
                    from django.contrib.auth.base_user import AbstractBaseUser

                    class Account(AbstractBaseUser):
                        def has_perm(self, perm, obj=None):
                            return self.is_admin  # no query
                """,
                "accounts/views.py": """
                    from .models import Account

                    async def admin_only(request, pk):
                        account = await Account.objects.aget(pk=pk)
                        return account.has_perm("x")
                """,
            },
            note="a user model that defines its own has_perm",
        ),
    ],
)

REQUEST_USER = Rule(
    code="DPL104",
    slug="request-user-in-async",
    severity="error",
    raises_synchronous_only=True,
    summary="`request.user.<attr>` read inside async code",
    message="`{text}` loads the user from the session and database inside {scope}: it raises "
    "SynchronousOnlyOperation for logged-in users",
    rationale=(
        "`request.user` is a lazy object: reading any attribute loads the session and the user with synchronous "
        "queries. Anonymous requests pass (no session row), so the crash shows up only for logged-in users. "
        "Django 5.0 added `await request.auser()`. Passing `request.user` along without reading it is fine."
    ),
    fix="{advice}",
    how_to_fix="Load the user once with `user = await request.auser()` (Django 5.0+) and read the attributes from `user`; on older Django wrap the code that reads `request.user` in `sync_to_async`.",
    fix_safety=FixSafety(
        "unsafe",
        "`request.auser()` reads the user through the session as `AuthenticationMiddleware` sets it up; a middleware that assigns `request.user` itself (token or header authentication) is bypassed, so the fixed code may see another user.",
    ),
    gates=Gates(async_scope=True),
    links=("https://docs.djangoproject.com/en/stable/ref/request-response/#django.http.HttpRequest.auser",),
    examples=[
        Invalid(
            """
            async def dashboard(request):
                if request.user.is_authenticated:  # expect: DPL104
                    return "hello"
            """,
            django_version="5.0",
            fixed="""
            async def dashboard(request):
                if (await request.auser()).is_authenticated:  # expect: DPL104
                    return "hello"
            """,
            id="request.user.is_authenticated in an async view",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async

            async def dashboard(request):
                user = await request.auser()
                if user.is_authenticated:
                    return await sync_to_async(render_for)(request.user)

            def render_for(user):
                return user.username
            """,
            note="`auser()`, and `request.user` handed to sync code without being read",
        ),
        Invalid(
            """
            async def edit(request):
                if request.user.has_perm("blog.change_post"):  # expect: DPL104
                    return "ok"
            """,
            django_version="5.2",
            note="one finding: the advice names `auser()` and then `ahas_perm()`; no fix, `auser()` alone would "
            "leave the sync `has_perm` raising",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async

            async def dashboard(request):
                def greeting():
                    return request.user.username

                is_staff = lambda: request.user.is_staff
                return await sync_to_async(greeting)(), is_staff
            """,
            id="reading request.user in a nested sync def or a lambda is not async code",
        ),
        Valid(
            """
            from fastapi import APIRouter, Request

            router = APIRouter()

            @router.get("/me")
            async def me(request: Request):
                return {"name": request.user.display_name}
            """,
            id="a FastAPI route's starlette request: its user was set by AuthenticationMiddleware, nothing loads",
        ),
    ],
)

REQUEST_SESSION = Rule(
    code="DPL105",
    slug="request-session-in-async",
    severity="warning",
    summary="`request.session` read or written synchronously inside async code",
    message="`{text}` loads the session synchronously inside {scope}",
    rationale=(
        "The session loads lazily on first use. With the database engine (the default) that is a synchronous "
        "query and raises `SynchronousOnlyOperation`; with cache or file engines it blocks the event loop. "
        "Django 5.1 added async session methods (`aget`, `aset`, `apop`, ...). A warning, not an error, because "
        "which engine runs is a setting."
    ),
    fix="{advice}",
    how_to_fix="Use the session's async methods (`await request.session.aget(key)`, `aset()`, `apop()`, Django 5.1+), or read the session inside `sync_to_async`.",
    gates=Gates(async_scope=True),
    links=("https://docs.djangoproject.com/en/stable/topics/http/sessions/#using-sessions-in-views",),
    examples=[
        Invalid(
            """
            async def cart(request):
                items = request.session.get("cart", [])  # expect: DPL105
                request.session["cart"] = items  # expect: DPL105
                return items
            """,
            id="reading and writing request.session in an async view",
        ),
        Valid(
            """
            async def cart(request):
                items = await request.session.aget("cart", [])
                await request.session.aset("cart", items)
                return items
            """,
            django_version="5.1",
            id="the session's async methods awaited",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async

            async def cart(request):
                def items():
                    return request.session.get("cart", [])

                count = lambda: len(request.session.get("cart", []))
                return await sync_to_async(items)(), count
            """,
            id="the session read in a nested sync def or a lambda is not async code",
        ),
        Valid(
            """
            from starlette.authentication import AuthenticationBackend
            from starlette.requests import HTTPConnection

            class SessionBackend(AuthenticationBackend):
                async def authenticate(self, request: HTTPConnection):
                    return request.session.get("user")
            """,
            id="a starlette request's session is SessionMiddleware's signed-cookie dict: nothing loads",
        ),
    ],
)

SYNC_FUNCTION = Rule(
    code="DPL106",
    slug="sync-django-function-in-async",
    severity="error",
    raises_synchronous_only=True,
    summary="A Django function that queries (`get_object_or_404`, `authenticate`, `login`, `transaction.atomic`) "
    "is called inside async code",
    message="`{call}()` runs database queries inside {scope}: Django raises SynchronousOnlyOperation{condition}",
    rationale=(
        "These helpers query the database: `get_object_or_404`/`get_list_or_404`, the auth functions "
        "(`authenticate`, `login`, `logout`, `get_user`) and `transaction.atomic`. Django 5.0 added "
        "`aget_object_or_404`, `aget_list_or_404`, `aauthenticate`, `alogin`, `alogout` and `aget_user`; "
        "transactions have no async API (run the whole transaction in one function with `sync_to_async`). "
        "Called directly, `ModelBackend` and `RemoteUserBackend` query too (`authenticate`, `get_user`, and the "
        "permission methods for an active user); Django 5.2 added their a-twins."
    ),
    fix="{advice}",
    how_to_fix="Await the async twin (`await aget_object_or_404(...)`, `await aauthenticate(...)`, `await alogin(...)`, Django 5.0+); for `transaction.atomic`, put the whole transaction in a sync function and call it with `await sync_to_async(fn)()`.",
    fix_safety=FixSafety(
        "safe",
        "Django implements `aget_object_or_404`, `aget_list_or_404`, `alogin` and `alogout` as the same steps with "
        "async calls, so the fixed code does what the original meant; the original could only raise "
        "`SynchronousOnlyOperation` on the event loop. The fix of `authenticate()` and `get_user()` is unsafe: "
        "their twins call the backends' `aauthenticate()` / `aget_user()`, which only subclasses of `BaseBackend` "
        "have, and Django accepts any class with `authenticate()` and `get_user()` as a backend.",
    ),
    gates=Gates(async_scope=True),
    links=(
        "https://docs.djangoproject.com/en/stable/topics/http/shortcuts/#aget-object-or-404",
        "https://docs.djangoproject.com/en/stable/topics/auth/default/#how-to-log-a-user-in",
        "https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm",
    ),
    examples=[
        Invalid(
            """
            from django.shortcuts import get_object_or_404
            from django.db import transaction
            from .models import Article

            async def detail(request, pk):
                article = get_object_or_404(Article, pk=pk)  # expect: DPL106
                with transaction.atomic():  # expect: DPL106
                    pass
                return article
            """,
            id="get_object_or_404 and transaction.atomic in an async view",
        ),
        Invalid(
            """
            from django.shortcuts import get_object_or_404
            from .models import Article

            async def detail(request, pk):
                return get_object_or_404(Article, pk=pk)  # expect: DPL106
            """,
            django_version="5.0",
            fixed="""
            from .models import Article
            from django.shortcuts import aget_object_or_404

            async def detail(request, pk):
                return await aget_object_or_404(Article, pk=pk)  # expect: DPL106
            """,
            note="`get_object_or_404` is no longer used: its import goes",
        ),
        Invalid(
            """
            from django.shortcuts import aget_object_or_404, get_object_or_404
            from .models import Article

            async def detail(request, pk):
                return get_object_or_404(Article, pk=pk)  # expect: DPL106

            def sync_detail(request, pk):
                return get_object_or_404(Article, pk=pk)
            """,
            django_version="5.0",
            fixed="""
            from django.shortcuts import aget_object_or_404, get_object_or_404
            from .models import Article

            async def detail(request, pk):
                return await aget_object_or_404(Article, pk=pk)  # expect: DPL106

            def sync_detail(request, pk):
                return get_object_or_404(Article, pk=pk)
            """,
            note="the twin already imported is reused; the sync import stays for the sync view",
        ),
        Valid(
            """
            from django.shortcuts import aget_object_or_404, get_object_or_404
            from .models import Article

            async def detail(request, pk):
                return await aget_object_or_404(Article, pk=pk)

            def sync_detail(request, pk):
                return get_object_or_404(Article, pk=pk)
            """,
            django_version="5.0",
            id="aget_object_or_404 awaited, and get_object_or_404 in a sync view",
        ),
        Invalid(
            """
            from django.contrib.auth.backends import BaseBackend, ModelBackend

            async def can_edit(request, user):
                backend = ModelBackend()
                allowed = backend.has_perm(user, "blog.change_post")  # expect: DPL106
                BaseBackend().has_perm(user, "blog.change_post")  # returns False from an empty set: no query
                return allowed or await ModelBackend().ahas_perm(user, "blog.view_post")
            """,
            django_version="5.2",
            note="an auth backend called directly (a-twins since 5.2); BaseBackend's own methods do not query",
        ),
        Valid(
            """
            from django.db import transaction

            async def wrap(view, using):
                return transaction.atomic(using=using)(view)  # builds the decorator; no query until entered
            """,
            id="transaction.atomic(using=...) built as a decorator runs no query",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async
            from django.shortcuts import get_object_or_404
            from .models import Article

            async def detail(request, pk):
                def load():
                    return get_object_or_404(Article, pk=pk)

                fallback = lambda: get_object_or_404(Article, pk=1)
                return await sync_to_async(load)(), fallback
            """,
            id="get_object_or_404 in a nested sync def or a lambda is not async code",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async
            from django.db import transaction
            from .models import Article

            @transaction.atomic
            def publish_all():
                return Article.objects.update(published=True)

            async def publish(request):
                def in_transaction():
                    with transaction.atomic():
                        return Article.objects.update(published=True)

                await sync_to_async(in_transaction)()
                return await sync_to_async(publish_all)()
            """,
            id="a transaction run whole in a sync function through sync_to_async",
        ),
        Invalid(
            """
            from django.contrib.auth import authenticate

            async def sign_in(request):
                return authenticate(request, username="a", password="b")  # expect: DPL106
            """,
            django_version="5.0",
            fixed="""
            from django.contrib.auth import aauthenticate

            async def sign_in(request):
                return await aauthenticate(request, username="a", password="b")  # expect: DPL106
            """,
            id="authenticate in an async view: an unsafe fix, since aauthenticate needs BaseBackend's async methods",
        ),
        Valid(
            """
            from django.contrib.auth import aauthenticate, alogin, authenticate

            async def sign_in(request):
                user = await aauthenticate(request, username="a", password="b")
                await alogin(request, user)
                return user

            def sync_sign_in(request):
                return authenticate(request, username="a", password="b")
            """,
            django_version="5.0",
            id="aauthenticate and alogin awaited, and authenticate in a sync view",
        ),
    ],
)

ATOMIC_ON_ASYNC = Rule(
    code="DPL107",
    slug="atomic-decorator-on-async",
    severity="error",
    summary="`@transaction.atomic` decorates an `async def`",
    message="`@transaction.atomic` on async function `{scope}` turns it into a sync function that returns an "
    "unawaited coroutine",
    rationale=(
        "`atomic` wraps the function in a plain `def`, so Django treats the view as sync; it returns a coroutine "
        "and Django raises `ValueError: ... returned an unawaited coroutine` (seen on Django 4.2 to 6.1). "
        "Transactions have no async API."
    ),
    fix="move the transactional work into a sync function and call it with `await sync_to_async(fn)()`",
    links=(
        "https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm",
        "https://docs.djangoproject.com/en/stable/topics/db/transactions/",
    ),
    examples=[
        Invalid(
            """
            from django.db import transaction

            @transaction.atomic  # expect: DPL107
            async def transfer(request):
                return None
            """,
            id="transaction.atomic decorating an async view",
        ),
        Valid(
            """
            from django.db import transaction
            from asgiref.sync import sync_to_async

            @transaction.atomic
            def do_transfer():
                return None

            async def transfer(request):
                return await sync_to_async(do_transfer)()
            """,
            id="the transaction in a sync function called through sync_to_async",
        ),
    ],
)

BOOK_MODELS = """
from django.db import models

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

RELATED_ACCESS = Rule(
    code="DPL108",
    slug="related-object-access-in-async",
    severity="error",
    raises_synchronous_only=True,
    summary="A related object or related manager query reached through a model instance inside async code",
    message="`{text}` runs a query ({relation}) inside {scope}: Django raises SynchronousOnlyOperation",
    rationale=(
        "Reading a ForeignKey or OneToOne attribute that the query did not fetch (`book.author` without "
        '`select_related("author")`) loads the related row with a synchronous query, and so does a query method '
        "on a related manager (`book.tags.count()`), and so do its writes `add()`, `remove()`, `clear()` and "
        "`set()` (Django 4.2 added `aadd()`, `aremove()`, `aclear()`, `aset()`; on a reverse ForeignKey `remove` and "
        "`clear` exist only when it is `null=True`). All raise `SynchronousOnlyOperation` on the event loop "
        "(verified under AsyncClient, tests/test_ground_truth_orm_releases.py). Only relations declared on the project's own models are known, "
        "and only instances the rule sees come from the ORM are checked; `book.author_id` never queries."
    ),
    fix="{advice}",
    how_to_fix='Fetch the relation in the query (`select_related("author")`, `prefetch_related("tags")`), or use the related manager\'s async methods (`await book.tags.acount()`, `await book.tags.aadd(tag)`, Django 4.2+).',
    gates=Gates(async_scope=True),
    links=(
        "https://docs.djangoproject.com/en/stable/topics/async/#queries-the-orm",
        "https://docs.djangoproject.com/en/stable/ref/models/relations/",
    ),
    examples=[
        Invalid(
            {
                "app/models.py": BOOK_MODELS,
                "app/views.py": """
                    from .models import Author, Book

                    async def detail(request, pk):
                        book = await Book.objects.aget(pk=pk)
                        name = book.author.name  # expect: DPL108
                        count = book.tags.count()  # expect: DPL108
                        author = await Author.objects.aget(pk=1)
                        books = author.books.exists()  # expect: DPL108
                        return name, count, books
                """,
            },
            id="a foreign key not fetched, and related managers queried, in an async view",
        ),
        Invalid(
            {
                "app/models.py": BOOK_MODELS,
                "app/views.py": """
                    from .models import Author, Book, Tag

                    async def retag(request, pk):
                        book = await Book.objects.aget(pk=pk)
                        tag = await Tag.objects.aget(name="new")
                        book.tags.add(tag)  # expect: DPL108
                        book.tags.remove(tag)  # expect: DPL108
                        author = await Author.objects.aget(pk=1)
                        author.books.set([book])  # expect: DPL108
                        author.reviews.clear()  # expect: DPL108
                """,
            },
            note="related managers write with add/remove/clear/set (aadd/aremove/aclear/aset since Django 4.2)",
        ),
        Valid(
            {
                "app/models.py": BOOK_MODELS,
                "app/views.py": """
                    from .models import Author, Book, Tag

                    async def retag(request, pk, labels):
                        book = await Book.objects.aget(pk=pk)
                        tag = await Tag.objects.aget(name="new")
                        await book.tags.aadd(tag)
                        await book.tags.aset([tag], clear=True)
                        labels.add(tag.name)  # a plain set, not a related manager
                        book.keywords.add("x")  # not a relation the models declare
                        author = await Author.objects.aget(pk=1)
                        await author.reviews.aclear()
                """,
            },
            django_version="4.2",
            note="the async twins; `add` on anything that is not a declared relation",
        ),
        Valid(
            {
                "app/models.py": BOOK_MODELS,
                "app/views.py": """
                    from .models import Book

                    async def detail(request, pk):
                        book = await Book.objects.select_related("author").aget(pk=pk)
                        name = book.author.name
                        count = await book.tags.acount()
                        author_id = book.author_id
                        async for other in Book.objects.prefetch_related("tags").filter(author_id=author_id):
                            print(other.tags.count())
                        return name, count

                    def sync_detail(request, pk):
                        return Book.objects.get(pk=pk).author.name
                """,
            },
            note="fetched with select_related/prefetch_related, the async manager methods, the raw _id, sync code",
        ),
        Valid(
            """
            from asgiref.sync import sync_to_async
            from .models import Book

            async def detail(request, pk):
                book = await Book.objects.select_related("author").aget(pk=pk)

                def tag_count():
                    return book.tags.count()

                tags = lambda: list(book.tags.all())
                return book.author.name, await sync_to_async(tag_count)(), tags
            """,
            id="related objects read in a nested sync def or a lambda are not async code",
        ),
    ],
)

EVALUATION_ADVICE = {
    "iterate": ("async for x in {receiver}", "iterator"),
    "comprehension": ("[... async for x in {receiver}]", "iterator"),
    "list": ("[x async for x in {receiver}]", "iterator"),
    "len": ("await {receiver}.acount()", "count"),
    "bool": ("await {receiver}.aexists()", "exists"),
    "contains": ("await {receiver}.acontains(obj)", "contains"),
    "index": ("await {receiver}[i:i + 1].afirst()", "first"),
    "step-slice": ("[x async for x in {receiver}]", "iterator"),
    "unpack": ("[x async for x in {receiver}]", "iterator"),
    "repr": ("[x async for x in {receiver}]", "iterator"),
}
EVALUATION_WORDS = {
    "iterate": "iterated", "comprehension": "iterated in a comprehension", "list": "consumed whole", "len": "`len()`", "bool": "truth test",
    "contains": "`in` test", "index": "indexed", "step-slice": "sliced with a step",
    "unpack": "unpacked", "repr": "formatted into a string",
}  # fmt: skip


@check(SYNC_QUERY, QUERYSET_EVALUATED, INSTANCE_METHOD)
def orm_in_async(model: ProjectModel) -> Iterator[Finding]:
    for facts, query in model.queries():
        if not query.scope.is_async:
            continue
        scope = _scope_label(query.scope.function)
        if query.kind == "method" and (row := django_api.executing_method(query.operation)) is not None:
            twin = f"{query.receiver}.{row.twin}(...)"
            async_form = f"async for x in {twin}" if row.twin == "aiterator" else f"await {twin}"
            advice = twin_advice(model, row, async_form, facts.path) + (f"; {row.note}" if row.note else "")
            fix = None
            if (
                row.twin
                and row.twin != "aiterator"
                and query.operation in django_api.QUERYSET_EXECUTING  # a custom auth manager may lack the twin
                and query.method_span
                and not query.in_generator
                and model.twin_available(row, facts.path)
            ):
                edits = (replace(query.method_span, row.twin), *awaited(query.span, query.chained))
                fix = SYNC_QUERY.autofix(f"use `await ….{row.twin}()`", edits)
            yield SYNC_QUERY.finding(
                facts.path, query.span, call=f"{query.receiver}.{query.operation}", scope=scope, advice=advice,
                fix=fix,
            )  # fmt: skip
        elif query.kind == "evaluate":
            template, twin_of = EVALUATION_ADVICE[query.operation]
            row = django_api.QUERYSET_EXECUTING[twin_of]
            advice = twin_advice(model, row, template.format(receiver=query.receiver), facts.path)
            yield QUERYSET_EVALUATED.finding(
                facts.path, query.span, receiver=query.receiver, how=EVALUATION_WORDS[query.operation], scope=scope,
                advice=advice,
            )  # fmt: skip
        elif query.kind == "instance" and query.operation in django_api.MODEL_INSTANCE:
            row = django_api.MODEL_INSTANCE[query.operation]
            advice = twin_advice(model, row, f"await {query.receiver}.{row.twin}()", facts.path)
            fix = None
            if row.twin and query.method_span and not query.in_generator and model.twin_available(row, facts.path):
                edits = (replace(query.method_span, row.twin), *awaited(query.span, query.chained))
                fix = INSTANCE_METHOD.autofix(f"use `await {query.receiver}.{row.twin}()`", edits)
            yield INSTANCE_METHOD.finding(
                facts.path, query.span, receiver=query.receiver, method=query.operation, scope=scope, advice=advice,
                fix=fix, condition="",
            )  # fmt: skip
        elif query.kind == "instance" and query.operation in django_api.USER_INSTANCE:
            if not _user_model_has(model, query.model_qualname, query.operation, model.root_of(facts.path) or "."):
                continue
            row = django_api.USER_INSTANCE[query.operation]
            advice = twin_advice(model, row, f"await {query.receiver}.{row.twin}(...)", facts.path)
            yield INSTANCE_METHOD.finding(
                facts.path, query.span, receiver=query.receiver, method=query.operation, scope=scope, advice=advice,
                condition=row.condition,
            )  # fmt: skip


@check(RELATED_ACCESS)
def related_access_in_async(model: ProjectModel) -> Iterator[Finding]:
    relations_of = model.model_relations
    for facts in model.files:
        for access in facts.related_accesses:
            if not access.scope.is_async or access.awaited:
                continue
            if access.attribute in access.loaded or "*" in access.loaded:
                continue  # fetched with the rows
            relations = relations_of.of(access.model_qualname, model.root_of(facts.path) or ".")
            if relations is None:
                continue
            scope = _scope_label(access.scope.function)
            if access.method is None and access.attribute in relations.loads:
                advice = (f'fetch it with the rows: `.select_related("{access.attribute}")` on the query, or read it '
                          "in a sync function run with `sync_to_async`")  # fmt: skip
                yield RELATED_ACCESS.finding(
                    facts.path, access.span, text=access.text,
                    relation=relations.loads[access.attribute], scope=scope, advice=advice,
                )  # fmt: skip
            elif access.attribute in relations.managers and (row := _manager_row(access.method, access.attribute,
                                                                                   relations)) is not None:  # fmt: skip
                advice = twin_advice(model, row, f"await ….{access.attribute}.{row.twin}()", facts.path)
                yield RELATED_ACCESS.finding(
                    facts.path, access.span, text=access.text,
                    relation=relations.managers[access.attribute], scope=scope, advice=advice,
                )  # fmt: skip


def _user_model_has(model: ProjectModel, qualname: str | None, method: str, root: str) -> bool:
    """Whether instances of this model have Django's own `method` (so it may query as USER_INSTANCE says)."""
    permissions = method in django_api.PERMISSION_METHODS
    if qualname == "django.contrib.auth.models.User":
        return True
    if qualname == django_api.PROJECT_USER_MODEL:
        return not permissions  # every user model has check_password; not every one has PermissionsMixin
    if qualname is None:
        return False
    bases = django_api.PERMISSION_BASES if permissions else django_api.PASSWORD_BASES
    return model.model_relations.inherits_from_django(qualname, root, bases, method)


def _manager_row(method: str | None, attribute: str, relations: Relations) -> django_api.AsyncTwin | None:
    """The twin row when `method` queries on this related manager; None when it does not (or does not exist)."""
    if method in django_api.QUERYSET_EXECUTING:
        return django_api.QUERYSET_EXECUTING[method]
    if method in django_api.NULLABLE_FOREIGN_KEY_ONLY and attribute in relations.not_nullable:
        return None  # no such method on this manager: an AttributeError, not a query
    return django_api.RELATED_MANAGER_WRITES.get(method or "")


@check(REQUEST_USER, REQUEST_SESSION)
def request_in_async(model: ProjectModel) -> Iterator[Finding]:
    for facts in model.files:
        for access in facts.request_accesses:
            if not access.scope.is_async:
                continue
            scope = _scope_label(access.scope.function)
            if access.attribute == "user":
                advice = twin_advice(model, django_api.REQUEST_USER, "user = await request.auser()", facts.path)
                fix = None
                method = django_api.USER_INSTANCE.get(access.then)
                if method is not None:
                    # One problem, one finding: `request.user.has_perm()` loads the user and then may query again.
                    # The advice names both steps (no fix: `auser()` alone would leave the sync method raising);
                    # without `auser()` the whole block goes to sync_to_async, as the advice already says.
                    version = model.django_version_at(facts.path)[0]
                    if django_api.is_available(django_api.REQUEST_USER, version) is not False:
                        advice += "; then " + twin_advice(model, method, f"await user.{method.twin}(...)", facts.path)
                elif (
                    model.twin_available(django_api.REQUEST_USER, facts.path)
                    and access.text.endswith(".user")
                    and not access.in_generator
                ):
                    call = f"await {access.text[: -len('user')]}auser()"
                    fix = REQUEST_USER.autofix("use `await request.auser()`",
                                              (replace(access.span, f"({call})" if access.chained else call),))  # fmt: skip
                yield REQUEST_USER.finding(facts.path, access.span, text=access.text, scope=scope, advice=advice,
                                           fix=fix)  # fmt: skip
            else:
                advice = twin_advice(
                    model, django_api.REQUEST_SESSION, "await request.session.aget(...)/aset(...)", facts.path
                )
                yield REQUEST_SESSION.finding(facts.path, access.span, text=access.text, scope=scope, advice=advice)


@check(SYNC_FUNCTION)
def django_functions_in_async(model: ProjectModel) -> Iterator[Finding]:
    for facts, call in model.calls_in_async():
        row = django_api.querying_function(call.callee, call.entered)
        if row is None:
            continue
        if row.twin is None:
            advice = row.note
        else:
            twin = row.twin.rsplit(".", 1)[-1]
            if row.method and "." in call.text:  # `ModelBackend().has_perm(...)`: keep the receiver
                twin = f"{call.text.rsplit('.', 1)[0]}.{twin}"
            advice = twin_advice(model, row, f"await {twin}(...)", facts.path)
        fix = None
        if (
            row.twin
            and not row.method
            and call.callee_span
            and "." not in call.text
            and not call.in_generator
            and model.twin_available(row, facts.path)
            and (twin_name := spelling(facts, row.twin, call.scope.function, from_import=True)) is not None
        ):
            # `get_object_or_404(...)` imported by name: call the twin, imported from the same module.
            edits = (replace(call.callee_span, twin_name.text), *awaited(call.span, call.chained))
            fix = SYNC_FUNCTION.autofix(f"use `await {twin_name.text}(...)`", edits, imports=twin_name.imports,
                                        unsafe=row.twin in django_api.CALLS_BACKEND_ASYNC_METHODS,
                                        import_line=facts.import_line, releases=released(facts, call.text))  # fmt: skip
        yield SYNC_FUNCTION.finding(
            facts.path, call.span, call=call.text, scope=_scope_label(call.scope.function), advice=advice,
            condition=row.condition, fix=fix,
        )  # fmt: skip


@check(ATOMIC_ON_ASYNC)
def atomic_on_async(model: ProjectModel) -> Iterator[Finding]:
    for facts in model.files:
        for function in facts.functions if facts.has_async_def else ():
            if not function.is_async:
                continue
            for decorator, span in zip(function.decorators, function.decorator_spans):
                if decorator == "django.db.transaction.atomic":
                    yield ATOMIC_ON_ASYNC.finding(facts.path, span, scope=function.qualname)
