"""The XES reader (expat, issue 13): the same `discover` as the CSV of the same events, pm4py's
directly-follows counts, trace attributes after events, where an event stands in its file."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

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


@pytest.mark.parametrize("last", [False, True], ids=["attributes-first", "attributes-last"])
def test_a_generated_log_reads_as_its_csv(cli, tmp_path, last):
    """Start/complete lifecycles, an int and dates per event; trace attributes before or after
    the trace's events (pm4py reads both)."""
    xes, log = tmp_path / "log.xes", tmp_path / "log.csv"
    write_logs(xes, log, traces=400, events=6000, seed=3, attributes_last=last)
    report = discover(cli, xes)
    assert report["log"]["cases"] == 400
    assert report == discover(cli, log)


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
