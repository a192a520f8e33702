"""`--engine spark`: the same discovery, comparison, gaps and calibration as DuckDB, byte for byte.

Spark runs in local mode inside the test process (one session, started by the first test that
needs it); scripts/setup.d/spark.sh installs Java and pyspark, and the tests fail (never skip)
without them. DuckDB's output is the reference: it is checked against pm4py and hand-solved
logs elsewhere (test_eventlog*.py), so equality here carries those checks over to Spark.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

import duckdb
import pytest
from conftest import DATA, MAPS

EVENTLOG = DATA / "eventlog"
RECEIPT = EVENTLOG / "receipt.csv"
GOAL = "T10 Determine necessity to stop indication"


@pytest.fixture(autouse=True)
def _spark_installed():
    missing = [
        what
        for what, ok in (
            ("pyspark", _importable("pyspark")),
            ("sqlglot", _importable("sqlglot")),
            ("java", shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))),
        )
        if not ok
    ]
    assert not missing, f"missing {', '.join(missing)}: run scripts/setup.d/spark.sh"


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def both(cli, *args):
    """Run `journeyctl ARGS` on DuckDB and on Spark; both succeed with the same stdout and the
    same stderr (warnings and notes too). Returns DuckDB's result."""
    duck = cli(*args)
    spark = cli(*args, "--engine", "spark")
    assert duck.code == 0, duck.err
    assert spark.code == 0, spark.err
    assert spark.out == duck.out
    assert spark.err == duck.err
    return duck


def test_receipt_discover_compare_gaps_and_calibrate_are_identical(cli, tmp_path):
    found = both(cli, "discover", RECEIPT, "-f", "json")
    assert '"cases": 1434' in found.out and '"events": 8577' in found.out
    drafts = {}
    for engine in ("duckdb", "spark"):
        drafts[engine] = tmp_path / f"{engine}.yaml"
        args = ("discover", RECEIPT, "--goal", GOAL, "-o", drafts[engine], "--engine", engine)
        r = cli(*args)
        assert r.code == 0, r.err
    assert drafts["spark"].read_bytes() == drafts["duckdb"].read_bytes()
    draft = drafts["duckdb"]
    compared = both(cli, "discover", RECEIPT, "--compare", draft, "-f", "json")
    assert '"compare"' in compared.out
    both(cli, "gaps", draft, "--observed", RECEIPT, "-f", "json")
    both(cli, "calibrate", draft, RECEIPT, "-f", "json")
    both(cli, "calibrate", draft, RECEIPT, "--dry-run")


def _start_complete_xes(path: Path, cases: int = 300) -> Path:
    """An XES log with a start and a complete event per activity, derived from the first
    `cases` cases of receipt.csv: each event's start is 0 to 9 minutes before its completion
    (0: a tie with it, and often with the event before), so ties are common."""
    from datetime import datetime, timedelta

    with RECEIPT.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    traces: dict[str, list[dict]] = {}
    for row in rows:
        if row["case:concept:name"] in traces or len(traces) < cases:
            traces.setdefault(row["case:concept:name"], []).append(row)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<log xes.version="1.0">']
    for i, (case, events) in enumerate(traces.items()):
        out += ["<trace>", f'<string key="concept:name" value={quoteattr(case)}/>']
        out.append(f'<string key="channel" value={quoteattr(events[0]["case:channel"])}/>')
        for j, e in enumerate(events):
            done = datetime.fromisoformat(e["time:timestamp"])
            start = done - timedelta(minutes=(i + j) % 10)
            for moment, ts in (("start", start), ("complete", done)):
                out += [
                    "<event>",
                    f'<string key="concept:name" value={quoteattr(e["concept:name"])}/>',
                    f'<string key="lifecycle:transition" value="{moment}"/>',
                    f'<date key="time:timestamp" value="{ts.isoformat()}"/>',
                    "</event>",
                ]
        out.append("</trace>")
    out.append("</log>")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def test_a_start_complete_xes_log_is_read_alike(cli, tmp_path):
    xes = _start_complete_xes(tmp_path / "receipt-lifecycle.xes")
    for lifecycle in ("complete", "start", "all"):
        r = both(cli, "discover", xes, "--lifecycle", lifecycle, "-f", "json")
        assert "lifecycle:transition holds complete" in r.err
    draft = tmp_path / "draft.yaml"
    assert cli("discover", xes, "--goal", GOAL, "-o", draft).code == 0
    both(cli, "discover", xes, "--compare", draft, "-f", "json")
    both(cli, "discover", xes, "--lifecycle", "all", "--compare", draft, "-f", "json")


def test_a_million_cases_in_a_hive_partitioned_parquet_folder(cli, tmp_path):
    events = tmp_path / "events.csv"
    r = cli("simulate", MAPS / "treadmill.yaml", "-n", "500000", "--seed", "3", "-o", os.devnull,
            "--events", events)  # fmt: skip
    assert r.code == 0, r.err
    lake = tmp_path / "lake"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM read_csv('{events}')) TO '{lake}' "
            "(FORMAT parquet, PARTITION_BY (persona))"
        )
    events.unlink()
    assert len(list(lake.glob("persona=*/*.parquet"))) == 2
    found = both(cli, "discover", lake, "-f", "json")
    assert '"cases": 1000000' in found.out
    both(cli, "discover", lake, "--compare", MAPS / "treadmill.yaml", "-f", "json")


@pytest.mark.parametrize("kind", ["TIMESTAMPTZ", "TIMESTAMP", "DATE"])
def test_typed_timestamps_in_a_parquet_file(cli, tmp_path, kind):
    """A Parquet file's instant, naive time or day column is read as it is, alike."""
    log = tmp_path / "receipt.parquet"
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(
            f"""COPY (SELECT * REPLACE (CAST("time:timestamp" AS TIMESTAMPTZ)::{kind}
                                        AS "time:timestamp")
                      FROM read_csv('{RECEIPT}', all_varchar = true)) TO '{log}'"""
        )
    found = both(cli, "discover", log, "-f", "json")
    assert '"cases": 1434' in found.out


def test_ties_keep_file_order_across_partitions_and_files(cli, tmp_path):
    """Events of a case at the same instant keep their file order, however Spark splits the
    file (here into 64 KiB partitions) and across the files of a folder (path order)."""
    from pyspark.sql import SparkSession

    rows = ["case_id,touchpoint,timestamp"]
    for c in range(3000):  # each case: 4 events at one instant, in an order of its own
        order = ["a", "b", "c", "d"][c % 4 :] + ["a", "b", "c", "d"][: c % 4]
        rows += [f"c{c},{t},2026-01-01T00:00:{c % 60:02d}Z" for t in order]
    log = tmp_path / "ties.csv"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    both(cli, "discover", log, "-f", "json")  # starts the session if no test did before
    spark = SparkSession.getActiveSession()
    spark.conf.set("spark.sql.files.maxPartitionBytes", "65536")
    try:
        found = both(cli, "discover", log, "-f", "json")
        folder = tmp_path / "folder"
        folder.mkdir()  # the first half of each case in one file, the second in the next
        head = [rows[0]] + [r for i, r in enumerate(rows[1:]) if i % 4 < 2]
        tail = [rows[0]] + [r for i, r in enumerate(rows[1:]) if i % 4 >= 2]
        (folder / "part-1.csv").write_text("\n".join(head) + "\n", encoding="utf-8")
        (folder / "part-2.csv").write_text("\n".join(tail) + "\n", encoding="utf-8")
        split = both(cli, "discover", folder, "-f", "json")
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert split.out == found.out
    variants = {tuple(v["activities"]): v["count"] for v in json.loads(found.out)["variants"]}
    assert variants == {  # the four rotations, 750 cases each: the file's order
        ("a", "b", "c", "d"): 750,
        ("b", "c", "d", "a"): 750,
        ("c", "d", "a", "b"): 750,
        ("d", "a", "b", "c"): 750,
    }


def test_a_table_of_the_catalogue(cli, tmp_path):
    from pyspark.sql import SparkSession

    both(cli, "discover", RECEIPT, "-f", "json")  # starts the session if no test did before
    spark = SparkSession.getActiveSession()
    spark.sql(f"CREATE DATABASE IF NOT EXISTS jc_test LOCATION '{tmp_path / 'db'}'")
    try:
        spark.read.options(header=True, escape='"').csv(str(RECEIPT)).write.saveAsTable(
            "jc_test.events"
        )
        duck = cli("discover", RECEIPT, "-f", "json")
        table = cli("discover", "--engine", "spark", "--table", "jc_test.events", "-f", "json")
        assert table.code == 0, table.err
        assert table.out == duck.out
        missing = cli("discover", "--engine", "spark", "--table", "jc_test.nothing")
        assert missing.code == 2 and "jc_test.nothing: cannot read" in missing.err
    finally:
        spark.sql("DROP DATABASE jc_test CASCADE")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("case_id,touchpoint,timestamp\n", "the log has no events"),
        ("case_id,touchpoint,timestamp\nc1,a,2026-01-01T00:00:00Z\nc1,b,soon\n", "row 2"),
        ("case_id,touchpoint,timestamp\nc1,a,2026-01-01T00:00:00Z\n,b,2026-01-02\n", "row 2"),
        ("case,touchpoint,timestamp\nc1,a,2026-01-01T00:00:00Z\n", "no case column"),
        (
            "case_id,touchpoint,timestamp\nc1,a,2026-01-01T09:00:00+01:00\nc1,b,2026-01-01\n",
            "mixed time zones",
        ),
    ],
)
def test_bad_logs_are_refused_alike(cli, tmp_path, text, message):
    log = tmp_path / "log.csv"
    log.write_text(text, encoding="utf-8")
    duck = cli("discover", log, "-f", "json")
    spark = cli("discover", log, "-f", "json", "--engine", "spark")
    assert (spark.code, spark.out, spark.err) == (duck.code, duck.out, duck.err)
    assert message in duck.err


def test_options_that_need_spark_or_a_log(cli):
    r = cli("discover", RECEIPT, "--table", "db.events")
    assert r.code == 2 and "--table needs --engine spark" in r.err
    r = cli("discover", RECEIPT, "--spark-master", "local[1]")
    assert r.code == 2 and "--spark-master needs --engine spark" in r.err
    r = cli("discover", RECEIPT, "--engine", "spark", "--table", "db.events")
    assert r.code == 2 and "not both" in r.err
    r = cli("discover")
    assert r.code == 2 and "give the event log" in r.err
    r = cli("discover", RECEIPT, "--engine", "flink")
    assert r.code == 2 and "unknown engine 'flink'" in r.err
    r = cli("gaps", MAPS / "treadmill.yaml", "--engine", "spark")
    assert r.code == 2 and "give --observed or --table" in r.err


def test_without_pyspark_the_install_command_is_named(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    r = cli("discover", RECEIPT, "--engine", "spark")
    assert r.code == 2
    assert "pip install 'journeyctl[spark]'" in r.err and "Traceback" not in r.err


def test_a_named_master_in_a_process_of_its_own_says_nothing_more(cli):
    """`--spark-master local[1]` in a fresh process: the same stdout and stderr as DuckDB (the
    JVM's start-up notices and log kept out of stderr)."""
    shop = EVENTLOG / "shop.csv"
    duck = cli("discover", shop, "-f", "json")
    spark = ("--engine", "spark", "--spark-master", "local[1]")
    r = subprocess.run(
        [sys.executable, "-m", "journeyctl", "discover", str(shop), "-f", "json", *spark],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert (r.returncode, r.stdout, r.stderr) == (0, duck.out, duck.err)
    assert "out of time order" in r.stderr


def test_without_java_spark_says_what_to_install(tmp_path):
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java")}
    r = subprocess.run(
        [sys.executable, "-m", "journeyctl", "discover", str(RECEIPT), "--engine", "spark"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert r.returncode == 2, r.stderr
    assert "Spark did not start" in r.stderr and "openjdk-17-jre-headless" in r.stderr
    assert "Traceback" not in r.stderr


def test_the_translation_keeps_what_sqlglot_alone_would_lose():
    from journeyctl.eventlog.dialect import to_spark

    spark = to_spark("SELECT list(v ORDER BY n DESC, v) FROM t GROUP BY g")
    assert spark == (
        "SELECT TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(-(n) AS k0, v AS k1, v AS v))), "
        "e -> e.v) FROM t GROUP BY g"
    )
    assert "UNIX_MICROS(ts)" in to_spark("SELECT epoch_us(ts) FROM t")


def test_ordered_lists_agree_with_duckdb():
    """An ordered list (ties, a descending key) and microsecond epochs give DuckDB's answers
    on Spark."""
    from journeyctl.eventlog.engine import open_engine

    sql = """SELECT g, list(v ORDER BY n DESC, v) AS l,
                    max(epoch_us(CAST(ts AS TIMESTAMP))) AS us
             FROM (VALUES (1, 'b', 2, '2026-01-01 00:00:00.000001'),
                          (1, 'a', 2, '1969-12-31 23:59:59.5'),
                          (1, 'c', 5, '2026-01-01'), (2, 'z', 1, '2026-06-30 12:00:00'))
                  AS t(g, v, n, ts)
             GROUP BY g ORDER BY g"""
    duck = open_engine("duckdb").rows(sql)
    spark = open_engine("spark").rows(sql)
    assert [(g, list(v), us) for g, v, us in spark] == [(g, list(v), us) for g, v, us in duck]
    assert duck[0][1] == ["c", "a", "b"] and duck[0][2] == 1767225600000001
