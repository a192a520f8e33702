"""The log comparison as gap records (family `observed`) for `journeyctl gaps --observed`."""

from __future__ import annotations

import json
import math

from conftest import ROOT

from journeyctl.core.findings import Severity
from journeyctl.eventlog.overlay import compare_log
from journeyctl.eventlog.readers import read_log
from journeyctl.gaps.model import GapReport
from journeyctl.gaps.observed import observed_gaps
from journeyctl.lint.load import load_map

DATA = ROOT / "tests" / "data" / "eventlog"
SHOP_MAP, SHOP_LOG = DATA / "shop.yaml", DATA / "shop.csv"


def shop_gaps():
    jmap = load_map(SHOP_MAP)
    return observed_gaps(compare_log(read_log(SHOP_LOG), jmap), jmap)


def test_shop_gaps_have_codes_places_and_figures():
    gaps = shop_gaps()
    got = sorted((g.code, g.touchpoints, g.persona or "", g.severity) for g in gaps)
    assert got == [
        ("G701", ("buy", "product"), "", Severity.INFO),  # after the goal
        ("G701", ("search", "cart"), "", Severity.WARNING),
        # cart → exit (p 25%) is never taken, but in 4 moves out of cart that is no evidence
        ("G704", (), "", Severity.INFO),  # 1 of 6 cases off the map
        ("G704", (), "parent", Severity.INFO),  # 1 of 3 parent cases
        ("G706", (), "", Severity.INFO),  # the newsletter
    ]
    by_code = {(g.code, g.touchpoints): g for g in gaps}
    search_cart = by_code[("G701", ("search", "cart"))]
    assert search_cart.family == "observed"
    assert search_cart.figures["observed"] == 1
    assert search_cart.span.file.endswith("shop.yaml")
    assert search_cart.span.line == 20  # the `next` of `search`
    assert "newsletter" in by_code[("G706", ())].message


def test_observed_gaps_join_a_gap_report():
    report = GapReport(map_name="Shop", files=(str(SHOP_MAP),), personas=("student", "parent"))
    report.extend(shop_gaps())
    assert report.families[-1] == "observed"
    assert report.gaps[0].severity == Severity.WARNING
    summary = {s.persona: s.counts["observed"] for s in report.summaries()}
    assert summary == {"student": 0, "parent": 1, None: 4}
    assert report.gaps[0].as_dict()["family"] == "observed"


def test_gaps_cli_reports_observed_gaps_in_every_format(cli, tmp_path):
    import csv

    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG, "--format", "json")
    assert r.code == 0, r.err
    gaps = json.loads(r.out)["gaps"]
    observed = [g for g in gaps if g["family"] == "observed"]
    assert sorted(g["code"] for g in observed) == ["G701", "G701", "G704", "G704", "G706"]
    plain = cli("gaps", SHOP_MAP, "--format", "json")
    assert len(json.loads(plain.out)["gaps"]) == len(gaps) - len(observed)
    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG, "--format", "csv")
    rows = list(csv.DictReader(r.out.splitlines()))
    assert sum(row["family"] == "observed" for row in rows) == 5
    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG, "--format", "markdown")
    assert "| observed |" in r.out and "G701" in r.out
    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG)
    assert "undesigned-move" in r.out and "search" in r.out


def test_gaps_cli_persona_filter_mapping_and_columns(cli, tmp_path):
    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG, "-p", "student", "--format", "json")
    personas = {g["persona"] for g in json.loads(r.out)["gaps"] if g["family"] == "observed"}
    assert personas == {None}  # the parent segment's G704 is left out
    mapping = tmp_path / "m.yaml"
    mapping.write_text("newsletter: product\n")
    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG, "--mapping", mapping, "--format", "json")
    assert "G706" not in {g["code"] for g in json.loads(r.out)["gaps"]}
    renamed = tmp_path / "log.csv"
    renamed.write_text(SHOP_LOG.read_text().replace("case_id,persona,touchpoint", "id,who,step"))
    r = cli("gaps", SHOP_MAP, "--observed", renamed, "--format", "json")
    assert r.code == 2 and "no case column" in r.err
    r = cli("gaps", SHOP_MAP, "--observed", renamed, "--case", "id", "--activity", "step",
            "--segment", "who", "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    assert any(g["persona"] == "parent" for g in json.loads(r.out)["gaps"] if g["code"] == "G704")
    r = cli("gaps", SHOP_MAP, "--mapping", mapping)
    assert r.code == 2 and "--observed" in r.err


FUNNEL = """\
journeyctl: 1
journey:
  id: funnel
  name: Funnel
  goal: {touchpoints: [buy]}
  entry: {ad: 1}
stages:
  - {id: find, name: Find}
  - {id: purchase, name: Purchase}
channels:
  - {id: web, name: Website}
touchpoints:
  - {id: ad, stage: find, channel: web, engagement: passive, next: {product: 1, exit: 1}}
  - {id: product, stage: purchase, channel: web, engagement: active, next: {buy: 1}}
  - {id: buy, stage: purchase, channel: web, engagement: active}
"""
"""Half the walks leave at `ad` (its `exit` at 13:81, `product` at 13:69)."""


def _observed(cli, folder, buying: int, cases: int = 40) -> dict[tuple, dict]:
    """The observed gaps of FUNNEL against a log of `cases` cases that start at `ad`, of which
    the first `buying` go on to `product` and `buy` and the others leave, by (code, touchpoints)."""
    rows = ["case_id,touchpoint,timestamp"]
    for c in range(cases):
        steps = ["ad", "product", "buy"] if c < buying else ["ad"]
        rows += [f"c{c:02},{s},2026-01-01T{10 + i}:00:{c:02}Z" for i, s in enumerate(steps)]
    (folder / "funnel.yaml").write_text(FUNNEL, encoding="utf-8")
    (folder / "log.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = cli("gaps", folder / "funnel.yaml", "--observed", folder / "log.csv", "-f", "json")
    assert r.code == 0, r.err
    gaps = [g for g in json.loads(r.out)["gaps"] if g["family"] == "observed"]
    return {(g["code"], *g["touchpoints"]): g for g in gaps}


def _at(gap: dict) -> tuple[int, int]:
    return gap["evidence"][0]["line"], gap["evidence"][0]["column"]


def test_more_customers_leave_than_designed_g703_and_g705(cli, tmp_path):
    gaps = _observed(cli, tmp_path, buying=4)  # 36 of 40 leave at `ad`; the map says half
    assert set(gaps) == {("G703", "ad"), ("G703", "ad", "product"), ("G705", "ad")}
    share = gaps[("G703", "ad", "product")]
    assert (share["slug"], share["severity"]) == ("move-share-differs", "info")
    assert share["message"].startswith(
        "10% of the moves out of `ad` (4 of 40) go to `product` in the log; the map says 50% "
        "(binomial test q = "
    )
    # 4 of 40 against 1/2: two-sided binomial p = 2 × P(X ≤ 4) = 2 × 102,091 / 2**40; three
    # tests (two moves, one drop-off) adjusted by Benjamini–Hochberg: q = p × 3 / 3 for the
    # smallest three equal p-values.
    p = 2 * sum(math.comb(40, k) for k in range(5)) / 2**40
    assert share["message"].endswith(f"(binomial test q = {p:.2g}, under 0.05)")  # 1.9e-07
    assert _at(share) == (13, 69)
    exits = gaps[("G703", "ad")]["message"]
    assert exits.startswith("90% of the moves out of `ad` (36 of 40) go to `exit`")
    drop = gaps[("G705", "ad")]
    assert (drop["slug"], drop["severity"]) == ("observed-drop-off", "warning")
    assert drop["message"] == (
        "90% of cases drop off at `ad` in the log; the map's walks drop off there 50% of the time "
        "(binomial test q = 1.9e-07, under 0.05)"
    )
    assert drop["recommendation"] == "find out why more customers leave here than designed"
    assert (drop["stage"], _at(drop)) == ("find", (13, 81))
    assert drop["figures"]["real"] == 0.9 and drop["figures"]["simulated"] == 0.5


def test_fewer_customers_leave_than_designed_is_g705_info(cli, tmp_path):
    gaps = _observed(cli, tmp_path, buying=40)
    drop = gaps[("G705", "ad")]
    assert drop["severity"] == "info"
    assert drop["message"].startswith("0% of cases drop off at `ad` in the log;")
    assert "check the map's `exit` weight" in drop["recommendation"]
    assert gaps[("G703", "ad", "product")]["message"].startswith("100% of the moves out of `ad`")


def test_a_log_that_agrees_with_the_design_has_no_share_or_drop_off_gap(cli, tmp_path):
    assert not {code for code, *_ in _observed(cli, tmp_path, buying=20)} & {"G703", "G705"}
    # 14 of 40 (35% against 50%): two-sided binomial p = 2 × P(X ≤ 14) = 0.081, no gap;
    # 12 of 40: p = 0.017, a gap (q = p: the three tests have the same p-value).
    assert 2 * sum(math.comb(40, k) for k in range(15)) / 2**40 > 0.05
    assert ("G703", "ad", "product") not in _observed(cli, tmp_path, buying=14)
    assert 2 * sum(math.comb(40, k) for k in range(13)) / 2**40 < 0.05
    assert ("G703", "ad", "product") in _observed(cli, tmp_path, buying=12)


def test_a_move_the_map_lacks_after_a_goal_it_walks_on_from_is_a_warning(cli, tmp_path):
    # Walks go on past a goal that has moves (here to a review), so a move out of it that the
    # map lacks is a gap in the design like any other; only a goal with no moves ends the walks.
    walked_on = FUNNEL.replace(
        "  - {id: buy, stage: purchase, channel: web, engagement: active}",
        "  - {id: buy, stage: purchase, channel: web, engagement: active, next: {review: 1}}\n"
        "  - {id: review, stage: purchase, channel: web, engagement: active, next: {exit: 1}}",
    )
    (tmp_path / "funnel.yaml").write_text(walked_on, encoding="utf-8")
    rows = ["case_id,touchpoint,timestamp"]
    for c in range(10):
        steps = ["ad", "product", "buy", "ad"]  # back to the ad after buying: the map lacks it
        rows += [f"c{c:02},{s},2026-01-01T{10 + i}:00:{c:02}Z" for i, s in enumerate(steps)]
    (tmp_path / "log.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = cli("gaps", tmp_path / "funnel.yaml", "--observed", tmp_path / "log.csv", "-f", "json")
    assert r.code == 0, r.err
    [gap] = [g for g in json.loads(r.out)["gaps"] if g["touchpoints"] == ["buy", "ad"]]
    assert gap["code"] == "G701" and gap["severity"] == "warning"
    assert "where the map's walks end" not in gap["message"]
