"""The figures gaps are weighed by, checked against hand-worked values."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MAPS

from journeyctl.gaps import context_for, coverage, find_gaps
from journeyctl.gaps.flow import persona_flow
from journeyctl.lint.load import load_map
from journeyctl.markov.chain import persona_chain
from journeyctl.markov.exact import solve

TWO_STEP = Path(__file__).parent / "data" / "gaps" / "two-step.yaml"


@pytest.fixture(scope="module")
def two_step():
    return load_map(TWO_STEP)


def test_shopper_figures(two_step):
    # browse → advice 3:1 (store affinity 3) → buy 3:1 → promo: a push on sms, which shopper
    # opted out of, still arrives (the design sends it: G301).
    f = persona_flow(two_step, "shopper")
    assert f.conversion == pytest.approx(0.5625)
    assert f.reach == pytest.approx({"browse": 1, "advice": 0.75, "buy": 0.5625, "promo": 0.5625})
    assert f.stage_reach == pytest.approx({"look": 1, "buy": 0.5625})
    assert f.move("browse", "advice") == pytest.approx(0.75)
    assert f.move("buy", "promo") == pytest.approx(0.5625)
    assert f.given_conversion == pytest.approx({"browse": 1, "advice": 1, "buy": 1, "promo": 0})
    # Had a walk at browse not left, it would convert with P(advice → buy) = 0.75.
    assert f.carry_on["browse"] == pytest.approx(0.75)
    assert f.carry_on["advice"] == pytest.approx(1)
    assert f.exits["browse"] == pytest.approx(0.25)
    assert f.exits["advice"] == pytest.approx(0.1875)


def test_designed_walk_goes_past_the_goal(two_step):
    # Weights as drawn: 1:1 at each step; the walk carries on from buy to promo.
    f = persona_flow(two_step, None)
    assert f.conversion == pytest.approx(0.25)
    assert f.reach == pytest.approx({"browse": 1, "advice": 0.5, "buy": 0.25, "promo": 0.25})
    assert f.move("buy", "promo") == pytest.approx(0.25)
    assert f.exits["buy"] == 0  # the exact solver ends a linear walk at its goal


def test_drop_off_cost(two_step):
    report = find_gaps(two_step)
    drop = next(g for g in report.gaps if g.code == "G601")
    assert drop.touchpoints == ("browse",)
    # 25% of walks leave at browse; 75% of them would have converted: 187.5 per 1,000.
    assert drop.figures["conversions_lost_per_1000"] == pytest.approx(187.5)
    assert drop.impact == pytest.approx(0.25)


def test_push_impact_is_the_audience(two_step):
    report = find_gaps(two_step)
    push = {g.code: g for g in report.gaps if g.family == "push"}
    assert set(push) == {"G301", "G302"}
    assert push["G301"].impact == pytest.approx(0.5625)  # walks that reach buy, which sends it


@pytest.mark.parametrize(
    "name", ["treadmill", "mobile-network", "car-configurator", "home-security"]
)
def test_path_to_conversion_matches_the_exact_solver(name):
    jmap = load_map(MAPS / f"{name}.yaml")
    for walker in [None, *(p.id for p in jmap.personas)]:
        f = persona_flow(jmap, walker)
        assert sum(f.given_conversion[g] for g in jmap.journey.goal) == pytest.approx(1)
        # The path to conversion agrees with the exact solver: from the entries, a walk
        # converts with P(carry on) × P(convert | carried on).
        # A customer starts converted: the next conversion ahead is the renewal, cycle 2.
        chain = persona_chain(jmap, walker)
        converts = sum(
            chain.start[i] * (1.0 if chain.goal[i] else (1 - chain.exit[i]) * f.carry_on[s])
            for i, s in enumerate(chain.states)
        )
        ahead = solve(jmap, walker).retention[1] if chain.customer else f.conversion
        assert converts == pytest.approx(ahead)
        assert all(0 <= v <= 1 + 1e-9 for v in f.reach.values())
        assert all(0 <= v <= 1 + 1e-9 for v in f.stage_reach.values())


def test_matrix_rows_cover_used_and_preferred_only(two_step):
    ctx = context_for(two_step)
    rows = coverage.matrix(two_step, ctx.personas)
    assert {r["channel"] for r in rows} == {"web", "store", "sms"}
    assert {r["screen"] for r in rows} == {"phone", "desk", "face"}


def test_brand_run_stage_and_goal_without_kpi():
    report = find_gaps(load_map(TWO_STEP.parent / "one-way.yaml"))
    found = {(g.code, g.persona, g.stage, g.touchpoints) for g in report.gaps}
    assert ("G202", None, "onboard", ("setup",)) in found  # active, but only the brand starts
    assert ("G402", None, "join", ("sign",)) in found  # measured, names no KPI
    key = next(g for g in report.gaps if g.code == "G402")
    assert key.message == "sign names no KPI, yet it is a goal and a moment of truth"
    # Without personas the map's own weights walk: 3 in 4 walks leave at visit.
    drop = next(g for g in report.gaps if g.code == "G601")
    assert drop.persona is None
    assert drop.message.startswith("75% of walks drop off at visit;")
    assert report.summaries()[0].persona is None
    assert report.summaries()[0].conversion == pytest.approx(0.25)


def test_added_gaps_keep_order_and_show_in_every_format(two_step):
    import io

    from journeyctl.core.findings import Severity
    from journeyctl.gaps.formats import WRITERS
    from journeyctl.gaps.model import GapType

    report = find_gaps(two_step)
    extra = GapType("G901", "test-gap", "observed", Severity.ERROR, "A gap from elsewhere.")
    report.extend([extra.gap("seen in a log", "look", persona="walk-in", impact=0.9)])
    assert report.gaps[0].code == "G901"  # an error with the highest impact comes first
    assert report.families[-1] == "observed"
    for name, write in WRITERS.items():
        out = io.StringIO()
        write(report, out)
        assert "seen in a log" in out.getvalue(), name
