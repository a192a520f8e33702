"""The project around the files validate is given: where its root is, and which of its map
files include a catalogue, so that a change to a catalogue also checks the maps that use it."""

from __future__ import annotations

from pathlib import Path

from journeyctl.core.limits import Limits
from journeyctl.lint.config import Config
from journeyctl.lint.loader import read_limited
from journeyctl.lint.workspace import Workspace, tree_root, yaml_files


def project_root(config: Config) -> Path:
    """The project's folder: the configuration file's, else the git working tree around the
    working directory, else the working directory."""
    return config.root if config.path is not None else repo_root()


def repo_root(start: Path | None = None) -> Path:
    """The git working tree above `start` (default: the working directory), else `start`."""
    return tree_root((start or Path.cwd()).resolve())


def include_roots(config: Config) -> tuple[Path, ...]:
    """The folders a map's includes may lie in, beside the git working tree around the map:
    the project root and the configuration's `include-roots`."""
    return (project_root(config), *config.include_roots)


def dependents(
    workspace: Workspace, targets: set[Path], config: Config, known: set[Path]
) -> dict[Path, list[Path]]:
    """The project's map files that include one of `targets` (resolved paths), directly or
    through other includes, by target; files in `known` are left out.

    The project root (`project_root`) is walked once, as folders are for validate, less
    what `config` excludes. A target outside the root has no dependents.
    """
    root = project_root(config)
    found: dict[Path, list[Path]] = {t: [] for t in targets if t.is_relative_to(root)}
    if not found:
        return {}
    for path in yaml_files(root, config.excluded):
        if config.excluded(path) or not _may_include(path, workspace.limits):
            continue
        try:
            item = workspace.checked(path)
        except OSError:
            continue
        if item.document is None or item.path in known:
            continue
        closure, _ = workspace.closure(item.path)
        for included in closure[1:]:
            if included.path in found:
                found[included.path].append(item.path)
    return {t: paths for t, paths in found.items() if paths}


def _may_include(path: Path, limits: Limits) -> bool:
    """Whether the file could be a map with includes: a look at its bytes, before loading."""
    try:
        data = read_limited(path, limits.max_bytes)
    except OSError:
        return False
    return len(data) <= limits.max_bytes and b"journeyctl" in data and b"include" in data
