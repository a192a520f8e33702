"""`journeyctl simulate` and the Monte Carlo engine, on the example maps and small fixtures."""

from __future__ import annotations

import csv
import io
import json
import zlib
from pathlib import Path

import numpy as np
import pytest

from journeyctl.lint.load import load_map
from journeyctl.markov.exact import solve
from journeyctl.markov.montecarlo import CUT, simulate
from journeyctl.markov.summary import summarise, wilson

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "simulate"
SMALL = DATA / "small.yaml"


def _journey_maps() -> list[Path]:
    return [p for p in sorted((ROOT / "maps").glob("*.yaml")) if "\njourney:" in p.read_text()]


def _cases():
    for path in _journey_maps():
        jmap = load_map(path)
        for persona in [p.id for p in jmap.personas] or [None]:
            yield pytest.param(path, persona, id=f"{path.stem}-{persona}")


def test_there_are_example_maps():
    assert _journey_maps(), "maps/*.yaml with a journey"


@pytest.mark.parametrize(("path", "persona"), list(_cases()))
def test_monte_carlo_agrees_with_the_exact_chain(path, persona):
    jmap = load_map(path)
    exact = solve(jmap, persona)
    runs = 100_000
    # One fixed seed per case, so that the cases do not share one random stream.
    seed = zlib.crc32(f"{path.name}:{persona}".encode())
    walks = simulate(jmap, persona, runs, seed=seed)
    report = summarise(jmap, walks, 10, exact)

    def agrees(sampled: float, p: float, n: int = runs) -> bool:
        """Within 4 standard errors: a guard on the engine that a fixed seed cannot flake."""
        return abs(sampled - p) <= 4 * np.sqrt(p * (1 - p) / n) + 1e-12

    assert agrees(report.conversion, exact.conversion)
    for k, p in enumerate(exact.retention, 1):  # cyclical maps: each cycle's share too
        assert agrees((walks.converted >= k).mean(), p)
    for tp, p in exact.visit_probability.items():
        assert agrees(report.visit_share[tp], p), tp
    # After conversion, as shares of the converted walks: reach and drop-off per touchpoint.
    n = report.after.converted
    for tp, p in exact.after.reach.items():
        assert agrees(report.after.reach[tp].share, p, n), tp
    for tp, p in exact.after.drop_off.items():
        sampled = report.after.drop_off.get(tp)
        assert agrees(sampled.share if sampled else 0.0, p, n), tp


def test_wilson_interval():
    low, high = wilson(50, 100)
    assert (round(low, 4), round(high, 4)) == (0.4038, 0.5962)
    assert wilson(0, 100)[0] == 0.0


def test_same_seed_gives_byte_identical_json_and_csv(cli, tmp_path):
    for fmt in ("json", "csv"):
        a = cli("simulate", SMALL, "--format", fmt, "--runs", "2000", "--seed", "7", "--exact")
        b = cli("simulate", SMALL, "--format", fmt, "--runs", "2000", "--seed", "7", "--exact")
        c = cli("simulate", SMALL, "--format", fmt, "--runs", "2000", "--seed", "8", "--exact")
        assert a.code == b.code == 0
        assert a.out == b.out
        assert a.out != c.out
    out = tmp_path / "report.json"
    r = cli("simulate", SMALL, "-f", "json", "-n", "2000", "--seed", "7", "--exact", "-o", out)
    assert r.code == 0 and r.out == ""
    stdout = cli("simulate", SMALL, "-f", "json", "-n", "2000", "--seed", "7", "--exact").out
    assert out.read_text() == stdout


def test_json_report(cli):
    r = cli("simulate", SMALL, "-f", "json", "-n", "20000", "-p", "plain", "--exact", "--top", "3")
    assert r.code == 0
    doc = json.loads(r.out)
    [p] = doc["personas"]
    assert p["persona"] == "plain" and p["runs"] == 20000
    assert p["conversion"]["low"] <= 2 / 7 <= p["conversion"]["high"]
    assert p["exact"]["conversion"] == round(2 / 7, 6)
    assert p["exact"]["expected_steps"] == 2.0
    assert len(p["top_paths"]) == 3
    top = p["top_paths"][0]  # a -> exit: 1/2 of the walks, 4 standard errors (0.014) at most off
    assert set(top) == {"path", "outcome", "count", "share"}
    assert (top["path"], top["outcome"]) == (["a"], "exit")
    assert abs(top["count"] - 10_000) <= 4 * (20_000 * 0.5 * 0.5) ** 0.5
    assert top["share"] == top["count"] / 20_000
    assert abs(p["drop_off"]["by_touchpoint"]["a"] - 4 / 7) < 0.02
    assert set(p["moments_of_truth"]) == {"g"}
    assert p["time_to_convert_hours"] is None
    assert "time is not reported: the map has no durations" in p["reasons"]
    assert p["channel_mix"] and abs(sum(p["channel_mix"].values()) - 1) < 1e-5


def test_every_persona_by_default(cli):
    r = cli("simulate", SMALL, "-f", "json", "-n", "100")
    names = [p["persona"] for p in json.loads(r.out)["personas"]]
    assert names == ["plain", "fan", "quiet", "desk", "no-store", "offline"]


def test_csv_report(cli):
    r = cli("simulate", SMALL, "-f", "csv", "-n", "1000", "-p", "fan", "--exact")
    rows = list(csv.reader(io.StringIO(r.out)))
    assert rows[0] == ["persona", "section", "item", "metric", "value"]
    by = {(row[1], row[2], row[3]): row[4] for row in rows[1:]}
    assert by[("exact", "", "conversion")] == f"{4 / 11:.6f}"
    assert by[("walks", "", "runs")] == "1000"
    assert all(row[0] == "fan" for row in rows[1:])


def test_cyclical_retention_and_time(cli):
    r = cli("simulate", DATA / "cyclical.yaml", "-f", "json", "-n", "40000", "--exact")
    [p] = json.loads(r.out)["personas"]
    shares = [c["share"] for c in p["retention"]]
    assert [c["cycle"] for c in p["retention"]] == [1, 2, 3]
    for share, exact in zip(shares, (0.5, 0.125, 0.03125), strict=True):
        assert abs(share - exact) < 0.01
    assert abs(p["retention"][1]["vs_previous"] - 0.25) < 0.02
    # t dwells 2 h before the first conversion at s: time to convert is exactly 2 h.
    assert p["time_to_convert_hours"] == {"mean": 2.0, "median": 2.0, "p90": 2.0}
    r = cli("simulate", DATA / "cyclical.yaml", "-f", "json", "-n", "1000", "--cycles", "1")
    [one] = json.loads(r.out)["personas"][0]["retention"]
    assert one["cycle"] == 1 and one["vs_previous"] is None
    r = cli("simulate", SMALL, "-f", "json", "-n", "100", "-p", "plain")
    assert json.loads(r.out)["personas"][0]["retention"] == []  # linear journeys have none


def test_events_csv(cli, tmp_path):
    events = tmp_path / "walks.csv"
    r = cli("simulate", DATA / "cyclical.yaml", "-f", "json", "-n", "50", "--events", events)
    assert r.code == 0
    rows = list(csv.reader(events.open()))
    assert rows[0] == [
        "case_id",
        "persona",
        "touchpoint",
        "stage",
        "channel",
        "screen",
        "timestamp",
    ]
    body = rows[1:]
    [p] = json.loads(r.out)["personas"]
    assert len(body) == round(p["steps_per_walk"] * 50)
    assert body[0][:3] == ["walk-01", "", "t"] and body[0][6] == "2026-01-01T00:00:00Z"
    assert [row[0] for row in body] == sorted(row[0] for row in body)
    # t dwells 2 h, s 1 h, and the move r -> s takes 3 h
    second = [row for row in body if row[0] == body[0][0]]
    if len(second) > 1:
        assert second[1][2] == "s" and second[1][6] == "2026-01-01T02:00:00Z"
    r = cli("simulate", DATA / "cyclical.yaml", "-n", "5", "--events", events)
    assert r.code == 2 and "--force" in r.err
    r = cli("simulate", DATA / "cyclical.yaml", "-n", "5", "--events", events, "--force")
    assert r.code == 0 and len(events.read_text().splitlines()) > 5


def test_events_without_durations_use_one_hour_per_step(cli, tmp_path):
    events = tmp_path / "walks.csv"
    assert cli("simulate", SMALL, "-p", "plain", "-n", "200", "--events", events).code == 0
    rows = list(csv.DictReader(events.open()))
    by_case: dict[str, list[str]] = {}
    for row in rows:
        by_case.setdefault(row["case_id"], []).append(row["timestamp"])
    longest = max(by_case.values(), key=len)
    assert len(longest) >= 3
    assert longest[:3] == ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"]
    assert {row["screen"] for row in rows if row["touchpoint"] == "a"} == {"pc"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--runs", "0"), "--runs must be 1 or more"),
        (("--runs", "-5"), "--runs must be 1 or more"),
        (("--cycles", "0"), "--cycles must be 1 or more"),
        (("--persona", "nobody"), "unknown persona 'nobody'"),
        (("--format", "xml"), "unknown format"),
        (("--max-steps", "0"), "--max-steps must be 1 or more"),
    ],
)
def test_bad_options_exit_2(cli, args, message):
    r = cli("simulate", SMALL, *args)
    assert r.code == 2
    assert message in " ".join(r.err.split())


def test_invalid_map_is_refused_with_findings(cli):
    r = cli("simulate", DATA / "invalid.yaml")
    assert r.code == 1
    assert "JM105" in r.err and "validation error" in r.err


def test_unreachable_goal_gives_conversion_zero_with_a_reason(cli):
    r = cli("simulate", DATA / "stuck.yaml", "-f", "json", "-n", "500", "-p", "online-only")
    assert r.code == 0
    [p] = json.loads(r.out)["personas"]
    assert p["conversion"]["rate"] == 0.0
    assert p["outcomes"]["stuck"] == 500
    assert any("zeroes every move" in x for x in p["reasons"])
    assert any("no goal touchpoint can be reached" in x for x in p["reasons"])
    r = cli("simulate", DATA / "stuck.yaml", "-n", "500", "-p", "online-only")
    assert "no goal touchpoint can be reached" in " ".join(r.out.split())


def test_persona_that_zeroes_every_entry(cli):
    r = cli("simulate", SMALL, "-f", "json", "-n", "100", "-p", "offline", "--exact")
    [p] = json.loads(r.out)["personas"]
    assert p["outcomes"]["no-entry"] == 100 and p["conversion"]["rate"] == 0.0
    assert p["exact"]["conversion"] == 0.0 and p["exact"]["expected_steps"] == 0.0
    assert "the persona zeroes every entry weight, so no walk starts" in p["reasons"]
    assert p["top_paths"] == [{"path": [], "outcome": "no-entry", "count": 100, "share": 1.0}]


def test_walks_cut_by_the_step_cap_are_reported(cli):
    jmap = load_map(DATA / "loop.yaml")
    walks = simulate(jmap, "no-store", 300, max_steps=50)
    assert (walks.outcome == CUT).all() and (walks.steps == 50).all()
    r = cli("simulate", DATA / "loop.yaml", "-f", "json", "-n", "300", "--max-steps", "50")
    [p] = json.loads(r.out)["personas"]
    assert p["cut"] == 300 and p["outcomes"]["cut"] == 300
    assert "300 walk(s) reached the step cap (50 visits) and were cut" in p["reasons"]


def test_text_report_goes_to_stdout(cli):
    r = cli("simulate", SMALL, "-p", "fan", "-n", "1000", "--exact")
    assert r.code == 0 and r.err == ""
    for heading in (
        "Outcome",
        "Top paths",
        "Drop-off by stage",
        "Channel mix",
        "Visit probability",
    ):
        assert heading in r.out
    assert "Email fan (fan)" in r.out


def test_engine_is_deterministic_and_counts_visits():
    jmap = load_map(SMALL)
    a = simulate(jmap, "plain", 5000, seed=3)
    b = simulate(jmap, "plain", 5000, seed=3)
    assert (a.path_key == b.path_key).all() and (a.outcome == b.outcome).all()
    assert a.visits.sum() == a.steps.sum()
    assert a.path(0)[0] == 0  # every walk starts at a


def test_text_report_to_a_file_is_plain(cli, tmp_path):
    out = tmp_path / "report.txt"
    r = cli("simulate", SMALL, "-p", "plain", "-n", "500", "-o", out)
    assert r.code == 0 and r.out == ""
    text = out.read_text()
    assert "Persona: Plain (plain)" in text and "Top paths" in text
    assert "\x1b[" not in text
