"""Hostile event logs and mapping files (issue 17): each is a clear exit 2, never a traceback,
a hang or a leftover temporary file, within bounded CPU time and memory (`run_limited`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import zlib

import pytest
from conftest import DATA, GIB, run_limited

SHOP_MAP, SHOP_LOG = DATA / "eventlog" / "shop.yaml", DATA / "eventlog" / "shop.csv"
HEADER = "case_id,touchpoint,timestamp\n"
EVENT = b'<event><string key="concept:name" value="a"/><date key="time:timestamp" value="2026-01-01T00:00:00Z"/></event>'  # noqa: E501


@pytest.fixture(autouse=True)
def no_temporary_files(tmp_path_factory, monkeypatch):
    """Every test here leaves no `journeyctl-*` behind, whatever happened: in a temporary
    folder of its own (TMPDIR for the processes it starts, and this one's), so that another
    journeyctl running on the machine meanwhile cannot be mistaken for a leftover."""
    folder = tmp_path_factory.mktemp("tmpdir")
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield
    assert not [p.name for p in folder.iterdir() if p.name.startswith("journeyctl")]


def gzip_bomb(head: bytes, unit: bytes, expanded: int, tail: bytes = b"") -> bytes:
    """A gzip file of `head`, `unit` repeated to about `expanded` bytes, then `tail`: each
    1 MiB of units is compressed once and its (identical) deflate block repeated, so a
    gigabyte expands from a megabyte in milliseconds. No trailer: readers must stop before."""
    block = unit * ((1 << 20) // len(unit))
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = z.compress(head) + z.flush(zlib.Z_FULL_FLUSH)
    again = z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)
    end = z.compress(tail) + z.flush(zlib.Z_FINISH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + first + again * (expanded // len(block)) + end


def fail_clearly(result, *needles: str) -> None:
    assert result.code == 2, result.err
    assert result.out == ""
    for needle in needles:
        assert needle in result.err, result.err


# --- item 6: the --mapping file is read by the safe loader ------------------------------------

MAPPINGS = {
    "bad-utf8": (b"newsletter: caf\xe9\n", "m.yaml:1:", "not valid UTF-8"),
    "deep": (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "m.yaml:1:", "nesting"),
    "value-not-text": (b"newsletter: ad\nVideo ad: 3\n", "m.yaml:2:", "not a touchpoint id"),
    "unknown-touchpoint": (b"newsletter: ad\nVideo ad: nowhere\n", "m.yaml:2:", "nowhere"),
    "a-list": (b"- newsletter\n", "m.yaml:1:1", "activity name: touchpoint id"),
    "python-tag": (b"a: !!python/object/apply:os.system [id]\n", "m.yaml:1:", "not allowed"),
}


@pytest.mark.parametrize("command", ["discover", "gaps"])
@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_a_bad_mapping_file_is_a_located_error(tmp_path, name, command):
    data, where, what = MAPPINGS[name]
    (tmp_path / "m.yaml").write_bytes(data)
    if command == "discover":
        args = ("discover", SHOP_LOG, "--compare", SHOP_MAP, "--mapping", "m.yaml")
    else:
        args = ("gaps", SHOP_MAP, "--observed", SHOP_LOG, "--mapping", "m.yaml")
    fail_clearly(run_limited(*args, cwd=tmp_path, cpu=10), where, what)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_mapping_that_is_no_file_never_blocks(tmp_path, special):
    path = tmp_path / "m.yaml"
    if special == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(special)
    args = ("discover", SHOP_LOG, "--compare", SHOP_MAP, "--mapping", path)
    r = run_limited(*args, cwd=tmp_path, cpu=10)
    fail_clearly(r, "m.yaml: is a", "not a regular file")


# --- item 11: XES with a DTD, wherever it hides -----------------------------------------------

ENTITY = '<!DOCTYPE log [<!ENTITY boom "EXPANDED">]>\n'
XES_BODY = (
    '<log><trace><string key="concept:name" value="c1"/><event>'
    '<string key="concept:name" value="&boom;"/>'
    '<date key="time:timestamp" value="2026-01-01T00:00:00Z"/></event></trace></log>\n'
)
PROLOGS = {
    "plain": "",
    "comment-with-a-tag": "<!-- <a -->\n",
    "processing-instruction": "<?journey <b?>\n",
    "over-1-mib-of-padding": "<!--" + " " * (3 << 19) + "-->\n",
}


@pytest.mark.parametrize("gz", [False, True], ids=["xes", "xes.gz"])
@pytest.mark.parametrize("prolog", sorted(PROLOGS))
def test_any_dtd_in_xes_is_refused(tmp_path, prolog, gz):
    text = ('<?xml version="1.0"?>\n' + PROLOGS[prolog] + ENTITY + XES_BODY).encode()
    path = tmp_path / ("log.xes.gz" if gz else "log.xes")
    path.write_bytes(zlib.compress(text, wbits=31) if gz else text)
    r = run_limited("discover", path, "--format", "json", cwd=tmp_path, cpu=10)
    fail_clearly(r, "DOCTYPE is refused")
    assert "EXPANDED" not in r.err


# --- item 12: decompression bombs -------------------------------------------------------------

XES_HEAD = b'<?xml version="1.0"?>\n<log><trace><string key="concept:name" value="c1"/>'


@pytest.mark.parametrize(
    ("name", "bomb", "message"),
    [
        ("events.xes.gz", gzip_bomb(XES_HEAD, EVENT, 1 << 30), "more than 8,388,608 bytes"),
        ("rows.csv.gz", gzip_bomb(HEADER.encode(), b"c1,a,2026-01-01\n", 1 << 30), "set JOURN"),
        (
            "value.xes.gz",
            gzip_bomb(XES_HEAD + b'<event><string value="', b"A", 1 << 30),
            "bytes without an XML tag",
        ),
        ("text.xes.gz", gzip_bomb(XES_HEAD, b" ", 1 << 30), "bytes without an XML tag"),
    ],
)
def test_a_gzip_bomb_stops_at_the_byte_limit(tmp_path, monkeypatch, name, bomb, message):
    monkeypatch.setenv("JOURNEYCTL_MAX_LOG_BYTES", "8M")
    assert len(bomb) < 8 << 20  # 1 GiB from a few MiB
    (tmp_path / name).write_bytes(bomb)
    r = run_limited("discover", name, cwd=tmp_path, cpu=10)
    fail_clearly(r, f"{name}: ", message)


def test_the_byte_limit_applies_to_plain_logs_and_is_checked(tmp_path, monkeypatch):
    (tmp_path / "log.csv").write_text(HEADER + "c1,a,2026-01-01\n" * 1000)
    monkeypatch.setenv("JOURNEYCTL_MAX_LOG_BYTES", "1K")
    fail_clearly(run_limited("discover", "log.csv", cwd=tmp_path), "more than 1,024 bytes")
    monkeypatch.setenv("JOURNEYCTL_MAX_LOG_BYTES", "lots")
    fail_clearly(run_limited("discover", "log.csv", cwd=tmp_path), "JOURNEYCTL_MAX_LOG_BYTES")


def test_the_byte_limit_counts_a_folders_files_together(tmp_path, monkeypatch):
    """Each file under the limit, the folder over it: refused; the files it does not read
    (not .csv beside .csv files) are not counted."""
    folder = tmp_path / "logs"
    (folder / "day=1").mkdir(parents=True)
    (folder / "day=2").mkdir()
    for day in (1, 2):
        (folder / f"day={day}" / "part.csv").write_text(HEADER + "c1,a,2026-01-01\n" * 40)
    (folder / "notes.txt").write_text("x" * 5000)
    monkeypatch.setenv("JOURNEYCTL_MAX_LOG_BYTES", "1K")
    fail_clearly(run_limited("discover", "logs", cwd=tmp_path), "logs: more than 1,024 bytes")
    monkeypatch.setenv("JOURNEYCTL_MAX_LOG_BYTES", "2K")
    r = run_limited("discover", "logs", "-f", "json", cwd=tmp_path)
    assert r.code == 0, r.err
    assert '"events": 80' in r.out


def test_a_killed_xes_read_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNEYCTL_MAX_LOG_BYTES", "100G")
    (tmp_path / "big.xes.gz").write_bytes(gzip_bomb(XES_HEAD, EVENT, 1 << 30))
    args = [sys.executable, "-m", "journeyctl", "discover", "big.xes.gz"]
    proc = subprocess.Popen(args, cwd=tmp_path, stderr=subprocess.DEVNULL)
    time.sleep(3)  # well into the parse (the fixture checks the temporary folder)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL


# --- item 14: one case of a million events ----------------------------------------------------


def test_a_million_step_variant_is_shown_short(tmp_path):
    rows = "".join(f"c1,a{i % 7},2026-01-01T00:00:00Z\n" for i in range(1_000_000))
    (tmp_path / "long.csv").write_text(HEADER + rows)
    r = run_limited("discover", "long.csv", "--top", "3", cwd=tmp_path, cpu=20, memory=3 * GIB)
    assert r.code == 0, r.err
    assert "1,000,000" in r.out and "… 999,990 more steps …" in r.out
    assert len(r.out) < 5000


# --- item 15: names that are terminal escapes -------------------------------------------------


def test_escape_sequences_in_names_never_reach_the_terminal(tmp_path):
    evil = "\x1b]0;owned\x07\x1b[2J"
    (tmp_path / "evil.csv").write_text(
        "case_id,touchpoint,timestamp,channel\n"
        f"c1,{evil},2026-01-01T00:00:00Z,{evil}\nc1,b,2026-01-01T00:01:00Z,web\n"
        f"c2,b,2026-01-01T00:00:00Z,web\nc2,{evil},2025-12-31T00:00:00Z,{evil}\n"
    )
    r = run_limited("discover", "evil.csv", "-o", "m.yaml", "--goal", evil, cwd=tmp_path)
    assert r.code == 0, r.err
    assert "\x1b" not in r.out + r.err and "\x07" not in r.out + r.err
    assert "\\x1b]0;owned" in r.out
    bad = run_limited("discover", "evil.csv", "--activity", evil, cwd=tmp_path)
    fail_clearly(bad, "no column")
    assert "\x1b" not in bad.err


# --- item 18: a log that is no regular file ----------------------------------------------------


@pytest.mark.parametrize("command", ["discover", "gaps"])
@pytest.mark.parametrize(
    ("special", "kind"), [("fifo", "a named pipe"), ("/dev/zero", "a character device")]
)
def test_a_log_that_is_no_file_says_what_it_is(tmp_path, command, special, kind):
    path = tmp_path / "log.csv"
    if special == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(special)
    args = ("discover", path) if command == "discover" else ("gaps", SHOP_MAP, "--observed", path)
    fail_clearly(run_limited(*args, cwd=tmp_path, cpu=5), f"log.csv: is {kind}, not a regular file")


# --- issue 13: the expat reader keeps every refusal and bound ---------------------------------

LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
DTDS = {
    "billion-laughs": f'<!DOCTYPE log [<!ENTITY l0 "lol">{LAUGHS}]>\n',
    "external-entity": '<!DOCTYPE log [<!ENTITY boom SYSTEM "http://127.0.0.1:9/x">]>\n',
    "external-dtd": '<!DOCTYPE log SYSTEM "http://127.0.0.1:9/xes.dtd">\n',
}


@pytest.mark.parametrize("name", sorted(DTDS))
def test_entities_and_dtds_are_refused_where_they_start(tmp_path, name):
    body = XES_BODY.replace("&boom;", "&l9;" if name == "billion-laughs" else "&boom;")
    (tmp_path / "log.xes").write_text('<?xml version="1.0"?>\n' + DTDS[name] + body)
    r = run_limited("discover", "log.xes", cwd=tmp_path, cpu=10)
    fail_clearly(r, "log.xes:2:", "XES with a DOCTYPE is refused")
    assert "lol" not in r.err


@pytest.mark.parametrize(
    ("inside", "message"),
    [
        ('<string key="k" value="v"/>' * 20_000, "an event with more than 10,000 elements"),
        ("<a>" * 100 + "</a>" * 100, "XML nested deeper than 64 levels"),
    ],
    ids=["wide", "deep"],
)
def test_an_event_too_wide_or_too_deep_is_refused(tmp_path, inside, message):
    text = XES_HEAD.decode() + f"<event>{inside}</event></trace></log>\n"
    (tmp_path / "log.xes").write_text(text)
    fail_clearly(run_limited("discover", "log.xes", cwd=tmp_path, cpu=10), "log.xes:", message)
