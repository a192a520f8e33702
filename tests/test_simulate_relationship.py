"""The whole relationship: walks past the goal, personas who start as customers or enter on
their own, the peak-end experience and the value walks receive, checked through
`journeyctl simulate` against chains solved by hand (the fractions below)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "simulate"
RUNS = 200_000


def run(*args: str) -> subprocess.CompletedProcess:
    """`journeyctl ARGS` as a real process."""
    return subprocess.run([sys.executable, "-m", "journeyctl", *args], capture_output=True,
                          text=True, check=False)  # fmt: skip


def _simulate(path: Path, *args: str) -> dict:
    """`journeyctl simulate PATH --exact -f json` with `RUNS` walks: persona id → report."""
    result = run("simulate", str(path), "--exact", "-f", "json", "-n", str(RUNS), "--seed", "3",
                 *args)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return {p["persona"]: p for p in json.loads(result.stdout)["personas"]}


def _close(sampled: float, exact: float, n: int = RUNS) -> None:
    """A Monte Carlo share within 5 standard errors of its exact value."""
    assert abs(sampled - exact) <= 5 * math.sqrt(max(exact * (1 - exact), 1e-6) / n) + 1e-12


@pytest.fixture(scope="module")
def after() -> dict:
    return _simulate(DATA / "after.yaml")


def test_linear_walks_go_on_after_the_goal_exactly(after):
    e = after["plain"]["exact"]
    # a → g 1/2 converts; g → d always; d → c 1/2, exit 1/2; c → d 1/3, exit 2/3.
    assert e["conversion"] == pytest.approx(1 / 2)
    # After converting: v_d = 1 + v_c/3, v_c = v_d/2  =>  v_d = 6/5, v_c = 3/5 (per converted
    # walk), so per walk: a 1, g 1/2, d 3/5, c 3/10; steps 12/5.
    assert e["expected_visits"] == pytest.approx({"a": 1, "g": 1 / 2, "d": 3 / 5, "c": 3 / 10})
    assert e["expected_steps"] == pytest.approx(12 / 5)
    assert e["visit_probability"] == pytest.approx({"a": 1, "g": 1 / 2, "d": 1 / 2, "c": 1 / 4})
    # Every walk drops off somewhere: a 1/2, d 3/5 · 1/2 = 3/10, c 3/10 · 2/3 = 1/5.
    assert e["exit_probability"] == pytest.approx({"a": 1 / 2, "g": 0, "d": 3 / 10, "c": 1 / 5})
    a = e["after_conversion"]
    # Of the converted walks: all reach the delivery d, half the community c.
    assert a["reach"] == pytest.approx({"a": 0, "g": 1, "d": 1, "c": 1 / 2})
    assert a["stage_reach"] == pytest.approx({"consider": 0, "buy": 1, "post": 1, "loyal": 1 / 2})
    # They leave from d with 6/5 · 1/2 = 3/5 and from c with 3/5 · 2/3 = 2/5.
    assert a["drop_off"] == pytest.approx({"a": 0, "g": 0, "d": 3 / 5, "c": 2 / 5})
    assert a["stage_drop_off"] == pytest.approx({"consider": 0, "buy": 0, "post": 3 / 5,
                                                 "loyal": 2 / 5})  # fmt: skip


def test_monte_carlo_after_the_goal_agrees_with_the_hand_solution(after):
    r = after["plain"]
    assert r["outcomes"]["exit"] == RUNS  # every walk ends by leaving, none at the goal
    a = r["after_conversion"]
    n = a["converted"]
    _close(n / RUNS, 1 / 2)
    for tp, share in {"g": 1, "d": 1, "c": 1 / 2}.items():
        _close(a["reach"][tp]["share"], share, n)
        assert a["reach"][tp]["low"] <= a["reach"][tp]["share"] <= a["reach"][tp]["high"]
    _close(a["stage_reach"]["loyal"]["share"], 1 / 2, n)
    _close(a["drop_off"]["d"]["share"], 3 / 5, n)
    _close(a["stage_drop_off"]["loyal"]["share"], 2 / 5, n)
    assert r["moments_of_truth"]["d"] == pytest.approx(1 / 2, abs=0.01)


def test_peak_end_experience_of_each_walk(after):
    # Emotions a 0, g 2, d −2, c 1. A walk that leaves at a felt [0]: score 0. A converted walk
    # meets g (2) then d (−2): the tie goes to the negative peak, −2. It ends at d (P 3/5,
    # score (−2 − 2)/2 = −2) or at c (P 2/5, score (−2 + 1)/2 = −1/2). Mean:
    # 1/2 · 0 + 1/2 · (3/5 · −2 + 2/5 · −1/2) = −0.7; half the walks end negative, none positive.
    x = after["plain"]["experience"]
    assert x["walks"] == RUNS
    assert x["mean"] == pytest.approx(-0.7, abs=0.01)
    _close(x["negative"]["share"], 1 / 2)
    assert x["positive"]["count"] == 0
    assert list(x["negative_peaks"]) == ["d"]
    _close(x["negative_peaks"]["d"]["share"], 1 / 2)


def test_value_received_per_stage(after):
    r = after["plain"]
    # a (consider) informs every walk; g (buy) offers to the converted half; c (loyal) is fun
    # for a quarter; d (post) gives nothing although half the walks reach it.
    _close(r["value"]["consider"]["informative"]["share"], 1)
    _close(r["value"]["buy"]["offer"]["share"], 1 / 2)
    _close(r["value"]["loyal"]["fun"]["share"], 1 / 4)
    assert r["value"]["post"]["fun"]["count"] == 0
    assert r["valueless_stages"] == ["post"]


def test_a_persona_enters_by_its_own_weights_as_written(after):
    # returning: entry {a: 1, c: 1} as written (its web affinity 3 does not scale it), so half
    # start at c, which never leads to g; a → g is 3/4 with the affinity. Conversion 3/8
    # (9/16 if the entry were scaled).
    r = after["returning"]
    assert r["exact"]["conversion"] == pytest.approx(3 / 8)
    _close(r["conversion"]["rate"], 3 / 8)
    assert r["starts_as"] == "prospect"


@pytest.fixture(scope="module")
def stay() -> dict:
    return _simulate(DATA / "stay.yaml", "--cycles", "3")


def test_a_customer_starts_converted_in_life(stay):
    # member starts at u, converted. u: r 1/3, p 1/3, exit 1/3; p (a push on sms, which member
    # opted out of: it still arrives): r 1/2, exit 1/2. So a post phase renews 1/3 + 1/6 = 1/2;
    # a cycle from r converts 1/2 (r → s) and walks on from s to u.
    e = stay["member"]["exact"]
    assert e["conversion"] == 1.0
    assert e["retention"] == pytest.approx([1, 1 / 4, 1 / 16])
    # cycle 1: u 1, p 1/3; cycle 2 (1/2 at r): r 1/2, s 1/4, u 1/4, p 1/12; cycle 3 (1/8 at
    # r): r 1/8, s 1/16, u 1/16, p 1/48, and its renewals end the walk (beyond --cycles).
    visits = {"t": 0, "s": 5 / 16, "u": 21 / 16, "p": 7 / 16, "r": 5 / 8}
    assert e["expected_visits"] == pytest.approx(visits)
    assert e["exit_probability"] == pytest.approx(
        {"t": 0, "s": 0, "u": 7 / 16, "p": 7 / 32, "r": 5 / 16}
    )
    # P(visit p) = 1/3 + 1/3 · 1/2 · (1/3 + 1/3 · 1/2 · 1/3) = 1/3 + 1/3 · 7/36 = 43/108.
    assert e["visit_probability"] == pytest.approx(
        {"t": 0, "s": 1 / 4, "u": 1, "p": 43 / 108, "r": 1 / 2}
    )
    # Everything a customer does is after conversion.
    assert e["after_conversion"]["reach"] == pytest.approx(e["visit_probability"])


def test_monte_carlo_walks_a_customer_to_the_cycle_horizon(stay):
    r = stay["member"]
    assert r["starts_as"] == "customer"
    assert r["conversion"]["rate"] == 1.0
    assert r["steps_to_convert"] is None
    shares = [c["share"] for c in r["retention"]]
    for got, want in zip(shares, [1, 1 / 4, 1 / 16], strict=True):
        _close(got, want)
    # Walks that renew after cycle 3: 1/16 · 1/2.
    _close(r["outcomes"]["renewing"] / RUNS, 1 / 32)
    _close(r["visit_share"]["p"], 43 / 108)
    assert not any("goal" in reason for reason in r["reasons"])


def test_a_prospect_on_the_same_map_renews_from_its_first_purchase(stay):
    e = stay["prospect"]["exact"]
    # t → s 1/2; each post phase renews 1/2 and each later cycle converts 1/2 of those.
    assert e["retention"] == pytest.approx([1 / 2, 1 / 8, 1 / 32])
    assert stay["prospect"]["starts_as"] == "prospect"


def test_text_report_shows_the_relationship():
    result = run("simulate", str(DATA / "after.yaml"), "--persona", "plain", "--exact",
                 "-n", "2000")  # fmt: skip
    assert result.returncode == 0, result.stderr
    for heading in ("After conversion", "Touchpoints after conversion", "★ d",
                    "Experience, peak-end rule", "Negative peaks", "Value received by stage",
                    "stages that give these walks no value: post"):  # fmt: skip
        assert heading in result.stdout
    customer = run("simulate", str(DATA / "stay.yaml"), "--persona", "member", "-n", "2000")
    assert "already customers" in customer.stdout
    assert "To convert" not in customer.stdout


MAPS = Path(__file__).resolve().parent.parent / "maps"


def test_the_treadmill_enthusiast_walks_on_to_delivery_and_the_community():
    r = _simulate(MAPS / "treadmill.yaml", "--persona", "enthusiast")["enthusiast"]
    a, e = r["after_conversion"], r["exact"]["after_conversion"]
    # Of those who buy, every one gets the delivery notice; most the delivery and onboarding;
    # some join the community and see the partner offers.
    for tp, least in {"delivery-notice": 0.99, "home-delivery": 0.8, "app-onboarding": 0.7,
                      "owners-community": 0.2, "wearable-offer": 0.3, "nutrition-offer": 0.1,
                      "referral": 0.1}.items():  # fmt: skip
        assert e["reach"][tp] >= least, tp
        _close(a["reach"][tp]["share"], e["reach"][tp], a["converted"])
    assert r["moments_of_truth"]["home-delivery"] > 0.05
    assert a["stage_reach"]["loyalty"]["share"] > 0.5
    assert r["experience"]["walks"] == RUNS


def test_the_rehab_walker_declines_the_wearable_invitation_but_gets_the_nutrition_push():
    r = _simulate(MAPS / "treadmill.yaml", "--persona", "rehab-walker")["rehab-walker"]
    # Not interested in either wearable offer: the in-app invitation is never taken up. The
    # nutrition email is a push: it arrives although the walker is not interested (G303).
    assert r["exact"]["visit_probability"]["wearable-offer"] == 0
    assert r["visit_share"]["wearable-offer"] == 0
    assert r["exact"]["visit_probability"]["nutrition-offer"] > 0
    gaps = run("gaps", str(MAPS / "treadmill.yaml"), "-f", "concise", "--persona", "rehab-walker")
    assert "G303" in gaps.stdout and "nutrition-offer" in gaps.stdout


def test_the_loyal_mobile_customer_starts_as_a_customer_and_gets_the_sms_push():
    r = _simulate(MAPS / "mobile-network.yaml", "--persona", "loyal-customer")["loyal-customer"]
    assert r["starts_as"] == "customer"
    assert r["conversion"]["rate"] == 1.0 and r["exact"]["conversion"] == 1.0
    # He never shops around: his walks start in everyday use, not at the deal sites.
    assert r["visit_share"]["deal-comparison"] == 0
    # The useless SMS offer (he opted out of texts and owns unlimited data) reaches him, and
    # walks leave after it: it is in his figures.
    sms = "sms-unlimited-upsell"
    assert r["exact"]["visit_probability"][sms] > 0.1
    _close(r["visit_share"][sms], r["exact"]["visit_probability"][sms])
    assert r["drop_off"]["by_touchpoint"][sms] > 0.02
    assert sms in r["experience"]["negative_peaks"]
    # He renews (cycle 2), as the exact retention says.
    _close(r["retention"][1]["share"], r["exact"]["retention"][1])
