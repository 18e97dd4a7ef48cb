"""fixtures/plain_braces_in_strings: a Django template held in a Python string; `{{ }}` and `{% %}` in it do not
make the project a cookiecutter/Jinja template."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "greeter.settings", "wsgi.py:5 and manage.py setdefault greeter.settings"),
    Claim("purpose.kind", "application", "a deployable project (Procfile), not a template"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "greeter.urls", "settings.py:5"),
    Claim("views.sync_views.*.(view,routes)", [("greeter.views.hello", ["hello/"])],
          "hello is read as ordinary Python: the braces are string contents"),
    Claim("views.async_views", [], "no `async def`"),
    Claim("verdict.needs", "wsgi", "one sync view"),
    Claim("verdict.served", "wsgi", "Procfile:1 gunicorn greeter.wsgi:application"),
    Claim("verdict.servers.*.(name,protocol,worker,path,line)", [("gunicorn", "wsgi", "sync", "Procfile", 1)],
          "the `web` process"),
    Claim("verdict.fit", "fit", "a sync view on sync gunicorn"),
]
