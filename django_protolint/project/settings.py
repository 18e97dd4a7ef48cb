"""Which settings module a project runs with, and what it says, evaluated statically.

Where we look for DJANGO_SETTINGS_MODULE, strongest first: the configuration (`settings`), `asgi.py`/`wsgi.py`
(what the deployment runs), `manage.py`, any other `os.environ.setdefault(...)`; failing those, a module named
like settings that defines INSTALLED_APPS. A project with several (base/local/production) keeps them all and
says which one each conclusion used.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass, field, replace

from django_protolint.config import load_toml_text
from django_protolint.project.documentation import is_sphinx_configuration
from django_protolint.project.evaluate import Namespace, Value, evaluate_module
from django_protolint.project.modules import ModuleIndex, source_root
from django_protolint.source.facts import FileFacts
from django_protolint.source.static import Assignment

SETTINGS_VARIABLE = "DJANGO_SETTINGS_MODULE"
_SOURCE_RANK = {"configuration": 0, "asgi.py": 1, "wsgi.py": 1, "manage.py": 2, "environment": 3, ".env": 3,
                "pytest": 4, "guessed": 5}  # fmt: skip
# Non-Python files that may name the settings module: pytest's configuration and dotenv files.
# A settings package's test module (`settings/test.py`, `settings/test_ci.py`) and `test_settings.py` at any level.
_TEST_MODULE_NAME = re.compile(r"tests?|testing|test_\w+")
_TEST_SETTINGS_NAME = re.compile(r"(tests?|testing)_?settings|settings_(tests?|testing)")
SETTINGS_CONFIG_FILE = re.compile(r"(^|/)(pytest\.ini|tox\.ini|setup\.cfg|pyproject\.toml|\.env|[^/]*\.env)$")


@dataclass(frozen=True)
class SettingsReference:
    module: str
    root: str
    source: str  # "configuration", "asgi.py", "wsgi.py", "manage.py", "environment", "guessed"
    path: str
    line: int

    @property
    def is_test_configuration(self) -> bool:
        return self.source == "pytest"

    @property
    def evidence(self) -> str:
        if self.source == "guessed":
            return f"{self.path} defines INSTALLED_APPS"
        return f"{self.path}:{self.line} sets {SETTINGS_VARIABLE}={self.module}"


@dataclass
class SettingsModule:
    reference: SettingsReference
    facts: FileFacts | None  # None: referenced but not found
    namespace: Namespace | None

    def get(self, name: str) -> Value | None:
        return self.namespace.get(name) if self.namespace is not None else None

    def value(self, name: str, default: object = None) -> object:
        found = self.get(name)
        return found.value if found is not None else default

    @property
    def runs_only_tests(self) -> bool:
        """Test settings, never what the application is served with: named only by pytest's configuration, or
        by name (`settings/test.py`, `settings/testing.py`, `settings/test_ci.py`, `test_settings.py`)."""
        if self.reference.is_test_configuration:
            return True
        *packages, name = self.reference.module.split(".")
        if _TEST_SETTINGS_NAME.fullmatch(name):
            return True
        return bool(packages) and "settings" in packages[-1] and bool(_TEST_MODULE_NAME.fullmatch(name))


@dataclass
class Evaluations:
    """Memoised module namespaces; a star-import cycle evaluates to what was known when it closed."""

    index: ModuleIndex
    done: dict[tuple[str, str], Namespace] = field(default_factory=dict)
    running: set[tuple[str, str]] = field(default_factory=set)

    def namespace(self, module: str, root: str) -> Namespace | None:
        facts = self.index.find(module, root)
        if facts is None:
            return None
        key = (source_root(facts), facts.module)
        if key in self.done:
            return self.done[key]
        if key in self.running:
            return None
        self.running.add(key)
        try:
            # Relative star imports (`from .base import *`) arrive already made absolute by the visitor.
            namespace = evaluate_module(facts.path, facts.statements, lambda other: self.namespace(other, key[0]))
        finally:
            self.running.discard(key)
        self.done[key] = namespace
        return namespace


def _file_kind(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name if name in ("asgi.py", "wsgi.py", "manage.py") else "environment"


def _line_naming(text: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if SETTINGS_VARIABLE in line and not line.lstrip().startswith(("#", ";")):
            return number
    return 1


def pytest_option(path: str, text: str, option: str) -> object:
    """pytest's `option` as the configuration file at `path` sets it: `[tool.pytest.ini_options]` of a
    pyproject.toml (any TOML value), `[pytest]` or `[tool:pytest]` of pytest.ini, tox.ini or setup.cfg (a string);
    None when the file does not set it or cannot be read."""
    if path.rsplit("/", 1)[-1] == "pyproject.toml":
        tool = (load_toml_text(text) or {}).get("tool")
        pytest = tool.get("pytest") if isinstance(tool, dict) else None
        options = pytest.get("ini_options") if isinstance(pytest, dict) else None
        return options.get(option) if isinstance(options, dict) else None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    for section in ("pytest", "tool:pytest"):
        if parser.has_option(section, option.lower()):
            return parser.get(section, option.lower())
    return None


def _from_config_file(path: str, text: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if name == "pyproject.toml":
        value = pytest_option(path, text, SETTINGS_VARIABLE)
        return value if isinstance(value, str) else None
    if name.endswith(".env") or name == ".env":
        for line in text.splitlines():
            match = re.match(
                rf"^\s*(?:export\s+)?{SETTINGS_VARIABLE}\s*=\s*['\"]?([A-Za-z_][\w.]*)['\"]?\s*(#.*)?$", line
            )
            if match:
                return match.group(1)
        return None
    value = pytest_option(path, text, SETTINGS_VARIABLE)
    return value.strip() or None if isinstance(value, str) else None


def text_references(texts: dict[str, str]) -> list[SettingsReference]:
    """DJANGO_SETTINGS_MODULE named by pytest's configuration or a dotenv file (rooted at the file's directory)."""
    references = []
    for path, text in sorted(texts.items()):
        if SETTINGS_VARIABLE not in text or not SETTINGS_CONFIG_FILE.search(path):
            continue
        module = _from_config_file(path, text)
        if module:
            root = path.rsplit("/", 1)[0] if "/" in path else "."
            source = ".env" if path.endswith(".env") else "pytest"
            references.append(SettingsReference(module, root, source, path, _line_naming(text)))
    return references


def settings_references(files: tuple[FileFacts, ...], configured: str | None = None,
                        texts: dict[str, str] | None = None) -> list[SettingsReference]:  # fmt: skip
    references: list[SettingsReference] = text_references(texts or {})
    # Settings a Sphinx conf.py loads for autodoc configure the documentation build only (project/documentation.py).
    documentation = {facts.path: facts for facts in files if is_sphinx_configuration(facts)}
    documented = {name for facts in documentation.values() for name in _settings_named(facts)}
    for facts in files:
        if facts.path in documentation:
            continue
        for default in facts.environment_defaults:
            if default.name == SETTINGS_VARIABLE:
                references.append(
                    SettingsReference(
                        default.value, source_root(facts), _file_kind(facts.path), facts.path, default.span.line
                    )
                )
    if configured:
        roots = sorted({ref.root for ref in references}) or ["."]
        references.extend(SettingsReference(configured, root, "configuration", "", 0) for root in roots)
    if not references:
        for facts in files:
            if facts.module in documented:
                continue
            if "settings" in facts.module.split(".")[-1] or ".settings" in f".{facts.module}":
                if any(isinstance(s, Assignment) and s.target == "INSTALLED_APPS" for s in facts.statements):
                    references.append(SettingsReference(facts.module, source_root(facts), "guessed", facts.path, 1))
    return sorted(references, key=_reference_order)


def _settings_named(facts: FileFacts) -> list[str]:
    return [default.value for default in facts.environment_defaults if default.name == SETTINGS_VARIABLE]


def _reference_order(reference: SettingsReference) -> tuple[str, int, str, str]:
    return (reference.root, _SOURCE_RANK[reference.source], reference.path, reference.module)


def load_settings(references: list[SettingsReference], evaluations: Evaluations) -> dict[str, list[SettingsModule]]:
    """Settings modules per root, the one the deployment uses first."""
    # A reference belongs to the root its settings module lives in, not to the root of the file that names it:
    # a src/ layout's top-level manage.py (`sys.path.insert(0, "src")`) names `mysite.settings`, which lives in
    # src/. Keyed by the file's own root, that manage.py made a second project at "." with the same settings.
    rooted = []
    for reference in references:
        facts = evaluations.index.find(reference.module, reference.root)
        if facts is not None and source_root(facts) != reference.root:
            reference = replace(reference, root=source_root(facts))
        rooted.append(reference)
    by_root: dict[str, list[SettingsModule]] = {}
    for reference in sorted(rooted, key=_reference_order):
        modules = by_root.setdefault(reference.root, [])
        if any(existing.reference.module == reference.module for existing in modules):
            continue
        facts = evaluations.index.find(reference.module, reference.root)
        namespace = evaluations.namespace(reference.module, reference.root) if facts else None
        modules.append(SettingsModule(reference, facts, namespace))
    # pytest's DJANGO_SETTINGS_MODULE configures the test run of a project that something else starts: where
    # another root is run (manage.py, asgi.py, wsgi.py, the configuration), a root named only there is no project
    # of its own (`tests.settings` beside a src/ layout whose manage.py runs `mysite.settings`).
    launched = {root for root, modules in by_root.items()
                if any(not module.reference.is_test_configuration for module in modules)}  # fmt: skip
    if launched:
        by_root = {root: modules for root, modules in by_root.items() if root in launched}
    return by_root
