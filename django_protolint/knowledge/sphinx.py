"""Sphinx: how its configuration file looks, so that a settings module only the documentation build loads is
not taken for a Django project.

Sphinx reads `conf.py` in the source directory and executes it (sphinx/config.py `Config.read`, CONFIG_FILENAME
= "conf.py"). These are the general, HTML, LaTeX and manual-page configuration values the conf.py template of
`sphinx-quickstart` (sphinx/templates/quickstart/) and the documentation
(https://www.sphinx-doc.org/en/master/usage/configuration.html) define; `project`, `version` and `release` are
left out, being names any module may assign.
"""

from __future__ import annotations

CONFIGURATION_FILE = "conf.py"

CONFIGURATION_NAMES = frozenset({
    "extensions", "templates_path", "exclude_patterns", "source_suffix", "master_doc", "root_doc",
    "pygments_style", "html_theme", "html_theme_options", "html_static_path", "html_logo", "html_favicon",
    "htmlhelp_basename", "latex_documents", "latex_elements", "man_pages", "texinfo_documents",
    "intersphinx_mapping", "autodoc_default_options", "autodoc_mock_imports", "nitpicky", "nitpick_ignore",
})  # fmt: skip

# Where a project keeps its Sphinx source directory, by convention (`sphinx-quickstart docs`, Read the Docs).
DOCUMENTATION_DIRECTORIES = frozenset({"doc", "docs", "documentation", "sphinx"})
