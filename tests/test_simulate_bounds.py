"""Monte Carlo in bounded memory and time: counts past the documented bounds are refused, big
maps and many walks are walked in chunks, and the sparse sampler draws what the chain says."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import GIB, run_limited

from journeyctl.core.errors import InputError, RequestError
from journeyctl.lint.load import load_map
from journeyctl.markov import montecarlo
from journeyctl.markov.montecarlo import MAX_RUNS, OUTCOMES, simulate
from journeyctl.markov.sampling import Table
from journeyctl.markov.summary import summarise

DATA = Path(__file__).parent / "data" / "simulate"
SMALL = DATA / "small.yaml"

# Entry a; a → b 1/2, c 3/10, exit 1/5; b → exit; c → g; g a goal.
FORK = """\
journeyctl: 1
journey:
  id: fork
  name: Fork
  goal: {touchpoints: [g]}
  entry: {a: 1}
stages:
  - {id: one, name: One}
  - {id: two, name: Two}
channels:
  - {id: web, name: Website}
touchpoints:
  - {id: a, stage: one, channel: web, engagement: passive, next: {b: 5, c: 3, exit: 2}}
  - {id: b, stage: two, channel: web, engagement: passive, next: {exit: 1}}
  - {id: c, stage: two, channel: web, engagement: passive, next: {g: 1}}
  - {id: g, stage: two, channel: web, engagement: active}
"""


def _ring(n: int) -> str:
    """A valid map of `n` touchpoints in a ring with shortcuts and a way back, one line each:
    walks are long (exit 1/25 per step) and almost every path is different."""
    lines = [
        "journeyctl: 1",
        "journey: {id: ring, name: Ring, goal: {touchpoints: [g]}, entry: {t0: 3, t1: 1}}",
        "stages: [" + ", ".join(f"{{id: s{k}, name: S{k}}}" for k in range(8)) + "]",
        "channels: [{id: w, name: Web}]",
        "touchpoints:",
    ]
    for i in range(n):
        nxt, far, back = (i + 1) % n, (i + 7) % n, (i - 1) % n
        goal = ", g: 1" if i % 1000 == 999 else ""
        lines.append(
            f"  - {{id: t{i}, stage: s{i * 8 // n}, channel: w, engagement: active, "
            f"next: {{t{nxt}: 16, t{far}: 5, t{back}: 2, exit: 1{goal}}}}}"
        )
    lines.append("  - {id: g, stage: s7, channel: w, engagement: active}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("args", "bound"),
    [
        (("--runs", "1000000000"), "1,000,000"),
        (("--runs", str(MAX_RUNS + 1)), "1,000,000"),
        (("--max-steps", "1000000000"), "1,000"),
        (("--cycles", "1000000000"), "100"),
    ],
)
def test_counts_past_the_bounds_exit_2_naming_the_bound(tmp_path, args, bound):
    r = run_limited("simulate", SMALL, *args, cwd=tmp_path)
    assert r.code == 2, r.err
    message = " ".join(r.err.split())
    assert f"{args[0]} {args[1]} is outside 1 to {bound}" in message
    if args[0] != "--cycles":
        assert "--exact" in message
    assert r.out == ""


def test_the_most_runs_walk_in_bounded_memory(tmp_path):
    r = run_limited(
        "simulate", SMALL, "-p", "plain", "-n", str(MAX_RUNS), "-f", "json", cwd=tmp_path,
        cpu=30, memory=GIB,
    )  # fmt: skip
    assert r.code == 0, r.err
    [p] = json.loads(r.out)["personas"]
    assert p["runs"] == MAX_RUNS and p["conversion"]["low"] <= 2 / 7 <= p["conversion"]["high"]


def test_an_18000_touchpoint_map_is_walked_within_a_gib(tmp_path):
    big = tmp_path / "ring.yaml"
    big.write_text(_ring(18_000))
    assert 1_500_000 < big.stat().st_size < 2 * 1024 * 1024  # under the file size limit
    r = run_limited("simulate", big, "-f", "json", "--top", "3", "--max-steps", "50", cwd=tmp_path)
    assert r.code == 0, r.err
    [p] = json.loads(r.out)["personas"]
    assert p["runs"] == 10_000 and len(p["top_paths"]) == 3
    assert 500 < p["cut"] < 2_000  # long walks: about 1 in 8 reaches the step cap


def test_library_refuses_bad_counts_and_a_negative_seed():
    jmap = load_map(SMALL)
    for kwargs in ({"runs": MAX_RUNS + 1}, {"runs": 10, "seed": -1}, {"runs": 10, "cycles": 0}):
        with pytest.raises(RequestError):
            simulate(jmap, None, **kwargs)


def _fork(tmp_path: Path):
    path = tmp_path / "fork.yaml"
    path.write_text(FORK)
    return load_map(path)


def test_chunked_visit_frequencies_match_the_transition_probabilities(tmp_path, monkeypatch):
    monkeypatch.setattr(montecarlo, "CHUNK_WALKS", 997)  # many chunks, the last one short
    runs = 60_000
    walks = simulate(_fork(tmp_path), None, runs, seed=5)
    # Every walk visits a once, then b (1/2), c (3/10) or leaves (1/5); c always goes on to g.
    for i, p in enumerate((1.0, 0.5, 0.3, 0.3)):
        share = walks.visitors[i] / runs
        assert abs(share - p) <= 4 * np.sqrt(p * (1 - p) / runs) + 1e-12, (i, share, p)
    assert walks.visits.tolist() == walks.visitors.tolist()  # no touchpoint twice
    assert walks.stage_visitors.tolist() == [runs, walks.visitors[1] + walks.visitors[2]]
    assert walks.visits.sum() == walks.steps.sum()


def test_table_draws_follow_each_sparse_row_and_never_a_zero_entry():
    probs = np.array([[0.5, 0.0, 0.25, 0.25], [0.0, 0.0, 0.0, 1.0], [0.1, 0.2, 0.3, 0.4]])
    table = Table.of(probs)
    rng = np.random.default_rng(1)
    n = 200_000
    for row, p in enumerate(probs):
        drawn = table.draw(np.full(n, row), rng.random(n))
        share = np.bincount(drawn, minlength=4) / n
        assert np.all(np.abs(share - p) <= 4 * np.sqrt(p * (1 - p) / n) + 1e-12)
        assert not np.isin(drawn, np.flatnonzero(p == 0)).any()
    edge = table.draw(np.array([0, 1, 2, 2]), np.array([0.0, 0.0, 1 - 2**-53, 0.1]))
    assert edge.tolist() == [0, 3, 3, 1]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -0.5])
def test_a_non_finite_probability_is_an_error_not_a_figure(bad):
    with pytest.raises(InputError, match="`b`: its probabilities are not finite"):
        Table.of(np.array([[0.5, 0.5], [bad, 0.5]]), ("a", "b"))


def test_the_engine_refuses_a_chain_with_a_nan(tmp_path, monkeypatch):
    from journeyctl.markov import chain

    def broken(jmap, persona):
        c = chain.persona_chain(jmap, persona)
        exit = c.exit.copy()
        exit[0] = np.nan
        return chain.Chain(c.states, c.P, exit, c.start, c.goal, c.stuck)

    monkeypatch.setattr(montecarlo, "persona_chain", broken)
    with pytest.raises(InputError, match="`a`"):
        simulate(_fork(tmp_path), None, 100)


def test_paths_walked_again_are_the_paths_walked(monkeypatch):
    monkeypatch.setattr(montecarlo, "CHUNK_WALKS", 64)
    walks = simulate(load_map(DATA / "cyclical.yaml"), None, 1000, seed=11)
    picked = [0, 63, 64, 500, 999]
    for w, path in zip(picked, walks.paths(picked), strict=True):
        assert len(path) == walks.steps[w]
        key = np.uint64(0)
        for state in path:
            key = key * np.uint64(1_000_003) + np.uint64(state + 1)
        assert key * np.uint64(len(OUTCOMES)) + np.uint64(walks.outcome[w]) == walks.path_key[w]


def test_events_arrive_in_walk_order_and_leave_the_figures_alone(monkeypatch):
    monkeypatch.setattr(montecarlo, "CHUNK_WALKS", 100)
    jmap = load_map(DATA / "cyclical.yaml")
    chunks = []
    walks = simulate(jmap, None, 1050, seed=2, on_visits=chunks.append)
    assert len(chunks) == 11 and all(len(c.walk) <= 100 * 200 for c in chunks)
    walk = np.concatenate([c.walk for c in chunks])
    assert (np.diff(walk) >= 0).all() and len(walk) == walks.steps.sum()
    plain = simulate(jmap, None, 1050, seed=2)
    assert summarise(jmap, walks, 5) == summarise(jmap, plain, 5)
