"""A CSV log's head (issue 13): its codes and timestamp form are learnt from its first rows, the
log loaded at once with them by DuckDB's reader, and read again in full when a later row has
another value or timestamp form. Whichever way it is read, the report is the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journeyctl.eventlog import readers
from journeyctl.eventlog.engine import DuckDBEngine
from journeyctl.eventlog.readers import read_log

HEADER = "case_id,persona,touchpoint,stage,channel,screen,timestamp\n"
HEAD = (
    "1,p,a,s,web,pc,2026-01-01T10:00:00Z\n"
    "1,p,b,s,web,pc,2026-01-01T11:00:00Z\n"
    "2,p,a,s,web,pc,2026-01-02T10:00:00Z\n"
    "2,p,b,s,web,pc,2026-01-02T11:00:00Z\n"
)


def discover(cli, monkeypatch, log: Path, head_rows: int):
    monkeypatch.setattr(readers, "HEAD_ROWS", head_rows)
    return cli("discover", log, "-f", "json")


LATER = {  # rows after the head, and what the report shows of them (worked out by hand)
    "a new activity": (
        "3,p,a,s,web,pc,2026-01-03T10:00:00Z\n3,p,c,s,web,pc,2026-01-03T11:00:00Z\n",
        lambda r: {"activities": ["a", "c"], "count": 1} in r["variants"],
    ),
    "a new channel": (
        "3,p,a,s,store,pc,2026-01-03T10:00:00Z\n3,p,b,s,web,pc,2026-01-03T11:00:00Z\n",
        lambda r: r["log"]["channels"] == {"web": 5, "store": 1},
    ),
    "fractions of a second": (
        "3,p,a,s,web,pc,2026-01-03T10:00:00.5Z\n3,p,b,s,web,pc,2026-01-03T10:00:00.25Z\n",
        lambda r: {"activities": ["b", "a"], "count": 1} in r["variants"],
    ),
    "an offset": (  # 08:00 UTC: before b at 09:00 UTC, not after it
        "3,p,a,s,web,pc,2026-01-03T10:00:00+02:00\n3,p,b,s,web,pc,2026-01-03T09:00:00Z\n",
        lambda r: r["variants"] == [{"activities": ["a", "b"], "count": 3}],
    ),
}


@pytest.mark.parametrize("later", LATER)
def test_a_later_row_unlike_the_head_is_read_in_full(cli, monkeypatch, tmp_path, later):
    rows, shows = LATER[later]
    log = tmp_path / "log.csv"
    log.write_text(HEADER + HEAD + rows, encoding="utf-8")
    learnt = discover(cli, monkeypatch, log, 4)  # the head: the first 4 rows
    whole = discover(cli, monkeypatch, log, 1000)  # every row
    assert learnt.code == whole.code == 0, learnt.err
    assert learnt.out == whole.out and learnt.err == whole.err
    assert shows(json.loads(learnt.out))


def test_a_later_naive_timestamp_warns_of_mixed_zones(cli, monkeypatch, tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(HEADER + HEAD + "3,p,a,s,web,pc,2026-01-03 10:00:00\n", encoding="utf-8")
    r = discover(cli, monkeypatch, log, 4)
    assert r.code == 0, r.err
    assert "mixed time zones" in r.err and "first at row 5" in r.err


@pytest.mark.parametrize(
    ("stamp", "says"),
    [("yesterday", "row 5: cannot read timestamp 'yesterday'"), ("", "row 5 has no timestamp")],
)
def test_a_later_bad_timestamp_is_named(cli, monkeypatch, tmp_path, stamp, says):
    log = tmp_path / "log.csv"
    log.write_text(HEADER + HEAD + f"3,p,a,s,web,pc,{stamp}\n", encoding="utf-8")
    r = discover(cli, monkeypatch, log, 4)
    assert r.code == 2 and says in r.err, r.err


@pytest.fixture
def statements(monkeypatch):
    """The SQL DuckDB runs, in order."""
    sql: list[str] = []
    run, one = DuckDBEngine.run, DuckDBEngine.one
    monkeypatch.setattr(DuckDBEngine, "run", lambda db, s: (sql.append(s), run(db, s))[1])
    monkeypatch.setattr(DuckDBEngine, "one", lambda db, s: (sql.append(s), one(db, s))[1])
    return sql


@pytest.mark.parametrize(
    ("stamps", "offsets", "first"),
    [
        (("2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"), ("Z",), "2026-01-01T10:00:00Z"),
        (("2026-01-01 10:00:00", "2026-01-01 11:00:00"), ("",), "2026-01-01T10:00:00Z"),
    ],
)
def test_one_form_is_parsed_by_the_reader_after_the_head(
    monkeypatch, tmp_path, statements, stamps, offsets, first
):
    """A log whose every timestamp has one form of UTC_FORMS: the head read, then the log
    loaded once, by the reader's parse of that form, and nothing read again."""
    monkeypatch.setattr(readers, "HEAD_ROWS", 2)
    log = tmp_path / "log.csv"
    rows = [f"{c},p,{a},s,web,pc,{t}\n" for c in "123" for a, t in zip("ab", stamps, strict=True)]
    log.write_text(HEADER + "".join(rows), encoding="utf-8")
    read = read_log(log)
    reads = [s for s in statements if "read_csv" in s and not s.startswith("DESCRIBE")]
    assert len(reads) == 2
    assert "LIMIT 2" in reads[0] and "timestampformat" in reads[1]
    assert read.offsets == offsets
    assert read.db.one("SELECT count(*), strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ') FROM events") == (
        6,
        first,
    )


def test_a_log_shorter_than_its_head_is_read_once_to_learn(monkeypatch, tmp_path, statements):
    """All of it was the head: its values are known, so a load that cannot use the reader's
    parse (an offset) follows at once, with no second pass to learn."""
    monkeypatch.setattr(readers, "HEAD_ROWS", 100)
    log = tmp_path / "log.csv"
    log.write_text(HEADER + HEAD.replace("Z\n", "+01:00\n"), encoding="utf-8")
    read = read_log(log)
    reads = [s for s in statements if "read_csv" in s and not s.startswith("DESCRIBE")]
    assert len(reads) == 2 and "LIMIT 100" in reads[0] and "timestampformat" not in reads[1]
    assert read.offsets == ("+01:00",)
