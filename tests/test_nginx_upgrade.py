"""Which nginx locations pass a websocket handshake's upgrade headers on (project/proxy/nginx.py).

What each shape does in a real nginx is checked on loopback in tests/test_ground_truth_proxies.py; these are the
shapes found in real configurations that loopback test does not start, and the near-misses where we cannot tell.
"""

from __future__ import annotations

import textwrap

import pytest

from django_protolint.project.proxy.nginx import read_nginx

UPGRADE = """
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";"""


def upgrade_of(text: str, pattern: str = "/ws/", files: dict[str, str] | None = None) -> bool | None:
    others = files or {}

    def lookup(name: str, including: str) -> list[tuple[str, str]]:
        return [(path, body) for path, body in others.items() if path.endswith(name)]

    routes = read_nginx("nginx/site.conf", textwrap.dedent(text), lookup, {})
    (route,) = [route for route in routes if route.pattern == pattern]
    return route.upgrade


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            f"server {{ location /ws/ {{ proxy_pass http://daphne:8001;{UPGRADE} }} }}",
            True,
            id="headers in the location",
        ),
        pytest.param(
            "server { location /ws/ { proxy_pass http://daphne:8001; } }",
            False,
            id="no header anywhere: nginx drops Upgrade",
        ),
        pytest.param(
            f"http {{ {UPGRADE} server {{ location /ws/ {{ proxy_pass http://daphne:8001; }} }} }}",
            True,
            id="headers at the http level, inherited through server and location",
        ),
        pytest.param(
            f"server {{ {UPGRADE} location /ws/ {{ proxy_pass http://d:1; proxy_set_header Host $host; }} }}",
            False,
            id="the location's own proxy_set_header replaces the server's",
        ),
        pytest.param(
            "server { location /ws/ { proxy_pass http://d:1; proxy_set_header Upgrade $http_upgrade;"
            " proxy_set_header Connection $connection_upgrade; } }",
            True,
            id="Connection from a variable (nginx's map) may say upgrade",
        ),
        pytest.param(
            "server { location /ws/ { proxy_pass http://d:1; proxy_set_header Upgrade $http_upgrade;"
            " proxy_set_header Connection ''; } }",
            False,
            id="Connection emptied",
        ),
        pytest.param(
            f"server {{ {UPGRADE} location /ws/ {{ proxy_pass http://d:1; include proxy_params; }} }}",
            False,
            id="Debian's proxy_params sets headers, not Upgrade: the server's no longer apply",
        ),
        pytest.param(
            f"server {{ location /ws/ {{ include proxy_params; {UPGRADE} proxy_pass http://d:1; }} }}",
            True,
            id="proxy_params beside the upgrade headers",
        ),
        pytest.param(
            "server { location /ws/ { proxy_pass http://d:1; include snippets/ws.conf; } }",
            None,
            id="near-miss: an include the project does not hold may set them",
        ),
        pytest.param(
            "server { include /etc/nginx/common.conf; location /ws/ { proxy_pass http://d:1; } }",
            None,
            id="near-miss: an unknown include on an enclosing level",
        ),
        pytest.param(
            "server { location /ws/ { uwsgi_pass 127.0.0.1:8001; } }", None, id="near-miss: not proxied over HTTP"
        ),
        pytest.param("server { location /ws/ { return 404; } }", None, id="near-miss: answered by nginx"),
        pytest.param(
            "include mime.types; server { location /ws/ { proxy_pass http://d:1; } }",
            False,
            id="a packaged include of other directives changes nothing",
        ),
    ],
)
def test_upgrade_headers(text: str, expected: bool | None):
    assert upgrade_of(text) is expected


def test_an_included_file_in_the_project_is_read():
    files = {"nginx/ws_headers.conf": UPGRADE}
    assert upgrade_of("server { location /ws/ { proxy_pass http://d:1; include ws_headers.conf; } }",
                      files=files) is True  # fmt: skip
    files = {"nginx/ws_headers.conf": "proxy_set_header Host $host;"}
    assert upgrade_of("server { location /ws/ { proxy_pass http://d:1; include ws_headers.conf; } }",
                      files=files) is False  # fmt: skip


def test_a_named_location_handles_the_request():
    text = f"""
    server {{
        location /ws/ {{ try_files $uri @daphne; }}
        location @daphne {{ proxy_pass http://d:1;{UPGRADE} }}
    }}
    """
    assert upgrade_of(text) is True
    assert upgrade_of(text.replace(UPGRADE, "")) is False


def test_a_nested_location_inherits_from_its_parent_location():
    text = f"server {{ location /ws/ {{ {UPGRADE} location /ws/chat/ {{ proxy_pass http://d:1; }} }} }}"
    assert upgrade_of(text, "/ws/chat/") is True
    assert upgrade_of(text.replace(UPGRADE, ""), "/ws/chat/") is False
