"""Production or development: why each deployment file counts as one or the other, and how sure we are.

A server command is production evidence only when the file that holds it is production. Real repositories keep
their development stack beside the production one (a compose file that bind-mounts the source and runs
`runserver`, an image whose header says it is for local development, a test project's entrypoint), so each
deployment gets a reason, shown by `report`, and a certainty: a finding that depends on an unsure production
classification is reported at `info`.

Signals, strongest first:
- the file's own words: a header comment ("for local development only", "not meant for production"), a script that
  announces a development server (`echo "Starting development server"`);
- where it sits: under `tests/`, `dev/`, `development/`, `local/`, `example*/`, `sandbox/`; its name
  (`docker-compose.override.yml`, `*.dev.*`, `local.yml`, `Procfile.dev`);
- what the command does: `--reload`;
- in a compose service: a bind mount of the source (`.:/app`), `DEBUG=1`, `runserver`.
A platform manifest (a Procfile's `web`, heroku.yml, render.yaml, app.yaml, fly.toml, Kubernetes, systemd) and a
file named for production are production for sure; any other file without a development sign is production, unsure.
"""

from __future__ import annotations

import re
from dataclasses import replace

from django_protolint.project.deploy.base import DEVELOPMENT, PRODUCTION, Deployment, basename
from django_protolint.project.deploy.commands import split_shell

_DEV_NAME = re.compile(r"(^|[^a-z])(dev|develop|development|local|test|tests|testing|debug|ci|override)([^a-z]|$)",
                       re.I)  # fmt: skip
_PROD_NAME = re.compile(r"(^|[^a-z])(prod|production|live|release|deploy)([^a-z]|$)", re.I)
# A directory whose name, or one word of it (`test-server`, `dev_env`, `docker-dev`, `e2e`), says development.
_DEV_DIRECTORY = re.compile(r"^(.*[-_.])?(tests?|testing|dev|devel|development|local|sandbox|examples?|demo|e2e)"
                            r"([-_.].*)?$|^example[-_\w]*$", re.I)  # fmt: skip

# Header comments that say what a file is for: `# Dockerfile for local development`, `# only meant for local
# development`, `# NOT for production`, `# development environment`.
_DEV_WORDS = re.compile(
    r"(for|only|solely|intended|meant)\s+(for\s+)?(local\s+)?(dev\b|development|testing)"
    r"|(development|dev|local)\s+(only|environment|setup|stack|purposes|server|use)"
    r"|not\s+(meant\s+|intended\s+|suitable\s+|ready\s+)?(for\s+)?(use\s+in\s+)?production"
    r"|(don'?t|do\s+not|never)\s+use\s+(this\s+)?(\w+\s+)?in\s+production",
    re.I,
)
_PROD_WORDS = re.compile(r"\bproduction\b", re.I)
_HEADER_LINES = 25

# A script that says it starts a development server: `echo "Starting development server..."`.
_ANNOUNCE = re.compile(r"^\s*(echo|printf|print)\b.*\b(development|dev)\s+(server|mode|environment)", re.I | re.M)

_COMMENT = re.compile(r"^\s*(#|;|//|--|\")\s?(.*)$")


def header_signal(text: str) -> tuple[str, str] | None:
    """(environment, reason) from the file's leading comments, the first that speaks deciding; else a script's
    announcement of a development server. Within a line the earlier claim wins: "Production image. For development
    use compose.dev.yml" is production, "not meant for production" is development."""
    for line in text.splitlines()[:_HEADER_LINES]:
        comment = _COMMENT.match(line)
        if comment is None:
            continue
        words = comment.group(2)
        development, production = _DEV_WORDS.search(words), _PROD_WORDS.search(words)
        if development and (production is None or development.start() <= production.start()):
            return DEVELOPMENT, f"its header says so: `{_quote(line)}`"
        if production:
            return PRODUCTION, f"its header says so: `{_quote(line)}`"
    announce = _ANNOUNCE.search(text)
    if announce:
        return DEVELOPMENT, f"it announces a development server: `{_quote(announce.group(0))}`"
    return None


def path_signal(path: str, top: str | None = None) -> str | None:
    """A development directory or name. Only directories below `top` (the top of the tree being linted) count:
    the ones above are the user's (`~/dev/shop/Dockerfile`, `/tmp/ci/...`); without `top`, only the file's own."""
    directories = path.split("/")[:-1]
    if top is None:
        directories = directories[-1:]
    elif top and path.startswith(top.rstrip("/") + "/"):
        directories = path[len(top.rstrip("/")) + 1 :].split("/")[:-1]
    for directory in directories:
        if _DEV_DIRECTORY.match(directory):
            return f"it sits under `{directory}/`"
    name = basename(path)
    stem = re.sub(r"^(docker-)?compose", "", re.sub(r"^(Dockerfile|Containerfile|Procfile)", "", name))
    if _DEV_NAME.search(stem):
        return f"its name `{name}` marks development"
    return None


def production_name(path: str) -> str | None:
    parts = path.split("/")
    for part in parts:
        if _PROD_NAME.search(re.sub(r"^(docker-)?compose|^(Dockerfile|Procfile)", "", part)):
            return f"`{part}` is named for production"
    return None


def command_signal(command: str) -> str | None:
    tokens = split_shell(command) or command.split()
    if "--reload" in tokens or any(token.startswith("--reload=") for token in tokens) or "--py-autoreload" in tokens:
        return "`--reload` restarts the server on code changes: a development option"
    return None


# Platform manifests: what they start is what the platform runs.
_PLATFORM = ("Procfile process `web`", "heroku.yml", "render service", "App Engine", "fly ", "Kubernetes",
             "systemd ExecStart")  # fmt: skip


def settle(deployment: Deployment, text: str, top: str | None = None) -> Deployment:
    """The deployment with its environment decided from every signal, its reason and its certainty."""
    if deployment.why:  # a reader that knew better (a compose service's bind mount, a Makefile target)
        return deployment
    path = deployment.path
    header = header_signal(text)
    if header is not None:
        return replace(deployment, environment=header[0], why=header[1], certain=True)
    development = (
        path_signal(path, top) or command_signal(deployment.command.command)
        or (None if deployment.environment == PRODUCTION else f"{deployment.where} is development tooling")
    )  # fmt: skip
    if development is not None:
        return replace(deployment, environment=DEVELOPMENT, why=development, certain=True)
    named = production_name(path)
    if named is not None:
        return replace(deployment, environment=PRODUCTION, why=named, certain=True)
    if deployment.where.startswith(_PLATFORM):
        return replace(
            deployment, environment=PRODUCTION, why=f"a platform manifest ({deployment.where})", certain=True
        )
    return replace(deployment, environment=PRODUCTION, why="no development sign, so taken as production", certain=False)


def _quote(line: str) -> str:
    line = line.strip()
    return line if len(line) <= 80 else line[:77] + "..."


# ----------------------------------------------------------------------------- compose services


def _is_source_mount(volume: object) -> str | None:
    """`.:/app`, `./:/code`, `..:/src` (short syntax) or `{type: bind, source: .}`: the service runs the working
    tree, not the image's copy. `./data:/data` and named volumes are state, not source."""
    if isinstance(volume, dict):
        source = volume.get("source") if volume.get("type", "bind") == "bind" else None
    elif isinstance(volume, str) and ":" in volume:
        source = volume.split(":", 1)[0]
    else:
        return None
    if isinstance(source, str) and re.fullmatch(r"\.{1,2}/?|(\.\./)+\.?\.?/?|\$\{?PWD\}?/?", source):
        return source
    return None


def _debug_on(environment: object) -> bool:
    pairs: list[tuple[str, str]] = []
    if isinstance(environment, dict):
        pairs = [(str(k), str(v)) for k, v in environment.items()]
    elif isinstance(environment, list):
        pairs = [tuple(str(item).split("=", 1)) for item in environment if "=" in str(item)]  # type: ignore[misc]
    return any(
        re.fullmatch(r"(DJANGO_)?DEBUG", k) and v.strip().lower() in ("1", "true", "yes", "on") for k, v in pairs
    )


def compose_service_signal(spec: dict, command: str, path: str) -> str | None:
    """Why a compose service is the development stack, or None. In a file named for production, `runserver` is
    the mistake DPL503 reports, not a sign of development."""
    for volume in spec.get("volumes") or []:
        source = _is_source_mount(volume)
        if source is not None:
            return f"the service bind-mounts the source (`{source}`) over the image"
    if _debug_on(spec.get("environment")):
        return "the service sets DEBUG on"
    tokens = split_shell(command) or command.split()
    if ("runserver" in tokens or "runserver_plus" in tokens) and production_name(path) is None:
        return "the service runs `runserver`"
    return None
