"""fixtures/deploy_platforms: async views deployed three ways, by App Engine, fly.io and Render manifests."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "newsroom.settings", "asgi.py:5, wsgi.py, manage.py and app.yaml's env_variables agree"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin"),
    Claim("root_urlconf", "newsroom.urls", "settings.py:20"),
    Claim("views.async_views.*.(view,routes)",
          [("stories.views.front_page", [""]), ("stories.views.wire", ["wire/"])], "newsroom/urls.py"),
    Claim("views.sync", 0, "no sync view"),
    Claim("asgi_applications.*.(path,line,kind)", [("newsroom/asgi.py", 6, "django")], "asgi.py:6"),
    Claim("verdict.needs", "asgi-beneficial", "front_page iterates with `async for`, wire awaits httpx"),
    Claim("verdict.needs_evidence.*.(path,line)", [("stories/views.py", 9), ("stories/views.py", 14)],
          "both views await"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)", [
        ("gunicorn", "asgi", "uvicorn_worker.UvicornWorker", "newsroom.asgi:application", "app.yaml", 3),
        ("granian", "rsgi", "rsgi", "newsroom.asgi:application", "fly.toml", 8),
        ("uvicorn", "asgi", None, "newsroom.asgi:application", "render.yaml", 10),
    ], "app.yaml `entrypoint`, fly.toml process `app` (granian without --interface speaks its default, RSGI: "
       "DPL507), render.yaml web service `startCommand`; the release, ingest and worker commands serve nothing"),
    Claim("verdict.served", "asgi", "two of the three manifests serve the ASGI app over ASGI; the third speaks RSGI"),
    Claim("verdict.development_servers", [], "none"),
    Claim("verdict.fit", "mismatch",
          "fly.toml:8 starts granian without --interface, so it speaks RSGI to an ASGI application and every "
          "request on that deployment fails; a production server that cannot run the app it is given is a "
          "mismatch (as uvicorn on a WSGI app is in deploy_k8s_wrong_app), whatever the other manifests do"),
    Claim("verdict.recommendation", "granian --interface asgi newsroom.asgi:application",
          "granian is already the server: what fixes fly.toml is the interface its ASGI application speaks"),
    Claim("verdict.recommendation_note", "add `--interface asgi` where granian starts (fly.toml:8)",
          "the line to change is fly.toml's `app` process"),
]
