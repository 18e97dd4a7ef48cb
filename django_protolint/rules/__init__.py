"""Rule families register on import; there is no central list."""

from __future__ import annotations

import importlib
import pkgutil

from django_protolint.findings import Finding
from django_protolint.rules.base import REGISTRY, Rule


def load_rules() -> dict[str, Rule]:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(REGISTRY.rules.items()))


__all__ = ["REGISTRY", "Finding", "Rule", "load_rules"]
