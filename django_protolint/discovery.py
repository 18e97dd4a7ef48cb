"""Which files to read: Python sources and the non-Python files the project pass needs."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django_protolint.project.dependencies import DEPENDENCY_FILE
from django_protolint.project.deploy.formats import reader_for
from django_protolint.project.proxy.read import proxy_file
from django_protolint.project.settings import SETTINGS_CONFIG_FILE

if TYPE_CHECKING:
    from django_protolint.source.template_hooks import HookReading

# Directories that are never project code: environments, caches, installed packages, VCS metadata.
# (Any other directory holding a `pyvenv.cfg` is a virtualenv too.)
DEFAULT_EXCLUDED_DIRECTORIES = (
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "__pycache__", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".django_protolint_cache", "node_modules", "site-packages", "build", "dist",
    ".eggs", "*.egg-info", "__pypackages__",
)  # fmt: skip


@dataclass(frozen=True)
class SourceFile:
    path: Path  # as found on disk
    display: str  # POSIX, relative to the working directory when inside it
    module: str
    is_package: bool
    # The cookiecutter.json (its shown path, among `Discovery.other`) of the template tree the file lies in: the
    # per-file pass renders the file with its defaults (source/template.py). None outside a template tree.
    template: str | None = None


@dataclass(frozen=True)
class Discovery:
    python: tuple[SourceFile, ...]
    other: tuple[tuple[Path, str], ...]  # (path, display) of dependency files
    missing: tuple[str, ...]  # paths given that do not exist
    unreadable: tuple[tuple[str, str], ...] = ()  # (display, reason) of directories the walk could not list


def display_path(path: Path, cwd: Path) -> str:
    absolute_text = os.path.abspath(path)
    if os.sep == "/":  # the same answer without pathlib, which was a tenth of a warm run
        inside = os.path.join(str(cwd), "")
        if absolute_text.startswith(inside):
            return absolute_text[len(inside) :]
        return "." if absolute_text == str(cwd) else absolute_text
    absolute = Path(absolute_text)
    try:
        return absolute.relative_to(cwd).as_posix()
    except ValueError:
        return absolute.as_posix()


def root_relative(path: Path, root: Path | None) -> str | None:
    """`path` relative to the configuration's directory, or None outside it. Patterns in `exclude` and
    `per-file-ignores` are anchored there, as in ruff, so they mean the same from any working directory."""
    if root is None:
        return None
    try:
        relative = Path(os.path.realpath(path)).relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative


def module_name(path: Path, packages: dict[str, tuple[str, ...]] | None = None) -> tuple[str, bool]:
    """Dotted name by walking up through packages (directories with `__init__.py`), as Python would import it.
    `packages` remembers, for one walk, each directory's package path (one `stat` per directory, not per file)."""
    absolute = os.path.abspath(path)
    directory, name = os.path.split(absolute)
    is_package = name == "__init__.py"
    prefix = _package_parts(directory, {} if packages is None else packages)
    parts = prefix if is_package else (*prefix, os.path.splitext(name)[0])
    return ".".join(parts), is_package


def _package_parts(directory: str, packages: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    found = packages.get(directory)
    if found is None:
        parent, name = os.path.split(directory)
        is_package = parent != directory and os.path.isfile(os.path.join(directory, "__init__.py"))
        found = (*_package_parts(parent, packages), name) if is_package else ()
        packages[directory] = found
    return found


@lru_cache(maxsize=64)
def _matchers(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """One regex for names and one for relative paths: the walk asks for every file, so fnmatch per pattern
    per file was a third of a warm run."""
    if not patterns:
        return None
    stripped = [pattern.rstrip("/") for pattern in patterns]
    names = "|".join(fnmatch.translate(pattern) for pattern in stripped)
    paths = "|".join(
        fnmatch.translate(form) for pattern in stripped for form in (pattern, f"{pattern}/*", f"*/{pattern}")
    )
    return re.compile(names), re.compile(paths)


def _excluded(relative: str, name: str, patterns: tuple[str, ...]) -> bool:
    matchers = _matchers(patterns)
    if matchers is None:
        return False
    return bool(matchers[0].match(name) or matchers[1].match(relative))


def _applicable(patterns: tuple[str, ...], prefix: str) -> tuple[str, ...]:
    """A pattern that excludes the directory given (or one above it) does not apply inside it: naming a
    directory on the command line asks for it, as in ruff."""
    if not prefix:
        return patterns
    name = prefix.rsplit("/", 1)[-1]
    return tuple(pattern for pattern in patterns if not _excluded(prefix, name, (pattern,)))


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def discover(
    paths: list[Path], exclude: tuple[str, ...], cwd: Path | None = None, root: Path | None = None
) -> Discovery:
    cwd = Path(os.path.abspath(cwd or Path.cwd()))
    directory_patterns = DEFAULT_EXCLUDED_DIRECTORIES + exclude
    python: dict[str, SourceFile] = {}
    other: dict[str, tuple[Path, str]] = {}
    missing: list[str] = []
    unreadable: list[tuple[str, str]] = []
    packages: dict[str, tuple[str, ...]] = {}
    templates = _TemplateTrees(cwd)

    def add(file: Path) -> None:
        display = display_path(file, cwd)
        if file.suffix == ".py":
            module, is_package = module_name(file, packages)
            template = templates.config_of(file)
            if template is not None:
                config_path, config_display, config_text = template
                other.setdefault(config_display, (config_path, config_display))
                module = templates.module(module, config_text)
            python.setdefault(display, SourceFile(file, display, module, is_package,
                                                  template[1] if template else None))  # fmt: skip
        elif (
            DEPENDENCY_FILE.search(display)
            or DEPENDENCY_FILE.search(file.name)
            or reader_for(display)
            or proxy_file(display)
            or SETTINGS_CONFIG_FILE.search(display)
        ):
            other.setdefault(display, (file, display))
            template = templates.config_of(file)  # a templated Procfile's arms are chosen by its defaults
            if template is not None:
                other.setdefault(template[1], (template[0], template[1]))

    for given in paths:
        if not given.exists() and not given.is_symlink():
            missing.append(display_path(given, cwd))
            continue
        if not given.is_dir():
            add(given)  # an explicitly named file is linted even if an exclude pattern matches it
            continue
        prefix = root_relative(given, root) or ""
        skip_directories, skip_files = _applicable(directory_patterns, prefix), _applicable(exclude, prefix)
        for directory, dirnames, filenames in _walk(given, unreadable, cwd):
            relative_dir = _join(prefix, display_path(directory, Path(os.path.abspath(given))))
            dirnames[:] = sorted(
                d
                for d in dirnames
                if not _excluded(_join(relative_dir, d), d, skip_directories)
                and not _is_virtualenv(directory / d)
                and not templates.deleted(directory / d)
            )
            for filename in sorted(filenames):
                if not _excluded(_join(relative_dir, filename), filename, skip_files) and not templates.deleted(
                    directory / filename
                ):
                    add(directory / filename)
    return Discovery(
        python=tuple(python[key] for key in sorted(python)),
        other=tuple(other[key] for key in sorted(other)),
        missing=tuple(missing),
        unreadable=tuple(unreadable),
    )


def walk_takes(file: Path, given: Path, exclude: tuple[str, ...], root: Path | None = None) -> bool:
    """Whether `discover([given], exclude, root=root)` would take `file`, a Python file under the directory `given`,
    were it on disk: an editor's unsaved new file joins its project only where the saved file would."""
    absolute, top = Path(os.path.abspath(file)), Path(os.path.abspath(given))
    if absolute.suffix != ".py" or not absolute.is_relative_to(top) or absolute == top:
        return False
    prefix = root_relative(top, root) or ""
    skip_directories = _applicable(DEFAULT_EXCLUDED_DIRECTORIES + exclude, prefix)
    relative, directory = prefix, top
    for name in absolute.relative_to(top).parts[:-1]:
        relative, directory = _join(relative, name), directory / name
        if _excluded(relative, name, skip_directories) or _is_virtualenv(directory):
            return False
    return not _excluded(_join(relative, absolute.name), absolute.name, _applicable(exclude, prefix))


class _TemplateTrees:
    """Which files lie in a cookiecutter template tree, and the module names its rendered directories give them.
    Each cookiecutter.json is read once, and only when a path has a `{{cookiecutter.*}}` directory on it."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.configs: dict[str, tuple[Path, str, str] | None] = {}
        self.hooks: dict[str, tuple[str, HookReading] | None] = {}  # template directory -> (project directory, hook)

    def config_of(self, file: Path) -> tuple[Path, str, str] | None:
        """(path, shown path, text) of the file's cookiecutter.json."""
        absolute = os.path.abspath(file)
        if "{{" not in absolute:
            return None
        from django_protolint.source.template import template_config_for

        found = template_config_for(absolute.replace(os.sep, "/"), os.path.isfile)
        if found is None:
            return None
        if found not in self.configs:
            try:
                text = Path(found).read_text(encoding="utf-8", errors="replace")
                self.configs[found] = (Path(found), display_path(Path(found), self.cwd), text)
            except OSError:
                self.configs[found] = None
        return self.configs[found]

    def deleted(self, path: Path) -> bool:
        """Whether the template's post-generation hook surely deletes this file or directory of the generated
        project (source/template_hooks.py): then it is no part of what is analysed, like an excluded file."""
        template = self.config_of(path)
        if template is None:
            return False
        config_path, _, config_text = template
        root = os.path.dirname(os.path.abspath(config_path))
        if root not in self.hooks:
            self.hooks[root] = _hook_of(root, config_text)
        found = self.hooks[root]
        if found is None:
            return False
        project, reading = found
        relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
        top, _, inside = relative.partition("/")
        if top != project or not inside:
            return False
        from django_protolint.source.template import defaults_of, render

        return reading.deletes(render(inside, defaults_of(config_text)).text)

    @staticmethod
    def module(module: str, config_text: str) -> str:
        """`{{cookiecutter.project_slug}}.users.models` as the rendered project names it: `my_project.users.models`."""
        if "{{" not in module:
            return module
        from django_protolint.source.template import render_name

        return render_name(module, config_text)


def _hook_of(root: str, config_text: str) -> tuple[str, HookReading] | None:
    """The template's project directory and what its post-generation hook deletes, read once per template. Only
    with one project directory beside cookiecutter.json: with several, which one cookiecutter takes is unsure."""
    from django_protolint.source.template_hooks import HOOK, read_hook  # only for templates: most runs never need it

    hook = os.path.join(root, *HOOK.split("/"))
    try:
        projects = [name for name in os.listdir(root) if "cookiecutter" in name and "{{" in name
                    and os.path.isdir(os.path.join(root, name))]  # fmt: skip
        if len(projects) != 1 or not os.path.isfile(hook):
            return None
        text = Path(hook).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    reading = read_hook(text, config_text)
    return (projects[0], reading) if reading.deletions else None


def _join(directory: str, name: str) -> str:
    if name in ("", "."):
        return directory
    return name if directory in ("", ".") else f"{directory}/{name}"


def _walk(root: Path, unreadable: list[tuple[str, str]], cwd: Path) -> Iterator[tuple[Path, list[str], list[str]]]:
    def record(error: OSError) -> None:
        # A directory we cannot list would otherwise vanish from the report without a word.
        where = Path(error.filename) if error.filename else root
        unreadable.append((display_path(where, cwd), error.strerror or type(error).__name__))

    # followlinks=False: a symlinked directory loop cannot make us walk forever.
    for directory, dirnames, filenames in os.walk(root, followlinks=False, onerror=record):
        yield Path(directory), dirnames, filenames
