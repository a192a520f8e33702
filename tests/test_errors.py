"""The one error handler: every exception becomes an exit code and one line, never a traceback."""

from __future__ import annotations

import pytest
from conftest import MAPS

from journeyctl.cli import run
from journeyctl.lint import engine


def _explode(*args, **kwargs):
    raise KeyError("\x1b[2Jboom")


def test_a_bug_is_one_line_and_exit_3(monkeypatch, capsys):
    monkeypatch.delenv("JOURNEYCTL_DEBUG", raising=False)
    monkeypatch.setattr(engine, "lint", _explode)
    assert run(["validate", str(MAPS)]) == 3
    err = capsys.readouterr().err
    assert "internal error (KeyError:" in err and "bug in journeyctl" in err
    assert "Traceback" not in err and "\x1b[2J" not in err


def test_debug_shows_the_traceback(monkeypatch):
    monkeypatch.setenv("JOURNEYCTL_DEBUG", "1")
    monkeypatch.setattr(engine, "lint", _explode)
    with pytest.raises(KeyError):
        run(["validate", str(MAPS)])


def test_out_of_memory_is_exit_2(monkeypatch, capsys):
    def starve(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(engine, "lint", starve)
    assert run(["validate", str(MAPS)]) == 2
    assert "out of memory" in capsys.readouterr().err
