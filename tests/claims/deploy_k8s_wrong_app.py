"""fixtures/deploy_k8s_wrong_app: a Kubernetes Deployment that points uvicorn at the WSGI application."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "inventory.settings", "asgi.py:5, wsgi.py and manage.py setdefault inventory.settings"),
    Claim("django_version", "4.2", "requirements.txt:1 `Django>=4.2,<5.0`"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin"),
    Claim("root_urlconf", "inventory.urls", "settings.py:20"),
    Claim("views.async_views", [], "both views are plain `def`"),
    Claim("views.sync_views.*.(view,routes)",
          [("stock.views.items", ["items/"]), ("stock.views.healthz", ["healthz/"])], "inventory/urls.py"),
    Claim("asgi_applications.*.(path,line,kind)", [("inventory/asgi.py", 6, "django")], "asgi.py:6"),
    Claim("verdict.needs", "wsgi", "sync views only"),
    Claim("verdict.served", "asgi", "the `web` container runs uvicorn, an ASGI server"),
    Claim("verdict.servers.*.(name,protocol,app,path,line,where)",
          [("uvicorn", "asgi", "inventory.wsgi:application", "k8s/deployment.yaml", 33, "Kubernetes container `web`")],
          "command [uvicorn] at line 33 with the app in `args`; the migrate initContainer and the ConfigMap's "
          "START_COMMAND string (which no container uses) start no server"),
    Claim("verdict.development_servers", [], "none"),
    Claim("verdict.fit", "mismatch",
          "uvicorn calls inventory.wsgi:application (a WSGIHandler) with the ASGI signature: every request fails"),
    Claim("verdict.recommendation", "uvicorn inventory.asgi:application",
          "keep the server, point it at the ASGI application that asgi.py defines"),
    Claim("verdict.needs_evidence.*.(path,line)", [("stock/views.py", 6), ("stock/views.py", 10)],
          "the two sync views"),
    Claim("verdict.recommendation_note", None, "uvicorn is already in requirements.txt"),
]
