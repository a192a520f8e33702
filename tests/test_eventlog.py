"""`journeyctl discover` and the event-log readers, on the real receipt log and small files.

receipt.csv: Buijs, J.C.A.M. — Receipt phase of an environmental permit application process
('WABO'), CoSeLoG project. Copied, with its citation, into tests/data/eventlog/.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from journeyctl.eventlog import queries as q
from journeyctl.eventlog.discover import assign_ids, slugify
from journeyctl.eventlog.readers import Columns, read_log
from journeyctl.lint.load import load_map

DATA = ROOT / "tests" / "data" / "eventlog"
RECEIPT = DATA / "receipt.csv"
ORACLE = ROOT / ".venv-oracle" / "bin" / "python"
HEADER = "case_id,persona,touchpoint,stage,channel,screen,timestamp\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def pm4py(path: Path, case: str, activity: str, timestamp: str) -> dict:
    """pm4py's answer, from its own venv (AGPL: never imported here)."""
    if not ORACLE.exists():
        pytest.fail("no .venv-oracle: run scripts/setup.d/eventlog.sh (scripts/setup.sh --test)")
    out = subprocess.run(
        [str(ORACLE), str(DATA / "pm4py_oracle.py"), str(path), case, activity, timestamp],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def ours(report: dict) -> dict:
    return {
        "dfg": [[d["source"], d["target"], d["count"]] for d in report["dfg"]],
        "start": report["start"],
        "end": report["end"],
        "variants": [[v["activities"], v["count"]] for v in report["variants"]],
    }


# --- the real log against pm4py ----------------------------------------------------------------


def test_receipt_matches_pm4py(cli):
    r = cli("discover", RECEIPT, "--format", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["log"]["cases"] == 1434
    assert report["log"]["events"] == 8577
    assert report["log"]["activities"] == 27
    assert report["log"]["channels"] == {  # events per channel
        "Internet": 7478,
        "Desk": 657,
        "Post": 308,
        "e-mail": 128,
        "Intern": 6,
    }
    oracle = pm4py(RECEIPT, "case:concept:name", "concept:name", "time:timestamp")
    assert ours(report) == oracle
    assert sum(v[1] for v in oracle["variants"]) == 1434


def test_ties_and_file_order_match_pm4py(cli, tmp_path):
    """Equal timestamps keep file order; a case out of order in the file is sorted (pm4py too)."""
    log = write(
        tmp_path / "ties.csv",
        HEADER
        + "b,p,x,s,web,pc,2026-01-01T10:00:00Z\n"
        + "a,p,y,s,web,pc,2026-01-01T10:00:00Z\n"
        + "a,p,x,s,web,pc,2026-01-01T10:00:00Z\n"
        + "b,p,z,s,web,pc,2026-01-01T09:00:00Z\n"
        + "a,p,z,s,web,pc,2026-01-01T10:00:00Z\n"
        + "b,p,y,s,web,pc,2026-01-01T10:00:00Z\n",
    )
    r = cli("discover", log, "--format", "json")
    assert r.code == 0
    report = json.loads(r.out)
    assert ours(report) == pm4py(log, "case_id", "touchpoint", "timestamp")
    assert [v["activities"] for v in report["variants"]] == [["y", "x", "z"], ["z", "x", "y"]]
    assert "case 'b' at row 1" in r.err


def test_packed_and_listed_variants_agree():
    """The packed HUGEINT path and the ordered-list path give the same variants."""
    packed = read_log(RECEIPT)
    listed = read_log(RECEIPT)
    assert q.variants(packed.db, packed=True) == q.variants(listed.db, packed=False)


def test_text_report_shows_summary_and_top_variants(cli):
    r = cli("discover", RECEIPT, "--top", "3")
    assert r.code == 0
    assert r.err == ""
    assert "1,434 cases, 8,577 events, 27 activities, 116 variant(s)" in r.out
    assert "events by channel (case:channel): Internet 7,478, Desk 657" in r.out
    assert "Top 3 of 116 variants" in r.out
    assert "713" in r.out and "49.7%" in r.out
    assert "normalised to UTC" in r.out


# --- the draft map ----------------------------------------------------------------------------


T10 = "T10 Determine necessity to stop indication"


def test_receipt_draft_map_validates_and_loads(cli, tmp_path):
    out = tmp_path / "receipt.yaml"
    r = cli("discover", RECEIPT, "-o", out, "--goal", T10)
    assert r.code == 0, r.err
    text = out.read_text()
    assert text.startswith("# TODO:")
    v = cli("validate", out)
    assert v.code == 0, v.err
    assert "0 errors, 0 warnings, 0 info" in v.out
    jmap = load_map(out)
    assert {t.stage for t in jmap.touchpoints} == {"unassigned", "after-goal"}
    goal = "t10-determine-necessity-to-stop-indication-desk"
    assert goal in jmap.journey.goal and len(jmap.journey.goal) == 5  # one per channel
    assert jmap.touchpoint[goal].name == "T10 Determine necessity to stop indication (Desk)"
    assert {m.target for m in jmap.touchpoint[goal].next} <= {
        t.id for t in jmap.touchpoints if t.stage == "after-goal"
    } | {"exit"}
    assert sum(e.weight for e in jmap.journey.entry) == 1434
    first = jmap.touchpoint["confirmation-of-receipt-internet"]
    assert sum(m.weight for m in first.next) == 1250  # the Internet cases, each starting there
    assert first.channel == "Internet"
    assert "1,283 of 1,434 cases (89.5%) reach it" in r.err


def test_draft_map_renders(cli, tmp_path):
    out = tmp_path / "receipt.yaml"
    assert cli("discover", RECEIPT, "-o", out, "--goal", T10).code == 0
    r = cli("render", out, "--format", "dot")
    assert r.code == 0, r.err
    assert "digraph" in r.out
    assert "t10-determine-necessity-to-stop-indication-desk" in r.out


def test_draft_is_deterministic_and_never_overwrites(cli, tmp_path):
    out = tmp_path / "m.yaml"
    assert cli("discover", RECEIPT, "-o", out, "--goal", T10).code == 0
    first = out.read_text()
    out.write_text("mine\n")
    r = cli("discover", RECEIPT, "-o", out, "--goal", T10)
    assert r.code == 2
    assert "--force" in r.err
    assert out.read_text() == "mine\n"
    assert cli("discover", RECEIPT, "-o", out, "--force", "--goal", T10).code == 0
    assert out.read_text() == first


def test_goal_option_and_channels(cli, tmp_path):
    out = tmp_path / "m.yaml"
    r = cli("discover", RECEIPT, "-o", out, "--goal", "T05 Print and send confirmation of receipt")
    assert r.code == 0, r.err
    jmap = load_map(out)
    t05 = "t05-print-and-send-confirmation-of-receipt-internet"
    assert t05 in jmap.journey.goal
    assert jmap.touchpoint[t05].engagement == "active"
    bad = cli("discover", RECEIPT, "-o", tmp_path / "n.yaml", "--goal", "Nope")
    assert bad.code == 2
    assert "Nope" in bad.err and "Confirmation of receipt" in bad.err
    assert not (tmp_path / "n.yaml").exists()


def test_no_channel_column_gives_unknown_channel(cli, tmp_path):
    log = write(
        tmp_path / "plain.csv",
        "case,step,when\n1,Look,2026-01-01 10:00\n1,Buy,2026-01-01 10:05\n"
        "2,Look,2026-01-02 10:00\n",
    )
    out = tmp_path / "m.yaml"
    r = cli(
        "discover", log, "--case", "case", "--activity", "step", "--timestamp", "when", "-o", out,
        "--goal", "Buy",
    )  # fmt: skip
    assert r.code == 0, r.err
    assert "no channel column" in r.out
    doc = yaml.safe_load(out.read_text())
    assert doc["channels"] == [
        {
            "id": "unknown",
            "name": "Unknown",
            "description": "The log names no channel for these events.",
        }
    ]
    assert doc["journey"]["goal"]["touchpoints"] == ["Buy"]
    assert cli("validate", out).code == 0


def test_simulate_header_gives_screens_and_personas(cli, tmp_path):
    out = tmp_path / "shop.yaml"
    r = cli("discover", DATA / "shop.csv", "-o", out, "--goal", "buy")
    assert r.code == 0, r.err
    jmap = load_map(out)
    assert {p.id for p in jmap.personas} == {"student", "parent"}
    assert {s.id for s in jmap.screens} == {"phone", "pc"}
    assert jmap.touchpoint["ad"].channel == "social"
    assert jmap.touchpoint["ad"].screens == ("phone",)
    assert jmap.touchpoint["video-ad"].screens == ("pc",)
    assert jmap.touchpoint["video-ad"].name == "Video ad"


def test_ids():
    assert slugify("T07-1 Draft intern advice aspect 1") == "t07-1-draft-intern-advice-aspect-1"
    assert slugify("already_an.id") == "already_an.id"
    assert slugify("Größe prüfen") == "grosse-prufen"
    assert assign_ids(["exit", "A b", "a-b", "!!!"]) == {
        "!!!": "x",
        "A b": "a-b",
        "a-b": "a-b-2",
        "exit": "exit-2",
    }


# --- readers ------------------------------------------------------------------------------------


def test_parquet_reads_like_csv(tmp_path):
    import duckdb

    pq = tmp_path / "receipt.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_csv('{RECEIPT}')) TO '{pq}' (FORMAT parquet)"
    )
    a, b = read_log(RECEIPT), read_log(pq)
    assert q.directly_follows(a.db) == q.directly_follows(b.db)
    assert q.variants(a.db) == q.variants(b.db)


@pytest.mark.parametrize("gz", [False, True])
def test_xes_reads_like_the_csv_it_came_from(tmp_path, gz):
    xes = DATA / "receipt-20.xes"
    if gz:
        target = tmp_path / "receipt-20.xes.gz"
        with xes.open("rb") as src, gzip.open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        xes = target
    log = read_log(xes)
    assert log.columns == Columns(
        "case:concept:name", "concept:name", "time:timestamp", "case:channel"
    )
    csv_log = read_log(RECEIPT)
    csv_log.db.con.execute(
        "CREATE TEMP TABLE first20 AS SELECT * FROM events WHERE case_id IN "
        "(SELECT case_id FROM events GROUP BY case_id ORDER BY min(rowid) LIMIT 20) ORDER BY rowid"
    )
    q.build_steps(csv_log.db, "first20", "steps20")
    assert q.directly_follows(log.db) == q.directly_follows(csv_log.db, "steps20")
    assert q.variants(log.db) == q.variants(csv_log.db, "steps20")
    assert q.summary(log.db).cases == 20


def test_xes_with_doctype_is_refused(cli, tmp_path):
    evil = write(
        tmp_path / "evil.xes",
        '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY a "aaaaaaaaaa">]>\n'
        '<log><trace><string key="concept:name" value="&a;"/></trace></log>\n',
    )
    r = cli("discover", evil)
    assert r.code == 2
    assert "DOCTYPE" in r.err
    assert "Traceback" not in r.err


def test_xes_not_well_formed(cli, tmp_path):
    r = cli("discover", write(tmp_path / "bad.xes", "<log><trace></log>"))
    assert r.code == 2
    assert "not well-formed XES" in r.err


# --- bad input ----------------------------------------------------------------------------------


def test_missing_column_names_it_and_lists_the_others(cli, tmp_path):
    log = write(tmp_path / "a.csv", "id,what,at\n1,x,2026-01-01\n")
    r = cli("discover", log)
    assert r.code == 2
    assert "no case column" in r.err and "id, what, at" in r.err
    r = cli("discover", log, "--case", "id", "--activity", "nope", "--timestamp", "at")
    assert r.code == 2
    assert "no column 'nope' (--activity)" in r.err


def test_unparsable_timestamp_names_row_and_value(cli, tmp_path):
    log = write(
        tmp_path / "a.csv",
        HEADER + "1,p,x,s,web,pc,2026-01-01T10:00:00Z\n1,p,y,s,web,pc,yesterday at noon\n",
    )
    out = tmp_path / "m.yaml"
    r = cli("discover", log, "-o", out)
    assert r.code == 2
    assert "row 2: cannot read timestamp 'yesterday at noon'" in r.err
    assert not out.exists()


def test_empty_logs(cli, tmp_path):
    header_only = write(tmp_path / "h.csv", HEADER)
    r = cli("discover", header_only)
    assert r.code == 2
    assert "no events" in r.err
    r = cli("discover", write(tmp_path / "e.csv", ""))
    assert r.code == 2
    assert "Traceback" not in r.err and "e.csv" in r.err


def test_empty_case_or_activity(cli, tmp_path):
    r = cli("discover", write(tmp_path / "a.csv", HEADER + "1,p,,s,web,pc,2026-01-01\n"))
    assert r.code == 2
    assert "row 1: empty activity" in r.err


def test_mixed_time_zones_warn_and_normalise(cli, tmp_path):
    log = write(
        tmp_path / "tz.csv",
        HEADER
        + "1,p,x,s,web,pc,2026-01-01T10:00:00+02:00\n"  # 08:00 UTC
        + "1,p,y,s,web,pc,2026-01-01T09:00:00\n",  # taken as 09:00 UTC
    )
    r = cli("discover", log, "--format", "json")
    assert r.code == 0
    report = json.loads(r.out)
    assert report["dfg"] == [{"source": "x", "target": "y", "count": 1}]
    assert report["log"]["first"] == "2026-01-01T08:00:00Z"
    assert "mixed time zones" in r.err and "row 2" in r.err
    assert any("mixed time zones" in w for w in report["warnings"])


def test_unreadable_files(cli, tmp_path):
    r = cli("discover", tmp_path / "missing.csv")
    assert r.code == 2 and "no such file" in r.err
    r = cli("discover", write(tmp_path / "log.json", "{}"))
    assert r.code == 2 and "unknown log format" in r.err
    r = cli("discover", write(tmp_path / "bin.parquet", "not parquet at all"))
    assert r.code == 2 and "cannot read" in r.err
    r = cli("discover", write(tmp_path / "bad.xes.gz", "not gzip"))
    assert r.code == 2 and "cannot read" in r.err
    r = cli("discover", RECEIPT, "--format", "yaml")
    assert r.code == 2 and "unknown format" in r.err


def test_utc_offsets_of_every_form(cli, tmp_path):
    log = write(
        tmp_path / "tz.csv",
        HEADER
        + "1,p,a,s,web,pc,2026-01-01T10:00:00+0200\n"  # 08:00 UTC
        + "1,p,b,s,web,pc,2026-01-01T03:30:00-05\n"  # 08:30 UTC
        + "1,p,c,s,web,pc,2026-01-01 08:45:00.5+00:00\n"
        + "1,p,d,s,web,pc,2026-01-01T09:00:00Z\n",
    )
    r = cli("discover", log, "--format", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["variants"] == [{"activities": ["a", "b", "c", "d"], "count": 1}]
    assert report["warnings"] == []
    dated = write(tmp_path / "d.csv", HEADER + "1,p,a,s,web,pc,2026-01-01\n"
                  "1,p,b,s,web,pc,2026-01-01T10:00:00+01:00\n")  # fmt: skip
    r = cli("discover", dated)
    assert r.code == 0
    assert "mixed time zones" in r.err and "row 1" in r.err


def test_compare_needs_a_valid_map_and_top_positive(cli, tmp_path):
    bad = write(tmp_path / "bad.yaml", "journeyctl: 1\njourney: {id: x}\n")
    r = cli("discover", DATA / "shop.csv", "--compare", bad)
    assert r.code == 1
    assert "validation error" in r.err
    r = cli("discover", DATA / "shop.csv", "--top", "0")
    assert r.code == 2 and "--top" in r.err
    r = cli("discover", DATA / "shop.csv", "--mapping", bad)
    assert r.code == 2 and "--compare" in r.err
