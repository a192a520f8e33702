"""`journeyctl calibrate`: weights fitted from a log, with intervals, written back byte for byte.

Expected values come from outside the fit: the map a log was simulated from holds the true
probabilities (its weights normalised, the base chain that personas adjust), and the
unchanged lines of the map file itself.
"""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest

from journeyctl.eventlog.calibrate import fit_row
from tests.conftest import DATA, MAPS

SHOP = DATA / "eventlog" / "shop.yaml"
TREADMILL = MAPS / "treadmill.yaml"
NUMBER = re.compile(r"\d+(\.\d+)?")


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """20,000 walks of the shop (personas without affinities) and of the treadmill's
    enthusiast (channel and screen affinities: the base weights are fitted through them)."""
    from journeyctl.cli import run

    folder = tmp_path_factory.mktemp("calibrate")
    made = {}
    for name, path, persona, seed in (
        ("shop", SHOP, "student", 3),
        ("tm", TREADMILL, "enthusiast", 5),
    ):
        log = folder / f"{name}.csv"
        args = ["simulate", str(path), "-p", persona, "-n", "20000", "--seed", str(seed)]
        assert run([*args, "-o", str(folder / "report.txt"), "--events", str(log)]) == 0
        made[name] = log
    return made


def _weights(cli, *args) -> dict:
    result = cli("calibrate", *args, "-f", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def _covered(report: dict) -> float:
    """The share of moves (of rows with two or more) whose interval holds the true
    probability: the map's own weights normalised."""
    moves = [w for w in report["weights"] if w["high"] > w["low"]]
    assert moves
    return sum(w["low"] <= w["designed"] <= w["high"] for w in moves) / len(moves)


@pytest.mark.parametrize("name, path", [("shop", SHOP), ("tm", TREADMILL)])
def test_round_trip_intervals_cover_the_true_weights(cli, logs, name, path):
    report = _weights(cli, path, logs[name])
    assert report["cases"] == 20000
    assert report["undesigned"] == [] and report["unobserved_rows"] == []
    assert _covered(report) >= 0.90
    assert all(w["count"] > 0 for w in report["weights"])


def test_scrambled_map_gets_the_true_weights_back(cli, logs, tmp_path):
    scrambled = tmp_path / "shop.yaml"
    text = SHOP.read_text()
    text = text.replace("entry: {ad: 3, search: 1}", "entry: {ad: 1, search: 5}")
    text = text.replace("next: {cart: 2, exit: 1}", "next: {cart: 1, exit: 4}")
    text = text.replace("next: {buy: 3, exit: 1}", "next: {buy: 1, exit: 1}")
    scrambled.write_text(text)
    out = tmp_path / "fitted.yaml"
    report = _weights(cli, scrambled, logs["shop"], "-o", out)
    truth = {(None, "ad"): 0.75, (None, "search"): 0.25, ("product", "cart"): 2 / 3,
             ("product", "exit"): 1 / 3, ("cart", "buy"): 0.75, ("cart", "exit"): 0.25,
             ("ad", "product"): 0.5, ("ad", "exit"): 0.5}  # fmt: skip
    fitted = {(w["source"], w["target"]): w for w in report["weights"]}
    for move, p in truth.items():
        assert fitted[move]["low"] <= p <= fitted[move]["high"], (move, fitted[move])
    # the written map holds the fitted weights: read back, they give the same probabilities
    again = _weights(cli, out, logs["shop"])
    for w in again["weights"]:
        assert w["designed"] == pytest.approx(fitted[(w["source"], w["target"])]["probability"],
                                              abs=2e-3)  # fmt: skip
    assert cli("validate", out).code == 0


def test_only_weights_change_byte_for_byte(cli, logs, tmp_path):
    out = tmp_path / "treadmill.yaml"
    result = cli("calibrate", TREADMILL, logs["tm"], "-o", out)
    assert result.code == 0, result.err
    old, new = TREADMILL.read_bytes().split(b"\n"), out.read_bytes().split(b"\n")
    assert len(old) == len(new)
    changed = [(a.decode(), b.decode()) for a, b in zip(old, new, strict=True) if a != b]
    assert len(changed) > 20
    for a, b in changed:  # a weight line: the same text around a different number
        assert NUMBER.sub("N", a) == NUMBER.sub("N", b), (a, b)
        assert re.match(r"\s+[a-z-]+: (\{weight: )?[\d.]+", b), b
    assert result.out.splitlines()[1] == "Weights" and "wrote" in result.err


def test_dry_run_prints_a_diff_and_writes_nothing(cli, logs, tmp_path):
    shop = tmp_path / "shop.yaml"
    shutil.copy(SHOP, shop)
    before = shop.read_bytes()
    result = cli("calibrate", shop, logs["shop"], "--dry-run")
    assert result.code == 0, result.err
    assert result.out.startswith(f"--- {shop}\n+++ {shop}\n@@ ")
    assert "-  entry: {ad: 3, search: 1}\n" in result.out
    assert shop.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.yaml"]


def test_in_place_needs_force_and_then_rewrites_the_map(cli, logs, tmp_path):
    shop = tmp_path / "shop.yaml"
    shutil.copy(SHOP, shop)
    refused = cli("calibrate", shop, logs["shop"], "--in-place")
    assert refused.code == 2 and "--force" in refused.err
    assert shop.read_bytes() == SHOP.read_bytes()
    assert cli("calibrate", shop, logs["shop"], "--in-place", "--force").code == 0
    assert shop.read_bytes() != SHOP.read_bytes()


def test_existing_output_needs_force(cli, logs, tmp_path):
    out = tmp_path / "mine.yaml"
    out.write_text("mine\n")
    result = cli("calibrate", SHOP, logs["shop"], "-o", out)
    assert result.code == 2
    assert f"{out} exists; pass --force to overwrite it" in result.err
    assert out.read_text() == "mine\n"
    assert cli("calibrate", SHOP, logs["shop"], "-o", out, "--force").code == 0
    assert out.read_text() != "mine\n"


def test_bad_mapping_unknown_activity_and_unreadable_log_exit_2(cli, logs, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("ad: nowhere\n")
    bad = cli("calibrate", SHOP, logs["shop"], "--mapping", mapping)
    assert bad.code == 2 and f"{mapping}:1:5: 'ad' maps to 'nowhere'" in bad.err
    log = tmp_path / "log.csv"
    log.write_text(logs["shop"].read_text().replace(",ad,", ",banner,"))
    unknown = cli("calibrate", SHOP, log)
    assert (
        unknown.code == 2 and "activities matching no touchpoint of the map: banner" in unknown.err
    )
    mapping.write_text("banner: ad\n")  # mapped, it calibrates
    assert cli("calibrate", SHOP, log, "--mapping", mapping).code == 0
    missing = cli("calibrate", SHOP, tmp_path / "none.csv")
    assert missing.code == 2 and "none.csv: no such file" in missing.err
    for result in (bad, unknown, missing):
        assert "Traceback" not in result.err and "internal error" not in result.err


def test_calibrated_map_and_its_log_give_no_share_gaps(cli, logs, tmp_path):
    out = tmp_path / "shop.yaml"
    assert cli("calibrate", SHOP, logs["shop"], "-o", out).code == 0
    result = cli("gaps", out, "--observed", logs["shop"], "-f", "json")
    assert result.code == 0, result.err
    codes = {g["code"] for g in json.loads(result.out)["gaps"]}
    assert not codes & {"G702", "G703"}, codes


def test_fit_through_affinities_recovers_the_base_weights():
    """Counts exactly as expected under two personas' factors give back the base
    probabilities (the model's fixed point), and the Dirichlet branch the posterior mean."""
    base = np.array([0.5, 0.3, 0.2])
    factors = np.array([[1.0, 2.5, 1.0], [1.0, 0.3, 2.0]])
    chains = factors * base / (factors @ base)[:, None]
    counts = np.array([[40_000.0], [60_000.0]]) * chains
    p, low, high = fit_row(counts, factors)
    assert p == pytest.approx(base, abs=1e-4)
    assert np.all(low < base) and np.all(base < high)
    p, low, high = fit_row(np.array([[3.0, 1.0]]), np.ones((1, 2)))
    assert p == pytest.approx([3.5 / 5, 1.5 / 5])  # (n + ½) / (N + K/2)


def test_a_draft_calibrated_from_its_own_log_counts_what_it_was_drawn_from(cli, tmp_path):
    """A draft's weights are its log's counts (per channel, before and after the goal): the
    calibration reads the log through the same routes, so each move's count is the draft's
    weight and no move of the log is missing from the draft."""
    log = DATA / "eventlog/receipt.csv"
    draft = tmp_path / "draft.yaml"
    goal = "T10 Determine necessity to stop indication"
    assert cli("discover", log, "--goal", goal, "-o", draft).code == 0
    result = cli("calibrate", draft, log, "-f", "json")
    assert result.code == 0, result.err
    fit = json.loads(result.out)
    assert fit["undesigned"] == [] and fit["left_out"] == [] and fit["cases"] == 1434
    assert fit["weights"] and all(w["count"] == w["old"] for w in fit["weights"])
