"""`journeyctl gaps` on the example maps: each map's story shows up as the gaps it implies,
and a copy of the map fixed for a gap no longer shows it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import MAPS


def gaps_of(cli, path: Path, *args: str) -> list[dict]:
    r = cli("gaps", path, "--format", "json", *args)
    assert r.code == 0, r.err
    return json.loads(r.out)["gaps"]


def keys(gaps: list[dict]) -> set[tuple]:
    """(code, persona, stage, touchpoints) of each gap."""
    return {(g["code"], g["persona"], g["stage"], tuple(g["touchpoints"])) for g in gaps}


def fixed(tmp_path: Path, name: str, edit) -> Path:
    """A copy of maps/<name>.yaml, with its catalogue, after `edit(doc)` changed it."""
    root = tmp_path / "maps"
    shutil.copytree(MAPS / "catalog", root / "catalog")
    doc = yaml.safe_load((MAPS / f"{name}.yaml").read_text(encoding="utf-8"))
    edit(doc)
    path = root / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def touchpoint(doc: dict, tp_id: str) -> dict:
    return next(t for t in doc["touchpoints"] if t["id"] == tp_id)


def handoff(doc: dict, src: str, dst: str) -> None:
    moves = touchpoint(doc, src)["next"]
    weight = moves[dst]["weight"] if isinstance(moves[dst], dict) else moves[dst]
    moves[dst] = {"weight": weight, "handoff": True}


# --- treadmill: no smartphone in consideration; web shop → community silo ------------------

TREADMILL_SMARTPHONE = ("G102", "enthusiast", "consideration", ())
TREADMILL_SILO = ("G501", None, "post-purchase", ("warranty-registration", "owners-community"))


def test_treadmill_story(cli):
    gaps = gaps_of(cli, MAPS / "treadmill.yaml")
    assert {TREADMILL_SMARTPHONE, TREADMILL_SILO} <= keys(gaps)
    smartphone = next(g for g in gaps if g["code"] == "G102" and g["persona"] == "enthusiast")
    assert smartphone["message"].startswith("enthusiast prefers smartphone (affinity 3)")
    assert "no smartphone touchpoint in Consideration" in smartphone["message"]
    assert "app (affinity 2)" in smartphone["message"]  # the missing channel: same gap
    assert ("G101", "enthusiast", "consideration", ()) not in keys(gaps)
    assert smartphone["evidence"][0]["file"].endswith("treadmill.yaml")
    # The silo is the only one: every other cross-team move declares its hand-off.
    assert [g["touchpoints"] for g in gaps if g["code"] == "G501"] == [
        ["warranty-registration", "owners-community"]
    ]
    # Nobody opted out or owns anything, and every touchpoint gives something.
    assert not {g["code"] for g in gaps} & {"G301", "G302", "G203"}


def test_treadmill_fixed(cli, tmp_path):
    def edit(doc):
        touchpoint(doc, "product-research")["screens"].append("smartphone")
        handoff(doc, "warranty-registration", "owners-community")

    found = keys(gaps_of(cli, fixed(tmp_path, "treadmill", edit)))
    assert TREADMILL_SMARTPHONE not in found
    assert TREADMILL_SILO not in found
    # Research now works on a phone, but still not in the app the enthusiast prefers.
    assert ("G101", "enthusiast", "consideration", ()) in found


# --- mobile network: SMS to an opted-out owner of unlimited data; store → call centre silo --

MOBILE_OPT_OUT = ("G301", "loyal-customer", "in-life", ("sms-unlimited-upsell",))
MOBILE_OWNED = ("G302", "loyal-customer", "in-life", ("sms-unlimited-upsell",))
MOBILE_UNWANTED = ("G303", "loyal-customer", "renewal", ("renewal-banner",))
MOBILE_SILO = ("G501", None, "in-life", ("store-support", "support-call"))


def test_mobile_network_story(cli):
    gaps = gaps_of(cli, MAPS / "mobile-network.yaml")
    assert {MOBILE_OPT_OUT, MOBILE_OWNED, MOBILE_UNWANTED, MOBILE_SILO} <= keys(gaps)
    push = [g for g in gaps if g["family"] == "push"]
    assert len(push) == 3  # one per cause for the touchpoint × persona, nothing per stage
    owned = next(g for g in push if g["code"] == "G302")
    assert "unlimited-data" in owned["message"]
    assert gaps[0]["code"] == "G301"  # the only error comes first
    assert gaps[0]["severity"] == "error"
    # The loyal customer never uses comparison sites (affinity 0): at contract end the brand
    # only broadcasts to them, though the stage as a whole has an active step.
    assert ("G201", "loyal-customer", "renewal", ("contract-end-notice", "renewal-banner")) in (
        keys(gaps)
    )
    assert not [g for g in gaps if g["code"] == "G201" and g["persona"] != "loyal-customer"]


def test_mobile_network_fixed(cli, tmp_path):
    def edit(doc):
        doc["touchpoints"].remove(touchpoint(doc, "sms-unlimited-upsell"))
        touchpoint(doc, "usage-check")["next"].pop("sms-unlimited-upsell")
        handoff(doc, "store-support", "support-call")

    found = keys(gaps_of(cli, fixed(tmp_path, "mobile-network", edit)))
    assert not {MOBILE_OPT_OUT, MOBILE_OWNED, MOBILE_SILO} & found


# --- car configurator: the unmeasured return to a saved build; web → dealer booking silo ----

CAR_KEY = ("G401", None, "configuration", ("return-to-configuration",))
CAR_SILO = ("G501", None, "test-drive", ("book-test-drive", "dealer-test-drive"))


def test_car_configurator_story(cli):
    gaps = gaps_of(cli, MAPS / "car-configurator.yaml")
    assert {CAR_KEY, CAR_SILO} <= keys(gaps)
    key = next(
        g for g in gaps if g["code"] == "G401" and g["touchpoints"] == ["return-to-configuration"]
    )
    # Key because most converting walks pass it: at least one persona's share is ≥ 50%.
    shares = [v for k, v in key["figures"].items() if k.startswith("given_conversion.")]
    assert shares and max(shares) >= 0.5
    assert any("measurable: false" in e["note"] for e in key["evidence"])


def test_car_configurator_fixed(cli, tmp_path):
    def edit(doc):
        tp = touchpoint(doc, "return-to-configuration")
        tp["measurable"] = True
        tp["kpis"] = ["returning configurations", "return-to-booking rate"]
        handoff(doc, "book-test-drive", "dealer-test-drive")

    found = keys(gaps_of(cli, fixed(tmp_path, "car-configurator", edit)))
    assert CAR_KEY not in found
    assert CAR_SILO not in found
    assert not [k for k in found if k[0] == "G401" and k[3] == ("return-to-configuration",)]


# --- home security: an awareness stage that only broadcasts; a touchpoint that gives nothing -

HOME_PASSIVE = ("G201", None, "awareness")
HOME_NO_VALUE = ("G203", None, "awareness", ("retargeting-banner",))


def test_home_security_story(cli):
    gaps = gaps_of(cli, MAPS / "home-security.yaml")
    assert HOME_NO_VALUE in keys(gaps)
    assert HOME_PASSIVE in {k[:3] for k in keys(gaps)}
    passive = [g for g in gaps if g["code"] == "G201"]
    assert len(passive) == 1  # one gap for the stage, not one per persona
    assert [g["touchpoints"] for g in gaps if g["code"] == "G203"] == [["retargeting-banner"]]


def test_home_security_fixed(cli, tmp_path):
    def edit(doc):
        first = next(t for t in doc["touchpoints"] if t["stage"] == "awareness")
        first["engagement"] = "active"
        touchpoint(doc, "retargeting-banner")["value"] = ["offer"]

    found = keys(gaps_of(cli, fixed(tmp_path, "home-security", edit)))
    assert HOME_PASSIVE not in {k[:3] for k in found}
    assert HOME_NO_VALUE not in found


# --- across the maps ------------------------------------------------------------------------

MAP_NAMES = ["treadmill", "mobile-network", "car-configurator", "home-security"]


@pytest.mark.parametrize("name", MAP_NAMES)
def test_no_duplicate_gaps_and_sorted_by_impact(cli, name):
    gaps = gaps_of(cli, MAPS / f"{name}.yaml")
    assert len(keys(gaps)) == len(gaps)
    rank = {"error": 0, "warning": 1, "info": 2}
    order = [(rank[g["severity"]], -g["impact"]) for g in gaps]
    assert order == sorted(order)
    dropoff = [g for g in gaps if g["family"] == "dropoff"]
    for persona in {g["persona"] for g in dropoff}:
        assert sum(g["persona"] == persona for g in dropoff) <= 3
    assert all(g["evidence"] and g["evidence"][0]["line"] >= 1 for g in gaps)


@pytest.mark.parametrize("name", MAP_NAMES)
def test_persona_filter(cli, name):
    doc = yaml.safe_load((MAPS / f"{name}.yaml").read_text(encoding="utf-8"))
    first = doc["personas"][0]["id"]
    gaps = gaps_of(cli, MAPS / f"{name}.yaml", "--persona", first)
    assert {g["persona"] for g in gaps} <= {first, None}
    everyone = gaps_of(cli, MAPS / f"{name}.yaml")
    assert keys([g for g in everyone if g["persona"] == first]) == keys(
        [g for g in gaps if g["persona"] == first]
    )
