"""The draft map of `journeyctl discover -o`: true conversion, what cases do after the goal,
the goal asked for, lifecycle events, channels.

Expected values come from the logs themselves, counted here in plain Python (each case sorted
by timestamp, ties by file row, as pm4py), or from the chain a log was drawn from.

receipt.csv: Buijs, J.C.A.M. — Receipt phase of an environmental permit application process
('WABO'), CoSeLoG project.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from journeyctl.lint.load import load_map

DATA = ROOT / "tests" / "data" / "eventlog"
RECEIPT = DATA / "receipt.csv"
T10 = "T10 Determine necessity to stop indication"


def cases_of(path: Path, case: str, activity: str, timestamp: str, channel: str | None):
    """{case: [(activity, channel), ...]} in time order, ties by file row."""
    rows = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as f:
        for i, r in enumerate(csv.DictReader(f)):
            ts = datetime.fromisoformat(r[timestamp].replace("Z", "+00:00"))
            rows[r[case]].append((ts, i, r[activity], r[channel] if channel else None))
    return {c: [(a, ch) for _, _, a, ch in sorted(evs)] for c, evs in rows.items()}


def exact(cli, draft: Path) -> dict:
    r = cli("simulate", draft, "--exact", "-f", "json", "-n", "10")
    assert r.code == 0, r.err
    return json.loads(r.out)["personas"][0]["exact"]


def after_goal(cases, goals: set[str]):
    """Per case reaching a goal: the (activity, channel) events after its first goal event."""
    out = {}
    for c, evs in cases.items():
        first = next((i for i, (a, _) in enumerate(evs) if a in goals), None)
        if first is not None:
            out[c] = evs[first + 1 :]
    return out


def post_name(activity: str, channel: str | None, split: bool) -> str:
    return f"{activity} ({channel}, after the goal)" if split else f"{activity} (after the goal)"


# --- 1. true drafts ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def receipt_cases():
    return cases_of(RECEIPT, "case:concept:name", "concept:name", "time:timestamp", "case:channel")


def test_receipt_draft_converts_at_the_real_rate(cli, tmp_path, receipt_cases):
    """The real share is counted here: 1,283 of 1,434 cases have a T10 event (the issue)."""
    draft = tmp_path / "receipt.yaml"
    r = cli("discover", RECEIPT, "-o", draft, "--goal", T10)
    assert r.code == 0, r.err
    real = sum(any(a == T10 for a, _ in evs) for evs in receipt_cases.values())
    assert (real, len(receipt_cases)) == (1283, 1434)
    assert abs(exact(cli, draft)["conversion"] - real / 1434) < 0.005
    assert "1,283 of 1,434 cases (89.5%) reach it" in r.err
    v = cli("validate", draft)
    assert v.code == 0 and "0 errors, 0 warnings, 0 info" in v.out, v.out


def test_receipt_after_goal_part_reproduces_what_cases_did(cli, tmp_path, receipt_cases):
    """After the goal, the draft's expected visits per walk to each `after-goal` touchpoint
    equal the events of that activity (and channel) after the cases' first T10, per case: flow
    conservation again, so exact whatever the cases' memory. (Reach, the share of cases with
    at least one such event, is only equal for a Markov log: checked on the drawn log below.)"""
    draft = tmp_path / "receipt.yaml"
    assert cli("discover", RECEIPT, "-o", draft, "--goal", T10).code == 0
    jmap = load_map(draft)
    names = {t.name or t.id: t.id for t in jmap.touchpoints if t.stage == "after-goal"}
    channels = defaultdict(set)
    for evs in receipt_cases.values():
        for a, ch in evs:
            channels[a].add(ch)
    seen = Counter(
        post_name(a, ch, len(channels[a]) > 1)
        for evs in after_goal(receipt_cases, {T10}).values()
        for a, ch in evs
    )
    assert set(seen) == set(names)
    visits = exact(cli, draft)["expected_visits"]
    for name, n in seen.items():
        assert visits[names[name]] * 1434 == pytest.approx(n, abs=0.01), name


CHAINS = {
    # channel: {activity: {next activity or None (the case ends): probability}}
    "web": {
        "start": {"ad": 0.6, "page": 0.4},
        "ad": {"page": 0.7, None: 0.3},
        "page": {"page": 0.2, "cart": 0.5, None: 0.3},
        "cart": {"buy": 0.6, "page": 0.2, None: 0.2},
        "buy": {"review": 0.5, "page": 0.3, None: 0.2},
        "review": {"page": 0.1, None: 0.9},
    },
    "store": {
        "start": {"page": 1.0},
        "page": {"cart": 0.8, None: 0.2},
        "cart": {"buy": 0.9, None: 0.1},
        "buy": {"review": 0.2, None: 0.8},
        "review": {None: 1.0},
    },
}


def true_conversion(chain: dict) -> float:
    """P(reaching `buy`) of a chain: (I - Q) h = r over the states before it (numpy)."""
    states = [s for s in chain if s not in ("start", "buy")]
    idx = {s: i for i, s in enumerate(states)}
    Q = np.zeros((len(states), len(states)))
    r = np.zeros(len(states))
    for s in states:
        for t, p in chain[s].items():
            if t == "buy":
                r[idx[s]] += p
            elif t is not None:
                Q[idx[s], idx[t]] += p
    h = np.linalg.solve(np.eye(len(states)) - Q, r)
    return sum(p * h[idx[t]] for t, p in chain["start"].items())


def draw_log(path: Path, cases: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    t0 = datetime(2026, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["case_id", "touchpoint", "channel", "timestamp"])
        for c in range(cases):
            channel = "web" if rng.random() < 0.7 else "store"
            chain, state, t = CHAINS[channel], "start", t0 + timedelta(hours=c)
            while True:
                targets = list(chain[state])
                state = targets[rng.choice(len(targets), p=list(chain[state].values()))]
                if state is None:
                    break
                t += timedelta(minutes=1)
                w.writerow([f"c{c}", state, channel, t.isoformat() + "Z"])


def test_drawn_log_draft_converts_at_its_rate_and_after_goal_reach(cli, tmp_path):
    """A log drawn from two hand-written chains (per channel): the draft's conversion is the
    log's share reaching `buy` and within sampling error of the chains' own; after the goal,
    the exact reach of each touchpoint (of converting walks) is the share of converted cases
    with that activity after their first `buy`, within 4 standard errors (the log is Markov
    per channel, so reach is kept, not only visits)."""
    log = tmp_path / "drawn.csv"
    draw_log(log, 20_000, seed=7)
    draft = tmp_path / "drawn.yaml"
    r = cli("discover", log, "-o", draft, "--goal", "buy")
    assert r.code == 0, r.err
    assert cli("validate", draft).code == 0
    cases = cases_of(log, "case_id", "touchpoint", "timestamp", "channel")
    share = sum(any(a == "buy" for a, _ in evs) for evs in cases.values()) / len(cases)
    truth = 0.7 * true_conversion(CHAINS["web"]) + 0.3 * true_conversion(CHAINS["store"])
    assert abs(share - truth) < 4 * math.sqrt(truth * (1 - truth) / len(cases))
    figures = exact(cli, draft)
    assert abs(figures["conversion"] - share) < 0.005
    jmap = load_map(draft)
    by_name = {t.name: t.id for t in jmap.touchpoints if t.stage == "after-goal"}
    after = after_goal(cases, {"buy"})
    reach = Counter(post_name(a, ch, True) for evs in after.values() for a, ch in set(evs))
    assert set(reach) == set(by_name)
    for name, n in reach.items():
        p = n / len(after)
        got = figures["after_conversion"]["reach"][by_name[name]]
        assert abs(got - p) <= 4 * math.sqrt(p * (1 - p) / len(after)) + 1e-6, name
    # every activity is on both channels but `ad`: one touchpoint per channel for the others
    assert {t.id for t in jmap.touchpoints} >= {"ad", "page-web", "page-store", "buy-web-after"}
    assert set(jmap.journey.goal) == {"buy-web", "buy-store"}


# --- 2. the goal is asked for -----------------------------------------------------------------


def test_a_draft_without_goal_lists_the_candidates(cli, tmp_path, receipt_cases):
    out = tmp_path / "m.yaml"
    r = cli("discover", RECEIPT, "-o", out)
    assert r.code == 2 and not out.exists()
    reached = Counter(a for evs in receipt_cases.values() for a in {a for a, _ in evs})
    assert f"{T10} ({reached[T10]:,})" in r.err and "--goal" in r.err
    assert "Confirmation of receipt (1,434), T02 Check confirmation of receipt (1,316)" in r.err
    assert cli("discover", RECEIPT, "--top", "1").code == 0  # the summary needs no goal


def test_several_goals_are_all_goals(cli, tmp_path, receipt_cases):
    t05 = "T05 Print and send confirmation of receipt"
    draft = tmp_path / "m.yaml"
    r = cli("discover", RECEIPT, "-o", draft, "--goal", T10, "--goal", t05)
    assert r.code == 0, r.err
    jmap = load_map(draft)
    goals = {jmap.touchpoint[g].name.split(" (")[0] for g in jmap.journey.goal}
    assert goals == {T10, t05}
    either = sum(any(a in (T10, t05) for a, _ in evs) for evs in receipt_cases.values())
    assert abs(exact(cli, draft)["conversion"] - either / 1434) < 0.005


# --- 3. lifecycle -----------------------------------------------------------------------------

LIFECYCLE_CASES = {  # the activities of tests/data/eventlog/lifecycle.*, each a start + complete
    "c1": ["register", "check", "decide", "pay"],
    "c2": ["register", "check", "check", "decide"],
    "c3": ["register", "decide"],
}


def dfg_of(traces) -> dict[tuple[str, str], int]:
    return dict(Counter((a, b) for t in traces for a, b in pairwise(t)))


@pytest.mark.parametrize("name", ["lifecycle.csv", "lifecycle.xes"])
def test_complete_events_kept_by_default(cli, name):
    r = cli("discover", DATA / name, "-f", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    got = {(d["source"], d["target"]): d["count"] for d in report["dfg"]}
    assert got == dfg_of(LIFECYCLE_CASES.values())  # one self-loop: c2's real check → check
    assert report["lifecycle"] == {
        "column": "lifecycle:transition",
        "values": {"complete": 10, "start": 10},
        "kept": "complete",
        "left_out": 10,
    }
    assert "kept the complete events (10 others left out)" in r.err
    every = json.loads(cli("discover", DATA / name, "-f", "json", "--lifecycle", "all").out)
    doubled = [[a for a in t for _ in (0, 1)] for t in LIFECYCLE_CASES.values()]
    assert {(d["source"], d["target"]): d["count"] for d in every["dfg"]} == dfg_of(doubled)
    assert every["log"]["events"] == 20


def test_a_lifecycle_value_the_log_lacks_is_refused(cli, tmp_path):
    log = tmp_path / "l.csv"
    log.write_text(
        "case_id,touchpoint,lifecycle:transition,timestamp\n"
        "1,a,schedule,2026-01-01T10:00:00Z\n1,a,COMPLETE,2026-01-01T10:01:00Z\n",
        encoding="utf-8",
    )
    r = cli("discover", log, "--lifecycle", "start")
    assert r.code == 2 and "no 'start' events" in r.err and "complete (1), schedule (1)" in r.err
    ok = json.loads(cli("discover", log, "-f", "json").out)  # values compared in lower case
    assert ok["log"]["events"] == 1 and ok["lifecycle"]["kept"] == "complete"


def test_one_lifecycle_value_changes_nothing(cli):
    report = json.loads(cli("discover", RECEIPT, "-f", "json").out)  # every event `complete`
    assert report["lifecycle"] is None and report["log"]["events"] == 8577


# --- 5. channels ------------------------------------------------------------------------------


def test_receipt_routes_by_channel_in_the_map_and_render(cli, tmp_path, receipt_cases):
    draft = tmp_path / "receipt.yaml"
    assert cli("discover", RECEIPT, "-o", draft, "--goal", T10).code == 0
    jmap = load_map(draft)
    starts = Counter(evs[0] for evs in receipt_cases.values())
    entry = {e.target: e.weight for e in jmap.journey.entry}
    for (activity, channel), n in starts.items():
        tid = f"confirmation-of-receipt-{channel.lower()}"
        assert activity == "Confirmation of receipt"
        assert entry[tid] == n and jmap.touchpoint[tid].channel == channel
    assert {"Desk", "Post", "e-mail", "Internet"} <= {c.id for c in jmap.channels}
    r = cli("render", draft, "--view", "flow", "--format", "svg")
    assert r.code == 0, r.err
    texts = set(re.findall(r"<text[^>]*>([^<]*)</text>", r.out))
    for channel in ("Desk", "Post", "e-mail", "Internet"):  # a box per route, and its channel
        assert f"<title>confirmation-of-receipt-{channel.lower()}</title>" in r.out
        assert f"({channel})" in texts
