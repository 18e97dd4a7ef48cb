"""The per-file pass's one walk, with every recorder registered: what source/parse.py runs on a file's tree.

The walk and its registry are in source/walk.py, what an expression means in source/meaning.py, and each kind of
fact is recorded by one module, source/record_<concern>.py. A recorder registers itself on import; the list below
is what makes it part of the pass (tests/test_recorders.py checks that none is left out).
"""

from __future__ import annotations

from django_protolint.source import (  # noqa: F401 - imported for their registrations
    record_calls,
    record_definitions,
    record_imports,
    record_orm,
    record_requests,
    record_servers,
    record_statements,
    record_streaming,
    record_websockets,
)
from django_protolint.source.walk import Walk

FactsVisitor = Walk
