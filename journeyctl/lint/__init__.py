"""Reading and checking map files: from YAML on disk to a valid `JourneyMap` and findings.

The safe YAML loader (`loader`, `document`), the JSON Schema check (`schema`), files and
includes (`workspace`), the rules (`rules/`, one module per code), inline disables
(`suppressions`), the project configuration (`config`), the validate pipeline (`engine`),
`load_map` for the other commands (`load`) and validate's output formats (`reporters/`).
Imports `journeyctl.core` only.
"""

from __future__ import annotations

_API = {"lint": "journeyctl.lint.engine", "LintReport": "journeyctl.lint.engine",
        "load_map": "journeyctl.lint.load"}  # fmt: skip
__all__ = sorted(_API)


def __getattr__(name: str):
    """`lint`, `LintReport` and `load_map`, imported on first use (start-up stays light)."""
    if name not in _API:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_API[name]), name)
