"""The deployment-file formats, each one module that says which files it reads and how.

A new format is a module here with a `FORMAT` (see `DeploymentFormat` in deploy/base.py) and one line in `FORMATS`.
The first format whose `matches` accepts a path reads it, so the order below settles the few overlaps: a `.sh` or
an extension-less `entrypoint` in an Apache directory is a script, a `.conf` there is read by content.
"""

from __future__ import annotations

from django_protolint.project.deploy.base import TEMPLATE_SUFFIX, DeploymentFormat, Reader, basename, template_stem
from django_protolint.project.deploy.formats import (
    apache_site,
    dockerfile,
    fly,
    ini,
    json_configs,
    makefile,
    package_json,
    procfile,
    shell_script,
    systemd,
    uwsgi_xml,
    yaml_manifests,
)

FORMATS: tuple[DeploymentFormat, ...] = (
    procfile.FORMAT,
    dockerfile.FORMAT,
    yaml_manifests.FORMAT,
    shell_script.FORMAT,
    makefile.FORMAT,
    systemd.FORMAT,
    ini.INI_FORMAT,
    ini.CONF_FORMAT,
    apache_site.FORMAT,
    uwsgi_xml.FORMAT,
    json_configs.FORMAT,
    fly.FORMAT,
    package_json.FORMAT,
)


def format_of(path: str) -> DeploymentFormat | None:
    """The format that reads this file; a configuration template (`gunicorn.service.j2`) is read as the file it
    renders to."""
    name = basename(path)
    if TEMPLATE_SUFFIX.search(name) and template_stem(name):
        return format_of(template_stem(path))
    return next((candidate for candidate in FORMATS if candidate.matches(path)), None)


def reader_for(path: str) -> Reader | None:
    found = format_of(path)
    return found.read if found is not None else None
