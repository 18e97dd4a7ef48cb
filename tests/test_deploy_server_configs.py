"""Servers configured by their own files: uWSGI (YAML, XML, JSON), Apache mod_wsgi, NGINX Unit, Heroku app.json,
and a command that loads a config file read on its own (one server, both files as evidence).

Each format: the files we must recognise, then near-misses that must yield nothing, then bad input (a problem
at most, never an exception). Rows as in test_deploy_files.py: (line, environment, server, protocol, app, worker).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from django_protolint.project.deploy.formats import reader_for
from django_protolint.project.deploy.formats.apache_site import read_apache
from django_protolint.project.deploy.formats.ini import read_conf, read_ini
from django_protolint.project.deploy.formats.json_configs import read_json
from django_protolint.project.deploy.formats.uwsgi_xml import read_uwsgi_xml
from django_protolint.project.deploy.formats.yaml_manifests import read_yaml
from tests.helpers import deployments_in, found, run, write_project
from tests.test_deploy_files import PROJECT, rows

P, D = "production", "development"

# ============================================================================================ which files we read

READERS = [
    pytest.param("uwsgi.yaml", read_yaml, id="uwsgi.yaml"),
    pytest.param("deploy/uwsgi-prod.yml", read_yaml, id="uwsgi-prod.yml"),
    pytest.param("uwsgi.xml", read_uwsgi_xml, id="uwsgi.xml"),
    pytest.param("pom.xml", None, id="an XML file not named for uWSGI is not read"),
    pytest.param("uwsgi.json", read_json, id="uwsgi.json"),
    pytest.param("unit.json", read_json, id="unit.json"),
    pytest.param("deploy/nginx-unit.json", read_json, id="nginx-unit.json"),
    pytest.param("config/config.json", read_json, id="config.json (Unit's Docker how-to)"),
    pytest.param("docker-entrypoint.d/web.json", read_json, id="any JSON in docker-entrypoint.d/"),
    pytest.param("app.json", read_json, id="Heroku app.json"),
    pytest.param("tsconfig.json", None, id="tsconfig.json is not read"),
    pytest.param("community.json", None, id="`unit` inside a word is not Unit"),
    pytest.param("apache/proj.conf", read_conf, id="*.conf: Apache or INI by content"),
    pytest.param("uwsgi.ini", read_ini, id="*.ini stays INI"),
    pytest.param("etc/apache2/sites-available/proj", read_apache, id="Apache site without an extension"),
    pytest.param("public/.htaccess", read_apache, id=".htaccess"),
    pytest.param("sites-available/README.md", None, id="a document beside Apache sites is not one"),
]


@pytest.mark.parametrize(("path", "reader"), READERS)
def test_reader_for(path: str, reader: object):
    assert reader_for(path) is reader


# ============================================================================================ uWSGI YAML, XML, JSON

UWSGI = ("uwsgi", "wsgi")


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        pytest.param("uwsgi.yaml", "uwsgi:\n  http: :8000\n  module: proj.wsgi:application\n  master: true\n",
                     [(1, P, *UWSGI, "proj.wsgi:application", None)], id="yaml module"),
        pytest.param("deploy/uwsgi.yml", "# comment\nuwsgi:\n  mount: /app=proj/wsgi.py\n  gevent: 100\n",
                     [(2, P, *UWSGI, "proj/wsgi.py", "gevent")], id="yaml mount and gevent"),
        pytest.param("uwsgi.yaml", "uwsgi:\n  socket: [/run/a.sock, /run/b.sock]\n  wsgi-file: proj/wsgi.py\n",
                     [(1, P, *UWSGI, "proj/wsgi.py", None)], id="yaml repeated option as a list"),
        pytest.param("uwsgi.yaml", "prod:\n  module: other.wsgi\nuwsgi:\n  module: proj.wsgi\n",
                     [(3, P, *UWSGI, "proj.wsgi", None)], id="yaml: only the uwsgi block is read by default"),
        pytest.param("uwsgi.xml", "<uwsgi>\n  <socket>:3031</socket>\n  <module>proj.wsgi</module>\n  <master/>\n</uwsgi>\n",
                     [(1, P, *UWSGI, "proj.wsgi", None)], id="xml module"),
        pytest.param("uwsgi.xml", '<?xml version="1.0"?>\n<!-- <module>old.wsgi</module> -->\n<uwsgi>\n'
                     '  <app mountpoint="/">proj/wsgi.py</app>\n  <asyncio>10</asyncio>\n</uwsgi>\n',
                     [(3, P, *UWSGI, "proj/wsgi.py", "asyncio")], id="xml <app mountpoint> is a mount, comments skipped"),
        pytest.param("uwsgi.xml", "<config>\n  <nginx/>\n  <uwsgi id='web'>\n    <module>proj.wsgi</module>\n  </uwsgi>\n"
                     "</config>\n", [(3, P, *UWSGI, "proj.wsgi", None)], id="xml <uwsgi> as a child of the root"),
        pytest.param("uwsgi.json", '{\n  "uwsgi": {\n    "http": ":8000",\n    "module": "proj.wsgi",\n'
                     '    "master": true\n  }\n}\n', [(2, P, *UWSGI, "proj.wsgi", None)], id="json module"),
        pytest.param("uwsgi-dev.json", '{"uwsgi": {"wsgi-file": "proj/wsgi.py", "socket": [":3031", ":3032"]}}',
                     [(1, D, *UWSGI, "proj/wsgi.py", None)], id="json, a dev file is development"),
        pytest.param("uwsgi.json", '{"uwsgi": {"http": ":8000", "gevent": 0, "module": "proj.wsgi"}}',
                     [(1, P, *UWSGI, "proj.wsgi", None)], id="json gevent 0 is no loop engine"),
    ],
)  # fmt: skip
def test_uwsgi_config_formats(path: str, text: str, expected: list[tuple[object, ...]]):
    assert rows(path, text) == expected


def test_uwsgi_config_formats_read_as_the_ini_does():
    ini = rows("uwsgi.ini", "[uwsgi]\nmodule = proj.wsgi:application\ngevent = 100\n")
    yaml_ = rows("uwsgi.yaml", "uwsgi:\n  module: proj.wsgi:application\n  gevent: 100\n")
    xml = rows("uwsgi.xml", "<uwsgi><module>proj.wsgi:application</module><gevent>100</gevent></uwsgi>")
    json_ = rows("uwsgi.json", '{"uwsgi": {"module": "proj.wsgi:application", "gevent": 100}}')
    assert ini == yaml_ == xml == json_ == [(1, P, *UWSGI, "proj.wsgi:application", "gevent")]


def test_uwsgi_config_command_names_the_file_and_notes_the_loop_engine():
    [deployment] = deployments_in("deploy/uwsgi.yaml", "uwsgi:\n  module: proj.wsgi\n  asyncio: 10\n")
    assert deployment.command.command == "uwsgi --yaml uwsgi.yaml"
    assert deployment.where == "uWSGI yaml"
    assert deployment.command.notes == ("uWSGI's asyncio loop engine still calls the WSGI application",)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param("uwsgi-exporter.yaml", "stats_uri: http://localhost:1717\nlisten: :9117\n",
                     id="yaml named uwsgi without a uwsgi block"),
        pytest.param("charts/web/values.yaml", "uwsgi:\n  processes: 4\n  module: proj.wsgi\n",
                     id="a helm values file with a uwsgi key is not a uWSGI config"),
        pytest.param("uwsgi.xml", "<nginx><server>x</server></nginx>", id="xml without <uwsgi>"),
        pytest.param("uwsgi.xml", "<a><b><uwsgi><module>proj.wsgi</module></uwsgi></b></a>",
                     id="xml <uwsgi> nested deeper than uWSGI looks"),
        pytest.param("uwsgi.json", '{"emperor": {"vassals": "/etc/uwsgi"}}', id="json without a uwsgi object"),
        pytest.param("uwsgi.json", '["uwsgi"]', id="json that is not an object"),
    ],
)  # fmt: skip
def test_uwsgi_config_near_misses_yield_nothing(path: str, text: str):
    assert rows(path, text) == []


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        pytest.param("uwsgi.xml", "<uwsgi>\n  <module>proj.wsgi</uwsgi>\n", 2, id="mismatched XML tag"),
        pytest.param("uwsgi.xml", "\x00\x01binary\xff", 1, id="binary XML"),
        pytest.param("uwsgi.xml", '<?xml version="1.0"?>\n<!DOCTYPE u [<!ENTITY a "aaaa">]>\n<uwsgi/>\n', 2,
                     id="XML entity declarations are refused (entity expansion)"),
        pytest.param("uwsgi.json", '{"uwsgi": {"module": "proj.wsgi",}}', 1, id="trailing comma JSON"),
        pytest.param("uwsgi.json", "[" * 100_000, 1, id="JSON nested too deeply"),
        pytest.param("uwsgi.yaml", "uwsgi:\n  module: [proj.wsgi\n", 2, id="unclosed YAML list"),
    ],
)  # fmt: skip
def test_uwsgi_config_that_does_not_parse_is_a_problem(path: str, text: str, line: int):
    assert rows(path, text) == [("problem", "parse", line)]


# ============================================================================================ Apache mod_wsgi

VHOST = """
<VirtualHost *:80>
    ServerName shop.example.com
    Alias /static/ /srv/shop/static/

    WSGIDaemonProcess shop processes=2 threads=15 python-home=/srv/venv python-path=/srv/shop
    WSGIProcessGroup shop
    WSGIScriptAlias / /srv/shop/shop/wsgi.py

    <Directory /srv/shop/shop>
        <Files wsgi.py>
            Require all granted
        </Files>
    </Directory>
</VirtualHost>
"""


def test_apache_wsgiscriptalias_names_the_app_and_daemon_mode():
    assert rows("apache/shop.conf", VHOST) == [(7, P, "mod_wsgi", "wsgi", "/srv/shop/shop/wsgi.py", "daemon")]
    [deployment] = deployments_in("apache/shop.conf", VHOST)
    assert deployment.command.notes == ("daemon mode: WSGIDaemonProcess shop (processes=2 threads=15)",)
    assert deployment.where == "Apache WSGIScriptAlias"


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        pytest.param("httpd.conf", "LoadModule wsgi_module modules/mod_wsgi.so\nwsgiscriptalias /app /srv/p/p/wsgi.py\n",
                     [(2, P, "mod_wsgi", "wsgi", "/srv/p/p/wsgi.py", None)], id="directives are case-insensitive"),
        pytest.param("sites-available/shop", 'WSGIScriptAlias / "/srv/my shop/shop/wsgi.py" process-group=shop\n'
                     "WSGIDaemonProcess shop threads=4\n",
                     [(1, P, "mod_wsgi", "wsgi", "/srv/my shop/shop/wsgi.py", "daemon")],
                     id="quoted path, process-group= on the alias"),
        pytest.param("apache2/dev.conf", "WSGIScriptAlias / \\\n    /srv/p/p/wsgi.py\n",
                     [(1, D, "mod_wsgi", "wsgi", "/srv/p/p/wsgi.py", None)], id="continued line; dev file"),
        pytest.param("apache/apps.conf", "WSGIScriptAlias /apps/ /srv/wsgi-scripts/\n",
                     [(1, P, "mod_wsgi", "wsgi", None, None)], id="a directory target names no one app"),
        pytest.param("apache/apps.conf", "WSGIScriptAliasMatch ^/([^/]+) /srv/apps/$1/wsgi.py\n",
                     [(1, P, "mod_wsgi", "wsgi", None, None)], id="AliasMatch back-reference names no one app"),
        pytest.param(".htaccess", "Options +ExecCGI\nAddHandler wsgi-script .wsgi\n",
                     [(2, P, "mod_wsgi", "wsgi", None, None)], id=".htaccess handing files to mod_wsgi"),
    ],
)  # fmt: skip
def test_apache_mod_wsgi(path: str, text: str, expected: list[tuple[object, ...]]):
    assert rows(path, text) == expected


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param("apache/site.conf", "<VirtualHost *:80>\n  ProxyPass / http://127.0.0.1:8000/\n</VirtualHost>\n",
                     id="Apache reverse proxy without WSGIScriptAlias"),
        pytest.param("apache/site.conf", "# WSGIScriptAlias / /srv/p/p/wsgi.py\nProxyPass / http://app:8000/\n",
                     id="a commented-out WSGIScriptAlias"),
        pytest.param("apache/daemon.conf", "WSGIDaemonProcess shop processes=2\n",
                     id="WSGIDaemonProcess alone mounts no app"),
        pytest.param("sites-available/default", "server {\n  listen 80;\n  location / { proxy_pass http://app; }\n}\n",
                     id="an nginx site in sites-available"),
        pytest.param(".htaccess", "RewriteEngine On\nRewriteRule ^(.*)$ /index.php [L]\n", id="a PHP .htaccess"),
        pytest.param("apache/bin.conf", "\x00\x01\x02WSGI\xff\xfe", id="binary"),
    ],
)  # fmt: skip
def test_apache_near_misses_yield_nothing(path: str, text: str):
    assert rows(path, text) == []


def test_conf_file_with_ini_sections_is_still_supervisor():
    text = "[program:web]\ncommand=gunicorn proj.wsgi:application\n"
    assert rows("deploy/web.conf", text) == [(2, P, "gunicorn", "wsgi", "proj.wsgi:application", "sync")]


# ============================================================================================ NGINX Unit

UNIT = """
{
    "listeners": {"*:80": {"pass": "applications/django"}},
    "applications": {
        "django": {
            "type": "python 3.12",
            "path": "/srv/app",
            "home": "/srv/venv",
            "module": "proj.asgi",
            "environment": {"DJANGO_SETTINGS_MODULE": "proj.settings"}
        },
        "legacy": {"type": "php", "root": "/srv/php"}
    }
}
"""


def test_unit_without_protocol_follows_the_module():
    assert rows("unit.json", UNIT) == [(4, P, "nginx-unit", "asgi", "proj.asgi", None)]
    [deployment] = deployments_in("unit.json", UNIT)
    assert deployment.where == "NGINX Unit application `django`"
    assert deployment.command.notes == (
        "no `protocol`: Unit inspects the callable at start, and `proj.asgi` is the ASGI entry point",
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param('{"applications": {"web": {"type": "python", "module": "proj.wsgi"}}}',
                     [(1, P, "nginx-unit", "wsgi", "proj.wsgi", None)], id="wsgi.py without protocol is WSGI"),
        pytest.param('{"applications": {"web": {"type": "python", "module": "proj.asgi", "protocol": "wsgi",'
                     ' "callable": "application"}}}',
                     [(1, P, "nginx-unit", "wsgi", "proj.asgi:application", None)],
                     id="protocol beats the module (and may contradict it)"),
        pytest.param('{"applications": {"web": {"type": "python 3", "module": "main", "callable": "app"}}}',
                     [(1, P, "nginx-unit", "unknown", "main:app", None)], id="a module that says nothing: unknown"),
        pytest.param('{"applications": {"web": {"type": "python", "protocol": "asgi", "targets": {'
                     '"front": {"module": "proj.asgi"}, "admin": {"module": "admin_site.asgi"}}}}}',
                     [(1, P, "nginx-unit", "asgi", "proj.asgi", None),
                      (1, P, "nginx-unit", "asgi", "admin_site.asgi", None)], id="targets share the protocol"),
    ],
)  # fmt: skip
def test_unit_python_applications(data: str, expected: list[tuple[object, ...]]):
    assert rows("config.json", data) == expected


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param("config.json", '{"compilerOptions": {"strict": true}}', id="config.json that is not Unit's"),
        pytest.param("unit.json", '{"applications": {"blog": {"type": "php", "root": "/www"}}}',
                     id="Unit serving only PHP"),
        pytest.param("unit.json", '{"applications": {"web": {"type": "python"}}}', id="Python app without a module"),
        pytest.param("config.json", "{ // JSON5 comment\n}", id="a config.json we cannot parse is not ours to report"),
        pytest.param("app.json", "\x00\x01\xff", id="a binary app.json is not ours to report"),
    ],
)  # fmt: skip
def test_unit_near_misses_yield_nothing(path: str, text: str):
    assert rows(path, text) == []


def test_unit_named_file_that_does_not_parse_is_a_problem():
    assert rows("unit.json", '{\n  "applications": {\n    "web": \n}') == [("problem", "parse", 4)]


# ============================================================================================ Heroku app.json

APP_JSON = """
{
  "name": "shop",
  "scripts": {"postdeploy": "python manage.py migrate && python manage.py loaddata demo"},
  "formation": {"web": {"quantity": 1, "size": "standard-1x"}},
  "buildpacks": [{"url": "heroku/python"}],
  "environments": {
    "review": {
      "scripts": {"postdeploy": "python manage.py migrate"}
    },
    "test": {
      "scripts": {
        "test-setup": "python manage.py collectstatic --noinput",
        "test": "python manage.py runserver & pytest"
      }
    }
  }
}
"""


def test_heroku_app_json_reports_a_server_in_a_script_as_development_only():
    assert rows("app.json", APP_JSON) == [(13, D, "runserver", "wsgi", None, None)]
    [deployment] = deployments_in("app.json", APP_JSON)
    assert deployment.where == "app.json script `test.test`"


def test_heroku_app_json_formation_and_buildpacks_name_no_server():
    text = '{"formation": {"web": {"quantity": 2}}, "buildpacks": [{"url": "heroku/python"}], "stack": "heroku-24"}'
    assert rows("app.json", text) == []


def test_expo_app_json_is_not_heroku():
    assert rows("app.json", '{"expo": {"name": "shop", "slug": "shop"}}') == []


# ============================================================================================ one server, two files


def report_for(tmp_path: Path, files: dict[str, str]):
    return run(write_project(tmp_path, PROJECT | files))


UWSGI_INI = "[uwsgi]\nmodule = proj.wsgi:application\nhttp-socket = :8000\nprocesses = 4\n"


@pytest.mark.parametrize(
    ("files", "where"),
    [
        pytest.param({"Dockerfile": 'FROM python:3.12\nCMD ["uwsgi", "--ini", "uwsgi.ini"]\n', "uwsgi.ini": UWSGI_INI},
                     ("Dockerfile", 2, "uwsgi.ini", 1), id="Dockerfile CMD + uwsgi.ini"),
        pytest.param({"Dockerfile": "FROM python:3.12\nCMD uwsgi --ini /app/deploy/uwsgi.ini:prod\n",
                      "deploy/uwsgi.ini": UWSGI_INI},
                     ("Dockerfile", 2, "deploy/uwsgi.ini", 1), id="absolute path in the image, :section"),
        pytest.param({"Procfile": "web: uwsgi uwsgi.yaml\n", "uwsgi.yaml": "uwsgi:\n  module: proj.wsgi:application\n"},
                     ("Procfile", 1, "uwsgi.yaml", 1), id="Procfile + uwsgi.yaml as a lone argument"),
        pytest.param({"deploy/supervisord.conf": "[program:web]\ncommand=uwsgi --xml /etc/uwsgi/uwsgi.xml\n",
                      "deploy/uwsgi.xml": "<uwsgi>\n<module>proj.wsgi:application</module>\n</uwsgi>\n"},
                     ("deploy/supervisord.conf", 2, "deploy/uwsgi.xml", 1), id="supervisor + uwsgi.xml"),
    ],
)  # fmt: skip
def test_command_and_the_config_it_loads_are_one_deployment(tmp_path: Path, files: dict[str, str], where):
    report = report_for(tmp_path, files)
    [deployment] = report.model.deployments
    assert (deployment.path, deployment.line, *deployment.config) == where
    assert deployment.command.app == "proj.wsgi:application"
    verdict = report.model.verdicts["."]
    assert [d.path for d in verdict.servers] == [where[0]]
    assert f"uwsgi, {where[0]}:{where[1]} + {where[2]}:{where[3]}" in verdict.summary
    # one finding, on the line that starts the server
    assert found(report) == {(where[0], where[1], "DPL502")}


def test_command_options_beat_the_config_it_loads(tmp_path: Path):
    files = {"Dockerfile": "FROM python:3.12\nCMD uwsgi --ini uwsgi.ini --module proj.asgi\n", "uwsgi.ini": UWSGI_INI}
    [deployment] = report_for(tmp_path, files).model.deployments
    assert (deployment.command.app, deployment.config) == ("proj.asgi", ("uwsgi.ini", 1))


def test_config_loaded_only_by_a_development_command_stays_a_production_deployment(tmp_path: Path):
    files = {"Makefile": "run:\n\tuwsgi --ini uwsgi.ini --py-autoreload 1\n", "uwsgi.ini": UWSGI_INI}
    report = report_for(tmp_path, files)
    shown = sorted((d.path, d.environment, d.config) for d in report.model.deployments)
    assert shown == [("Makefile", D, ("uwsgi.ini", 1)), ("uwsgi.ini", P, None)]


def test_config_nobody_loads_is_its_own_deployment(tmp_path: Path):
    files = {"Dockerfile": "FROM python:3.12\nCMD uwsgi --ini other.ini\n", "uwsgi.ini": UWSGI_INI}
    report = report_for(tmp_path, files)
    assert sorted((d.path, d.config) for d in report.model.deployments) == [("Dockerfile", None), ("uwsgi.ini", None)]


def test_merged_deployment_shows_both_files_in_json_and_text(tmp_path: Path):
    from django_protolint.output.projects import verdict_record
    from django_protolint.output.verdict import render_text

    files = {"Dockerfile": 'FROM python:3.12\nCMD ["uwsgi", "--ini", "uwsgi.ini"]\n', "uwsgi.ini": UWSGI_INI}
    report = report_for(tmp_path, files)
    [record] = verdict_record(report.model.verdicts["."])["servers"]
    assert (record["path"], record["line"], record["config"]) == ("Dockerfile", 2, {"path": "uwsgi.ini", "line": 1})
    assert "(configured in uwsgi.ini:1)" in render_text(report.model)


# ============================================================================================ verdicts end to end


@pytest.mark.parametrize(
    ("files", "fit", "findings"),
    [
        pytest.param({"unit.json": '{"applications": {"web": {"type": "python 3.12", "module": "proj.asgi"}}}'},
                     "fit", set(), id="Unit on asgi.py serves the async views"),
        pytest.param({"unit.json": '{"applications": {"web": {"type": "python", "module": "proj.wsgi"}}}'},
                     "suboptimal", {("unit.json", 1, "DPL502")}, id="Unit on wsgi.py"),
        pytest.param({"unit.json": '{"applications": {"web": {"type": "python", "module": "proj.asgi",'
                                   ' "protocol": "wsgi"}}}'},
                     "mismatch", {("unit.json", 1, "DPL506")},
                     id="Unit told WSGI on asgi.py"),
        pytest.param({"apache/site.conf": "WSGIScriptAlias / /srv/app/proj/wsgi.py\n"},
                     "suboptimal", {("apache/site.conf", 1, "DPL502")}, id="mod_wsgi on wsgi.py"),
        pytest.param({"apache/site.conf": "WSGIScriptAlias / /srv/app/proj/asgi.py\n"},
                     "mismatch", {("apache/site.conf", 1, "DPL506")},
                     id="mod_wsgi cannot serve asgi.py"),
        pytest.param({"uwsgi.json": '{"uwsgi": {"module": "proj.wsgi", "asyncio": 100}}'},
                     "suboptimal", {("uwsgi.json", 1, "DPL502")}, id="uWSGI's asyncio engine is still WSGI"),
    ],
)  # fmt: skip
def test_verdicts_from_server_configs(tmp_path: Path, files: dict[str, str], fit: str, findings: set):
    # The wrong app leaves the served protocol WSGI, but every request fails: DPL506 alone, as for `gunicorn proj.asgi`.
    report = report_for(tmp_path, files)
    assert report.model.verdicts["."].fit == fit
    assert found(report) == findings


def test_every_format_module_is_registered():
    # A format module whose FORMAT is missing from FORMATS would silently read nothing.
    import importlib
    import pkgutil

    from django_protolint.project.deploy import formats
    from django_protolint.project.deploy.base import DeploymentFormat

    declared = []
    for module in pkgutil.iter_modules(formats.__path__):
        loaded = importlib.import_module(f"{formats.__name__}.{module.name}")
        declared += [value for value in vars(loaded).values() if isinstance(value, DeploymentFormat)]
    assert declared and set(declared) == set(formats.FORMATS)
