"""Preloading imports in a background thread, and not under an address-space limit."""

from __future__ import annotations

import resource
import sys

from journeyctl.core.background import preload


def test_preload_imports_and_leaves_errors_to_the_caller(monkeypatch):
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    preload("no_such_module_here", "colorsys").join(timeout=10)  # raises nothing
    assert "colorsys" in sys.modules
    assert "no_such_module_here" not in sys.modules


def test_no_preload_under_an_address_space_limit(monkeypatch):
    """With `ulimit -v`, imports are not run beside the engine's work (their mappings and the
    engine's at once could cross the limit): preload does nothing."""
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    monkeypatch.setattr(resource, "getrlimit", lambda which: (1 << 30, resource.RLIM_INFINITY))
    assert preload("colorsys") is None
    assert "colorsys" not in sys.modules
