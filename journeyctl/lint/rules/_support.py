"""Small helpers the logic rules share."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, known: Iterable[str], kind: str) -> str:
    """A hint naming the closest known id, or how to define one."""
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"define a {kind} with id `{name}`, or fix the reference"
