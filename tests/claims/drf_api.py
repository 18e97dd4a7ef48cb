"""fixtures/drf_api: a DRF API (router viewsets, APIViews behind format_suffix_patterns) on sync gunicorn, with
one APIView whose handler is `async def`, which DRF 3.15 cannot run."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "inventory.settings", "wsgi.py:5 and manage.py setdefault inventory.settings"),
    Claim("settings_modules.0.source", "wsgi.py", "there is no asgi.py"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "inventory.urls", "settings.py:30"),
    Claim("views.sync_views.*.(view,kind)", [
        ("products.views.ProductViewSet", "viewset"), ("products.views.CategoryViewSet", "viewset"),
        ("products.views.StockSummary", "class"),
    ], "the two viewsets registered on the DefaultRouter and the sync APIView at stock/"),
    Claim("views.async_views.*.(view,kind,routes)", [("products.views.HealthCheck", "class", ["api/health/"])],
          "HealthCheck.get is `async def` (the only handler), routed at api/health/ through products/urls.py, "
          "whose urlpatterns is rebound by format_suffix_patterns"),
    Claim("asgi_applications", [], "no asgi.py"),
    Claim("websockets", [], "no Channels"),
    Claim("verdict.needs", "wsgi", "the API is sync; the async APIView is broken under DRF (DPL204), not a reason "
                                   "for ASGI"),
    Claim("verdict.served", "wsgi", "Procfile:1 gunicorn inventory.wsgi, default sync worker"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)",
          [("gunicorn", "wsgi", "sync", "inventory.wsgi", "Procfile", 1)],
          "`inventory.wsgi` without `:application`: gunicorn looks up `application` by default"),
    Claim("verdict.fit", "fit", "a sync API on a sync WSGI server"),
    Claim("verdict.recommendation", None, "nothing to change"),
]
