"""fixtures/deploy_heroku_runserver: a sync guestbook whose Heroku `web` process is manage.py runserver."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "guestbook.settings", "wsgi.py:5 and manage.py setdefault guestbook.settings"),
    Claim("settings_modules.0.source", "wsgi.py", "there is no asgi.py"),
    Claim("django_version", "4.2", "requirements.txt:1 `Django>=4.2,<5.0`"),
    Claim("django_version_evidence.(path,line)", ("requirements.txt", 1), "the Django pin"),
    Claim("root_urlconf", "guestbook.urls", "settings.py:21"),
    Claim("views.async_views", [], "sign is a plain `def`"),
    Claim("views.sync_views.*.(view,routes)", [("entries.views.sign", [""])], "urls.py routes `` to sign"),
    Claim("asgi_applications", [], "no asgi.py"),
    Claim("websockets", [], "no Channels"),
    Claim("verdict.needs", "wsgi", "one sync view"),
    Claim("verdict.needs_evidence.*.(path,line)", [("entries/views.py", 6)], "the sync view"),
    Claim("verdict.served", "wsgi", "Procfile:2 `web` runs manage.py runserver, Django's WSGI development server"),
    Claim("verdict.servers.*.(name,protocol,path,line,environment,notes)",
          [("runserver", "wsgi", "Procfile", 2, "production", ["Django's development server"])],
          "a Procfile `web` process is what Heroku serves, so this runserver is production (DPL503 says why "
          "that is bad); the malformed `clock` line 3 starts nothing"),
    Claim("verdict.development_servers.*.(name,protocol,path,line)", [("runserver", "wsgi", "docker-compose.yml", 5)],
          "compose says it is for working locally; the Dockerfile has no CMD"),
    Claim("verdict.fit", "fit", "protocol-wise, sync views on a WSGI server; the dev-server problem is DPL503's"),
    Claim("verdict.recommendation", None, "no protocol change to recommend"),
]
