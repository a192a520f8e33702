"""How every command writes files (docs/outputs.md): atomically, generated files replaced,
files people own only with --force, never over an input; and options that list their values."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, MAPS

SHOP = DATA / "eventlog" / "shop.yaml"
LOG = DATA / "eventlog" / "shop.csv"
SMALL = DATA / "simulate" / "small.yaml"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A copy of a small valid map in its own folder."""
    return Path(shutil.copy(SHOP, tmp_path / "shop.yaml"))


def names(folder: Path) -> list[str]:
    """Every entry of `folder`, hidden ones (temporary files) included."""
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "{map}", "-f", "json"),
        ("render", "{map}", "-f", "dot"),
        ("gaps", "{map}", "-f", "json"),
        ("simulate", "{map}", "-n", "20", "-f", "csv"),
        ("schema",),
    ],
    ids=lambda a: a[0],
)
def test_a_report_is_replaced_and_no_temporary_file_stays(cli, shop, tmp_path, args):
    out = tmp_path / "out" / "report"
    argv = [a.format(map=shop) for a in args]
    assert cli(*argv, "-o", out).code in (0, 1)
    first = out.read_text(encoding="utf-8")
    out.write_text("old\n", encoding="utf-8")
    assert cli(*argv, "-o", out).code in (0, 1)
    assert out.read_text(encoding="utf-8") == first
    assert names(out.parent) == ["report"]
    assert first == cli(*argv).out


def test_coverage_csv_is_replaced(cli, shop, tmp_path):
    out = tmp_path / "coverage.csv"
    out.write_text("old\n", encoding="utf-8")
    assert cli("gaps", shop, "--coverage-csv", out).code == 0
    assert out.read_text(encoding="utf-8").startswith("persona,")
    assert names(tmp_path) == ["coverage.csv", "shop.yaml"]


def test_a_failed_replace_keeps_the_old_file(cli, shop, tmp_path, monkeypatch):
    out = tmp_path / "map.dot"
    out.write_text("old\n", encoding="utf-8")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    r = cli("render", shop, "-f", "dot", "-o", out)
    assert r.code == 2
    assert f"{out}: cannot write: No space left on device" in " ".join(r.err.split())
    assert out.read_text(encoding="utf-8") == "old\n"
    assert names(tmp_path) == ["map.dot", "shop.yaml"]


def test_an_interrupted_event_log_keeps_the_old_file(cli, tmp_path, monkeypatch):
    events = tmp_path / "events.csv"
    events.write_text("old\n", encoding="utf-8")

    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    r = cli("simulate", SMALL, "-n", "50", "--events", events, "--force")
    assert r.code == 130
    assert events.read_text(encoding="utf-8") == "old\n"
    assert names(tmp_path) == ["events.csv"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX, not root")
def test_an_unwritable_folder_is_exit_2_and_changes_nothing(cli, shop, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    out = folder / "report.json"
    out.write_text("old\n", encoding="utf-8")
    folder.chmod(0o555)
    try:
        r = cli("validate", shop, "-f", "json", "-o", out)
    finally:
        folder.chmod(0o755)
    assert r.code == 2 and "cannot write" in r.err
    assert out.read_text(encoding="utf-8") == "old\n"
    assert names(folder) == ["report.json"]


def test_a_path_that_cannot_be_a_file_is_exit_2(cli, shop, tmp_path):
    r = cli("render", shop, "-f", "dot", "-o", shop / "map.dot")  # below a file, not a folder
    assert r.code == 2 and "cannot write" in r.err
    assert names(tmp_path) == ["shop.yaml"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_permission_bits_are_kept_and_new_files_follow_the_umask(cli, shop, tmp_path):
    kept = tmp_path / "kept.dot"
    kept.write_text("old\n", encoding="utf-8")
    kept.chmod(0o640)
    assert cli("render", shop, "-f", "dot", "-o", kept).code == 0
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    old = os.umask(0o027)
    try:
        assert cli("render", shop, "-f", "dot", "-o", tmp_path / "new.dot").code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.dot").stat().st_mode) == 0o640


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symbolic_link_is_written_through(cli, shop, tmp_path):
    real = tmp_path / "real.dot"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.dot"
    link.symlink_to(real)
    assert cli("render", shop, "-f", "dot", "-o", link).code == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("digraph")


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
@pytest.mark.parametrize("force", [(), ("--force",)], ids=["", "force"])
def test_a_link_to_a_missing_file_is_refused(cli, tmp_path, force):
    link = tmp_path / "draft.yaml"
    link.symlink_to(tmp_path / "elsewhere" / "planted.yaml")
    r = cli("discover", LOG, "-o", link, *force)
    assert r.code == 2 and "draft.yaml is a link to a missing file" in r.err
    assert not (tmp_path / "elsewhere").exists() and link.is_symlink()


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_a_killed_event_log_write_keeps_the_old_file(tmp_path):
    events = tmp_path / "old.csv"
    events.write_text("old\n", encoding="utf-8")
    args = [sys.executable, "-m", "journeyctl", "simulate", SMALL, "-n", "500000"]
    proc = subprocess.Popen([*args, "--events", events, "--force"], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(3000):  # until the rows are being written: a temporary file beside
            if any(
                n.startswith(".old.csv.") and os.path.getsize(tmp_path / n) for n in names(tmp_path)
            ):
                break
            time.sleep(0.02)
        else:
            pytest.fail("simulate never started writing its event log")
    finally:
        proc.kill()
    assert proc.wait() == -signal.SIGKILL
    assert events.read_text(encoding="utf-8") == "old\n"


def _discover(cli, out, *more):
    return cli("discover", LOG, "-o", out, "--goal", "buy", *more)


def _init(cli, out, *more):
    return cli("init", out.parent, "--template", out.stem, *more)


def _events(cli, out, *more):
    return cli("simulate", SMALL, "-n", "20", "--events", out, *more)


@pytest.mark.parametrize(
    ("run", "name"),
    [(_discover, "draft.yaml"), (_init, "linear-purchase.yaml"), (_events, "events.csv")],
    ids=["discover", "init", "simulate-events"],
)
def test_owned_files_need_force(cli, tmp_path, run, name):
    out = tmp_path / name
    out.write_text("mine\n", encoding="utf-8")
    r = run(cli, out)
    assert r.code == 2 and "--force" in r.err
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert names(tmp_path) == [name]
    assert run(cli, out, "--force").code == 0
    assert out.read_text(encoding="utf-8") != "mine\n"


@pytest.mark.parametrize(
    "args",
    [
        ("render", "{map}", "-f", "dot", "-o", "{map}"),
        ("validate", "{map}", "-f", "json", "-o", "{map}"),
        ("gaps", "{map}", "-f", "json", "-o", "{dir}/./shop.yaml"),
        ("simulate", "{map}", "-n", "20", "--events", "{map}", "--force"),
        ("gaps", "{map}", "--observed", "{log}", "--coverage-csv", "{log}"),
        ("discover", "{log}", "-o", "{log}", "--force"),
        ("diff", "{map}", "{map}", "-f", "json", "-o", "{map}"),
    ],
    ids=[
        "render",
        "validate",
        "gaps-same-file-other-path",
        "simulate-events-even-with-force",
        "gaps-coverage-csv-over-observed-log",
        "discover-even-with-force",
        "diff",
    ],
)
def test_no_command_writes_over_its_input(cli, shop, tmp_path, args):
    log = Path(shutil.copy(LOG, tmp_path / "shop.csv"))
    before = {p: p.read_bytes() for p in (shop, log)}
    r = cli(*(a.format(map=shop, log=log, dir=tmp_path) for a in args))
    assert r.code == 2
    assert "is an input of this command" in r.err
    assert {p: p.read_bytes() for p in (shop, log)} == before
    assert names(tmp_path) == ["shop.csv", "shop.yaml"]


def test_an_included_file_is_an_input_too(cli, tmp_path):
    shutil.copytree(MAPS / "catalog", tmp_path / "catalog")
    treadmill = Path(shutil.copy(MAPS / "treadmill.yaml", tmp_path / "treadmill.yaml"))
    channels = tmp_path / "catalog" / "channels.yaml"
    before = channels.read_bytes()
    r = cli("render", treadmill, "-f", "mermaid", "-o", channels)
    assert r.code == 2 and "is an input" in r.err
    assert channels.read_bytes() == before


@pytest.mark.parametrize(
    ("command", "listed"),
    [
        ("validate", "<text|json|sarif|github|junit|concise|gitlab|auto>"),
        ("validate", "<error|warning|info>"),
        ("render", "<svg|png|pdf|dot|mermaid|html>"),
        ("render", "<flow|swimlane|emotion>"),
        ("render", "<a4|a3|a2|a1|a0>"),
        ("gaps", "<text|json|csv|markdown|html|concise>"),
        ("simulate", "<text|json|csv>"),
        ("discover", "<text|json>"),
        ("diff", "<text|json|markdown>"),
        ("init", "|linear-purchase>"),
    ],
)
def test_help_lists_the_values(cli, command, listed):
    r = cli(command, "--help")
    assert r.code == 0
    assert listed in "".join(r.out.split())


def test_a_severity_is_read_in_any_case(cli, shop):
    assert cli("validate", shop, "--fail-level", "WARNING").code == 0
    r = cli("gaps", shop, "--fail-on", "Info", "-f", "json")
    assert r.code == 1


def test_validate_starts_without_the_heavy_libraries(tmp_path):
    code = (
        "import sys; from journeyctl.cli import run; "
        f"assert run(['validate', {str(SHOP)!r}]) == 0; "
        "print(sorted({'numpy', 'duckdb', 'graphviz'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"  # after the report


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_written_into_not_replaced(cli, shop, tmp_path):
    """`-o /dev/null` or `-o pipe`: the special file stays what it is (as root, a rename would
    put a regular file in place of /dev/null)."""
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()))
    reader.start()
    r = cli("render", shop, "-f", "dot", "-o", pipe)
    reader.join(timeout=30)
    assert r.code == 0, r.err
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert got and got[0].startswith(b"digraph")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "shop.yaml"]
