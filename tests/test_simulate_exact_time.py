"""Exact steps and time to convert: chains solved by hand, and Monte Carlo on the example maps."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import DATA, MAPS

from journeyctl.lint.load import load_map
from journeyctl.markov.exact import solve
from journeyctl.markov.montecarlo import CUT, simulate

SIMULATE = DATA / "simulate"


def _exact(cli, path, *args: str) -> dict[str, dict]:
    """Each persona's report from `simulate PATH --exact -f json ARGS`, by persona."""
    r = cli("simulate", path, "--exact", "-f", "json", "-n", "2000", *args)
    assert r.code == 0, r.err
    return {p["persona"]: p for p in json.loads(r.out)["personas"]}


def test_steps_and_time_to_convert_of_a_chain_solved_by_hand(cli):
    """tests/data/simulate/timed.yaml: entry a (travel 0.5 h fixed) or b, 1/2 each; a (dwell
    1 h) → b 1/2 (travel exponential, mean 2 h), exit 1/2; b (dwell exponential, mean 3 h) → a
    1/4, g 1/4 (travel lognormal, median 1 h, σ 0.5: mean L = e^(1/8)), exit 1/2; g the goal
    (its own dwell, 10 h, comes after the conversion).

    By first steps, not by the solver's formula. P(convert): c_a = c_b / 2, c_b = 1/4 + c_a / 4,
    so c_b = 2/7, c_a = 1/7 and the conversion is (1/7 + 2/7) / 2 = 3/14. S_x = E[visits up
    to the conversion; converted] from x: S_g = 1, S_a = c_a + S_b / 2, S_b = c_b + S_a / 4 +
    1/4, so S_b = 32/49, S_a = 23/49 and E[steps | converted] = (S_a + S_b) / 2 / (3/14) =
    55/21. T_x = E[hours from arriving at x to the conversion; converted]: T_g = 0, T_a = 1 c_a
    + (2 c_b + T_b) / 2, T_b = 3 c_b + T_a / 4 + L / 4, so T_a = 48/49 + L/7, T_b = 54/49 +
    2L/7; with the entry's travel, E[hours | converted] = ((T_a + 0.5 c_a) + T_b) / 2 / (3/14)
    = 211/42 + L.
    """
    path = SIMULATE / "timed.yaml"
    steps, hours = 55 / 21, 211 / 42 + math.exp(1 / 8)
    e = solve(load_map(path), None)
    assert e.conversion == pytest.approx(3 / 14, abs=1e-12)
    assert e.steps_to_convert == pytest.approx(steps, abs=1e-12)
    assert e.time_to_convert == pytest.approx(hours, abs=1e-12)
    exact = _exact(cli, path)[None]["exact"]  # JSON rounds to 6 decimals
    assert (exact["steps_to_convert"], exact["time_to_convert_hours"]) == (
        round(steps, 6),
        round(hours, 6),
    )
    csv = cli("simulate", path, "--exact", "-f", "csv", "-n", "10").out.splitlines()
    assert f",exact,,steps_to_convert,{steps:.6f}" in csv
    assert f",exact,,time_to_convert_hours,{hours:.6f}" in csv
    text = cli("simulate", path, "--exact", "-n", "1000").out
    lines = text.split("To convert\n", 1)[1].splitlines()
    assert lines[1].split()[-2:] == ["exact", "┃"]
    assert lines[3].startswith("│ steps ") and lines[3].endswith(f" {steps:.2f} │")
    assert lines[4].startswith("│ time (hours) ") and lines[4].endswith(f" {hours:.2f} h │")


def test_a_map_without_durations_has_steps_but_no_time_to_convert(cli):
    """tests/data/simulate/small.yaml: a → b 1/4, c 1/4, exit 1/2; b → a 1/2, g 1/2; c → g
    1/2, exit 1/2. c_a = 2/7, c_b = 9/14, c_c = 1/2; S_c = c_c + 1/2 = 1, S_b = c_b + S_a / 2 +
    1/2, S_a = c_a + S_b / 4 + S_c / 4, so S_a = 46/49 and E[steps | converted] = (46/49) /
    (2/7) = 23/7."""
    exact = _exact(cli, SIMULATE / "small.yaml", "-p", "plain")["plain"]["exact"]
    assert exact["steps_to_convert"] == round(23 / 7, 6)
    assert exact["time_to_convert_hours"] is None


def test_walks_caught_in_a_loop_leave_the_converting_walks_figures_finite(cli):
    """tests/data/simulate/trap.yaml: a (dwell 1 h) → g 1/2 (travel 2 h), t 1/2; t ⇄ u for
    ever. Expected steps are infinite, but the converting half goes a → g: 2 steps, 3 hours."""
    exact = _exact(cli, SIMULATE / "trap.yaml")[None]["exact"]
    assert exact["conversion"] == 0.5 and exact["expected_steps"] is None
    assert (exact["steps_to_convert"], exact["time_to_convert_hours"]) == (2.0, 3.0)


@pytest.mark.parametrize("cycles", ["1", "3", "7"])
def test_a_cyclical_prospect_counts_to_its_first_conversion_and_a_customer_has_none(cli, cycles):
    """tests/data/simulate/renew-first.yaml: prospects enter at the renewal touchpoint r (dwell
    1 h), which starts nothing before a conversion: r → s (travel 3 h) 1/3, FAQ f 1/3, exit
    1/3; f (dwell exponential, mean 0.5 h) → r 1/2, exit 1/2. A walk converts after k visits to
    r with odds (1/6)^(k−1) / 3, so the conversion is 2/5 and, given it, k − 1 is geometric
    with mean (1/6) / (5/6) = 1/5: 2k steps (k at r, k − 1 at f, then s), mean 12/5, and k +
    (k − 1)/2 + 3 hours, mean 4.3, whatever the later cycles do. The member starts as a
    customer: no steps or time to convert, by Monte Carlo or exactly."""
    got = _exact(cli, SIMULATE / "renew-first.yaml", "--cycles", cycles)
    prospect = got["prospect"]["exact"]
    assert prospect["conversion"] == 0.4
    assert (prospect["steps_to_convert"], prospect["time_to_convert_hours"]) == (2.4, 4.3)
    member = got["member"]
    assert member["steps_to_convert"] is None and member["time_to_convert_hours"] is None
    exact = member["exact"]
    assert exact["steps_to_convert"] is None and exact["time_to_convert_hours"] is None


def _example_personas() -> list:
    return [
        pytest.param(jmap, p.id, id=f"{path.stem}-{p.id}")
        for path in sorted(MAPS.glob("*.yaml"))
        for jmap in [load_map(path)]
        for p in jmap.personas
    ]


def test_the_example_maps_have_every_kind_of_duration():
    """The comparison below covers each kind's mean (a lognormal's is median × e^(σ²/2))."""
    kinds = set()
    for path in MAPS.glob("*.yaml"):
        jmap = load_map(path)
        moves = [*jmap.journey.entry, *(m for t in jmap.touchpoints for m in t.next)]
        durations = [t.duration for t in jmap.touchpoints] + [m.duration for m in moves]
        kinds |= {d.distribution for d in durations if d is not None}
    assert kinds == {"fixed", "exponential", "lognormal"}


@pytest.mark.parametrize(("jmap", "persona"), _example_personas())
def test_exact_steps_and_time_to_convert_match_monte_carlo(jmap, persona):
    """Within 5 standard errors of the mean over 200,000 seeded walks' first conversions; no
    walk is cut, so the step cap takes nothing from the walks."""
    e = solve(jmap, persona)
    walks = simulate(jmap, persona, runs=200_000, seed=7)
    assert not (walks.outcome == CUT).any()
    if walks.chain.customer:
        assert e.steps_to_convert is None and e.time_to_convert is None
        return
    conv = walks.converted >= 1
    for exact, values in (
        (e.steps_to_convert, walks.steps_to_convert[conv]),
        (e.time_to_convert, walks.time_to_convert[conv]),
    ):
        error = values.std(ddof=1) / math.sqrt(len(values))
        assert abs(values.mean() - exact) < 5 * error, (exact, values.mean(), error)
        assert np.isfinite(values).all()
