"""Figures as machine output (JSON) writes them: 6 decimals, so that output is the same byte
for byte whatever the last bits of a float."""

from __future__ import annotations

import math
from typing import Any


def rounded(x: float | None) -> float | None:
    """`x` to 6 decimals, as the JSON reports give figures (a Python int as it is); None for
    None, nan or inf."""
    if x is None or not math.isfinite(x):
        return None
    return x if type(x) is int else round(float(x), 6)


def rounded_fields(d: dict[str, Any]) -> dict[str, Any]:
    """`d` with its float values to 6 decimals, the others as they are."""
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in d.items()}
