"""fixtures/fastapi_beside_django: the shape of khoj: a FastAPI application (server/main.py) mounts Django's ASGI
application and uses the Django ORM from its routes; starlette's AuthenticationMiddleware and SessionMiddleware
give those routes `request.user` and `request.session`. Served by uvicorn."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "server.settings", "manage.py:6 and server/main.py:14 setdefault server.settings"),
    Claim("django_version", "5.1", "requirements.txt:1 `Django>=5.1,<5.2`"),
    Claim("root_urlconf", "server.urls", "server/settings.py:24"),
    Claim("verdict.served", "asgi", "Procfile:1 uvicorn server.main:app"),
    Claim("verdict.servers.*.(name,protocol,app,path,line)",
          [("uvicorn", "asgi", "server.main:app", "Procfile", 1)], "the `web` process"),
    Claim("verdict.needs", "asgi-required",
          "server/main.py:21 `app = FastAPI()` is the served application: FastAPI is an ASGI framework only"),
    Claim("verdict.fit", "fit", "an ASGI application served by uvicorn"),
]
