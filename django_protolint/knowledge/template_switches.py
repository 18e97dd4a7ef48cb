"""Words that make a template's `{% if %}` a development switch: the arm it guards is the development rendering.

A deployment template rendered by a tool we do not model (Ansible's `template`, a Helm-like script) has options we
cannot evaluate. Taking its first arm then takes whatever the author wrote first, and authors write the development
arm first as often as not: awx's supervisor_web.conf.j2 has `{% if kube_dev | bool %} command = make uwsgi
{% else %} command = .../uwsgi /etc/tower/uwsgi.ini {% endif %}`. A switch named for development is off in the
production rendering, which is the one the verdict is about.

A condition is a development switch when one of its variables, split into words (`kube_dev` → kube, dev;
`useReloader` → use, reloader), has one of these words. Whole words only: `device_type` and `devops_user` are
not switches, `local_settings_path` is (a local-development override is not the production rendering either).
"""

from __future__ import annotations

# word -> where it is seen used as a development switch
DEVELOPMENT_SWITCH_WORDS: dict[str, str] = {
    "dev": "awx tools/ansible/roles/dockerfile/templates/supervisor_web.conf.j2 `{% if kube_dev | bool %}`",
    "devel": "short for development: awx's `/awx_devel` checkout that its `kube_dev` arms run from",
    "develop": "`develop` build flags (setuptools `develop`, `DEVELOP=1`)",
    "development": "`{% if environment == 'development' %}`, cookiecutter `use_development_*` options",
    "debug": "Django's DEBUG setting (docs.djangoproject.com/en/stable/ref/settings/#debug): never on in production",
    "local": "`{% if local %}`, `use_local_*`: a local-machine rendering",
    "reload": "`reload`/`autoreload` switches: code reloading is a development-server feature",
    "reloader": "werkzeug's `use_reloader` (werkzeug.palletsprojects.com/en/stable/serving/)",
    "autoreload": "Django's runserver autoreloader (django/utils/autoreload.py)",
}
