"""The XES reader (expat, issue 13): the same `discover` as the CSV of the same events, pm4py's
directly-follows counts, trace attributes after events, where an event stands in its file; a
large file read in two halves at once, or again in one piece when the split is in doubt."""

from __future__ import annotations

import csv
import json
import multiprocessing
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from journeyctl.eventlog import xes
from journeyctl.eventlog.bounded import connect
from journeyctl.eventlog.readers import read_log
from journeyctl.eventlog.xes import xes_place, xes_to_table

sys.path.insert(0, str(ROOT / "bench"))
from bench_xes import write_logs

LOGS = DATA / "eventlog"
ORACLE = ROOT / ".venv-oracle" / "bin" / "python"


def discover(cli, log: Path) -> dict:
    r = cli("discover", log, "-f", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_receipt_20_reads_as_its_csv(cli, tmp_path):
    """receipt-20.xes holds the first 20 cases of receipt.csv."""
    with (LOGS / "receipt.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    first = list(dict.fromkeys(r["case:concept:name"] for r in rows))[:20]
    part = tmp_path / "receipt-20.csv"
    with part.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(r for r in rows if r["case:concept:name"] in first)
    report = discover(cli, LOGS / "receipt-20.xes")
    assert report["log"]["cases"] == 20
    assert report == discover(cli, part)


@pytest.fixture
def halves(monkeypatch):
    """Every plain .xes read in two halves; returns what each `_read_halves` returned (None:
    read again in one piece)."""
    monkeypatch.setattr(xes, "HALVES_BYTES", 0)
    monkeypatch.setattr(xes, "usable_cores", lambda: 2)
    results = []
    read = xes._read_halves

    def spy(*args):
        results.append(read(*args))
        return results[-1]

    monkeypatch.setattr(xes, "_read_halves", spy)
    return results


@pytest.mark.parametrize("last", [False, True], ids=["attributes-first", "attributes-last"])
@pytest.mark.parametrize("split", [False, True], ids=["one-piece", "two-halves"])
def test_a_generated_log_reads_as_its_csv(cli, tmp_path, last, split, request):
    """Start/complete lifecycles, an int and dates per event; trace attributes before or after
    the trace's events (pm4py reads both); in one piece, and in two halves at once."""
    read = request.getfixturevalue("halves") if split else None
    path, log = tmp_path / "log.xes", tmp_path / "log.csv"
    write_logs(path, log, traces=400, events=6000, seed=3, attributes_last=last)
    report = discover(cli, path)
    assert report["log"]["cases"] == 400
    assert report == discover(cli, log)
    if split:
        assert len(read) == 1 and read[0] is not None  # the halves were taken


def test_a_generated_log_matches_pm4py(cli, tmp_path):
    """pm4py reads the XES itself (read_xes), then gives its directly-follows counts."""
    if not ORACLE.exists():
        pytest.fail("no .venv-oracle: run scripts/setup.d/eventlog.sh (scripts/setup.sh --test)")
    xes, log = tmp_path / "log.xes", tmp_path / "log.csv"
    write_logs(xes, log, traces=300, events=4000, seed=5, lifecycles=False, attributes_last=True)
    theirs = tmp_path / "pm4py.csv"
    subprocess.run(
        [ORACLE, "-c", "import sys, pm4py; pm4py.read_xes(sys.argv[1]).to_csv(sys.argv[2])",
         xes, theirs],
        check=True, capture_output=True,
    )  # fmt: skip
    oracle = subprocess.run(
        [ORACLE, LOGS / "pm4py_oracle.py", theirs, "case:concept:name", "concept:name",
         "time:timestamp"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    report = discover(cli, xes)
    ours = [[d["source"], d["target"], d["count"]] for d in report["dfg"]]
    expected = json.loads(oracle)
    assert ours == expected["dfg"]
    assert report["start"] == expected["start"] and report["end"] == expected["end"]


XES = """<?xml version="1.0"?>
<log xmlns="http://www.xes-standard.org/">
 <trace><string key="concept:name" value="c1"/>
  <event><string key="concept:name" value="a"/><date key="time:timestamp" value="{t1}"/></event>
  <event><string key="concept:name" value="b"/>{second}</event>
 </trace>
 <trace><event><string key="concept:name" value="a"/>
   <list key="tags"><values><string key="x" value="1"/></values></list>
   <date key="time:timestamp" value="2026-01-01T00:00:00Z"/></event>
  <string key="concept:name" value="c2"/>
 </trace>
</log>
"""


def test_where_an_event_stands_and_nested_attributes_are_skipped(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(XES.format(t1="2026-01-01T00:00:00Z", second=""), encoding="utf-8")
    con = connect()
    keys = xes_to_table(con, path, {"concept:name", "time:timestamp", "case:concept:name"}, 1 << 20)
    assert keys == ["case:concept:name", "concept:name", "tags", "time:timestamp"]
    rows = con.execute(
        'SELECT "case:concept:name", "concept:name", "time:timestamp" FROM xes_events'
    ).fetchall()
    assert rows == [
        ("c1", "a", "2026-01-01T00:00:00Z"),
        ("c1", "b", None),
        ("c2", "a", "2026-01-01T00:00:00Z"),
    ]
    assert [xes_place(con, row) for row in (1, 2, 3)] == [
        "trace 1, event 1",
        "trace 1, event 2",
        "trace 2, event 1",
    ]


def test_naive_timestamps_are_told(tmp_path):
    """No UTC offset: the log's offsets say so (the summary notes them taken as UTC)."""
    path = tmp_path / "log.xes"
    second = '<date key="time:timestamp" value="2026-01-01T00:05:00"/>'
    path.write_text(XES.format(t1="2026-01-01T00:00:00", second=second), encoding="utf-8")
    assert read_log(path).offsets == ("", "Z")


def small_log(traces: int, middle: str = "", before: str = "") -> str:
    """`traces` one-event traces `t1`, `t2`, … (trace i on line i + 2), with `middle` on a line
    of its own after the first half of them and `before` ahead of the first."""
    lines = [
        f'<trace><string key="concept:name" value="t{i}"/><event>'
        f'<string key="concept:name" value="a"/>'
        f'<date key="time:timestamp" value="2026-01-01T00:00:{i % 60:02}Z"/></event></trace>'
        for i in range(1, traces + 1)
    ]
    if middle:
        lines.insert(traces // 2, middle)
    return '<?xml version="1.0"?>\n<log>\n' + before + "\n".join(lines) + "\n</log>\n"


GHOST = small_log(1).splitlines()[2].replace("t1", "ghost")
"""A whole trace, to be written where it is no trace: in a comment or a CDATA section."""


@pytest.mark.parametrize("middle", [f"<!-- {GHOST * 300} -->", f"<![CDATA[{GHOST * 300}]]>"],
                         ids=["comment", "cdata"])  # fmt: skip
def test_a_split_in_a_comment_or_cdata_is_read_again_in_one_piece(cli, tmp_path, halves, middle):
    """The split falls in the comment (or CDATA section): its `<trace` is no tag, and the ghost
    traces after it are no traces."""
    path = tmp_path / "log.xes"
    path.write_text(small_log(400, middle), encoding="utf-8")
    middle_at = len(small_log(200)) - len("</log>\n")
    assert middle_at < path.stat().st_size * xes._FIRST_SHARE < middle_at + len(middle)
    assert discover(cli, path)["log"]["cases"] == 400
    assert halves == [None]


def test_an_event_before_the_first_trace_is_read_once(tmp_path, halves):
    """The second half is parsed after the file's head: an event there would be read twice."""
    event = '<event><string key="concept:name" value="b"/></event>'
    path = tmp_path / "log.xes"
    path.write_text(small_log(400, before=event), encoding="utf-8")
    con = connect()
    xes_to_table(con, path, {"concept:name", "case:concept:name"}, 1 << 20)
    names = con.execute('SELECT "concept:name" FROM xes_events').fetchall()
    assert names == [("b",)] + [("a",)] * 400
    assert halves == [None]


def test_errors_in_the_second_half_are_located_in_the_file(cli, tmp_path, halves):
    """Trace 399 (line 401) left open: the file's `</log>` (line 403) is a mismatched tag;
    the second half's own place for it is never shown: the file is read again in one piece."""
    text = small_log(400).splitlines()
    text[400] = text[400].removesuffix("</trace>")
    (tmp_path / "log.xes").write_text("\n".join(text) + "\n", encoding="utf-8")
    r = cli("discover", tmp_path / "log.xes")
    assert r.code == 2
    assert "log.xes:403:3: not well-formed XES: mismatched tag" in r.err
    assert halves == [None]


def test_a_missing_timestamp_in_the_second_half_names_its_trace(cli, tmp_path, halves):
    """Trace 300 of 400 (in the second half) has none; traces are counted across the halves."""
    text = re.sub(r'(value="t300"/><event><string key="concept:name" value="a"/>)<date[^>]*>',
                  r"\1", small_log(400))  # fmt: skip
    (tmp_path / "log.xes").write_text(text, encoding="utf-8")
    r = cli("discover", tmp_path / "log.xes")
    assert r.code == 2
    assert "trace 300, event 1 has no timestamp" in r.err
    assert len(halves) == 1 and halves[0] is not None


def test_values_cross_from_the_second_half_as_written(tmp_path, halves):
    """The worker hands its values over as one text: an empty value, references, tabs and text
    beyond ASCII come through as XML 1.0 defines them (a literal tab in an attribute value is
    a space, a referenced one a tab), traces numbered on from the first half; no staging table
    is left."""
    names = ["", "a&amp;b", "x&#9;y", "p\tq", "&#x1F600; ü", "&lt;tag&gt;"]
    expected = ["", "a&b", "x\ty", "p q", "😀 ü", "<tag>"]
    text = small_log(400)
    for i, name in enumerate(names, 391):
        event = f'"t{i}"/><event><string key="concept:name" value='
        text = text.replace(f'{event}"a"/>', f'{event}"{name}"/>')
    path = tmp_path / "log.xes"
    path.write_text(text, encoding="utf-8")
    con = connect()
    xes_to_table(con, path, {"concept:name", "case:concept:name"}, 1 << 20)
    rows = con.execute(
        'SELECT "case:concept:name", "concept:name", xes_trace FROM xes_events'
    ).fetchall()
    assert rows[390:396] == [(f"t{i}", v, i) for i, v in enumerate(expected, 391)]
    assert [r[1] for r in rows[:390] + rows[396:]] == ["a"] * 394
    assert [r[2] for r in rows] == list(range(1, 401))
    tables = con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
    assert tables == [("xes_events",)]
    assert len(halves) == 1 and halves[0] is not None
    assert not multiprocessing.active_children()


def test_a_worker_never_used_is_stopped(tmp_path, halves):
    """`read_log` starts the worker before DuckDB is loaded; if the read ends before it is
    used (DuckDB failing to start, say), dropping it stops it."""
    path = tmp_path / "log.xes"
    path.write_text(small_log(400), encoding="utf-8")
    worker = xes.start_worker(path, {"concept:name"}, 1 << 20)
    assert worker is not None and len(multiprocessing.active_children()) == 1
    del worker
    assert not multiprocessing.active_children()
