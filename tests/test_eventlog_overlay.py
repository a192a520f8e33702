"""Comparing a log with a designed map (overlay), and the simulate → discover round trip."""

from __future__ import annotations

import json
import math

import numpy as np
from conftest import ROOT
from test_eventlog import RECEIPT

from journeyctl.core.model import EXIT
from journeyctl.eventlog.overlay import align, compare_log
from journeyctl.eventlog.readers import read_log
from journeyctl.lint.load import load_map
from journeyctl.markov.chain import persona_chain

DATA = ROOT / "tests" / "data" / "eventlog"
SHOP_MAP, SHOP_LOG = DATA / "shop.yaml", DATA / "shop.csv"


def moves_of(overlay) -> dict:
    return {(m.source, m.target): m for m in overlay.moves}


def test_shop_overlay_finds_the_known_answers():
    ov = compare_log(read_log(SHOP_LOG), load_map(SHOP_MAP))
    assert ov.cases == 6
    assert ov.mapping["Video ad"] == "ad"  # matched by touchpoint name
    assert ov.unmapped == [("newsletter", 1)]
    assert [(m.source, m.target, m.observed) for m in ov.undesigned] == [
        ("buy", "product", 1),
        ("search", "cart", 1),
    ]
    assert [(m.source, m.target) for m in ov.unobserved] == [("cart", EXIT)]
    moves = moves_of(ov)
    entry_ad = moves[(None, "ad")]
    assert (entry_ad.observed, entry_ad.designed_probability) == (4, 0.75)
    assert math.isclose(entry_ad.observed_share, 4 / 6)
    ad_product = moves[("ad", "product")]
    assert (ad_product.observed, ad_product.observed_share) == (3, 0.75)
    assert ad_product.designed_probability == 0.5
    assert moves[("buy", EXIT)].goal_end  # ending at a goal is by design
    assert not moves[("buy", EXIT)].undesigned
    assert moves[("product", EXIT)].observed == 2


def test_shop_fit_per_segment_and_dropoff():
    ov = compare_log(read_log(SHOP_LOG), load_map(SHOP_MAP))
    fit = {f.segment: (f.persona, f.cases, f.following) for f in ov.fit}
    assert fit == {None: (None, 6, 5), "parent": ("parent", 3, 2), "student": ("student", 3, 3)}
    drops = {(d.segment, d.touchpoint): d for d in ov.dropoff}
    assert math.isclose(drops[(None, "ad")].real, 1 / 6)
    assert math.isclose(drops[(None, "product")].real, 1 / 6)
    assert drops[(None, "cart")].real == 0.0
    assert math.isclose(drops[(None, "ad")].simulated, 0.75 * 0.5)
    assert math.isclose(drops[("parent", "product")].real, 1 / 3)
    dwell = {d.activity: d for d in ov.dwell}
    assert math.isclose(dwell["product"].median_hours, 0.5)  # the newsletter is left out
    assert math.isclose(dwell["ad"].median_hours, 10 / 60)


def test_mapping_file_wins_and_is_checked(cli, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("newsletter: ad\nVideo ad: null\n")
    r = cli("discover", SHOP_LOG, "--compare", SHOP_MAP, "--mapping", mapping, "-f", "json")
    assert r.code == 0, r.err
    cmp = json.loads(r.out)["compare"]
    assert cmp["mapping"]["newsletter"] == "ad"
    assert "Video ad" not in cmp["mapping"]
    assert cmp["unmapped"] == [{"activity": "Video ad", "events": 1}]
    mapping.write_text("newsletter: nowhere\n")
    r = cli("discover", SHOP_LOG, "--compare", SHOP_MAP, "--mapping", mapping)
    assert r.code == 2
    assert "nowhere" in r.err
    mapping.write_text("- a list\n")
    r = cli("discover", SHOP_LOG, "--compare", SHOP_MAP, "--mapping", mapping)
    assert r.code == 2
    assert "activity name: touchpoint id" in r.err


def test_routes_that_match_no_event_leave_nothing_to_compare(cli, tmp_path):
    """Every activity routed by a channel no event has: no case is compared, every event is
    listed as left out, and each command still reports (no internal error)."""
    mapping = tmp_path / "m.yaml"
    activities = ["Video ad", "ad", "buy", "cart", "newsletter", "product", "search"]
    mapping.write_text(
        "".join(f"{a}:\n  - {{channel: Nowhere, touchpoint: ad}}\n" for a in activities)
    )
    r = cli("discover", SHOP_LOG, "--compare", SHOP_MAP, "--mapping", mapping, "-f", "json")
    assert r.code == 0, r.err
    cmp = json.loads(r.out)["compare"]
    assert cmp["cases"] == 0 and cmp["fit"] == [] and cmp["dwell"] == []
    assert sum(u["events"] for u in cmp["unmapped"]) == 20  # every event of shop.csv
    assert {m["observed"] for m in cmp["moves"]} == {0}
    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG, "--mapping", mapping, "-f", "json")
    assert r.code == 0, r.err
    r = cli("calibrate", SHOP_MAP, SHOP_LOG, "--mapping", mapping, "-f", "json")
    assert r.code == 0, r.err


def test_compare_text_report(cli):
    r = cli("discover", SHOP_LOG, "--compare", SHOP_MAP)
    assert r.code == 0, r.err
    assert "compared with Shop: 6 cases" in r.out
    assert "newsletter (1)" in r.out
    assert "Observed moves the map lacks" in r.out
    assert "83.3%" in r.out  # 5 of 6 cases follow the map


def test_compare_refuses_a_log_that_matches_nothing(cli):
    r = cli("discover", RECEIPT, "--compare", SHOP_MAP)
    assert r.code == 2
    assert "--mapping" in r.err


def test_align_prefers_id_then_name_then_slug():
    jmap = load_map(SHOP_MAP)
    got = align(["ad", "Product page", "CART", "Unknown thing"], jmap)
    assert got == {"ad": "ad", "Product page": "product", "CART": "cart"}


def test_simulate_then_discover_reproduces_the_map(cli, tmp_path):
    """20,000 simulated walks read back: every move's share within 4 standard errors."""
    events = tmp_path / "walks.csv"
    r = cli("simulate", SHOP_MAP, "-p", "student", "-n", "20000", "--seed", "3",
            "--events", events)  # fmt: skip
    assert r.code == 0, r.err
    r = cli("discover", events, "-f", "json", "-o", tmp_path / "draft.yaml", "--goal", "buy")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    jmap = load_map(SHOP_MAP)
    chain = persona_chain(jmap, "student")
    idx = chain.index
    counts: dict[str, dict[str, int]] = {s: {} for s in chain.states}
    for d in report["dfg"]:
        counts[d["source"]][d["target"]] = d["count"]
    for a, n in report["end"].items():
        counts[a][EXIT] = n
    checked = 0
    for src, row in counts.items():
        n = sum(row.values())
        if src in jmap.journey.goal or n == 0:
            continue
        i = idx[src]
        for dst in [*chain.states, EXIT]:
            p = chain.exit[i] if dst == EXIT else chain.P[i, idx[dst]]
            p_hat = row.get(dst, 0) / n
            assert abs(p_hat - p) <= 4 * math.sqrt(p * (1 - p) / n) + 1e-12, (src, dst, p_hat, p)
            checked += 1
    starts = np.array([report["start"].get(s, 0) for s in chain.states]) / 20000
    assert np.all(
        np.abs(starts - chain.start) <= 4 * np.sqrt(chain.start * (1 - chain.start) / 20000)
    )
    assert checked >= 20
    draft = load_map(tmp_path / "draft.yaml")
    product = {m.target: m.weight for m in draft.touchpoint["product"].next}
    assert abs(product["cart"] / sum(product.values()) - 2 / 3) < 0.03


def test_simulated_treadmill_follows_its_map(cli, tmp_path):
    """Walks simulated from a map with personas: every case follows it, and the real drop-off
    (persona mix) matches the exact solver within 4 standard errors."""
    events = tmp_path / "walks.csv"
    treadmill = ROOT / "maps" / "treadmill.yaml"
    assert cli("simulate", treadmill, "-n", "3000", "--seed", "5", "--events", events).code == 0
    ov = compare_log(read_log(events), load_map(treadmill))
    assert all(f.share == 1.0 for f in ov.fit)
    assert {f.persona for f in ov.fit[1:]} == {p.id for p in load_map(treadmill).personas}
    assert not ov.undesigned
    n = ov.cases
    for d in ov.dropoff:
        if d.segment is None:
            se = math.sqrt(d.simulated * (1 - d.simulated) / n)
            assert abs(d.real - d.simulated) <= 4 * se + 1e-9, d
