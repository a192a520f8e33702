"""Channels and screens in the comparison: mappings by channel, a draft against its own log, and
the designed against the observed channel and screen mix per stage (G707)."""

from __future__ import annotations

import csv
import json
import random

import pytest
from conftest import ROOT
from scipy import stats

from journeyctl.eventlog.overlay import compare_log
from journeyctl.eventlog.readers import Columns, read_log
from journeyctl.lint.load import load_map
from journeyctl.lint.mapping import load_mapping

DATA = ROOT / "tests" / "data" / "eventlog"
RECEIPT = DATA / "receipt.csv"
T10 = "T10 Determine necessity to stop indication"


def _json(r) -> dict:
    assert r.code == 0, r.err
    return json.loads(r.out)


def _compare(cli, log, map_path, *more) -> dict:
    """`discover LOG --compare MAP -f json` of a log whose activity column is `activity`."""
    r = cli("discover", log, "--compare", map_path, "-f", "json", "--activity", "activity", *more)
    return _json(r)["compare"]


def _observed(cli, map_path, log, *more) -> list[dict]:
    gaps = _json(cli("gaps", map_path, "--observed", log, "-f", "json", *more))["gaps"]
    return [g for g in gaps if g["family"] == "observed"]


def test_receipt_against_its_own_draft(cli, tmp_path):
    """The draft discovered from receipt.csv, compared with receipt.csv: its per-channel and
    after-the-goal touchpoints align with the log by themselves, every case follows the map,
    no share differs and the channel mix of each stage is the log's own."""
    draft = tmp_path / "draft.yaml"
    assert cli("discover", RECEIPT, "--goal", T10, "-o", draft).code == 0
    assert _observed(cli, draft, RECEIPT) == []
    cmp = _json(cli("discover", RECEIPT, "--compare", draft, "-f", "json"))["compare"]
    assert cmp["unmapped"] == []
    assert [(f["segment"], f["cases"], f["following"]) for f in cmp["fit"]] == [(None, 1434, 1434)]
    assert cmp["undesigned"] == [] and cmp["unobserved"] == []
    routes = {(r["activity"], r["channel"], r["after"]): r["touchpoint"] for r in cmp["routes"]}
    assert routes[("Confirmation of receipt", "Desk", False)] == "confirmation-of-receipt-desk"
    t02 = ("T02 Check confirmation of receipt", "Internet", True)
    assert routes[t02] == "t02-check-confirmation-of-receipt-internet-after"
    # every event of the log is in a stage of the draft; its channel mix is the log's
    with RECEIPT.open(encoding="utf-8") as f:
        by_channel: dict[str, int] = {}
        for row in csv.DictReader(f):
            by_channel[row["case:channel"]] = by_channel.get(row["case:channel"], 0) + 1
    seen: dict[str, int] = {}
    for m in cmp["mix"]:
        assert m["kind"] == "channel" and m["persona"] is None
        for ch, n in m["observed"].items():
            seen[ch] = seen.get(ch, 0) + n
    assert seen == by_channel  # 8,577 events: Internet 7,478, Desk 657, ...
    assert all(t["q_value"] == 1.0 for t in cmp["tests"] if t["kind"] == "channel-mix")


CONFIRM = """\
journeyctl: 1
journey:
  id: confirm
  name: Confirm
  goal: {touchpoints: [done]}
  entry: {confirm-desk: 1, confirm-web: 1}
stages:
  - {id: ask, name: Ask}
  - {id: finish, name: Finish}
channels:
  - {id: desk, name: Desk}
  - {id: web, name: Internet}
screens:
  - {id: phone, name: Phone, class: smartphone}
  - {id: pc, name: PC, class: pc}
personas:
  - {id: mobile, name: Mobile, screen_affinity: {phone: 3, pc: 1}}
touchpoints:
  - {id: confirm-desk, stage: ask, channel: desk, engagement: active, next: {done: 1}}
  - {id: confirm-web, stage: ask, channel: web, screens: [phone, pc], engagement: active,
     next: {done: 1}}
  - {id: done, stage: finish, channel: web, screens: [phone, pc], engagement: active}
"""
"""A `mobile` walk's web screens are phone 3 : pc 1, so its designed screen mix of both stages
is 75% phone, 25% pc."""


def _confirm_log(folder, rows: list[tuple[str, str, str]], persona: str = "mobile"):
    """A log of one `Confirm` event (channel, screen) then one `Done` per case, and the map."""
    lines = ["case_id,persona,activity,channel,screen,timestamp"]
    for c, (channel, screen, done_screen) in enumerate(rows):
        lines.append(f"c{c},{persona},Confirm,{channel},{screen},2026-01-01T10:00:00Z")
        lines.append(f"c{c},{persona},Done,Internet,{done_screen},2026-01-01T11:00:00Z")
    (folder / "confirm.yaml").write_text(CONFIRM, encoding="utf-8")
    (folder / "log.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "confirm.yaml", folder / "log.csv"


ROUTES = """\
Done: done
Confirm:
  - {channel: Desk, touchpoint: confirm-desk}
  - {channel: Internet, touchpoint: confirm-web}
"""


def test_a_mapping_sends_an_activity_to_a_touchpoint_per_channel(cli, tmp_path):
    rows = [("Desk", "pc", "phone")] * 20 + [("Internet", "phone", "phone")] * 20
    map_path, log = _confirm_log(tmp_path, rows)
    mapping = tmp_path / "m.yaml"
    mapping.write_text(ROUTES, encoding="utf-8")
    cmp = _compare(cli, log, map_path, "--mapping", mapping)
    entries = {m["target"]: m["observed"] for m in cmp["moves"] if m["source"] is None}
    assert entries == {"confirm-desk": 20, "confirm-web": 20}
    assert cmp["unmapped"] == [] and cmp["undesigned"] == []
    # a route list without a catch-all leaves the other channels' events out
    mapping.write_text(ROUTES.replace("  - {channel: Internet, touchpoint: confirm-web}\n", ""))
    cmp = _compare(cli, log, map_path, "--mapping", mapping)
    assert cmp["unmapped"] == [{"activity": "Confirm", "events": 20}]


def test_bad_routes_are_located(cli, tmp_path):
    map_path, log = _confirm_log(tmp_path, [("Desk", "pc", "pc")])
    mapping = tmp_path / "m.yaml"
    for text, where, words in (
        ("Confirm:\n  - {channel: Desk, touchpoint: nowhere}\n", "m.yaml:2:", "'nowhere'"),
        ("Confirm:\n  - {chanel: Desk, touchpoint: done}\n", "m.yaml:2:6", "unknown key 'chanel'"),
        ("Confirm:\n  - {channel: Desk}\n", "m.yaml:2:5", "needs `touchpoint`"),
        ("Confirm:\n  - {channel: 3, touchpoint: done}\n", "m.yaml:2:15", "write it as text"),
        ("Confirm: []\n", "m.yaml:1:10", "empty list of routes"),
        ("Confirm:\n  - done\n", "m.yaml:2:5", "not a single value"),
    ):
        mapping.write_text(text, encoding="utf-8")
        r = cli("gaps", map_path, "--observed", log, "--mapping", mapping, "--activity", "activity")
        assert r.code == 2, text
        assert where in r.err and words in r.err, r.err


def test_designed_screen_mix_follows_the_personas_affinity(cli, tmp_path):
    """Web visits of `mobile` are designed 3 phone : 1 pc (75%). 40 cases at 3:1 agree; 40
    cases all on pc differ (chi-square 120 on 1 degree of freedom: one event per case and
    stage, so no design effect)."""
    agree = [
        ("Internet", "phone" if c % 4 else "pc", "phone" if c % 4 else "pc") for c in range(40)
    ]
    map_path, log = _confirm_log(tmp_path, agree)
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES, encoding="utf-8")
    cmp = _compare(cli, log, map_path, "--mapping", routes)
    mix = {(m["kind"], m["stage"]): m for m in cmp["mix"]}
    assert mix[("screen", "finish")]["designed"] == {"pc": 0.25, "phone": 0.75}
    # entries weighted by the largest screen affinity (docs/simulate.md): desk 1 × 1, web 1 × 3
    assert mix[("channel", "ask")]["designed"] == {"desk": 0.25, "web": 0.75}
    assert mix[("screen", "ask")]["observed"] == {"pc": 10, "phone": 30}
    gaps = _observed(cli, map_path, log, "--activity", "activity", "--mapping", routes)
    assert not [g for g in gaps if g["code"] == "G707" and "screen" in g["message"]]
    on_pc = [("Internet", "pc", "pc")] * 40
    map_path, log = _confirm_log(tmp_path, on_pc)
    gaps = [g for g in _observed(cli, map_path, log, "--activity", "activity", "--mapping", routes)
            if g["code"] == "G707"]  # fmt: skip
    screen = {g["stage"]: g for g in gaps if "screen mix" in g["message"]}
    assert set(screen) == {"ask", "finish"}
    g = screen["finish"]
    assert (g["slug"], g["severity"], g["persona"]) == ("channel-mix-differs", "info", "mobile")
    assert g["message"].startswith(
        "the screen mix of stage `finish` of `mobile` differs from the design: pc 100% of 40 "
        "events in the log, the map's walks phone 75%, pc 25% (chi-square test (Rao–Scott) q = "
    )
    assert g["figures"]["designed:phone"] == 0.75 and g["figures"]["observed:pc"] == 1.0
    # one event per case and stage: no design effect, Pearson's chi-square as scipy has it
    ov = compare_log(read_log(log, Columns(activity="activity")), load_map(map_path),
                     load_mapping(routes, load_map(map_path)))  # fmt: skip
    [test] = [t for t in ov.tests if t.kind == "screen-mix" and t.subject == "finish"]
    assert test.p_value == pytest.approx(stats.chisquare([0, 40], [30, 10]).pvalue, rel=1e-9)
    assert test.p_value < 1e-27  # (40 − 10)² / 10 + (0 − 30)² / 30 = 120
    assert g["evidence"][0]["line"] == 9  # the stage `finish`
    # every confirmation at the desk: the ask stage's channel mix (designed 25% desk)
    map_path, log = _confirm_log(tmp_path, [("Desk", "pc", "pc")] * 40)
    gaps = _observed(cli, map_path, log, "--activity", "activity", "--mapping", routes)
    channel = [g for g in gaps if g["code"] == "G707" and "channel mix" in g["message"]]
    assert [g["stage"] for g in channel] == ["ask"]


def test_a_channel_the_stage_does_not_offer_is_a_gap(cli, tmp_path):
    rows = [("Internet", "phone", "phone")] * 39 + [("Post", "pc", "phone")]
    map_path, log = _confirm_log(tmp_path, rows)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("Done: done\nConfirm: confirm-web\n", encoding="utf-8")
    gaps = _observed(cli, map_path, log, "--activity", "activity", "--mapping", mapping)
    [g] = [g for g in gaps if g["code"] == "G707" and "channel mix" in g["message"]]
    assert g["figures"]["observed:Post"] == 1 / 40 and g["figures"]["designed:Post"] == 0.0


def test_a_log_with_channels_shuffled_in_one_stage_is_found(cli, tmp_path):
    """20,000 treadmill walks per persona fit their map (no observed gap at all); the same log
    with the channel of every web or store event of the stage `purchase` drawn again at random
    (half web, half store) is found there, for both personas, and nowhere else."""
    treadmill = ROOT / "maps" / "treadmill.yaml"
    log = tmp_path / "walks.csv"
    r = cli("simulate", treadmill, "--runs", "20000", "--seed", "11", "-o", tmp_path / "r.txt",
            "--events", log)  # fmt: skip
    assert r.code == 0, r.err
    assert _observed(cli, treadmill, log) == []
    with log.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    draw = random.Random(5)
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        if row["stage"] == "purchase" and row["channel"] in ("web", "store"):
            row["channel"] = draw.choice(("web", "store"))
            key = (row["persona"], row["channel"])
            counts[key] = counts.get(key, 0) + 1
    shuffled = tmp_path / "shuffled.csv"
    with shuffled.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    gaps = _observed(cli, treadmill, shuffled)
    assert {(g["code"], g["stage"], g["persona"]) for g in gaps} == {
        ("G707", "purchase", "enthusiast"),
        ("G707", "purchase", "rehab-walker"),
    }
    g = next(g for g in gaps if g["persona"] == "enthusiast")
    share = counts[("enthusiast", "web")] / (
        counts[("enthusiast", "web")] + counts[("enthusiast", "store")]
    )
    assert abs(g["figures"]["observed:web"] - share) < 1e-6
    assert g["figures"]["designed:web"] > 0.8  # the design: mostly web


def test_a_drafts_after_goal_touchpoints_take_the_events_after_the_first_goal(cli, tmp_path):
    """Cases that buy, browse and buy again: the draft's `-after` touchpoints take the events
    after each case's first `buy`, the first `buy` stays the goal; the log fits its draft."""
    rows = ["case_id,touchpoint,timestamp"]
    for c in range(12):
        steps = ["browse", "buy", "browse", "buy"] if c % 3 == 0 else ["browse", "buy"]
        rows += [f"c{c:02},{s},2026-01-01T{10 + i}:00:00Z" for i, s in enumerate(steps)]
    log = tmp_path / "log.csv"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    draft = tmp_path / "draft.yaml"
    assert cli("discover", log, "--goal", "buy", "-o", draft).code == 0
    cmp = _json(cli("discover", log, "--compare", draft, "-f", "json"))["compare"]
    moves = {(m["source"], m["target"]): m["observed"] for m in cmp["moves"] if m["observed"]}
    assert moves == {
        (None, "browse"): 12,
        ("browse", "buy"): 12,
        ("buy", "exit"): 8,
        ("buy", "browse-after"): 4,
        ("browse-after", "buy-after"): 4,
        ("buy-after", "exit"): 4,
    }
    assert cmp["fit"][0]["following"] == 12
    assert _observed(cli, draft, log) == []
