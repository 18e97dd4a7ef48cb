"""fixtures/image_entrypoint_subcommand: baserow's shape. backend/Dockerfile's last stage is `CMD ["gunicorn"]`
under `ENTRYPOINT [tini, --, /bin/bash, /shop/backend/docker/docker-entrypoint.sh]`; the script dispatches on
`case "$1" in`, and its `gunicorn)` arm calls run_backend_server asgi, which execs gunicorn with the uvicorn worker
on shop.asgi:application (`gunicorn-wsgi)`: shop.wsgi:application). A Helm chart runs the image twice, `args:
[gunicorn]` and `args: [gunicorn-wsgi, --timeout, "120"]`, plus a celery worker; web-frontend has an entrypoint
script of the same name that must not be taken for the backend's."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "shop.settings", "manage.py, asgi.py:7 and wsgi.py setdefault shop.settings", root="backend"),
    Claim("django_version", "5.2", "backend/requirements.txt:1 `Django>=5.2,<6.0`", root="backend"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("backend/live/routing.py", 6, "^ws/orders/$", "live.consumers.OrderConsumer")], "routing.py:6",
          root="backend"),
    Claim("verdict.needs", "asgi-required", "a websocket consumer", root="backend"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)", [
        ("gunicorn", "asgi", "uvicorn.workers.UvicornWorker", "shop.asgi:application", "backend/Dockerfile", 12),
        ("gunicorn", "asgi", "uvicorn.workers.UvicornWorker", "shop.asgi:application",
         "deploy/helm/shop/values.yaml", 4),
        ("gunicorn", "wsgi", "sync", "shop.wsgi:application", "deploy/helm/shop/values.yaml", 10),
    ], "CMD `gunicorn` selects the script's `gunicorn)` arm (run_backend_server asgi: -k uvicorn.workers."
       "UvicornWorker shop.asgi:application), not a WSGI gunicorn; the chart's `args` replace the CMD and keep the "
       "ENTRYPOINT (Kubernetes), so `gunicorn` is ASGI again and `gunicorn-wsgi` the WSGI arm; the celery worker "
       "and web-frontend's `nuxt` start no Django server", root="backend"),
    Claim("verdict.servers.0.notes", [
        "`gunicorn` is a sub-command of the ENTRYPOINT script `docker-entrypoint.sh`: its `gunicorn)` arm (line 34) "
        "starts this"], "the evidence points at the arm that runs, in backend/docker/docker-entrypoint.sh (the "
                        "image path's longest tail), not web-frontend's script of the same name", root="backend"),
    Claim("verdict.servers.*.environment_certain", [False, False, False],
          "no production sign in either file; the Helm image is matched to backend/Dockerfile by its name",
          root="backend"),
    Claim("verdict.development_servers", [],
          "the entrypoint's own runserver arm is a sub-command nobody in production selects (the `dev` stage is "
          "not the image's last)", root="backend"),
    Claim("verdict.served", "both", "ASGI from the image's default and the chart's asgi backend, WSGI from the "
                                    "chart's wsgi backend", root="backend"),
    Claim("verdict.fit", "fit", "the websocket consumer has an ASGI server", root="backend"),
    Claim("verdict.recommendation", None, "nothing to change", root="backend"),
]
