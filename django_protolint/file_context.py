"""The project a named file belongs to: where `check FILE` and `report FILE` read the rest of the project from.

A file's findings depend on other files: its Django version comes from `requirements.txt`, a view breaks because
of a helper module, a Procfile decides the verdict. An editor or a staged-file run names one file and must get the
findings a whole-project run gives for it, so the analysis covers the file's project and only the output is
narrowed to the file (as `--report-only` does).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# A repository's top is where a whole-project run (pre-commit, CI) starts: the nearest one wins.
_REPOSITORY_MARKERS = (".git", ".hg", ".svn")
# Files a Django project's top holds. Without a repository, the outermost directory holding one is the project:
# requirements often sit one level above manage.py (`repo/requirements.txt`, `repo/src/manage.py`).
_PROJECT_MARKER = re.compile(
    r"^(manage\.py|pyproject\.toml|setup\.py|setup\.cfg|Pipfile|Procfile|requirements[\w.-]*\.(txt|in)|requirements"
    r"|Dockerfile[\w.-]*|(docker-)?compose[\w.-]*\.ya?ml)$"
)


def project_root(file: Path) -> Path | None:
    """The directory to analyse for `file`: the repository it lies in, else the outermost directory above it that
    holds a project file, else the directory holding its outermost package. None for a lone script outside any
    of these (then the file is analysed on its own, as before)."""
    start = Path(os.path.abspath(file)).parent
    stops = {Path(os.path.abspath(os.path.expanduser("~"))), Path(start.anchor)}
    outermost: Path | None = None
    for directory in (start, *start.parents):
        if directory in stops:
            break
        try:
            names = os.listdir(directory)
        except OSError:
            break
        if any(marker in names for marker in _REPOSITORY_MARKERS):
            return directory
        if any(_PROJECT_MARKER.match(name) for name in names):
            outermost = directory
    if outermost is not None:
        return outermost
    return _package_top(start)


def _package_top(directory: Path) -> Path | None:
    if not (directory / "__init__.py").is_file():
        return None
    while (directory.parent / "__init__.py").is_file() and directory.parent != directory:
        directory = directory.parent
    return directory.parent
