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
QUERYSET_ASYNC_GENERATORS = frozenset({"aiterator"})

# Methods that return a new QuerySet without touching the database.
QUERYSET_LAZY = frozenset(
    {
        "all", "filter", "exclude", "order_by", "reverse", "distinct", "values", "values_list", "dates",
        "datetimes", "none", "union", "intersection", "difference", "select_related", "prefetch_related",
        "annotate", "alias", "extra", "defer", "only", "using", "select_for_update", "raw",
    }
)  # fmt: skip

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

# Module-level functions that query, by qualified name.
FUNCTIONS = _table(
    AsyncTwin("django.shortcuts.get_object_or_404", "django.shortcuts.aget_object_or_404", (5, 0)),
    AsyncTwin("django.shortcuts.get_list_or_404", "django.shortcuts.aget_list_or_404", (5, 0)),
    AsyncTwin("django.contrib.auth.authenticate", "django.contrib.auth.aauthenticate", (5, 0)),
    AsyncTwin("django.contrib.auth.login", "django.contrib.auth.alogin", (5, 0)),
    # Anonymous requests have no session row to load or flush (verified, tests/test_ground_truth_orm.py).
    AsyncTwin("django.contrib.auth.logout", "django.contrib.auth.alogout", (5, 0),
              condition=" when a user is logged in"),
    AsyncTwin("django.contrib.auth.get_user", "django.contrib.auth.aget_user", (5, 0),
              condition=" when a user is logged in"),  # fmt: skip
    AsyncTwin("django.contrib.auth.update_session_auth_hash",
              "django.contrib.auth.aupdate_session_auth_hash", (5, 0)),  # fmt: skip
    AsyncTwin("django.db.models.prefetch_related_objects", "django.db.models.aprefetch_related_objects", (5, 0)),
    AsyncTwin("django.db.transaction.atomic", None, None,
              note="transactions have no async API: move the block into one sync function run with `sync_to_async`",
              queries_when_entered=True),  # fmt: skip
)

# Django coroutine functions, by qualified name: calling one without `await` does nothing.
COROUTINE_FUNCTIONS = frozenset(row.twin for row in FUNCTIONS.values() if row.twin) | frozenset(
    {"django.contrib.auth.aget_user", "django.contrib.auth.alogin"}
)

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
