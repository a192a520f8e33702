"""The log comparison as gap records (family `observed`) for `journeyctl gaps --observed`."""

from __future__ import annotations

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
        ("G702", ("cart",), "", Severity.INFO),  # cart → exit never taken
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
    assert summary == {"student": 0, "parent": 1, None: 5}
    assert report.gaps[0].as_dict()["family"] == "observed"


def test_gaps_cli_reports_observed_gaps_in_every_format(cli, tmp_path):
    import csv
    import json

    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG, "--format", "json")
    assert r.code == 0, r.err
    gaps = json.loads(r.out)["gaps"]
    observed = [g for g in gaps if g["family"] == "observed"]
    assert sorted(g["code"] for g in observed) == ["G701", "G701", "G702", "G704", "G704", "G706"]
    plain = cli("gaps", SHOP_MAP, "--format", "json")
    assert len(json.loads(plain.out)["gaps"]) == len(gaps) - len(observed)
    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG, "--format", "csv")
    rows = list(csv.DictReader(r.out.splitlines()))
    assert sum(row["family"] == "observed" for row in rows) == 6
    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG, "--format", "markdown")
    assert "| observed |" in r.out and "G701" in r.out
    r = cli("gaps", SHOP_MAP, "--observed", SHOP_LOG)
    assert "undesigned-move" in r.out and "search" in r.out


def test_gaps_cli_persona_filter_mapping_and_columns(cli, tmp_path):
    import json

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
