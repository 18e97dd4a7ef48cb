"""Templated files (issue 12 §3, issue 13 §1): a cookiecutter tree's `.py` files are read as they render with
cookiecutter.json's defaults, line for line; a templated deployment file's arms are alternatives, not a split."""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

import pytest

from django_protolint.cache import FactsCache
from django_protolint.project.deploy.base import Deployment, DeployProblem
from django_protolint.project.deploy.files import read_deployment
from django_protolint.source.parse import build_facts
from django_protolint.source.template import defaults_of, evaluate, render, template_config_for
from tests.helpers import run, write_project

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

CONFIG = json.dumps({
    "project_name": "Corner Shop",
    "project_slug": "{{ cookiecutter.project_name.lower()|replace(' ', '_') }}",
    "use_async": "n",
    "cloud_provider": ["AWS", "None"],
    "use_sentry": "{{ 'y' if cookiecutter.cloud_provider == 'AWS' else 'n' }}",
})  # fmt: skip


def rendered(text: str, config: str = CONFIG) -> str:
    return render(textwrap.dedent(text).lstrip("\n"), defaults_of(config), python=True).text


# ----------------------------------------------------------------------------------------------- the defaults


def test_defaults_are_cookiecutters_a_lists_first_item_and_templates_rendered_in_order():
    values = defaults_of(CONFIG).values
    assert values["project_slug"] == "corner_shop"
    assert values["cloud_provider"] == "AWS"
    assert values["use_sentry"] == "y"


def test_a_condition_is_evaluated_in_jinjas_sandbox_and_unsafe_access_is_unknown():
    defaults = defaults_of(CONFIG)
    assert evaluate("cookiecutter.use_async == 'y'", defaults) == (True, False)
    assert evaluate("cookiecutter.project_name.__class__.__mro__", defaults)[0] is False  # the sandbox refuses
    assert evaluate("cookiecutter.not_an_option == 'y'", defaults)[0] is False  # undefined: unknown, not false
    assert evaluate("cookiecutter.not_an_option", defaults)[0] is False
    assert evaluate("cookiecutter.x |", defaults)[0] is False


def test_bad_json_gives_no_options_and_no_error():
    assert defaults_of("{not json").values == {}
    assert defaults_of("[1, 2]").values == {}


# ----------------------------------------------------------------------------------------------- rendering


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param("from {{ cookiecutter.project_slug }}.users import User\n",
                     "from " + "corner_shop".ljust(31) + ".users import User\n",
                     id="a name in code is padded to its width"),
        pytest.param("class {{ cookiecutter.project_slug }}Config: pass\n",
                     "class corner_shopConfig: pass\n", id="a name that goes on is joined"),
        pytest.param('APP = "{{ cookiecutter.project_slug }}.users"\n',
                     'APP = "corner_shop.users"\n', id="inside a string the exact value"),
        pytest.param("TITLE = {{ cookiecutter.project_name }}\n",
                     "TITLE = " + "_" * 31 + "\n", id="no name in code: a placeholder name"),
        pytest.param("if x:\n{%- if cookiecutter.use_async == 'y' %}\n    a()\n{%- else %}\n    b()\n{%- endif %}\n",
                     "if x:\n" + " " * 39 + "\n" + " " * 7 + "\n" + " " * 11 + "\n    b()\n" + " " * 12 + "\n",
                     id="the arm the defaults select, every other line blanked"),
        pytest.param('HOST = "{% if cookiecutter.use_async == \'y\' %}redis{% else %}localhost{% endif %}"\n',
                     'HOST = "localhost"\n', id="inline arms inside a string are dropped"),
        pytest.param("# see {% raw %}{{ url }}{% endraw %}\n", "# see          {{ url }}            \n",
                     id="raw keeps its content"),
        pytest.param("{# a note #}\nx = 1\n", "            \nx = 1\n", id="a comment is blanked"),
    ],
)  # fmt: skip
def test_rendering(template: str, expected: str):
    assert render(template, defaults_of(CONFIG), python=True).text == expected


def test_every_line_keeps_its_number_and_the_result_parses():
    template = """
    from django.http import JsonResponse
    {%- if cookiecutter.use_async == 'y' %}
    from {{ cookiecutter.project_slug }}.async_tools import gather
    {%- endif %}
    from {{ cookiecutter.project_slug }}.models import Product


    {% if cookiecutter.use_sentry == 'y' -%}
    def view(request):
        return JsonResponse({"n": Product.objects.count()})
    {%- else -%}
    async def view(request):
        return JsonResponse({"n": await Product.objects.acount()})
    {%- endif %}
    """
    text = rendered(template)
    assert text.count("\n") == textwrap.dedent(template).lstrip("\n").count("\n")
    tree = ast.parse(text)
    [function] = [node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    assert isinstance(function, ast.FunctionDef) and function.lineno == 9  # the sync arm, at its own line


def test_an_unknown_condition_takes_the_first_arm_and_says_so():
    rendering = render("{% if cookiecutter.missing == 'y' %}\na = 1\n{% else %}\nb = 2\n{% endif %}\n",
                       defaults_of(CONFIG), python=True)  # fmt: skip
    assert "a = 1" in rendering.text and "b = 2" not in rendering.text
    assert rendering.assumptions and rendering.note.startswith("rendered with assumptions")


def test_the_config_is_found_beside_the_outermost_template_directory():
    paths = {"tpl/cookiecutter.json"}
    assert template_config_for("tpl/{{cookiecutter.project_slug}}/{{cookiecutter.project_slug}}/a.py",
                               paths.__contains__) == "tpl/cookiecutter.json"  # fmt: skip
    assert template_config_for("tpl/{{cookiecutter.project_slug}}/a.py", set().__contains__) is None
    assert template_config_for("tpl/app/a.py", paths.__contains__) is None


# ----------------------------------------------------------------------------------------------- per-file facts


VIEWS = """\
from django.http import JsonResponse

from {{ cookiecutter.project_slug }}.models import Product
{%- if cookiecutter.use_async == 'n' %}


async def count(request):
    return JsonResponse({"n": Product.objects.count(), "shop": "{{ cookiecutter.project_name }}"})
{%- endif %}
"""


def test_facts_of_a_template_keep_the_templates_lines_and_columns():
    facts = build_facts(VIEWS.encode(), "t/{{cookiecutter.project_slug}}/views.py", "corner_shop.views", False, CONFIG)
    assert facts.problem is None
    assert facts.rendered == "rendered with cookiecutter.json's defaults"
    [query] = facts.queries
    assert (query.span.line, query.span.column) == (8, 30)  # where `Product.objects.count()` is in the template
    assert ("Product", "corner_shop.models.Product") in facts.imports


def test_without_a_template_config_the_same_file_is_no_python():
    facts = build_facts(VIEWS.encode(), "views.py", "views", False)
    assert facts.problem is not None and facts.problem.code == "DPL001"
    assert facts.rendered == ""


def test_a_file_that_still_fails_to_parse_stays_unanalysed_and_says_it_was_rendered():
    facts = build_facts(b"def f(:\n    {{ cookiecutter.project_slug }}\n", "t/x.py", "x", False, CONFIG)
    assert facts.problem is not None and facts.problem.code == "DPL001"
    assert "rendered with cookiecutter.json's defaults" in facts.problem.message


def test_the_cache_key_changes_with_the_template_config():
    key = FactsCache.key(b"digest", "a.py", "a", False)
    assert FactsCache.key(b"digest", "a.py", "a", False, CONFIG) != key
    assert FactsCache.key(b"digest", "a.py", "a", False, CONFIG.replace('"n"', '"y"')) != FactsCache.key(
        b"digest", "a.py", "a", False, CONFIG
    )


# ----------------------------------------------------------------------------------------------- projects


def test_the_fixture_template_is_linted_as_its_default_rendering():
    report = run(FIXTURES / "cookiecutter_template")
    files = {facts.path: facts for facts in report.model.files}
    views = files["{{cookiecutter.project_slug}}/{{cookiecutter.project_slug}}/catalog/views.py"]
    assert views.module == "corner_shop.catalog.views"  # the directory's name, rendered
    assert not [facts.path for facts in report.model.files if facts.problem is not None]
    [finding] = report.findings
    assert (finding.code, finding.span.line, finding.span.column) == ("DPL101", 10, 12)
    # its verdict, servers and template alternative: tests/claims/cookiecutter_template.py


def test_the_near_miss_is_never_rendered():
    report = run(FIXTURES / "plain_braces_in_strings")
    assert not [facts.path for facts in report.model.files if facts.rendered]
    views = next(facts for facts in report.model.files if facts.path == "greeter/views.py")
    assert views.problem is None


def test_a_template_directory_without_cookiecutter_json_is_not_rendered(tmp_path):
    write_project(tmp_path, {"{{cookiecutter.project_slug}}/app/views.py": VIEWS})
    report = run(tmp_path)
    [facts] = [facts for facts in report.model.files if facts.path.endswith("views.py")]
    assert facts.problem is not None and facts.problem.code == "DPL001" and facts.rendered == ""


# ----------------------------------------------------------------------------------------------- deployments


PROCFILE = """\
release: python manage.py migrate
{%- if cookiecutter.use_async == "y" %}
web: gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker
{%- else %}
web: gunicorn config.wsgi:application
{%- endif %}
"""

START = """\
#!/bin/bash
set -o errexit
python /app/manage.py collectstatic --noinput
{%- if cookiecutter.use_async == 'y' %}
exec gunicorn config.asgi --bind 0.0.0.0:5000 --chdir=/app -k uvicorn_worker.UvicornWorker
{%- else %}
exec gunicorn config.wsgi --bind 0.0.0.0:5000 --chdir=/app
{%- endif %}
"""


def servers(path: str, text: str, template: str | None) -> list[tuple[int, str, str, bool]]:
    found = read_deployment(path, text, lambda reference: None, "", template)
    assert not [entry for entry in found if isinstance(entry, DeployProblem)]
    return [(d.line, d.command.protocol, d.alternative, d.certain) for d in found if isinstance(d, Deployment)]


def test_a_procfiles_arms_are_the_default_and_its_alternative():
    assert servers("t/{{cookiecutter.project_slug}}/Procfile", PROCFILE, CONFIG) == [
        (5, "wsgi", "", True),
        (3, "asgi", 'cookiecutter.use_async == "y"', False),
    ]


def test_a_start_script_takes_the_server_of_its_default_arm():
    # cookiecutter-django's compose/production/django/start: the last command of the rendering, not of the file
    assert servers("t/{{cookiecutter.project_slug}}/compose/production/django/start", START, CONFIG) == [
        (7, "wsgi", "", True),
        (5, "asgi", "cookiecutter.use_async == 'y'", False),
    ]


def test_without_cookiecutter_json_the_first_arm_stands_for_the_file_unsure():
    assert servers("deploy/Procfile", PROCFILE, None) == [
        (3, "asgi", "", False),
        (5, "wsgi", 'not cookiecutter.use_async == "y"', False),
    ]


def test_a_plain_procfile_is_no_template():
    assert servers("Procfile", "web: gunicorn shop.wsgi\n", None) == [(1, "wsgi", "", True)]


ASGI_WITH_WEBSOCKETS = """\
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()


async def application(scope, receive, send):
    if scope["type"] == "http":
        await django_application(scope, receive, send)
    elif scope["type"] == "websocket":
        await websocket_application(scope, receive, send)


async def websocket_application(scope, receive, send):
    await send({"type": "websocket.accept"})
"""


def test_a_mismatch_only_the_defaults_make_is_left_to_the_templates_options(tmp_path):
    # cookiecutter-django: asgi.py handles websockets; use_async=n (the default) serves config.wsgi, and its hook
    # (never run here) deletes asgi.py in that rendering. The use_async=y arm serves it with an ASGI worker.
    (tmp_path / "cookiecutter.json").write_text(CONFIG, encoding="utf-8")
    write_project(tmp_path / "{{cookiecutter.project_slug}}", {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
        "config/settings.py": 'ROOT_URLCONF = "config.urls"\nINSTALLED_APPS = []\n',
        "config/urls.py": "urlpatterns = []\n",
        "config/asgi.py": ASGI_WITH_WEBSOCKETS,
        "config/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
        "Procfile": PROCFILE,
        "requirements.txt": "Django>=5.0\ngunicorn\nuvicorn-worker\n",
    })  # fmt: skip
    report = run(tmp_path)
    [verdict] = report.model.verdicts.values()
    assert (verdict.needs, verdict.served, verdict.fit) == ("asgi-required", "wsgi", "unknown")
    assert 'alternative (template arm `cookiecutter.use_async == "y"`): gunicorn' in verdict.summary
    assert not [f for f in report.findings if f.code.startswith("DPL5")]
