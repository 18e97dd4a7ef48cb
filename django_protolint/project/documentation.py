"""Files that only the documentation build runs.

A Sphinx `conf.py` that documents a Django project with autodoc sets DJANGO_SETTINGS_MODULE and calls
`django.setup()` (argus' docs/conf.py names `django_settings`, a module beside it; cookiecutter-django's names
`config.settings.local`). Sphinx imports those settings to read docstrings; no server and no manage.py command
ever runs with them, so they neither make a Django project nor say which settings a project runs with.
"""

from __future__ import annotations

from django_protolint.knowledge import sphinx
from django_protolint.source.facts import FileFacts
from django_protolint.source.static import Assignment


def is_sphinx_configuration(facts: FileFacts) -> bool:
    """A `conf.py` in a documentation directory (`docs/conf.py`, or `docs/source/conf.py` of Sphinx's split
    layout), or one that sets Sphinx's own values."""
    *directories, name = facts.path.split("/")
    if name != sphinx.CONFIGURATION_FILE:
        return False
    # Only the nearest two: a directory far above (`~/docs/work/shop/`) is the user's, not the documentation's.
    if any(directory.lower() in sphinx.DOCUMENTATION_DIRECTORIES for directory in directories[-2:]):
        return True
    return any(
        isinstance(statement, Assignment) and statement.target in sphinx.CONFIGURATION_NAMES
        for statement in facts.statements
    )
