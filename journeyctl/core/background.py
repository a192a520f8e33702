"""Import modules in a background thread while the main thread waits on an engine (DuckDB
reading a log releases the GIL), so that the imports overlap its work instead of adding to it."""

from __future__ import annotations

import importlib
import resource
import threading


def preload(*modules: str) -> threading.Thread | None:
    """Start importing `modules` in a daemon thread (an interrupted command does not wait for
    it), returned. An import of one of them elsewhere waits for this one (Python's per-module
    import lock): no second copy, no partial module. Errors are left for that import to raise.
    Not under an address-space limit (`ulimit -v`), where the imports' mappings and the
    engine's at once could cross it: there the modules are imported where they are used, one
    thing at a time (None)."""
    if resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY:
        return None
    thread = threading.Thread(target=_import, args=modules, daemon=True, name="preload")
    thread.start()
    return thread


def _import(*modules: str) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # raised again where the module is imported for use
            continue
