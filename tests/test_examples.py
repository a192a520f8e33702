"""The bundled example maps and starter templates: clean, rich enough, and usable via `init`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journeyctl.core.model import EXIT
from journeyctl.lint.load import load_map

ROOT = Path(__file__).resolve().parent.parent
MAPS = ROOT / "maps"
TEMPLATES = ROOT / "journeyctl" / "templates"
JOURNEY_MAPS = sorted(MAPS.glob("*.yaml"))
TEMPLATE_NAMES = ["cyclical-subscription", "engagement-four-stage", "linear-purchase"]


def clean_report(cli, *paths) -> dict:
    r = cli("validate", *paths, "--format", "json")
    report = json.loads(r.out)
    assert report["findings"] == [], report["findings"]
    assert report["summary"] == {"error": 0, "warning": 0, "info": 0}
    assert r.code == 0
    return report


def test_maps_folder_has_the_four_examples():
    assert [p.stem for p in JOURNEY_MAPS] == [
        "car-configurator",
        "home-security",
        "mobile-network",
        "treadmill",
    ]


def test_maps_validate_with_zero_findings(cli):
    report = clean_report(cli, MAPS)
    assert any(f.endswith("maps/catalog/channels.yaml") for f in report["files"])
    assert len(report["files"]) == len(JOURNEY_MAPS) + 2


def test_templates_validate_with_zero_findings(cli):
    report = clean_report(cli, TEMPLATES)
    assert len(report["files"]) == len(TEMPLATE_NAMES)


@pytest.mark.parametrize("path", JOURNEY_MAPS, ids=lambda p: p.stem)
def test_map_meets_the_minimums(path):
    jmap = load_map(path)
    assert len(jmap.personas) >= 2
    assert len({tp.channel for tp in jmap.touchpoints}) >= 4
    assert len({s for tp in jmap.touchpoints for s in tp.screens}) >= 3
    assert len(jmap.touchpoints) >= 12
    goals = set(jmap.journey.goal)
    for tp in jmap.touchpoints:
        assert tp.name and tp.description and tp.duration is not None, tp.id
        if tp.id not in goals:
            assert EXIT in {m.target for m in tp.next}, f"{tp.id} has no exit weight"


@pytest.mark.parametrize("path", [*JOURNEY_MAPS, *sorted(TEMPLATES.glob("*.yaml"))], ids=str)
def test_first_line_points_editors_at_the_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    if path.parent == TEMPLATES:
        assert first == "# yaml-language-server: $schema=./journeyctl.schema.json"
    else:
        assert first == "# yaml-language-server: $schema=../journeyctl/schema/map-v1.schema.json"


def test_catalogue_files_point_editors_at_the_schema():
    for path in sorted((MAPS / "catalog").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../journeyctl/schema/map-v1.schema.json"


def test_story_gaps_are_in_the_maps():
    """The maps carry the gaps that later analysis commands are meant to find."""
    treadmill = load_map(MAPS / "treadmill.yaml")
    consideration = treadmill.touchpoints_in("consideration")
    assert consideration and all("smartphone" not in tp.screens for tp in consideration)
    assert treadmill.persona["enthusiast"].screen_affinity["smartphone"] == 3
    shop = treadmill.touchpoint["warranty-registration"]
    move = next(m for m in shop.next if m.target == "owners-community")
    assert treadmill.team_of(shop) == "e-commerce" and not move.handoff
    assert treadmill.team_of(treadmill.touchpoint["owners-community"]) == "brand"

    mobile = load_map(MAPS / "mobile-network.yaml")
    loyal = mobile.persona["loyal-customer"]
    sms = mobile.touchpoint["sms-unlimited-upsell"]
    assert loyal.opted_out == ("sms",) and "unlimited-data" in loyal.owns
    assert (
        sms.channel == "sms" and sms.initiated_by == "brand" and sms.offers == ("unlimited-data",)
    )
    assert mobile.journey.kind == "cyclical" and mobile.journey.renewal

    car = load_map(MAPS / "car-configurator.yaml")
    back = car.touchpoint["return-to-configuration"]
    assert not back.measurable and not back.kpis and not back.moment_of_truth
    drive = car.touchpoint["dealer-test-drive"]
    assert drive.moment_of_truth and drive.kpis and car.team_of(drive) == "dealer-network"

    security = load_map(MAPS / "home-security.yaml")
    assert [tp.id for tp in security.touchpoints if not tp.value] == ["retargeting-banner"]
    awareness = security.touchpoints_in("awareness")
    assert {tp.engagement for tp in awareness} == {"passive"}


def test_templates_command_lists_all_three(cli):
    r = cli("templates")
    assert r.code == 0
    for name in TEMPLATE_NAMES:
        assert name in r.out


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_init_writes_a_template_that_validates_clean(cli, tmp_path, name):
    r = cli("init", tmp_path / "new", "--template", name)
    assert r.code == 0, r.err
    written = tmp_path / "new" / f"{name}.yaml"
    assert written.read_text(encoding="utf-8") == (TEMPLATES / f"{name}.yaml").read_text(
        encoding="utf-8"
    )
    clean_report(cli, written)
    jmap = load_map(written)
    assert len(jmap.personas) >= 2 and len(jmap.touchpoints) >= 8


def test_init_refuses_to_overwrite_without_force(cli, tmp_path):
    target = tmp_path / "linear-purchase.yaml"
    target.write_text("my own map\n", encoding="utf-8")
    r = cli("init", tmp_path, "--template", "linear-purchase")
    assert r.code == 2
    assert "--force" in r.err
    assert target.read_text(encoding="utf-8") == "my own map\n"

    r = cli("init", tmp_path, "--template", "linear-purchase", "--force")
    assert r.code == 0
    assert target.read_text(encoding="utf-8") == (TEMPLATES / "linear-purchase.yaml").read_text(
        encoding="utf-8"
    )


def test_template_summaries_come_from_line_two(cli):
    r = cli("templates")
    for name in TEMPLATE_NAMES:
        second = (TEMPLATES / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[1]
        assert second.startswith("# ")
        first_words = " ".join(second[2:].split()[:3])
        assert first_words in " ".join(r.out.split())
