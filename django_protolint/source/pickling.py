"""Compact pickles of the facts: for the cache, the worker processes and the facts `FileFacts` keeps packed."""

from __future__ import annotations

import copyreg
import io
import pickle
from dataclasses import fields, is_dataclass
from typing import Any

# The facts are frozen slotted dataclasses. Pickle rebuilds those through dataclasses' `__setstate__`, which calls
# `fields()` for each of the ~300 objects a file holds: that was 90% of a warm run. Reduced to `cls(*values)`
# instead, unpickling runs the generated `__init__` alone, about 4× faster.
_FAST_REDUCE: dict[type, tuple[str, ...] | None] = {}


# Named tuples pickle as `cls.__new__(cls, *values)`, a Python function per object (most facts are named tuples):
# reduced to `tuple.__new__(cls, values)` instead, they are rebuilt in C, about three times faster.
_NAMED_TUPLE: tuple[str, ...] = ()


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields `cls(*values)` rebuilds an instance from, `_NAMED_TUPLE` for a named tuple of ours, or None when
    that would not be the same object."""
    if cls not in _FAST_REDUCE:
        names = None
        if issubclass(cls, tuple) and hasattr(cls, "_fields") and cls.__module__.startswith("django_protolint."):
            _FAST_REDUCE[cls] = _NAMED_TUPLE
            return _NAMED_TUPLE
        params = getattr(cls, "__dataclass_params__", None)
        if (
            is_dataclass(cls)
            and params is not None
            and params.frozen
            and "__slots__" in cls.__dict__
            and not hasattr(cls, "__post_init__")
            and all(field.init for field in fields(cls))
            and cls.__module__.startswith("django_protolint.")
        ):
            names = tuple(field.name for field in fields(cls))
        _FAST_REDUCE[cls] = names
    return _FAST_REDUCE[cls]


class _FactsPickler(pickle.Pickler):
    dispatch_table = copyreg.dispatch_table

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        names = _field_names(cls) if not isinstance(obj, type) else None
        if names is None:
            return NotImplemented
        if names is _NAMED_TUPLE:
            return tuple.__new__, (cls, tuple(obj))
        return cls, tuple(getattr(obj, name) for name in names)


def dump_facts(facts: object) -> bytes:
    buffer = io.BytesIO()
    _FactsPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(facts)
    return buffer.getvalue()
