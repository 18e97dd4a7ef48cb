"""Apache sites without a `.conf` suffix: `.htaccess` and the files of Apache's configuration directories."""

from __future__ import annotations

import re

from django_protolint.project.deploy import apache
from django_protolint.project.deploy.base import DeploymentFormat, Found, ScriptLookup, basename


def read_apache(path: str, text: str, scripts: ScriptLookup) -> Found:
    return apache.read_apache(path, text)


# Apache's configuration directories; Debian's sites-available/ files had no extension before Apache 2.4.
_APACHE_DIRECTORY = re.compile(r"(^|/)(apache2?|httpd|sites-available|sites-enabled|vhosts?)/")


def _is_apache_site(path: str) -> bool:
    name = basename(path)
    return name.lower() == ".htaccess" or bool(_APACHE_DIRECTORY.search(path)) and "." not in name


FORMAT = DeploymentFormat("Apache site", _is_apache_site, read_apache)
