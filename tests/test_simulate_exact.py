"""The chain and its exact solution, checked against small chains solved by hand."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from journeyctl.core.errors import RequestError
from journeyctl.lint.load import load_map
from journeyctl.markov.chain import persona_chain
from journeyctl.markov.exact import solve

DATA = Path(__file__).parent / "data" / "simulate"


@pytest.fixture(scope="module")
def small():
    return load_map(DATA / "small.yaml")


def test_chain_of_the_map_as_is(small):
    c = persona_chain(small, None)
    assert c.states == ("a", "b", "c", "g")
    i = c.index
    # a: {b: 1, c: 1, exit: 2} -> 1/4, 1/4, exit 1/2
    assert c.P[i["a"], i["b"]] == pytest.approx(0.25)
    assert c.P[i["a"], i["c"]] == pytest.approx(0.25)
    assert c.exit[i["a"]] == pytest.approx(0.5)
    # b: {a: 1, g: 1}; c: {g: 1, exit: 1}; g has no moves: leaves
    assert c.P[i["b"], i["a"]] == pytest.approx(0.5)
    assert c.exit[i["c"]] == pytest.approx(0.5)
    assert c.exit[i["g"]] == 1.0
    assert list(c.start) == [1.0, 0.0, 0.0, 0.0]
    assert list(c.goal) == [False, False, False, True]
    np.testing.assert_allclose(c.P.sum(axis=1) + c.exit, 1.0)
    assert c.stuck == ()


def test_channel_affinity_multiplies_the_weight(small):
    # fan: email affinity 3 -> a: {b: 1, c: 1×3, exit: 2} / 6
    c = persona_chain(small, "fan")
    i = c.index
    assert c.P[i["a"], i["c"]] == pytest.approx(3 / 6)
    assert c.P[i["a"], i["b"]] == pytest.approx(1 / 6)
    assert c.exit[i["a"]] == pytest.approx(2 / 6)


def test_a_push_reaches_a_persona_who_opted_out(small):
    # quiet opted out of email, but c is a push on email: the design sends it (gap G301), so
    # the move keeps its weight: a: {b: 1, c: 1, exit: 2} / 4
    c = persona_chain(small, "quiet")
    i = c.index
    assert c.P[i["a"], i["c"]] == pytest.approx(1 / 4)
    assert c.exit[i["a"]] == pytest.approx(2 / 4)


def test_screen_affinity_takes_the_best_screen(small):
    # desk: pc 2, phone 0.5; b lists [pc, phone] -> s(b) = 2: a: {b: 2, c: 1, exit: 2} / 5
    c = persona_chain(small, "desk")
    i = c.index
    assert c.P[i["a"], i["b"]] == pytest.approx(2 / 5)
    assert c.P[i["a"], i["c"]] == pytest.approx(1 / 5)


def test_unknown_persona_is_a_usage_error(small):
    with pytest.raises(RequestError, match="unknown persona 'nobody'"):
        persona_chain(small, "nobody")


def test_exact_figures_of_the_small_chain(small):
    r = solve(small, None)
    # Conversion x_s = P(reach g from s): x_c = 1/2, x_b = x_a/2 + 1/2,
    # x_a = x_b/4 + x_c/4 = x_a/8 + 1/4  =>  x_a = 2/7.
    assert r.conversion == pytest.approx(2 / 7)
    assert r.retention == (pytest.approx(2 / 7),)
    # Expected visits: v_a = 1 + v_b/2, v_b = v_c = v_a/4  =>  v_a = 8/7, v_b = v_c = 2/7;
    # the goal is visited by converting walks: 2/7, which then leave from it (g has no
    # moves). Steps = 8/7 + 2/7 + 2/7 + 2/7 = 2.
    assert r.expected_visits == pytest.approx({"a": 8 / 7, "b": 2 / 7, "c": 2 / 7, "g": 2 / 7})
    assert r.expected_steps == pytest.approx(2.0)
    # P(visit b) = 1/4 (only a -> b leads there; c and exit never do).
    # P(visit c): z_a = 1/4 + z_b/4, z_b = z_a/2  =>  z_a = 2/7.
    assert r.visit_probability == pytest.approx({"a": 1.0, "b": 0.25, "c": 2 / 7, "g": 2 / 7})
    # Drop-off: a leaves half its visits: 4/7; c: 1/7; g every one: 2/7. That sums to 1.
    assert r.exit_probability == pytest.approx({"a": 4 / 7, "b": 0.0, "c": 1 / 7, "g": 2 / 7})
    assert r.stage_exit_probability == pytest.approx({"buy": 1.0})
    # After converting, every walk is at g and leaves from there.
    assert r.after.reach == pytest.approx({"a": 0.0, "b": 0.0, "c": 0.0, "g": 1.0})
    assert r.after.drop_off == pytest.approx({"a": 0.0, "b": 0.0, "c": 0.0, "g": 1.0})
    assert r.edge_flow[("b", "a")] == pytest.approx(1 / 7)
    assert r.edge_flow[("a", "exit")] == pytest.approx(4 / 7)


def test_channel_affinity_changes_the_exact_conversion(small):
    # fan: a: {b: 1, c: 3, exit: 2} / 6; x_c = 1/2, x_b = x_a/2 + 1/2,
    # x_a = x_b/6 + 3/6 · 1/2 = x_a/12 + 1/3  =>  x_a = 4/11.
    assert solve(small, "fan").conversion == pytest.approx(4 / 11)


def test_cyclical_retention():
    jmap = load_map(DATA / "cyclical.yaml")
    r = solve(jmap, None, cycles=3)
    # t -> s 1/2 converts cycle 1; s -> r 1/2 and r -> s 1/2 convert each next cycle: 1/4 each.
    assert r.retention == pytest.approx((0.5, 0.125, 0.03125))
    assert r.conversion == pytest.approx(0.5)
    # visits: t 1; s 1/2 + 1/8 + 1/32; r 1/4 + 1/16. After cycle 3 converts the walk goes on:
    # it leaves from s (1/2), or its move to r would start cycle 4: it ends there (1/64).
    assert r.expected_steps == pytest.approx(1 + 0.65625 + 0.3125)
    exits = {"t": 1 / 2, "s": 0.65625 / 2, "r": 0.3125 / 2}
    assert r.exit_probability == pytest.approx(exits)
    assert 1 - sum(exits.values()) == pytest.approx(1 / 64)
    assert solve(jmap, None, cycles=1).retention == pytest.approx((0.5,))


def test_persona_that_cannot_reach_the_goal():
    jmap = load_map(DATA / "stuck.yaml")
    assert persona_chain(jmap, "online-only").stuck == ("a",)
    r = solve(jmap, "online-only")
    assert r.conversion == 0.0
    assert r.exit_probability["a"] == pytest.approx(1.0)
    assert solve(jmap, "anyone").conversion == pytest.approx(1.0)


def test_a_loop_with_no_way_out_has_infinite_expected_steps():
    jmap = load_map(DATA / "loop.yaml")
    r = solve(jmap, "no-store")
    assert r.conversion == 0.0
    assert math.isinf(r.expected_steps)
    assert r.visit_probability["b"] == pytest.approx(1.0)
    # Without the persona: a -> b 1/2, a -> g 1/2, b -> a: converts surely, v_a = 2, v_b = 1.
    assert solve(jmap, None).expected_steps == pytest.approx(4.0)


def _example_cases():
    root = Path(__file__).resolve().parent.parent / "maps"
    for path in sorted(root.glob("*.yaml")):
        if "\njourney:" in path.read_text():
            jmap = load_map(path)
            for persona in [p.id for p in jmap.personas] or [None]:
                yield pytest.param(jmap, persona, id=f"{path.stem}-{persona}")


@pytest.mark.parametrize(("jmap", "persona"), list(_example_cases()))
def test_every_walk_ends_somewhere_on_the_example_maps(jmap, persona):
    c = persona_chain(jmap, persona)
    np.testing.assert_allclose(c.P.sum(axis=1) + c.exit, 1.0)
    assert c.start.sum() == pytest.approx(1.0)
    r = solve(jmap, persona)
    # A walk drops off from exactly one touchpoint, or (cyclical) moves on to the renewal
    # touchpoint after its last cycle, which only converted walks can.
    assert sum(r.exit_probability.values()) <= 1.0 + 1e-9
    assert 1 - sum(r.exit_probability.values()) <= r.retention[-1] + 1e-9
    assert sum(r.stage_exit_probability.values()) == pytest.approx(sum(r.exit_probability.values()))
    assert r.expected_steps == pytest.approx(sum(r.expected_visits.values()))
    assert list(r.retention) == sorted(r.retention, reverse=True)
    for tp in jmap.touchpoints:  # visits at least once ≤ expected visits
        assert r.visit_probability[tp.id] <= r.expected_visits[tp.id] + 1e-9


def _random_map(rng: np.random.Generator, cyclical: bool) -> str:
    """A small valid map with random moves (every touchpoint can leave) and goals."""
    n = int(rng.integers(3, 9))
    ids = [f"t{i}" for i in range(n)]
    goals = sorted(rng.choice(ids, size=int(rng.integers(1, 3)), replace=False).tolist())
    lines = [
        "journeyctl: 1",
        "journey:",
        "  id: random",
        "  name: Random",
        f"  kind: {'cyclical' if cyclical else 'linear'}",
        f"  goal: {{touchpoints: [{', '.join(goals)}]}}",
        f"  entry: {{{ids[0]}: 2, {ids[1]}: 1}}",
        *([f"  renewal: {{touchpoint: {rng.choice(ids)}}}"] if cyclical else []),
        "stages: [{id: s, name: S}]",
        "channels: [{id: web, name: Web}]",
        "touchpoints:",
    ]
    for t in ids:
        others = [u for u in ids if u != t]
        to = rng.choice(others, size=int(rng.integers(1, len(others) + 1)), replace=False)
        moves = ", ".join(f"{u}: {int(rng.integers(1, 6))}" for u in to)
        exit_ = int(rng.integers(1, 4))
        lines.append(
            f"  - {{id: {t}, stage: s, channel: web, engagement: active, "
            f"next: {{{moves}, exit: {exit_}}}}}"
        )
    return "\n".join(lines) + "\n"


def _dense_reference(chain, renewal: int | None, K: int) -> dict:
    """The lifted (cycle, phase, touchpoint) chain solved densely with numpy, as a check.

    Landing on a goal before conversion converts the cycle and the walk goes on in its post
    phase; landing on the renewal touchpoint in a post phase starts the next cycle, or ends
    the walk after the last one. A customer's walks start in cycle 1's post phase.
    """
    n, P, goal = len(chain.states), chain.P.toarray(), chain.goal
    m = 2 * n * K
    Q, start = np.zeros((m, m)), np.zeros(m)
    convert, convert0 = np.zeros((m, K)), np.zeros(K)

    def land(t, k, post):
        """(the state walks landing on touchpoint t enter, or None: ended; cycle converted)"""
        if post and t == renewal:
            if k == K - 1:
                return None, None
            k, post = k + 1, False
        if not post and goal[t]:
            return (2 * k + 1) * n + t, k
        return (2 * k + post) * n + t, None

    if chain.customer:
        convert0[0] = chain.start.sum()
    for t in range(n):
        s, c = land(t, 0, chain.customer)
        if s is not None:
            start[s] += chain.start[t]
        if c is not None:
            convert0[c] += chain.start[t]
    for k in range(K):
        for post in (False, True):
            for j in range(n):
                for t in range(n):
                    if P[j, t] > 0:
                        s, c = land(t, k, post)
                        src = (2 * k + post) * n + j
                        if s is not None:
                            Q[src, s] += P[j, t]
                        if c is not None:
                            convert[src, c] += P[j, t]
    N = np.linalg.inv(np.eye(m) - Q)
    v = start @ N
    tp = np.arange(m) % n
    visits = np.bincount(tp, weights=v, minlength=n)
    retention = convert0 + v @ convert

    def hit(copies):
        T = Q.copy()
        T[copies] = 0.0
        x = np.linalg.solve(np.eye(m) - T, Q[:, copies].sum(axis=1))
        return start[copies].sum() + start[~copies] @ x[~copies]

    after = np.arange(m) >= n  # from cycle 1's post phase on
    before = np.arange(m) < (2 * K - 1) * n  # before the last cycle's post phase
    return {
        "unconverted": np.bincount(tp[:n], weights=v[:n], minlength=n) * chain.exit,
        "lost": np.bincount(tp[before], weights=v[before], minlength=n) * chain.exit,
        "retention": retention,
        "visits": visits,
        "exits": visits * chain.exit,
        "visit": np.array([hit(tp == i) for i in range(n)]),
        "after": np.array([hit((tp == i) & after) for i in range(n)]) / retention[0],
    }


@pytest.mark.parametrize("cyclical", [False, True])
@pytest.mark.parametrize("seed", range(12))
def test_sparse_solver_agrees_with_a_dense_solve(tmp_path, seed, cyclical):
    rng = np.random.default_rng(seed)
    path = tmp_path / "random.yaml"
    path.write_text(_random_map(rng, cyclical))
    jmap = load_map(path)
    prospect = persona_chain(jmap, None)
    renewal = prospect.index[jmap.journey.renewal] if cyclical else None
    for K, chain in itertools.product((1, 2, 3, 5) if cyclical else (1,),
                                      (prospect, replace(prospect, customer=True))):  # fmt: skip
        want = _dense_reference(chain, renewal, K)
        r = solve(jmap, None, K, chain=chain)
        ids = chain.states
        np.testing.assert_allclose(r.retention, want["retention"], rtol=0, atol=1e-12)
        np.testing.assert_allclose(
            [r.expected_visits[s] for s in ids], want["visits"], rtol=0, atol=1e-12
        )
        np.testing.assert_allclose(
            [r.exit_probability[s] for s in ids], want["exits"], rtol=0, atol=1e-12
        )
        np.testing.assert_allclose(
            [r.lost_probability[s] for s in ids], want["lost"], rtol=0, atol=1e-12
        )
        np.testing.assert_allclose(
            [r.unconverted_exit_probability[s] for s in ids], want["unconverted"], atol=1e-12
        )
        np.testing.assert_allclose(
            [r.visit_probability[s] for s in ids], want["visit"], rtol=0, atol=1e-12
        )
        if want["retention"][0] > 0:
            np.testing.assert_allclose(
                [r.after.reach[s] for s in ids], want["after"], rtol=0, atol=1e-12
            )


def test_many_cycles_are_a_closed_form():
    jmap = load_map(DATA / "cyclical.yaml")
    r = solve(jmap, None, cycles=1_000_000)
    # Every cycle after the first converts 1/4 of the one before (see test_cyclical_retention).
    assert len(r.retention) == 1_000_000
    assert r.retention[:3] == pytest.approx((0.5, 0.125, 0.03125))
    assert r.retention[-1] == 0.0
    assert r.expected_steps == pytest.approx(1 + (0.5 + 0.25) / (1 - 0.25))
    with pytest.raises(RequestError, match="at most 1,000,000"):
        solve(jmap, None, cycles=1_000_001)
