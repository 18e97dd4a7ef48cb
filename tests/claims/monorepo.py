"""fixtures/monorepo: two Django projects side by side, each with its own manage.py, `mysite` package,
requirements and Procfile: blog (sync, gunicorn) and shop (async, uvicorn)."""

from functools import partial

from tests.claims import Claim

Blog = partial(Claim, root="blog")
Shop = partial(Claim, root="shop")

CLAIMS = [
    Blog("settings", "mysite.settings", "blog/manage.py, asgi.py:5 and wsgi.py setdefault mysite.settings"),
    Blog("settings_modules.*.(module,path)", [("mysite.settings", "blog/mysite/settings.py")],
         "`mysite` resolves inside blog/, not shop/"),
    Blog("django_version", "4.2", "blog/requirements.txt:1 `Django>=4.2,<5.0`"),
    Blog("django_version_evidence.(path,line)", ("blog/requirements.txt", 1), "the blog's own requirements"),
    Blog("views.sync_views.*.(view,path,routes)", [
        ("core.views.index", "blog/core/views.py", [""]),
        ("core.views.post_detail", "blog/core/views.py", ["<slug:slug>/"]),
    ], "blog/core/urls.py included at the root"),
    Blog("views.async_views", [], "the blog's views are plain `def`"),
    Blog("asgi_applications.*.(path,line)", [("blog/mysite/asgi.py", 7)], "blog's own asgi.py"),
    Blog("middleware.[middleware=mysite.middleware.AuditMiddleware].(mode,path)", ("sync", "blog/mysite/middleware.py"),
         "blog's AuditMiddleware, a plain sync class"),
    Blog("verdict.needs", "wsgi", "sync views only"),
    Blog("verdict.served", "wsgi", "blog/Procfile:1 gunicorn mysite.wsgi:application"),
    Blog("verdict.servers.*.(name,protocol,worker,path,line)", [("gunicorn", "wsgi", "sync", "blog/Procfile", 1)],
         "only the blog's Procfile; the shop's belongs to the other project"),
    Blog("verdict.fit", "fit", "sync views on sync gunicorn"),
    Shop("settings", "mysite.settings", "shop/manage.py and asgi.py:5 setdefault mysite.settings"),
    Shop("settings_modules.*.(module,path)", [("mysite.settings", "shop/mysite/settings.py")],
         "`mysite` resolves inside shop/"),
    Shop("django_version", "5.0", "shop/requirements.txt:1 `Django>=5.0,<5.1`"),
    Shop("django_version_evidence.(path,line)", ("shop/requirements.txt", 1), "the shop's own requirements"),
    Shop("views.async_views.*.(view,path,routes)", [
        ("core.views.index", "shop/core/views.py", [""]),
        ("core.views.product_detail", "shop/core/views.py", ["products/<int:pk>/"]),
        ("core.views.place_order", "shop/core/views.py", ["products/<int:pk>/order/"]),
    ], "shop/core/urls.py included at the root"),
    Shop("views.sync_views", [], "the shop's views are all `async def`"),
    Shop("asgi_applications.*.(path,line)", [("shop/mysite/asgi.py", 7)], "shop's own asgi.py"),
    Shop("middleware.[middleware=mysite.middleware.AuditMiddleware].(mode,path)", ("sync", "shop/mysite/middleware.py"),
         "shop's AuditMiddleware, the same dotted path as blog's but its own file"),
    Shop("verdict.needs", "asgi-beneficial", "index awaits recent_items(), the other two await aget_object_or_404"),
    Shop("verdict.needs_evidence.*.(path,line)",
         [("shop/core/views.py", 10), ("shop/core/views.py", 15), ("shop/core/views.py", 20)], "all three views"),
    Shop("verdict.served", "asgi", "shop/Procfile:1 uvicorn mysite.asgi:application"),
    Shop("verdict.servers.*.(name,protocol,path,line)", [("uvicorn", "asgi", "shop/Procfile", 1)],
         "only the shop's Procfile"),
    Shop("verdict.fit", "fit", "awaiting async views on uvicorn"),
]
