"""The view tables in knowledge/django_views.py, checked against the Django that is installed."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap

import pytest

from django_protolint.knowledge.django_views import GENERIC_VIEW_HANDLERS

pytest.importorskip("django")


def test_generic_view_handlers_match_installed_django():
    # In a subprocess: django.setup() and settings are process-global.
    script = textwrap.dedent(
        """
        import importlib, json, sys
        import django
        from django.conf import settings
        settings.configure(INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"])
        django.setup()
        table = json.loads(sys.argv[1])
        real = {}
        for qualname in table:
            module, _, name = qualname.rpartition(".")
            cls = getattr(importlib.import_module(module), name)
            # Exactly what django.views.generic.base.View.view_is_async looks at.
            real[qualname] = sorted(m for m in cls.http_method_names if m != "options" and hasattr(cls, m))
        print(json.dumps(real))
        """
    )
    import json

    table = {name: sorted(handlers) for name, handlers in GENERIC_VIEW_HANDLERS.items()}
    completed = subprocess.run(
        [sys.executable, "-c", script, json.dumps(table)], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(completed.stdout) == table


def test_mixed_handlers_really_raise_improperly_configured():
    """Ground truth for DPL201: Django refuses a CBV whose handlers mix sync and async, at as_view()."""
    script = textwrap.dedent(
        """
        import django
        from django.conf import settings
        settings.configure()
        django.setup()
        from django.core.exceptions import ImproperlyConfigured
        from django.views import View
        from django.views.generic import TemplateView

        class Mixed(View):
            async def get(self, request):
                return None
            def post(self, request):
                return None

        class AllAsync(View):
            async def get(self, request):
                return None
            async def post(self, request):
                return None

        class AsyncOverTemplate(TemplateView):
            async def get(self, request):
                return None

        for cls in (Mixed, AllAsync, AsyncOverTemplate):
            try:
                cls.as_view()
                print(cls.__name__, "ok", cls.view_is_async)
            except ImproperlyConfigured as error:
                print(cls.__name__, "ImproperlyConfigured", str(error).split()[0])
        """
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert completed.stdout.splitlines() == [
        "Mixed ImproperlyConfigured Mixed",
        "AllAsync ok True",
        "AsyncOverTemplate ok True",
    ]
    importlib.invalidate_caches()
