"""Bounds that keep untrusted YAML from exhausting time or memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """How large a map file may be before it is refused."""

    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 200_000
    """Nodes after alias expansion: an alias counts every node it stands for."""


DEFAULT_LIMITS = Limits()
