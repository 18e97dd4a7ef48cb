from __future__ import annotations

import pytest

from django_protolint.knowledge.blocking import BLOCKING_CALLS, CATEGORIES, FACTORY_RETURNS, BlockingCall, lookup


def test_every_category_is_known():
    assert {row.category for row in BLOCKING_CALLS} <= set(CATEGORIES)


def test_every_category_is_used():
    assert {row.category for row in BLOCKING_CALLS} == set(CATEGORIES)


def test_qualnames_are_unique():
    names = [row.qualname for row in BLOCKING_CALLS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("row", BLOCKING_CALLS, ids=lambda row: row.qualname)
def test_row_is_well_formed(row: BlockingCall):
    assert row.alternative.strip()
    assert row.source.strip()
    name = row.qualname.removesuffix("*").rstrip(".")
    assert "*" not in name, "'*' only at the end"
    # Fully qualified, except the few un-imported spellings kept on purpose (and labelled so).
    assert "." in name or "as written" in row.source, "qualnames are fully qualified"
    assert all(part.isidentifier() for part in name.split("."))


@pytest.mark.parametrize(
    ("qualname", "category"),
    [
        ("time.sleep", "sleep"),
        ("requests.get", "http"),
        ("urllib.request.urlopen", "http"),
        ("builtins.open", "file"),
        ("builtins.input", "input"),
        ("subprocess.run", "subprocess"),
        ("os.spawnlp", "subprocess"),
        ("os.path.exists", "filesystem"),
        ("pathlib.Path.read_text", "file"),
        ("socket.socket.recv", "socket"),
        ("django.core.mail.send_mail", "mail"),
        ("sqlite3.Cursor.fetchall", "database"),
        ("httpx.Client.get", "http"),
    ],
)
def test_lookup_exact(qualname: str, category: str):
    row = lookup(qualname)
    assert row is not None and row.qualname == qualname and row.category == category


@pytest.mark.parametrize(
    ("qualname", "pattern"),
    [
        ("redis.Redis.hgetall", "redis.Redis.*"),
        ("redis.client.Redis.set", "redis.client.Redis.*"),
        ("boto3.Client.put_object", "boto3.Client.*"),
        ("urllib3.PoolManager.request", "urllib3.PoolManager.*"),
        ("io.TextIOWrapper.readlines", "io.TextIOWrapper.*"),
    ],
)
def test_lookup_prefix_pattern(qualname: str, pattern: str):
    row = lookup(qualname)
    assert row is not None and row.qualname == pattern


@pytest.mark.parametrize(
    "qualname",
    [
        "os.path.join",
        "os.path.abspath",
        "pathlib.Path.with_suffix",
        "redis.Redis",  # building a client is lazy
        "redis.Redis.pipeline",  # local helper on a wildcard class
        "boto3.Client.get_paginator",
        "boto3.Resource.Bucket",  # lazy sub-resource
        "io.TextIOWrapper.fileno",
        "os.spawn",
        "json.dumps",
        "",
    ],
)
def test_lookup_returns_none_for_non_blocking(qualname: str):
    assert lookup(qualname) is None


def test_every_factory_result_has_a_method_row():
    names = {row.qualname for row in BLOCKING_CALLS}
    missing = sorted(
        value for value in set(FACTORY_RETURNS.values()) if not any(name.startswith(value + ".") for name in names)
    )
    assert missing == []


def test_required_factories():
    assert FACTORY_RETURNS["redis.from_url"] == "redis.Redis"
    assert FACTORY_RETURNS["requests.session"] == "requests.Session"
    assert FACTORY_RETURNS["sqlite3.connect"] == "sqlite3.Connection"
    assert FACTORY_RETURNS["builtins.open"] == "io.TextIOWrapper"
    assert FACTORY_RETURNS["socket.create_connection"] == "socket.socket"
    assert FACTORY_RETURNS["boto3.client"] == "boto3.Client"


def test_factory_chains_resolve_to_blocking_methods():
    # `r = redis.from_url(...); r.get(...)`, `conn = sqlite3.connect(...); conn.cursor().fetchall()`
    assert lookup(FACTORY_RETURNS["redis.from_url"] + ".get") is not None
    cursor_type = FACTORY_RETURNS[FACTORY_RETURNS["sqlite3.connect"] + ".cursor"]
    assert lookup(cursor_type + ".fetchall") is not None
    assert lookup(FACTORY_RETURNS["builtins.open"] + ".read") is not None
