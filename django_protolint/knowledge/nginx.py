"""What nginx does with a websocket handshake it proxies, and what the files nginx's packages ship set.

"Upgrade" and "Connection" are hop-by-hop headers: nginx's `proxy_pass` does not pass them on unless the location
sets them again (nginx.org/en/docs/http/websocket.html), and by default it sends `Connection: close`
(ngx_http_proxy_module, `proxy_set_header`: "By default, only two fields are redefined: Host $proxy_host;
Connection close;"). `proxy_set_header` is inherited from the enclosing level "if and only if there are no
proxy_set_header directives defined on the current level" (same page). Checked on loopback with the nginx of
Debian's package in front of daphne: tests/test_ground_truth_proxies.py.
"""

from __future__ import annotations

WEBSOCKET_PROXYING = "https://nginx.org/en/docs/http/websocket.html"
PROXY_SET_HEADER = "https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header"

# Files nginx's packages ship that a configuration includes by a bare name: (file name, the `proxy_set_header`
# fields it sets, source). A file named here and not found in the project is read as its packaged content; any
# other include the project does not hold may set anything.
PACKAGED_INCLUDES: dict[str, tuple[tuple[str, ...], str]] = {
    # Debian/Ubuntu's nginx-common: Host, X-Real-IP, X-Forwarded-For, X-Forwarded-Proto; no Upgrade.
    "proxy_params": (
        ("host", "x-real-ip", "x-forwarded-for", "x-forwarded-proto"),
        "Debian's nginx-common, /etc/nginx/proxy_params (read from Debian 12's package, nginx 1.22.1)",
    ),
    # Files of other directives: they set no proxy header.
    "mime.types": ((), "nginx source conf/mime.types"),
    "uwsgi_params": ((), "nginx source conf/uwsgi_params (uwsgi_param only)"),
    "fastcgi_params": ((), "nginx source conf/fastcgi_params (fastcgi_param only)"),
    "fastcgi.conf": ((), "nginx source conf/fastcgi.conf (fastcgi_param only)"),
    "scgi_params": ((), "nginx source conf/scgi_params (scgi_param only)"),
    "snippets/fastcgi-php.conf": ((), "Debian nginx-common debian/conf/snippets/fastcgi-php.conf"),
}

# Includes that bring in other server blocks (`include /etc/nginx/conf.d/*.conf;` at the http level), not
# directives of the level they stand at.
SERVER_INCLUDES = ("conf.d/", "sites-enabled/", "sites-available/")
