"""Work in a background thread: results and errors come back to the caller; preloading."""

from __future__ import annotations

import sys

import pytest

from journeyctl.core.background import preload, start


def test_a_result_and_an_error_come_back_from_the_thread():
    assert start(sum, [1, 2, 3]).result(timeout=10) == 6
    with pytest.raises(ZeroDivisionError):
        start(divmod, 1, 0).result(timeout=10)


def test_preload_imports_and_leaves_errors_to_the_caller(monkeypatch):
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    preload("no_such_module_here", "colorsys").result(timeout=10)  # raises nothing
    assert "colorsys" in sys.modules
    assert "no_such_module_here" not in sys.modules


def test_no_preload_under_an_address_space_limit(monkeypatch):
    """With `ulimit -v`, imports are not run beside the engine's work (their mappings and the
    engine's at once could cross the limit): preload does nothing."""
    import resource

    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    monkeypatch.setattr(resource, "getrlimit", lambda which: (1 << 30, resource.RLIM_INFINITY))
    preload("colorsys").result(timeout=10)
    assert "colorsys" not in sys.modules
