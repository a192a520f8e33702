"""Bounds that keep untrusted YAML from exhausting time or memory."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """How large, deep or wide untrusted input may be before it is refused."""

    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 200_000
    """Nodes after alias expansion: an alias counts every node it stands for."""
    max_number: int = 10**12
    """The magnitude of any number (weight, affinity, emotion, hours): NaN and infinity never."""
    max_include_depth: int = 32
    """Files in one chain of includes below the map."""
    max_files: int = 256
    """Files in one map, the map and everything it includes."""


DEFAULT_LIMITS = Limits()
