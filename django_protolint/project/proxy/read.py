"""Which of the project's files configure a reverse proxy, and their routes (each file's environment too).

nginx is recognised by its content (a `location`/`upstream` block or a `*_pass` directive) among files named
like configuration (`*.conf`, `sites-available/*`, `nginx*`, `*.conf.template` for the official image's envsubst
step); Caddy by the name `Caddyfile`; HAProxy by `haproxy` in the path and its sections; Traefik by `traefik.http.routers.*` labels in compose files.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re

from django_protolint.project.deploy.base import (
    DEVELOPMENT,
    TEMPLATE_TAG_LINE,
    basename,
    environment_of,
    template_stem,
    unknown_template_values,
)
from django_protolint.project.proxy import caddy, haproxy, ingress, nginx, traefik
from django_protolint.project.proxy.base import Route, Target

_DOCUMENTS = (".md", ".rst", ".txt", ".html", ".py", ".sh", ".js", ".json", ".yml", ".yaml", ".toml", ".ini")
_NGINX_DIRECTORY = re.compile(r"(^|/)(nginx|sites-available|sites-enabled|conf\.d|proxy)/[^/]+$")


def proxy_file(path: str) -> bool:
    """Named like a reverse proxy's configuration (the content decides later)."""
    name = basename(path).lower()
    stem = template_stem(name)
    if name.startswith("caddyfile") or stem.endswith(".caddy") or "haproxy" in stem:
        return True
    if stem.endswith(".cfg"):
        return "haproxy" in path.lower()
    if stem.endswith(_DOCUMENTS):
        return False
    return stem.endswith((".conf", ".nginx", ".vhost")) or "nginx" in stem or bool(_NGINX_DIRECTORY.search(path))


def environment_of_proxy(path: str) -> str:
    parent = basename(path.rsplit("/", 1)[0]) if "/" in path else ""
    return environment_of(basename(path), parent)


def _untemplated(text: str) -> str:
    """`{% if %}` lines dropped and `{{ x }}` read as an unknown value: nginx's `{` would open a block."""
    return unknown_template_values(TEMPLATE_TAG_LINE.sub("", text))


def read_routes(texts: dict[str, str]) -> list[Route]:
    """Every route of every proxy file, each file read once (files another file includes are read there)."""
    nginx_texts = {path: _untemplated(text) for path, text in sorted(texts.items())
                   if proxy_file(path) and not basename(path).lower().startswith("caddyfile")
                   and nginx.looks_like_nginx(text)}  # fmt: skip

    def lookup(pattern: str, including: str) -> list[tuple[str, str]]:
        return [(path, nginx_texts[path]) for path in _included(pattern, including, nginx_texts)]

    parsed = {path: nginx.parse(path, text) for path, text in nginx_texts.items()}
    tables = {path: nginx.upstreams(directives) for path, directives in parsed.items()}
    included = set().union(*(nginx.included_paths(d, lookup) for d in parsed.values())) if parsed else set()
    found: list[Route] = []
    for path, text in nginx_texts.items():
        if path in included:
            continue
        found.extend(nginx.read_nginx(path, text, lookup, _upstreams_seen_from(path, tables)))
    for path, text in sorted(texts.items()):
        if basename(path).lower().startswith("caddyfile") or (proxy_file(path) and path.lower().endswith(".caddy")):
            found.extend(caddy.read_caddyfile(path, _untemplated(text)))
        elif proxy_file(path) and "haproxy" in path.lower() and haproxy.looks_like_haproxy(text):
            found.extend(haproxy.read_haproxy(path, _untemplated(text)))
        elif traefik.is_compose(path):
            found.extend(traefik.read_labels(path, text))
    found.extend(ingress.read_ingresses({path: text for path, text in texts.items()
                                         if path.lower().endswith((".yaml", ".yml"))}))  # fmt: skip
    return list(dict.fromkeys(found))


def _included(pattern: str, including: str, paths: dict[str, str]) -> list[str]:
    """`include` names a path on the server (`/etc/nginx/conf.d/*.conf`, `snippets/ws.conf`): the project's
    files whose path ends the same way, the longest matching tail first, the including file's directory first."""
    parts = [part for part in pattern.split("/") if part not in ("", ".")]
    directory = posixpath.dirname(including)
    # `conf.d/*.conf` may not shrink to `*.conf`: that would include every configuration of the project
    smallest = 2 if parts and "*" in parts[-1] and len(parts) > 1 else 1
    for size in range(len(parts), smallest - 1, -1):
        tail = "/".join(parts[-size:])
        matched = [path for path in paths if path != including and
                   (fnmatch.fnmatchcase(path, tail) or fnmatch.fnmatchcase(path, f"*/{tail}"))]  # fmt: skip
        if matched:
            near = [path for path in matched if posixpath.dirname(path).startswith(directory)]
            return sorted(near or matched)
    return []


def _upstreams_seen_from(path: str, tables: dict[str, dict[str, tuple[Target, ...]]]) -> dict[str, tuple[Target, ...]]:
    """Upstream names are global to nginx's http block: those of other files count, nearer files first."""
    directory = posixpath.dirname(path)
    merged: dict[str, tuple[Target, ...]] = {}
    for other in sorted(tables, key=lambda p: (posixpath.dirname(p) == directory, p == path)):
        merged.update(tables[other])
    return merged


def is_development(route: Route) -> bool:
    return environment_of_proxy(route.path) == DEVELOPMENT
