"""Work in a background thread while the main thread waits on an engine (DuckDB reading a log
releases the GIL) or does other work, so that the two overlap instead of adding up."""

from __future__ import annotations

import importlib
import resource
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def start(fn: Callable[..., T], *args) -> Future[T]:
    """Run `fn(*args)` in a daemon thread (an interrupted command does not wait for it); its
    result, or the exception it raised, comes from `.result()`."""
    future: Future[T] = Future()

    def run() -> None:
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # handed to the caller by .result()
            future.set_exception(exc)

    threading.Thread(target=run, daemon=True, name=getattr(fn, "__name__", "work")).start()
    return future


def preload(*modules: str) -> Future[None]:
    """Start importing `modules` in the background. An import of one of them elsewhere waits
    for this one (Python's per-module import lock): no second copy, no partial module. Errors
    are left for that import to raise. Not under an address-space limit (`ulimit -v`), where
    the imports' mappings and the engine's at once could cross it: there the modules are
    imported where they are used, one thing at a time."""
    if resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY:
        done: Future[None] = Future()
        done.set_result(None)
        return done
    return start(_import, *modules)


def _import(*modules: str) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # raised again where the module is imported for use
            continue
