"""The top of the linted tree: the deepest directory holding every file read.

Paths are shown relative to the working directory, so linting `~/dev/shop` from `~` gives `dev/shop/Dockerfile`.
Directories above the top are the user's, not the project's: a `dev/` or `tests/` there says nothing about a
deployment file's environment or a project's purpose.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable


def tree_top(paths: Iterable[str]) -> str:
    directories = [path.rsplit("/", 1)[0] if "/" in path else "" for path in paths]
    try:
        return posixpath.commonpath(directories) if directories else ""
    except ValueError:  # absolute and relative paths together: two trees given
        return ""


def below_top(path: str, top: str) -> str:
    """`path` relative to the top of the tree (unchanged when it is not under it)."""
    if top and (path == top or path.startswith(top.rstrip("/") + "/")):
        return path[len(top.rstrip("/")) + 1 :] or "."
    return path
