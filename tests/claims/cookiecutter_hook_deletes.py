"""fixtures/cookiecutter_hook_deletes: a cookiecutter template whose hooks/post_gen_project.py deletes files by option
(the shape of cookiecutter-django's hook), read with its cookiecutter.json defaults (use_async "n", use_heroku "n",
use_api "y", use_celery "n"; the license is "MIT")."""

from functools import partial

from tests.claims import Claim as ReviewedClaim

SLUG = "{{cookiecutter.project_slug}}"
Claim = partial(ReviewedClaim, root=SLUG)

CLAIMS = [
    Claim("settings", "config.settings", "wsgi.py and manage.py setdefault config.settings (asgi.py is deleted)"),
    Claim("django_version", "5.0", "requirements.txt:1 `Django>=5.0,<5.1`"),
    Claim("root_urlconf", "config.urls", "settings.py:13"),
    Claim(
        "views.sync_views.*.(view,routes)",
        [
            ("ticket_desk.tickets.views.open_tickets", ["tickets/open/"]),
            ("ticket_desk.tickets.api.ticket_list", ["tickets/api/"]),
        ],
        'tickets/api.py stays: the hook deletes it only when use_api is "n", and it defaults to "y"',
    ),
    Claim("views.async_views", [], "both views are plain `def`"),
    Claim("websockets", [], "no Channels routing"),
    Claim(
        "asgi_applications",
        [],
        'hooks/post_gen_project.py:57-58 calls remove_async_files() when use_async is "n" (the default), which '
        "unlinks config/asgi.py and config/websocket.py: the generated project has no ASGI entry point and no "
        "websocket handler",
    ),
    Claim(
        "verdict.needs",
        "wsgi",
        "the raw websocket dispatch lives in config/asgi.py and config/websocket.py, which the hook deletes; "
        "what is left is two sync views",
    ),
    Claim(
        "verdict.needs_evidence.*.(path,line)",
        [(f"{SLUG}/{SLUG}/tickets/views.py", 6), (f"{SLUG}/{SLUG}/tickets/api.py", 7)],
        "the two sync views; nothing of the deleted websocket handler",
    ),
    Claim(
        "verdict.served",
        "wsgi",
        'Dockerfile:5 CMD gunicorn config.wsgi. The hook deletes it only when `shutil.which("docker") is None`, '
        "which depends on the machine that generates the project: undecidable, so the file is kept",
    ),
    Claim(
        "verdict.servers.*.(name,protocol,worker,app,path,line)",
        [("gunicorn", "wsgi", "sync", "config.wsgi:application", f"{SLUG}/Dockerfile", 5)],
        'the Procfile\'s uvicorn worker is gone: remove_heroku_files() unlinks the Procfile (use_heroku "n"); '
        'its loop skips runtime.txt only, by a `continue` under `file_name == "runtime.txt" and ...`',
    ),
    Claim("verdict.fit", "fit", "sync views on a sync gunicorn"),
    Claim("verdict.recommendation", None, "nothing to change for the default rendering"),
]
