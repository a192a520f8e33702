"""`simulate --events`: the event log written by DuckDB, as CSV (the same bytes as the Python
writer before it), gzipped CSV and Parquet, atomically and in memory that does not grow with it."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from journeyctl.markov import events

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "simulate"
GOLDEN = DATA / "events"
"""Event logs written by the Python csv writer of issue 17 (`python bench/bench_simulate.py
--old-writer simulate ARGS --events FILE`), with the arguments below."""
CASES = {
    "treadmill-enthusiast": (ROOT / "maps" / "treadmill.yaml", "-p", "enthusiast", "-n", "100",
                             "--seed", "1"),  # persona, screens, durations; ids padded to 3
    "small-every-persona": (DATA / "small.yaml", "-n", "12", "--seed", "3"),  # six personas, one
    # without visits; no durations (an hour a step)
    "halves": (DATA / "halves.yaml", "-n", "40"),  # no personas (walk-NN), visits at 2.5 s
}  # fmt: skip


def _simulate(cli, case: str, out: Path, *more):
    return cli("simulate", *CASES[case], "-f", "json", "-o", os.devnull, "--events", out, *more)


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("case", CASES)
def test_csv_is_byte_for_byte_the_old_writers(cli, tmp_path, case):
    out = tmp_path / "walks.csv"
    r = _simulate(cli, case, out)
    assert r.code == 0, r.err
    golden = (GOLDEN / f"{case}.csv").read_bytes()
    assert out.read_bytes() == golden
    visits = len(golden.splitlines()) - 1
    assert f"wrote {visits} visits to {out}" in r.err


@pytest.mark.parametrize("case", CASES)
def test_parquet_and_gzip_hold_the_same_rows(cli, tmp_path, case):
    for name in ("walks.parquet", "walks.csv.gz"):
        assert _simulate(cli, case, tmp_path / name).code == 0
    golden = GOLDEN / f"{case}.csv"
    assert gzip.decompress((tmp_path / "walks.csv.gz").read_bytes()) == golden.read_bytes()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'America/New_York'")  # typed: the reader's zone does not matter
    schema = con.execute(f"DESCRIBE FROM '{tmp_path / 'walks.parquet'}'").fetchall()
    assert [(c[0], c[1]) for c in schema] == [
        *((c, "VARCHAR") for c in ("case_id", "persona", "touchpoint", "stage", "channel")),
        ("screen", "VARCHAR"),
        ("timestamp", "TIMESTAMP WITH TIME ZONE"),
    ]
    utc = "strftime(timezone('UTC', timestamp), '%Y-%m-%dT%H:%M:%SZ')"
    parquet = con.execute(
        f"SELECT * REPLACE ({utc} AS timestamp) FROM '{tmp_path / 'walks.parquet'}'"
    ).fetchall()
    csv = con.execute(f"FROM read_csv('{golden}', all_varchar = true)").fetchall()
    assert parquet == csv  # empty cells are NULL in both: no persona, no screen


def test_an_empty_log_has_its_header_or_schema(cli, tmp_path):
    for name in ("walks.csv", "walks.parquet"):  # this persona zeroes every entry
        args = ("simulate", DATA / "small.yaml", "-p", "offline", "--events", tmp_path / name)
        assert cli(*args, "-f", "json").code == 0
    header = "case_id,persona,touchpoint,stage,channel,screen,timestamp\n"
    assert (tmp_path / "walks.csv").read_text(encoding="utf-8") == header
    parquet = duckdb.sql(f"SELECT count(*), count(DISTINCT timestamp) FROM '{tmp_path}/*.parquet'")
    assert parquet.fetchall() == [(0, 0)]


@pytest.mark.parametrize("name", ["walks.txt", "walks.json", "walks.csv.bz2", "walks"])
def test_another_extension_is_a_usage_error(cli, tmp_path, name):
    r = cli("simulate", DATA / "small.yaml", "-n", "5", "--events", tmp_path / name)
    assert r.code == 2
    assert "unknown event-log format; use .csv, .csv.gz, .parquet" in " ".join(r.err.split())
    assert _names(tmp_path) == []


@pytest.mark.parametrize("name", ["walks.csv", "walks.parquet"])
def test_a_quote_in_the_folder_name_is_no_sql(cli, tmp_path, name):
    folder = tmp_path / "it's; DROP"
    assert _simulate(cli, "halves", folder / name).code == 0
    assert _names(folder) == [name]


def test_the_extension_is_read_in_any_case(cli, tmp_path):
    assert _simulate(cli, "halves", tmp_path / "WALKS.CSV").code == 0
    assert (tmp_path / "WALKS.CSV").read_bytes() == (GOLDEN / "halves.csv").read_bytes()


@pytest.mark.parametrize("name", ["walks.csv", "walks.parquet", "walks.csv.gz"])
def test_an_existing_log_is_replaced_only_with_force(cli, tmp_path, name):
    out = tmp_path / name
    out.write_text("mine\n", encoding="utf-8")
    r = _simulate(cli, "halves", out)
    assert r.code == 2 and "--force" in r.err
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert _simulate(cli, "halves", out, "--force").code == 0
    assert out.read_bytes() != b"mine\n"
    assert _names(tmp_path) == [name]


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (duckdb.IOException("IO Error: No space left on device\nmore"), 2,
         "walks.parquet: cannot write: IO Error: No space left on device"),
        (RuntimeError("Query interrupted"), 130, ""),  # the client's word for Ctrl-C
        (duckdb.OutOfMemoryException("Out of Memory Error: no"), 2, "error: out of memory"),
    ],
    ids=["disk-full", "ctrl-c", "out-of-memory"],
)  # fmt: skip
def test_a_failed_write_keeps_the_old_log_and_leaves_nothing(
    cli, tmp_path, monkeypatch, error, code, message
):
    out = tmp_path / "walks.parquet"
    out.write_text("old\n", encoding="utf-8")

    def fail(self):
        raise error

    monkeypatch.setattr(events.EventLog, "finish", fail)
    r = _simulate(cli, "halves", out, "--force")
    assert r.code == code and message in " ".join(r.err.split())
    assert "Traceback" not in r.err and "more" not in r.err
    assert out.read_text(encoding="utf-8") == "old\n"
    assert _names(tmp_path) == ["walks.parquet"]  # no temporary file, no parts


def _peak_rss(walks: int, out: Path) -> int:
    """Peak RSS in bytes of `simulate --events` for `walks` walks of 10 visits each."""
    args = ["simulate", DATA / "loop.yaml", "-p", "no-store", "--max-steps", "10", "-n", walks,
            "-f", "json", "-o", os.devnull, "--events", out, "--force"]  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "journeyctl", *map(str, args)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, proc.stderr.read().decode()
    return usage.ru_maxrss * 1024


def test_memory_does_not_grow_with_the_log(tmp_path):
    """4× the walks, a log 218 MB larger: the peak grows by far less (a few numbers per walk),
    so the rows are streamed, held neither as text nor as visits (32 bytes each: 126 MB)."""
    out = tmp_path / "walks.csv"
    chunk = 65_536  # walks of 10 visits in one chunk of the Monte Carlo engine
    small = _peak_rss(2 * chunk, out)  # 1,310,720 visits, 73 MB
    size = out.stat().st_size
    big = _peak_rss(8 * chunk, out)  # 5,242,880 visits, 291 MB
    assert out.stat().st_size - size > 210e6
    assert big - small < 96 * 2**20, f"{(big - small) / 2**20:.0f} MiB more"
