"""Makefiles: every recipe line that starts a server, development unless the target says production."""

from __future__ import annotations

import re

from django_protolint.project.deploy.base import (
    DEVELOPMENT,
    PRODUCTION,
    Deployment,
    DeploymentFormat,
    Found,
    ScriptLookup,
    basename,
)
from django_protolint.project.deploy.formats.follow import recipes


def read_makefile(path: str, text: str, scripts: ScriptLookup) -> Found:
    for target, number, parsed in recipes(text):
        # Make targets are developer tooling unless named for production (or run by a production file, which
        # then reports the server at its own line: `CMD ["make", "serve"]`).
        environment = PRODUCTION if re.search(r"prod|deploy|release", target, re.I) else DEVELOPMENT
        yield Deployment(parsed, path, number, environment, f"Makefile target `{target}`")


FORMAT = DeploymentFormat(
    "Makefile", lambda path: basename(path) in ("Makefile", "makefile", "GNUmakefile"), read_makefile
)
