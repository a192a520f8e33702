"""Where findings' files stand relative to the repository root, and those paths as URIs."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote_from_bytes

from journeyctl.lint.project import repo_root


def repo_relative(file: str, root: Path | None = None) -> str | None:
    """`file` (as findings name it) relative to the repository root, with `/`; None outside it."""
    root = root or repo_root()
    path = Path(file)
    path = (path if path.is_absolute() else Path.cwd() / path).resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def uri_reference(rel: str) -> str:
    """The relative path `rel` as an RFC 3986 URI reference: its UTF-8 bytes percent-encoded,
    all but the unreserved characters and `/` (so spaces, `#`, `%`, `?` and non-ASCII)."""
    return quote_from_bytes(os.fsencode(rel), safe="/")
