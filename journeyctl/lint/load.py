"""One valid journey map for a command that needs one: `load_map(path)`."""

from __future__ import annotations

from pathlib import Path

from journeyctl.core.errors import InputError, InvalidMapError
from journeyctl.core.findings import Finding, Severity
from journeyctl.core.limits import DEFAULT_LIMITS, Limits
from journeyctl.core.model import JourneyMap
from journeyctl.lint import config as configuration
from journeyctl.lint.config import Config
from journeyctl.lint.engine import check_map
from journeyctl.lint.loader import unreadable
from journeyctl.lint.project import include_roots
from journeyctl.lint.workspace import Workspace


def load_map(
    path: Path, limits: Limits = DEFAULT_LIMITS, config: Config | None = None
) -> JourneyMap:
    """The valid journey map rooted at `path`, for commands that need one; `config` (default:
    the discovered one) says which folders outside the project it may include.

    Raises InputError when the file cannot be read, ConfigError for a bad configuration and
    InvalidMapError (carrying validate's findings) when the map has errors.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file")
    workspace = Workspace(limits, include_roots(config or configuration.load()))
    try:
        jmap, findings, _ = check_map(workspace, path)
    except OSError as exc:
        raise InputError(f"{path}: {unreadable(exc)}") from None
    errors = [f for f in findings if f.severity >= Severity.ERROR]
    if jmap is None or errors:
        raise InvalidMapError(sorted(set(findings), key=Finding.sort_key))
    if jmap.journey is None:
        raise InputError(f"{path}: not a journey map (it has no `journey:`); name the journey file")
    return jmap
