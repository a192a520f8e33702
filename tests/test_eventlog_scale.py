"""Event logs at scale (issue 18): typed Parquet timestamps, long traces packed exactly, the
engine within a memory limit that spills outside the user's project."""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT

from journeyctl.eventlog import queries as q
from journeyctl.eventlog.readers import read_log

RECEIPT = ROOT / "tests" / "data" / "eventlog" / "receipt.csv"


@pytest.mark.parametrize("stamp", ["TIMESTAMPTZ", "TIMESTAMP", "TIMESTAMP_NS", "VARCHAR"])
def test_parquet_with_typed_timestamps_gives_the_csv_report(cli, tmp_path, stamp):
    """An instant, a naive UTC time (nanoseconds too) or text: the same bytes as the CSV."""
    pq = tmp_path / "receipt.parquet"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    column = '"time:timestamp"'
    instant = f"CAST({column} AS TIMESTAMPTZ)"
    cast = {"TIMESTAMP": f"CAST({instant} AS TIMESTAMP)", "VARCHAR": column, "TIMESTAMPTZ": instant,
            "TIMESTAMP_NS": f"CAST(CAST({instant} AS TIMESTAMP) AS TIMESTAMP_NS)"}  # fmt: skip
    con.execute(
        f"""COPY (SELECT * REPLACE ({cast[stamp]} AS {column})
        FROM read_csv('{RECEIPT}', all_varchar = true)) TO '{pq}' (FORMAT parquet)"""
    )
    kind = con.execute(f"SELECT typeof({column}) FROM '{pq}' LIMIT 1").fetchone()[0]
    assert kind == stamp.replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE")
    csv, parquet = cli("discover", RECEIPT, "-f", "json"), cli("discover", pq, "-f", "json")
    assert parquet.code == csv.code == 0, parquet.err
    assert parquet.out == csv.out
    assert json.loads(parquet.out)["log"]["first"] == "2010-10-02T07:20:39Z"


def test_naive_typed_timestamps_warn_like_naive_text_when_mixed(tmp_path):
    """A typed naive column has no offset: like text without one, taken as UTC, no warning."""
    pq = tmp_path / "naive.parquet"
    duckdb.connect().execute(
        f"""COPY (SELECT 'c' || (i // 3) AS case_id, 'a' || (i % 3) AS touchpoint,
                  TIMESTAMP '2026-01-01' + to_minutes(i) AS timestamp FROM range(9) t(i))
        TO '{pq}' (FORMAT parquet)"""
    )
    log = read_log(pq)
    assert log.offsets == ("",) and log.warnings == []
    assert q.summary(log.db).first == "2026-01-01T00:00:00Z"


def test_long_traces_are_packed_exactly(tmp_path):
    """200 events a case over 30 activities: the packed keys give a plain Python count."""
    rng = random.Random(18)
    bases = [[rng.randrange(30) for _ in range(200)] for _ in range(40)]
    traces = [rng.choice(bases) if rng.random() < 0.8 else
              [rng.randrange(30) for _ in range(rng.randrange(150, 201))]
              for _ in range(600)]  # fmt: skip
    rows = [
        f"c{c},act {a:02d},2026-01-01T00:00:{i // 10:02d}.{i % 10}Z"
        for c, trace in enumerate(traces)
        for i, a in enumerate(trace)
    ]
    path = tmp_path / "long.csv"
    path.write_text("case_id,touchpoint,timestamp\n" + "\n".join(rows) + "\n")
    expected = Counter(tuple(f"act {a:02d}" for a in t) for t in traces)
    want = sorted(expected.items(), key=lambda v: (-v[1], v[0]))
    packed, listed = read_log(path), read_log(path)
    assert q.variants(packed.db, packed=True) == want
    assert q.variants(listed.db, packed=False) == want
    assert q.variant_count(packed.db) == len(expected)


def test_the_engine_spills_within_its_memory_limit_outside_the_project(tmp_path, monkeypatch):
    """DuckDB keeps to JOURNEYCTL_MEMORY and spills to a folder of its own in the system's
    temporary folder (never `.tmp` in the project), gone once the connection closes."""
    monkeypatch.setenv("JOURNEYCTL_MEMORY", "64M")
    monkeypatch.chdir(tmp_path)
    log = read_log(RECEIPT)
    limit, spill = log.db.con.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchone()
    assert limit == "64.0 MiB"
    assert Path(spill).parent == Path(tempfile.gettempdir())
    log.db.con.execute(  # far more than 64 MiB: it must spill, not fail
        "CREATE TEMP TABLE big AS SELECT range AS i, md5(range::VARCHAR) AS h FROM range(3000000)"
    )
    assert log.db.con.execute("SELECT count(DISTINCT h) FROM big").fetchone()[0] == 3_000_000
    assert os.path.isdir(spill)
    log.db.con.close()
    assert not os.path.exists(spill)
    assert os.listdir(tmp_path) == []


def test_the_engine_holds_repeated_text_as_codes_and_steps_hold_no_case_text():
    """Activities and channels are ENUM codes, the offsets are gone once checked, and a step
    names its case by a row number (the log's own columns as codes, absent ones NULL): narrow
    enough for 18 M events in the memory limit."""
    log = read_log(RECEIPT)
    events = dict(
        log.db.con.execute("SELECT column_name, column_type FROM (DESCRIBE events)").fetchall()
    )
    steps = dict(
        log.db.con.execute("SELECT column_name, column_type FROM (DESCRIBE steps)").fetchall()
    )
    assert events["activity"].startswith("ENUM(") and events["channel"].startswith("ENUM(")
    assert "utc_offset" not in events
    assert steps["case_row"] == steps["row"] == steps["pos"] == "UINTEGER"
    assert "case_id" not in steps
    assert steps["channel"] == events["channel"] and steps["activity"] == events["activity"]
    assert steps["screen"] == steps["segment"] == "VARCHAR"  # receipt.csv has neither


def test_a_column_with_more_values_than_codes_stays_text_with_the_same_report(monkeypatch):
    """Past MAX_CODES distinct values a column is held as text: the report does not change."""
    from journeyctl.eventlog import readers
    from journeyctl.eventlog.discover import facts, to_json

    coded = read_log(RECEIPT)
    monkeypatch.setattr(readers, "MAX_CODES", 5)  # 27 activities, 5 channels
    mixed = read_log(RECEIPT)
    kinds = dict(
        mixed.db.con.execute("SELECT column_name, column_type FROM (DESCRIBE events)").fetchall()
    )
    assert kinds["activity"] == "VARCHAR" and kinds["channel"].startswith("ENUM(")
    assert to_json(mixed, facts(mixed)) == to_json(coded, facts(coded))


def test_walks_grouped_by_packed_keys_compare_as_one_walk_per_case(cli, tmp_path, monkeypatch):
    """The comparison reads cases grouped into walks (one per variant of segment, touchpoints,
    channels and screens): the same report as with one walk per case (Spark's way), on a map's
    own log (personas, channels, screens; activities renamed) and on receipt.csv against its
    draft (touchpoints by channel, after the goal: events routed anew)."""
    from journeyctl.eventlog.overlay import compare_log
    from journeyctl.lint.load import load_map

    events, draft = tmp_path / "treadmill.csv", tmp_path / "draft.yaml"
    r = cli("simulate", ROOT / "maps" / "treadmill.yaml", "-n", "3000", "--seed", "5",
            "--events", events)  # fmt: skip
    assert r.code == 0, r.err
    goal = "T10 Determine necessity to stop indication"
    r = cli("discover", RECEIPT, "--goal", goal, "-o", draft)
    assert r.code == 0, r.err
    real_walks = q.walks
    for log, jmap in ((events, ROOT / "maps" / "treadmill.yaml"), (RECEIPT, draft)):
        grouped = read_log(log)
        report = compare_log(grouped, load_map(jmap)).to_json()
        (walks,) = grouped.db.one("SELECT count(DISTINCT v) FROM msteps_walks")
        (cases,) = grouped.db.one("SELECT count(DISTINCT case_row) FROM msteps")
        assert walks < cases / 2  # grouped indeed
        monkeypatch.setattr(q, "walks", lambda db, steps, **kw: real_walks(db, steps, packed=False))
        single = read_log(log)
        assert compare_log(single, load_map(jmap)).to_json() == report
        (walks,) = single.db.one("SELECT count(DISTINCT v) FROM msteps_walks")
        assert walks == cases
        monkeypatch.undo()
