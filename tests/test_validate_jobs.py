"""`validate --jobs`: files checked in worker processes give the report one process gives,
byte for byte, in every format; the workers' failures and Ctrl-C end the run cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import DATA, MAPS, ROOT

from journeyctl.lint import engine
from journeyctl.lint.reporters import REPORTERS

sys.path.insert(0, str(ROOT / "bench"))
from mapgen import write_maps

DISABLES = (
    "# journeyctl: disable-line=JM101\n"  # silences the next line's finding
    "  - {id: buy, stage: purchse, channel: web, engagement: active}\n"
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with a configuration file: maps with includes (and a catalogue outside the
    folder validated, for dependents), the acceptance cases (errors, include cycles, missing
    includes), disable comments used and unused, a file that is no map, generated maps."""
    shutil.copytree(MAPS, tmp_path / "maps")
    more = tmp_path / "more"
    shutil.copytree(ROOT / "tests" / "cases", more / "cases")
    shutil.copytree(DATA / "ci", more / "ci")
    bad = more / "ci" / "bad.yaml"
    text = bad.read_text(encoding="utf-8").replace(DISABLES.splitlines(True)[1], DISABLES)
    bad.write_text(text + "# journeyctl: disable-line=JM999\n", encoding="utf-8")
    (more / "not-a-map.yaml").write_text("name: something else\n", encoding="utf-8")
    write_maps(more / "generated", 12)
    (tmp_path / ".journeyctl.yaml").write_text(
        "severity:\n  JM119: warning\nper-file-ignores:\n  'more/ci/warning.yaml': [JM107]\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(engine, "PARALLEL_FROM", 2)  # a pool even for a small folder
    return tmp_path


RUNS = [
    ("more",),
    ("more", "maps/catalog/channels.yaml"),  # its dependents in maps/ are checked too
]


@pytest.mark.parametrize("args", RUNS, ids=["folder", "dependents"])
@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_format_is_the_same_whatever_the_jobs(cli, project, monkeypatch, fmt, args):
    pools = []
    real = engine._in_workers
    monkeypatch.setattr(engine, "_in_workers", lambda *a: pools.append(a[2]) or real(*a))
    one = cli("validate", *args, "-f", fmt, "--jobs", "1")
    assert one.code == 1 and one.out, one.err
    assert "JM101" in one.out and "JM030" in one.out and "JM021" in one.out
    for jobs in (["--jobs", "2"], ["-j", "3"], []):
        other = cli("validate", *args, "-f", fmt, *jobs)
        assert (other.code, other.out, other.err) == (one.code, one.out, one.err), jobs
    assert pools[:2] == [2, 3]  # the pool ran (the default, on one core, runs in process)


def test_the_library_report_is_the_same_whatever_the_jobs(project):
    from journeyctl.lint import config

    settings = config.load(None)
    one = engine.lint([project / "more"], config=settings, dependents=True)
    two = engine.lint([project / "more"], config=settings, dependents=True, jobs=2)
    assert one == two and one.maps  # the maps come back from the workers too
    assert not engine.lint([project / "more"], jobs=2, maps=False).maps


@pytest.mark.parametrize("value", ["0", "-1", "two", ""])
def test_a_bad_jobs_value_is_a_usage_error(cli, value):
    result = cli("validate", MAPS, "--jobs", value)
    assert result.code == 2 and "--jobs" in result.err


def _die(paths):
    os._exit(9)


def _fail(paths):
    raise RuntimeError("worker bug")


def test_a_worker_that_dies_ends_the_run_with_an_error(cli, project, monkeypatch):
    monkeypatch.setattr(engine, "_examine_chunk", _die)
    result = cli("validate", "more", "--jobs", "2")
    assert result.code == 2 and result.out == ""
    assert "a worker process of validate stopped unexpectedly" in result.err


def test_a_worker_that_raises_is_an_internal_error_not_a_hang(cli, project, monkeypatch):
    monkeypatch.setattr(engine, "_examine_chunk", _fail)
    result = cli("validate", "more", "--jobs", "2")
    assert result.code == 3 and "internal error (RuntimeError: worker bug)" in result.err


def test_ctrl_c_ends_the_run_and_its_workers(tmp_path):
    write_maps(tmp_path / "maps", 3000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "journeyctl", "validate", "maps", "--jobs", "2"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a process group, as a terminal's Ctrl-C reaches
    )
    time.sleep(1.5)
    assert proc.poll() is None, "the run ended before Ctrl-C"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and out == b""
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker is left behind
        os.killpg(proc.pid, 0)
