"""fixtures/deploy_ansible_supervisor_template: awx's shape. An Ansible role renders supervisor_web.conf.j2 into the
image (Dockerfile.j2 ADDs it); each program has a `{% if kube_dev | bool %}` development arm (`make uwsgi`) and
an `{% else %}` production arm: uWSGI for HTTP on the uwsgi.ini the Dockerfile ADDs to /etc/relay/, daphne for the
websockets on the non-standard attribute `relay.asgi:channel_layer`. No cookiecutter.json: `kube_dev` cannot be
evaluated."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "relay.settings", "asgi.py:7, wsgi.py and manage.py setdefault relay.settings"),
    Claim("django_version", "4.2", "requirements.txt:1 `Django>=4.2,<5.0`"),
    Claim("root_urlconf", "relay.urls", "settings.py:24"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("events/routing.py", 6, "^websocket/$", "events.consumers.EventConsumer")], "routing.py:6"),
    Claim("asgi_applications.*.(module,path,line,kind)", [("relay.asgi", "relay/asgi.py", 13, "router")],
          "asgi.py:13 binds the ProtocolTypeRouter to `channel_layer`, the name daphne is given"),
    Claim("verdict.needs", "asgi-required", "a websocket consumer"),
    Claim("verdict.servers.*.(name,protocol,app,path,line,config)", [
        ("uwsgi", "wsgi", "relay.wsgi:application", "tools/ansible/roles/image/templates/supervisor_web.conf.j2", 9,
         {"path": "tools/ansible/roles/image/files/uwsgi.ini", "line": 1}),
        ("daphne", "asgi", "relay.asgi:channel_layer", "tools/ansible/roles/image/templates/supervisor_web.conf.j2",
         19, None),
    ], "`kube_dev` is a development switch, off in the production image: the `{% else %}` arms run uwsgi on "
       "/etc/relay/uwsgi.ini, which Dockerfile.j2:7 ADDs from files/uwsgi.ini (mount = /=relay.wsgi:application), "
       "and daphne on relay.asgi:channel_layer (asgi.py binds that name)"),
    Claim("verdict.servers.*.environment_certain", [False, False],
          "a template rendered at deploy time, its switch taken as off rather than read"),
    Claim("verdict.development_servers.*.(name,path,line)", [("uwsgi", "Makefile", 2), ("daphne", "Makefile", 5)],
          "the Makefile targets the kube_dev arms run (`make uwsgi`, `make daphne`)"),
    Claim("verdict.served", "both", "uWSGI for HTTP, daphne for websockets"),
    Claim("verdict.fit", "fit", "the websocket consumer has an ASGI server"),
    Claim("verdict.recommendation", None, "nothing to change"),
]
