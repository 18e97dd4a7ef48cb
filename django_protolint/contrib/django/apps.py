"""The app's configuration: registers the checks (label `protolint`, so ids read `protolint.E101`)."""

from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class ProtolintConfig(AppConfig):
    name = "django_protolint.contrib.django"
    label = "protolint"
    verbose_name = "django-protolint"

    def ready(self) -> None:
        from django_protolint.contrib.django.checks import check_code, check_deployment

        # `register` keeps a set: a second `ready()` (tests repopulating apps) registers nothing twice.
        checks.register(check_code, checks.Tags.async_support, "protolint")
        checks.register(check_deployment, "protolint", deploy=True)
