"""`journeyctl compare`: exact changes, the paired Monte Carlo interval (common random numbers),
gaps resolved and introduced, the structural diff, formats and errors."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest
from conftest import DATA, MAPS, ROOT
from test_diff import git

from journeyctl.lint.load import load_map
from journeyctl.markov.exact import solve
from journeyctl.markov.montecarlo import simulate
from journeyctl.markov.summary import Z95
from journeyctl.whatif.effect import Request, persona_effect

COMPARE = DATA / "compare"
TREADMILL = MAPS / "treadmill.yaml"
SMARTPHONE = COMPARE / "treadmill-smartphone.yaml"  # compare-models also on smartphone
SMALL = (DATA / "simulate" / "small.yaml").read_text(encoding="utf-8")
A_MOVES = "next: {b: 1, c: 1, exit: 2}"


def exact_of(cli, path, persona: str) -> dict:
    r = cli("simulate", path, "-p", persona, "--exact", "-n", "1", "-f", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)["personas"][0]["exact"]


def compared(cli, *args) -> dict:
    r = cli("compare", *args, "-f", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def check_exact(mine: dict, old: dict, new: dict) -> None:
    """`compare`'s exact figures (`mine`) against two `simulate --exact` runs, to 1e-9."""
    for figure in ("conversion", "expected_steps", "steps_to_convert", "time_to_convert_hours"):
        c = mine[figure]
        assert c["old"] == pytest.approx(old[figure], abs=1e-9), figure
        assert c["new"] == pytest.approx(new[figure], abs=1e-9), figure
        if old[figure] is None or new[figure] is None:  # a customer converts before walking
            assert c["change"] is None
        else:
            assert c["change"] == pytest.approx(new[figure] - old[figure], abs=1e-9), figure
    before, after = old["after_conversion"], new["after_conversion"]
    assert set(mine["after_stage_reach"]) == set(after["stage_reach"])
    for stage, c in mine["after_stage_reach"].items():
        want = after["stage_reach"][stage] - before["stage_reach"][stage]
        assert c["change"] == pytest.approx(want, abs=1e-9), stage
    assert [c["change"] for c in mine["retention"]] == pytest.approx(
        [b - a for a, b in zip(old["retention"], new["retention"], strict=True)]
        if len(old["retention"]) > 1
        else [],
        abs=1e-9,
    )


def test_exact_changes_equal_two_simulate_runs(cli):
    doc = compared(cli, TREADMILL, SMARTPHONE, "-n", "0")
    assert [p["persona"] for p in doc["personas"]] == ["enthusiast", "rehab-walker"]
    for p in doc["personas"]:
        old, new = exact_of(cli, TREADMILL, p["persona"]), exact_of(cli, SMARTPHONE, p["persona"])
        check_exact(p["exact"], old, new)
        assert p["monte_carlo"] is None  # --runs 0
    enthusiast = doc["personas"][0]["exact"]["conversion"]
    assert enthusiast["change"] > 0.015  # the smartphone on the comparison tool pays
    assert doc["personas"][1]["exact"]["conversion"]["change"] == 0  # pc outranks smartphone


def test_exact_retention_changes_on_a_cyclical_map(cli, tmp_path):
    shutil.copytree(MAPS, tmp_path / "maps")
    old = tmp_path / "maps" / "mobile-network.yaml"
    new = tmp_path / "maps" / "mobile-network-new.yaml"
    text = old.read_text(encoding="utf-8")
    moves = "      renewal-banner: {weight: 3, handoff: true}\n"
    assert text.count(moves) == 1
    new.write_text(text.replace(moves, moves.replace("weight: 3", "weight: 6")), "utf-8")
    doc = compared(cli, old, new, "-n", "0", "--cycles", "4")
    for p in doc["personas"]:
        name = p["persona"]
        a = json.loads(cli("simulate", old, "-p", name, "--exact", "-n", "1", "--cycles", "4",
                           "-f", "json").out)["personas"][0]["exact"]  # fmt: skip
        b = json.loads(cli("simulate", new, "-p", name, "--exact", "-n", "1", "--cycles", "4",
                           "-f", "json").out)["personas"][0]["exact"]  # fmt: skip
        check_exact(p["exact"], a, b)
        assert len(p["exact"]["retention"]) == 4
    assert any(abs(c["change"]) > 1e-4 for p in doc["personas"] for c in p["exact"]["retention"])


def small_pair(tmp_path, moves: str = "next: {b: 2, c: 1, exit: 2}"):
    """small.yaml and a copy whose first touchpoint moves by `moves`."""
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(SMALL, encoding="utf-8")
    new.write_text(SMALL.replace(A_MOVES, moves), encoding="utf-8")
    return load_map(old), load_map(new)


def test_the_interval_covers_the_exact_change(tmp_path):
    """Over 200 seeds the 95% interval of the walked change covers the exact change at least
    93% of the time (conversion and steps per walk, which has no cap to hit on this map)."""
    old, new = small_pair(tmp_path)
    exact = solve(new, "plain").conversion - solve(old, "plain").conversion
    steps = solve(new, "plain").expected_steps - solve(old, "plain").expected_steps
    assert exact > 0.05  # a change the walks must find (9 points)
    covered = np.zeros(2)
    for seed in range(200):
        p = persona_effect(old, new, "plain", Request(runs=2000, seed=seed))
        covered += [p.conversion.low <= exact <= p.conversion.high,
                    p.steps.low <= steps <= p.steps.high]  # fmt: skip
    assert (covered / 200 >= 0.93).all(), covered


def test_common_random_numbers_narrow_the_interval(tmp_path):
    """With the same seed the paired interval of the enthusiast's change in conversion is
    about half as wide (0.46-0.49 over seeds 1-3) as the interval of two independent runs
    (half-width 1.96 × √(var_old/n + var_new/n)): as narrow as 4.5 times the walks would
    make it. A map against itself changes by exactly 0 with a zero-width interval."""
    old, new = load_map(TREADMILL), load_map(SMARTPHONE)
    runs = 20_000
    p = persona_effect(old, new, "enthusiast", Request(runs=runs, seed=7))
    a = simulate(old, "enthusiast", runs, seed=7).converted >= 1
    b = simulate(new, "enthusiast", runs, seed=8).converted >= 1
    independent = Z95 * math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / runs)
    paired = (p.conversion.high - p.conversion.low) / 2
    assert paired < 0.6 * independent, (paired, independent)
    same = persona_effect(old, old, "enthusiast", Request(runs=runs, seed=7))
    for figure in (same.conversion, same.steps):
        assert figure.change == figure.low == figure.high == 0


def test_common_mode_walks_again_the_paths_it_walked(tmp_path):
    """`Walks.paths` walks a chunk again in the mode and chunk size it was walked in."""
    old, _ = small_pair(tmp_path)
    walks = simulate(old, "plain", 500, seed=3, common=64)
    for w in (0, 63, 64, 499):
        path = walks.path(w)
        assert len(path) == walks.steps[w] and path[-1] == walks.last[w]


def test_gaps_resolved_and_introduced(cli):
    """phone-new.yaml puts the product page on phones (the phone user's G102 in Looking goes;
    with affinity 3 the walks go on to the page, so the drop-off hot spot moves from the ad to
    the page, G601) and stops measuring the checkout (G401 comes)."""
    doc = compared(cli, COMPARE / "phone-old.yaml", COMPARE / "phone-new.yaml", "-n", "0")

    def keys(gaps):
        return sorted((g["code"], g["persona"], g["stage"], tuple(g["touchpoints"])) for g in gaps)

    assert keys(doc["gaps"]["resolved"]) == [
        ("G102", "mobile", "look", ()),
        ("G601", "mobile", "look", ("ad",)),
    ]
    assert keys(doc["gaps"]["introduced"]) == [
        ("G401", None, "buy", ("checkout",)),
        ("G601", "mobile", "look", ("page",)),
    ]
    changed = [(e["id"], [f["path"] for f in e["fields"]]) for e in doc["diff"]["entities"]]
    assert changed == [("checkout", ["kpis", "measurable"]), ("page", ["screens"])]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / "maps").mkdir()
    shop = tmp_path / "maps" / "shop.yaml"
    shutil.copy(COMPARE / "phone-old.yaml", shop)
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-q", "-m", "v1", cwd=tmp_path)
    shutil.copy(COMPARE / "phone-new.yaml", shop)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_git_revision_against_the_working_tree(cli, repo):
    doc = compared(cli, "--git", "HEAD", "maps/shop.yaml", "-n", "1000")
    files = compared(cli, COMPARE / "phone-old.yaml", COMPARE / "phone-new.yaml", "-n", "1000")
    assert (doc["old"], doc["new"]) == ("HEAD", "working tree")
    assert doc["personas"] == files["personas"]  # the same maps, the same walks
    resolved = doc["gaps"]["resolved"]
    assert {e["file"] for g in resolved for e in g["evidence"]} == {"HEAD:maps/shop.yaml"}
    assert [e["id"] for e in doc["diff"]["entities"]] == ["checkout", "page"]
    bad = cli("compare", "--git", "no-such-rev", "maps/shop.yaml")
    assert bad.code == 2 and "no such revision" in bad.err
    (repo / "maps" / "later.yaml").write_text((COMPARE / "phone-new.yaml").read_text())
    missing = cli("compare", "--git", "HEAD", "maps/later.yaml")
    assert missing.code == 2 and "not in revision HEAD" in missing.err


def test_json_is_deterministic_and_markdown_is_a_table(cli):
    args = (TREADMILL, SMARTPHONE, "-n", "2000", "--seed", "5", "-p", "enthusiast")
    first, second = cli("compare", *args, "-f", "json"), cli("compare", *args, "-f", "json")
    assert first.code == 0 and first.out == second.out
    doc = json.loads(first.out)
    mc = doc["personas"][0]["monte_carlo"]["conversion"]
    assert mc["low"] < mc["change"] < mc["high"]
    md = cli("compare", *args, "-f", "markdown").out
    lines = md.splitlines()
    at = lines.index("| figure | old | new | change | walked change (95% interval) |")
    assert lines[at + 1] == "|---|---:|---:|---:|---:|"
    assert lines[at + 2].startswith("| conversion | 9.95% | 11.97% | +2.01 pts | ")
    assert "<details><summary>Structural diff</summary>" in md and md.rstrip().endswith(
        "</details>"
    )
    text = cli("compare", *args).out
    assert "Persona: Exercise enthusiast (enthusiast)" in text and "Structural diff" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((TREADMILL, COMPARE / "missing.yaml"), "no such file"),
        ((TREADMILL, SMARTPHONE, "-p", "nobody"), "unknown persona 'nobody'"),
        ((TREADMILL, SMARTPHONE, "--runs", "2000000"), "--runs 2000000 is outside 0 to"),
        ((TREADMILL,), "give OLD NEW, or --git REV MAP"),
        ((TREADMILL, SMARTPHONE, "-f", "html"), "unknown format 'html'"),
    ],
)
def test_unusable_input_exits_2(cli, args, message):
    r = cli("compare", *args)
    assert r.code == 2 and message in r.err, r.err
    assert "Traceback" not in r.err and "internal error" not in r.err


def test_personas_only_on_one_side_are_listed(cli, tmp_path):
    new = tmp_path / "new.yaml"
    new.write_text(SMALL.replace("  - {id: plain, name: Plain}\n", ""), encoding="utf-8")
    old = tmp_path / "old.yaml"
    old.write_text(SMALL, encoding="utf-8")
    doc = compared(cli, old, new, "-n", "0", "-p", "plain", "-p", "fan")
    assert [p["persona"] for p in doc["personas"]] == ["fan"]
    assert doc["not_compared"] == [{"persona": "plain", "reason": "only in the old map"}]


def test_a_scenario_compares_as_the_map_edited_by_hand(cli, tmp_path):
    """scenarios/mobile-comparison.yaml adds smartphone to the comparison tool's screens, as
    treadmill-smartphone.yaml does by hand: the same figures, walks and gaps."""
    args = ("-n", "2000", "--seed", "3")
    overlay = compared(cli, TREADMILL, "--scenario", ROOT / "scenarios/mobile-comparison.yaml",
                       *args)  # fmt: skip
    by_hand = compared(cli, TREADMILL, SMARTPHONE, *args)
    assert overlay["personas"] == by_hand["personas"]
    for side in ("resolved", "introduced"):  # the same gaps, found in other files
        messages = [[g["message"] for g in doc["gaps"][side]] for doc in (overlay, by_hand)]
        assert messages[0] == messages[1] and messages[0]
    assert [e["id"] for e in overlay["diff"]["entities"]] == ["compare-models"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("journeyctl-scenario: 1\nname: x\ntouchpoints: {nowhere: {emotion: 1}}\n")
    r = cli("compare", TREADMILL, "--scenario", bad)
    assert r.code == 2 and "Traceback" not in r.err, r.err
