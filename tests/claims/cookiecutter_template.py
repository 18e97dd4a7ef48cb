"""fixtures/cookiecutter_template: a cookiecutter template, read as rendered with its cookiecutter.json defaults
(use_async "y", use_docker "n")."""

from functools import partial

from tests.claims import Claim as ReviewedClaim

# The project is rooted in the template directory, unrendered: manage.py and config/ live there.
SLUG = "{{cookiecutter.project_slug}}"
Claim = partial(ReviewedClaim, root=SLUG)

CLAIMS = [
    Claim("settings", "config.settings", "config/asgi.py:6, wsgi.py and manage.py setdefault config.settings"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1` (the Jinja lines after it do not matter)"),
    Claim("django_version_evidence.(path,line)", (f"{SLUG}/requirements.txt", 1), "the Django pin"),
    Claim("purpose.kind", "application", "the rendered project is an application a user deploys (Procfile)"),
    Claim("root_urlconf", "config.urls", "settings.py:16"),
    Claim("views.async_views.*.(view,routes)", [("corner_shop.catalog.views.product_count", ["catalog/count/"])],
          "use_async defaults to y, so the `async def product_count` arm is the one rendered; the package name is "
          "the slug rendered from project_name `Corner Shop`"),
    Claim("views.sync_views.*.(view,routes)", [("corner_shop.catalog.views.first_product", ["catalog/first/"])],
          "use_docker defaults to n, so the plain `def first_product` arm is the one rendered"),
    Claim("websockets", [], "no Channels"),
    Claim("asgi_applications.*.(path,line,kind)", [(f"{SLUG}/config/asgi.py", 7, "django")],
          "asgi.py:7 get_asgi_application()"),
    Claim("verdict.needs", "asgi-beneficial", "product_count awaits afirst()"),
    Claim("verdict.needs_evidence.*.(path,line)", [(f"{SLUG}/{SLUG}/catalog/views.py", 8)], "product_count"),
    Claim("verdict.served", "asgi", "the default arm of Procfile:3 runs gunicorn with the uvicorn worker"),
    Claim("verdict.servers.*.(name,protocol,worker,app,path,line)",
          [("gunicorn", "asgi", "uvicorn_worker.UvicornWorker", "config.asgi:application", f"{SLUG}/Procfile", 3)],
          "Procfile:3, inside `{% if cookiecutter.use_async == 'y' %}`"),
    Claim("verdict.alternatives.*.(name,protocol,worker,path,line,template_arm)",
          [("gunicorn", "wsgi", "sync", f"{SLUG}/Procfile", 5, "not cookiecutter.use_async == 'y'")],
          "Procfile:5 is the `else` arm: what a user who answers use_async=n gets"),
    Claim("verdict.fit", "fit", "with the defaults, an awaiting async view on an ASGI worker"),
    Claim("verdict.recommendation", None, "nothing to change for the default rendering"),
]
