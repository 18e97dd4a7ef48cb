"""Test-wide settings: the facts cache of CLI runs goes to a throw-away directory, never the user's."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("DJANGO_PROTOLINT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "facts-cache"))
