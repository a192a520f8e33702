"""One valid journey map for a command that needs one: `load_map(path)`; and a map checked with
some of its files' data replaced (`check_replaced`, for what-if overlays)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from journeyctl.core.errors import InputError, InvalidMapError
from journeyctl.core.findings import Finding, Severity
from journeyctl.core.limits import DEFAULT_LIMITS, Limits
from journeyctl.core.model import JourneyMap
from journeyctl.lint import config as configuration
from journeyctl.lint import schema
from journeyctl.lint.config import Config
from journeyctl.lint.document import Document
from journeyctl.lint.engine import check_map
from journeyctl.lint.loader import unreadable
from journeyctl.lint.project import include_roots
from journeyctl.lint.workspace import Checked, Workspace


def load_map(
    path: Path, limits: Limits = DEFAULT_LIMITS, config: Config | None = None
) -> JourneyMap:
    """The valid journey map rooted at `path`, for commands that need one; `config` (default:
    the discovered one) says which folders outside the project it may include.

    Raises InputError when the file cannot be read, ConfigError for a bad configuration and
    InvalidMapError (carrying validate's findings) when the map has errors.
    """
    return load_valid(Workspace(limits, include_roots(config or configuration.load())), path)[0]


def load_valid(workspace: Workspace, path: Path) -> tuple[JourneyMap, list[Checked]]:
    """`load_map` in `workspace`: the map and the files it spans, the root first."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    try:
        jmap, findings, closure = check_map(workspace, path)
    except OSError as exc:
        raise InputError(f"{path}: {unreadable(exc)}") from None
    errors = [f for f in findings if f.severity >= Severity.ERROR]
    if jmap is None or errors:
        raise InvalidMapError(sorted(set(findings), key=Finding.sort_key))
    if jmap.journey is None:
        raise InputError(f"{path}: not a journey map (it has no `journey:`); name the journey file")
    return jmap, closure


def check_replaced(
    workspace: Workspace, path: Path, documents: Mapping[Path, Document]
) -> tuple[JourneyMap | None, list[Finding]]:
    """The map rooted at `path` with `documents` (by resolved path) read in place of those
    files, and its findings: each document checked against the schema as a file is, then the
    map as `check_map` checks it (the model is None when a file has errors). `workspace`, which
    has loaded the map's files, is left as it was."""
    replaced = Workspace(workspace.limits, workspace.roots)
    replaced.files = {
        **workspace.files,
        **{
            p: Checked(p, doc, schema.check(doc, workspace.limits), text=doc.text)
            for p, doc in documents.items()
        },
    }
    jmap, findings, _ = check_map(replaced, path)
    return jmap, findings
