"""NGINX Unit configuration (the JSON uploaded to its control API) → one server per Python application.

`{"applications": {"web": {"type": "python 3.12", "module": "proj.asgi", "callable": "application",
"protocol": "asgi"}}}`; `targets` holds several module/callable pairs sharing one `protocol`. Without `protocol`
Unit inspects the callable at start: a coroutine function or an object with an `async def __call__` (Django's
ASGIHandler) is ASGI, else WSGI. Statically the module says which Django handler it holds: `proj.asgi` the ASGI
one, `proj.wsgi` the WSGI one; any other module stays unknown. See knowledge/servers.py for the sources.
"""

from __future__ import annotations

import re

from django_protolint.knowledge.servers import ASGI, UNIT_SERVER, UNKNOWN, WSGI
from django_protolint.project.deploy.base import Deployment, Found, basename, environment_of, line_of
from django_protolint.project.deploy.commands import ServerCommand, app_protocol


def is_unit_config(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("applications"), dict)


def _entry_points(application: dict) -> list[tuple[str | None, dict]]:
    """(target name, the object holding module/callable): the app itself, or each of its targets."""
    targets = application.get("targets")
    if isinstance(targets, dict) and targets:
        return [(str(name), target) for name, target in targets.items() if isinstance(target, dict)]
    return [(None, application)]


def read_unit(path: str, text: str, data: dict) -> Found:
    environment = environment_of(basename(path))
    for name, application in data["applications"].items():
        if not isinstance(application, dict) or not str(application.get("type", "")).startswith("python"):
            continue  # PHP, Ruby, Java, ... applications of the same Unit
        declared = str(application.get("protocol", "")).lower()
        line = line_of(text, rf'"{re.escape(str(name))}"\s*:', after=r'"applications"\s*:')
        for target, entry in _entry_points(application):
            module = entry.get("module")
            if not isinstance(module, str) or not module:
                continue
            callable_name = entry.get("callable")
            app = f"{module}:{callable_name}" if isinstance(callable_name, str) and callable_name else module
            notes: tuple[str, ...] = ()
            if declared in (ASGI, WSGI):
                protocol = declared
            else:
                protocol = app_protocol(module)
                inferred = f", and `{module}` is the {protocol.upper()} entry point" if protocol != UNKNOWN else ""
                notes = (f"no `protocol`: Unit inspects the callable at start{inferred}",)
            label = f"{name}/{target}" if target else str(name)
            command = ServerCommand(UNIT_SERVER, protocol, app, None, f'unit application "{label}": module {module}',
                                    notes=notes)  # fmt: skip
            yield Deployment(command, path, line, environment, f"NGINX Unit application `{label}`")
