"""Where findings' files stand relative to the repository root, for CI annotations and SARIF."""

from __future__ import annotations

from functools import cache
from pathlib import Path


def repo_root(start: Path | None = None) -> Path:
    """The git working tree above `start` (default: the working directory), else `start`."""
    return _root_of((start or Path.cwd()).resolve())


@cache
def _root_of(here: Path) -> Path:
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def repo_relative(file: str, root: Path | None = None) -> str | None:
    """`file` (as findings name it) relative to the repository root, with `/`; None outside it."""
    root = root or repo_root()
    path = Path(file)
    path = (path if path.is_absolute() else Path.cwd() / path).resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None
