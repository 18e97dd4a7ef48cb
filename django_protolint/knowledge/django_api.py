"""Django's sync APIs that touch the database (or the session), their async twins, and the release that added each.

Sources: django/db/models/query.py, base.py, shortcuts.py, contrib/auth/__init__.py at each release 3.1-6.1, and
docs/releases/4.1.txt, 4.2.txt, 5.0.txt (see ../shared/facts.md sections 1, 2 and 8).
"""

from __future__ import annotations

from dataclasses import dataclass

Version = tuple[int, int]


@dataclass(frozen=True)
class AsyncTwin:
    sync: str
    twin: str | None  # None: Django has no async form; only `sync_to_async` helps
    since: Version | None
    note: str = ""
    # True for context managers such as `atomic`: building one (`atomic(using=db)(view)`) touches nothing;
    # only entering it with `with` opens the transaction.
    queries_when_entered: bool = False
    # When the query happens only for some requests, say so: e.g. " when a user is logged in".
    condition: str = ""
    # A method called on an object (`ModelBackend().has_perm`): the advice keeps the receiver as written.
    method: bool = False


def _table(*rows: AsyncTwin) -> dict[str, AsyncTwin]:
    return {row.sync: row for row in rows}


# QuerySet / Manager methods that run a query when called (docs: "Methods that do not return QuerySets").
QUERYSET_EXECUTING = _table(
    AsyncTwin("get", "aget", (4, 1)),
    AsyncTwin("create", "acreate", (4, 1)),
    AsyncTwin("get_or_create", "aget_or_create", (4, 1)),
    AsyncTwin("update_or_create", "aupdate_or_create", (4, 1)),
    AsyncTwin("bulk_create", "abulk_create", (4, 1)),
    AsyncTwin("bulk_update", "abulk_update", (4, 1)),
    AsyncTwin("count", "acount", (4, 1)),
    AsyncTwin("in_bulk", "ain_bulk", (4, 1)),
    AsyncTwin("latest", "alatest", (4, 1)),
    AsyncTwin("earliest", "aearliest", (4, 1)),
    AsyncTwin("first", "afirst", (4, 1)),
    AsyncTwin("last", "alast", (4, 1)),
    AsyncTwin("aggregate", "aaggregate", (4, 1)),
    AsyncTwin("exists", "aexists", (4, 1)),
    AsyncTwin("contains", "acontains", (4, 1)),
    AsyncTwin("update", "aupdate", (4, 1)),
    # Managers do not proxy delete() (queryset_only): the fix must go through a QuerySet.
    AsyncTwin("delete", "adelete", (4, 1), note="on a QuerySet, e.g. `.filter(...).adelete()`"),
    AsyncTwin("explain", "aexplain", (4, 1)),
    AsyncTwin("iterator", "aiterator", (4, 1), note="an async generator: use it with `async for`"),
)

# Every async QuerySet method is a coroutine function except aiterator (an async generator, never awaited).
QUERYSET_ASYNC = {row.twin: row for row in QUERYSET_EXECUTING.values() if row.twin}

# Methods that return a new QuerySet without touching the database.
QUERYSET_LAZY = frozenset(
    {
        "all", "filter", "exclude", "order_by", "reverse", "distinct", "values", "values_list", "dates",
        "datetimes", "none", "union", "intersection", "difference", "select_related", "prefetch_related",
        "annotate", "alias", "extra", "defer", "only", "using", "select_for_update", "raw",
        # 6.1: `fetch_mode(models.FETCH_PEERS)` clones the QuerySet and sets how unfetched fields load later
        # (django/db/models/query.py 6.1.3; docs/releases/6.1.txt "Model field fetch modes").
        "fetch_mode",
    }
)  # fmt: skip

# Related managers (reverse ForeignKey, both ManyToMany sides, GenericRelation) write when these are called.
# Source: django/db/models/fields/related_descriptors.py and contrib/contenttypes/fields.py at 4.2 (the a-twins
# appear there first), docs/releases/4.2.txt ("related managers ... aadd(), aclear(), aremove(), and aset()").
RELATED_MANAGER_WRITES = _table(
    AsyncTwin("add", "aadd", (4, 2)),
    AsyncTwin("remove", "aremove", (4, 2)),
    AsyncTwin("clear", "aclear", (4, 2)),
    AsyncTwin("set", "aset", (4, 2)),
)
# On a reverse ForeignKey these (and their twins) exist only when the ForeignKey is `null=True`
# (create_reverse_many_to_one_manager: `if rel.field.null:`); elsewhere the call is an AttributeError, not a query.
NULLABLE_FOREIGN_KEY_ONLY = frozenset({"remove", "clear"})

# Attributes of a model class that are managers. Custom managers are caught when a lazy method follows them.
MANAGER_ATTRIBUTES = frozenset({"objects", "_default_manager", "_base_manager"})

# Methods on a model instance that query (base.py). full_clean/validate_* may query and have no async twin.
MODEL_INSTANCE = _table(
    AsyncTwin("save", "asave", (4, 2)),
    AsyncTwin("delete", "adelete", (4, 2)),
    AsyncTwin("refresh_from_db", "arefresh_from_db", (4, 2)),
    AsyncTwin("full_clean", None, None),
    AsyncTwin("validate_unique", None, None),
    AsyncTwin("validate_constraints", None, None),
)

# QuerySet methods whose result is a model instance (so `.save()` on it is an ORM write).
RETURNS_INSTANCE = frozenset(
    {"get", "create", "first", "last", "latest", "earliest", "aget", "acreate", "afirst", "alast", "alatest",
     "aearliest"}
)  # fmt: skip

# Auth manager methods that query (they save or get a row). Source: contrib/auth/models.py (UserManager,
# GroupManager) and base_user.py (BaseUserManager) at 5.2, absent at 5.0; docs/releases/5.2.txt (contrib.auth:
# "asynchronous implementations"); ../shared/facts.md §1.3. A project's own manager may define the sync method
# without the twin (BaseUserManager has no acreate_user), so the advice says where the twin lives and no fix is made.
AUTH_MANAGER = _table(
    AsyncTwin("create_user", "acreate_user", (5, 2), note="the twin is on Django's `UserManager`"),
    AsyncTwin("create_superuser", "acreate_superuser", (5, 2), note="the twin is on Django's `UserManager`"),
    AsyncTwin(
        "get_by_natural_key",
        "aget_by_natural_key",
        (5, 2),
        note="the twin is on Django's `BaseUserManager` and `GroupManager`",
    ),  # fmt: skip
)


def executing_method(name: str) -> AsyncTwin | None:
    """The row of a QuerySet/Manager method that queries when called (QUERYSET_EXECUTING, then AUTH_MANAGER)."""
    return QUERYSET_EXECUTING.get(name) or AUTH_MANAGER.get(name)


# What a user instance's own methods may query.
# check_password: AbstractBaseUser.check_password saves through its setter when the stored hash must be upgraded
# (contrib/auth/base_user.py; hashers.check_password calls `setter` only when `must_update`); acheck_password since
# 5.0 (base_user.py and hashers.py at 5.0, absent at 4.2; docs/releases/5.0.txt).
# Permissions: PermissionsMixin asks the backends, and ModelBackend reads user_permissions and groups (cached on the
# instance after the first call); an active superuser passes has_perm/has_perms/has_module_perms without asking; an
# inactive or anonymous user gets no query. The a-twins since 5.2 (contrib/auth/models.py at 5.2, absent at 5.0).
PERMISSIONS_CONDITION = " for a logged-in user who is not an active superuser"
PERMISSION_METHODS = frozenset(
    {"has_perm", "has_perms", "has_module_perms", "get_user_permissions", "get_group_permissions",
     "get_all_permissions"}
)  # fmt: skip
USER_INSTANCE = _table(
    AsyncTwin(
        "check_password",
        "acheck_password",
        (5, 0),
        condition=" when the stored password hash must be upgraded (a new hasher or iteration count)",
    ),
    AsyncTwin("has_perm", "ahas_perm", (5, 2), condition=PERMISSIONS_CONDITION),
    AsyncTwin("has_perms", "ahas_perms", (5, 2), condition=PERMISSIONS_CONDITION),
    AsyncTwin("has_module_perms", "ahas_module_perms", (5, 2), condition=PERMISSIONS_CONDITION),
    AsyncTwin("get_user_permissions", "aget_user_permissions", (5, 2), condition=" for an active user"),
    AsyncTwin("get_group_permissions", "aget_group_permissions", (5, 2), condition=" for an active user"),
    AsyncTwin("get_all_permissions", "aget_all_permissions", (5, 2), condition=" for an active user"),
)
# The base classes that bring these methods, as a project model's ancestors name them.
PASSWORD_BASES = frozenset(
    {"django.contrib.auth.base_user.AbstractBaseUser", "django.contrib.auth.models.AbstractBaseUser",
     "django.contrib.auth.models.AbstractUser", "django.contrib.auth.models.User"}
)  # fmt: skip
PERMISSION_BASES = frozenset(
    {"django.contrib.auth.models.PermissionsMixin", "django.contrib.auth.models.AbstractUser",
     "django.contrib.auth.models.User"}
)  # fmt: skip
# The project's user model as the per-file pass names it when it cannot know which class AUTH_USER_MODEL is:
# `get_user_model()`, `await request.auser()`, `await aauthenticate(...)`. Every user model has check_password
# (AbstractBaseUser); not every one has PermissionsMixin, so the permission methods are left alone there.
PROJECT_USER_MODEL = "django.contrib.auth.get_user_model()"
# Calls that return the request's user (or None / AnonymousUser), by qualified name.
RETURNS_USER = frozenset(
    {"django.contrib.auth.aauthenticate", "django.contrib.auth.authenticate", "django.contrib.auth.aget_user",
     "django.contrib.auth.get_user"}
)  # fmt: skip

# Module-level functions that query, by qualified name.
FUNCTIONS = _table(
    AsyncTwin("django.shortcuts.get_object_or_404", "django.shortcuts.aget_object_or_404", (5, 0)),
    AsyncTwin("django.shortcuts.get_list_or_404", "django.shortcuts.aget_list_or_404", (5, 0)),
    AsyncTwin("django.contrib.auth.authenticate", "django.contrib.auth.aauthenticate", (5, 0)),
    AsyncTwin("django.contrib.auth.login", "django.contrib.auth.alogin", (5, 0)),
    # Anonymous requests have no session row to load or flush (verified, tests/test_ground_truth_orm.py).
    AsyncTwin(
        "django.contrib.auth.logout", "django.contrib.auth.alogout", (5, 0), condition=" when a user is logged in"
    ),
    AsyncTwin(
        "django.contrib.auth.get_user", "django.contrib.auth.aget_user", (5, 0), condition=" when a user is logged in"
    ),  # fmt: skip
    AsyncTwin(
        "django.contrib.auth.update_session_auth_hash", "django.contrib.auth.aupdate_session_auth_hash", (5, 0)
    ),  # fmt: skip
    AsyncTwin("django.db.models.prefetch_related_objects", "django.db.models.aprefetch_related_objects", (5, 0)),
    AsyncTwin(
        "django.db.transaction.atomic",
        None,
        None,
        note="transactions have no async API: move the block into one sync function run with `sync_to_async`",
        queries_when_entered=True,
    ),  # fmt: skip
)

# Django's auth backends called directly. ModelBackend and its subclasses query for an active user (authenticate
# and get_user always); the a-twins since 5.2 (contrib/auth/backends.py at 5.2, absent at 5.0;
# docs/releases/5.2.txt). BaseBackend's own methods return empty sets and are left out.
_MODEL_BACKENDS = ("ModelBackend", "AllowAllUsersModelBackend", "RemoteUserBackend", "AllowAllUsersRemoteUserBackend")
_BACKEND_METHODS = {
    "authenticate": "", "get_user": "", "has_perm": " for an active user", "has_module_perms": " for an active user",
    "get_user_permissions": " for an active user", "get_group_permissions": " for an active user",
    "get_all_permissions": " for an active user",
}  # fmt: skip
FUNCTIONS.update(
    _table(
        *(
            AsyncTwin(f"django.contrib.auth.backends.{backend}.{name}",
                      f"django.contrib.auth.backends.{backend}.a{name}", (5, 2), condition=condition, method=True)
            for backend in _MODEL_BACKENDS
            for name, condition in _BACKEND_METHODS.items()
        )
    )
)  # fmt: skip

# Django coroutine functions, by qualified name: calling one without `await` does nothing.
COROUTINE_FUNCTIONS = frozenset(row.twin for row in FUNCTIONS.values() if row.twin) | frozenset(
    {"django.contrib.auth.aget_user", "django.contrib.auth.alogin"}
)

# Twins that call the authentication backends' async methods (`backend.aauthenticate()`, `backend.aget_user()`),
# which only subclasses of `BaseBackend` have; Django's docs allow any class with `authenticate()` and
# `get_user()` as a backend, and such a backend raises AttributeError under the twin. django/contrib/auth/
# __init__.py, read on Django 5.0 to 6.1; docs.djangoproject.com/en/stable/topics/auth/customizing/#writing-an-authentication-backend
CALLS_BACKEND_ASYNC_METHODS = frozenset({"django.contrib.auth.aauthenticate", "django.contrib.auth.aget_user"})

REQUEST_USER = AsyncTwin("request.user", "request.auser()", (5, 0))
# Session a-methods (aget, aset, ...) arrived in 5.1 for every engine.
REQUEST_SESSION = AsyncTwin("request.session", "request.session.aget()/aset()", (5, 1))


def querying_function(qualname: str | None, entered: bool) -> AsyncTwin | None:
    """The FUNCTIONS row when this call really queries: a context manager only when `with` enters it."""
    row = FUNCTIONS.get(qualname or "")
    if row is None or (row.queries_when_entered and not entered):
        return None
    return row


def version_label(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


def is_available(row: AsyncTwin, django_version: Version | None) -> bool | None:
    """True/False when the project's Django version is known; None when it is not."""
    if row.twin is None or row.since is None:
        return False
    if django_version is None:
        return None
    return django_version >= row.since


# ------------------------------------------------------------------ how the per-file pass recognises ORM values

# Builtins that consume an iterable whole (or test it), forcing a lazy QuerySet to run its query, and the operation
# recorded for each. Source: docs/ref/models/querysets.txt "When QuerySets are evaluated" (iteration, len(),
# list(), bool()); QuerySet.__len__, __bool__ and __iter__ in django/db/models/query.py all call _fetch_all().
EVALUATING_BUILTINS = {
    "list": "list", "tuple": "list", "set": "list", "frozenset": "list", "sorted": "list", "dict": "list",
    "sum": "list", "any": "list", "all": "list", "max": "list", "min": "list", "len": "len", "bool": "bool",
}  # fmt: skip

# QuerySet methods whose arguments name relations fetched with the rows (django/db/models/query.py).
RELATION_LOADERS = frozenset({"select_related", "prefetch_related"})

# Methods returning `(object, created)`: the first element is a model instance (django/db/models/query.py); the
# a-twins (4.1) too, matched by stripping the leading "a".
RETURNS_INSTANCE_AND_FLAG = frozenset({"get_or_create", "update_or_create"})

# Shortcuts whose result is an instance of the model given as first argument (django/shortcuts.py; the a-twin 5.0).
RETURNS_INSTANCE_OF_ARGUMENT = frozenset({"django.shortcuts.get_object_or_404", "django.shortcuts.aget_object_or_404"})

# `request.auser()` (django/contrib/auth/middleware.py, 5.0): the request's user, an instance of the user model.
REQUEST_USER_COROUTINE = "auser"

# `get_user_model()` returns the model AUTH_USER_MODEL names (django/contrib/auth/__init__.py).
GET_USER_MODEL = "django.contrib.auth.get_user_model"

# Session methods that load the session synchronously (the a-prefixed twins arrived in 5.1):
# SessionBase in django/contrib/sessions/backends/base.py; docs/releases/5.1.txt ("asynchronous API").
SESSION_SYNC_METHODS = frozenset({"get", "set", "setdefault", "pop", "keys", "values", "items", "has_key", "update",
                                  "clear", "flush", "cycle_key", "save", "set_expiry", "get_expiry_age",
                                  "get_expiry_date", "delete", "load", "create", "exists"})  # fmt: skip
