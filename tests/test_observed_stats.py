"""The comparison's statistics: a log simulated from a map is a perfect fit, a changed weight is
found, and false discoveries stay near the level set (Benjamini–Hochberg, q = 0.05)."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT

from journeyctl.eventlog.overlay import FDR, compare_log
from journeyctl.eventlog.readers import read_log
from journeyctl.lint.load import load_map

MAPS = ROOT / "maps"
DOUBLED = {
    # map: (source, target, the move's line as written, the line with its weight doubled)
    "treadmill": (
        "creator-video",
        "product-research",
        "product-research: {weight: 2, handoff: creator links",
        "product-research: {weight: 4, handoff: creator links",
    ),
    "car-configurator": (
        "tv-commercial",
        "model-search",
        "model-search: {weight: 1, handoff: TV flighting",
        "model-search: {weight: 2, handoff: TV flighting",
    ),
    "home-security": (
        "pet-creator-clip",
        "marketplace-listing",
        "marketplace-listing: {weight: 1, handoff: marketplace attribution",
        "marketplace-listing: {weight: 2, handoff: marketplace attribution",
    ),
    "mobile-network": (
        "tv-spot",
        "store-advice",
        "store-advice: {weight: 1, handoff: stores get the campaign",
        "store-advice: {weight: 2, handoff: stores get the campaign",
    ),
}


def observed(cli, map_path, log) -> list[dict]:
    r = cli("gaps", map_path, "--observed", log, "-f", "json")
    assert r.code == 0, r.err
    return [g for g in json.loads(r.out)["gaps"] if g["family"] == "observed"]


@pytest.mark.parametrize("name", sorted(DOUBLED))
def test_a_log_from_the_map_fits_and_a_doubled_weight_is_found(cli, tmp_path, name):
    """20,000 walks of every persona read back: no observed gap at all (no share, drop-off or
    channel and screen mix differs); the same log against a copy of the map with one move's
    weight doubled: that move is named."""
    source = MAPS / f"{name}.yaml"
    log = tmp_path / "walks.csv"
    r = cli("simulate", source, "--runs", "20000", "--seed", "7", "-o", tmp_path / "r.txt",
            "--events", log)  # fmt: skip
    assert r.code == 0, r.err
    assert observed(cli, source, log) == []
    src, dst, line, doubled = DOUBLED[name]
    text = source.read_text(encoding="utf-8")
    assert text.count(line) == 1
    shutil.copytree(MAPS / "catalog", tmp_path / "catalog")  # the catalogue it includes
    edited = tmp_path / f"{name}.yaml"
    edited.write_text(text.replace(line, doubled), encoding="utf-8")
    gaps = observed(cli, edited, log)
    named = {(g["code"], tuple(g["touchpoints"])) for g in gaps}
    assert {("G703", (src, dst)), ("G702", (src, dst))} & named, sorted(named)


def test_false_discoveries_stay_near_the_level_set(cli, tmp_path):
    """Logs of 3,000 walks of the treadmill's enthusiast under 30 seeds: all their differences
    from the design are chance, so a run with any significant test is a false discovery. With
    Benjamini–Hochberg at q = 0.05 and all nulls true, at most 5% of runs are expected (the
    binomial tests are discrete, so fewer); 5 of 30 or more has chance 0.016 at 5%. Without the
    adjustment (each of some 60 tests at 0.05) most runs have one."""
    treadmill = MAPS / "treadmill.yaml"
    jmap = load_map(treadmill)
    runs, false, tests = 30, 0, 0
    for seed in range(runs):
        log = tmp_path / f"walks-{seed}.csv"
        r = cli("simulate", treadmill, "-p", "enthusiast", "-n", "3000", "--seed", seed,
                "-o", tmp_path / "r.txt", "--events", log)  # fmt: skip
        assert r.code == 0, r.err
        ov = compare_log(read_log(log), jmap)
        tests = len(ov.tests)
        false += any(t.q_value <= FDR for t in ov.tests)
        log.unlink()
    assert tests >= 50
    assert false < 5, f"{false} of {runs} runs had a false finding"
