"""The workshop report (`journeyctl render MAP -f html`): everything the map holds for the room,
names kept text, and the page driven in headless Chromium as a facilitator would (persona
switcher, filters, path highlight, a 390-px phone).

Expected values come from the map itself (`load_map`), from `journeyctl gaps -f json` and from
what Chromium measures; the browser part needs what scripts/setup.d/render.sh installs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from conftest import in_chromium, run_limited
from PIL import Image

from journeyctl.core.model import EXIT
from journeyctl.lint.load import load_map

ROOT = Path(__file__).resolve().parent.parent
MAPS = sorted((ROOT / "maps").glob("*.yaml"))

EVIL = ["<script>alert(1)</script>", "\"q\" 'a'", "{{ 7 * 7 }}", "</textarea>", "</script><b>"]
"""Hostile names: markup, quotes, Jinja2 syntax, end tags of raw-text elements."""


def _evil(n: int) -> str:
    """A hostile text as a double-quoted YAML scalar, distinct per field."""
    return json.dumps(f"{EVIL[n % len(EVIL)]} #{n}")


def hostile_map() -> tuple[str, list[str]]:
    """A valid map with a hostile text in every text field, and those texts."""
    n = iter(range(100))
    texts: list[str] = []

    def t() -> str:
        k = next(n)
        texts.append(json.loads(_evil(k)))
        return _evil(k)

    yaml = f"""journeyctl: 1
journey:
  id: j
  name: {t()}
  description: {t()}
  owner: {t()}
  goal: {{touchpoints: [buy], description: {t()}}}
  entry: {{ad: 1}}
stages:
  - {{id: s1, name: {t()}, description: {t()}, customer_goal: {t()}}}
  - {{id: s2, name: {t()}}}
channels:
  - {{id: web, name: {t()}, type: owned, team: {t()}, description: {t()}}}
  - {{id: mail, name: {t()}, type: owned}}
screens:
  - {{id: phone, name: {t()}, class: other}}
personas:
  - id: p1
    name: {t()}
    description: {t()}
    needs: [{t()}]
    goals: [{t()}]
    owns: [{t()}]
    not_interested: [{t()}]
    channel_affinity: {{web: 2}}
    screen_affinity: {{phone: 2}}
    opted_out: [mail]
touchpoints:
  - id: ad
    name: {t()}
    description: {t()}
    stage: s1
    channel: web
    screens: [phone]
    engagement: passive
    team: {t()}
    kpis: [{t()}]
    offers: [{t()}]
    pain_points: [{t()}]
    opportunities: [{t()}]
    emotion: {{default: 1, p1: -1}}
    next:
      buy: {{weight: 1, handoff: {t()}, note: {t()}}}
      letter: 1
      exit: 1
  - id: letter
    name: {t()}
    stage: s2
    channel: mail
    engagement: mini
    initiated_by: brand
    next: {{buy: 1, exit: 1}}
  - id: buy
    name: {t()}
    stage: s2
    channel: web
    engagement: active
    moment_of_truth: true
    kpis: [{t()}]
"""
    return yaml, texts


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, list[str]]:
    text, names = hostile_map()
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path, names


def _page(cli, path: Path, *args: str):
    r = cli("render", path, "-f", "html", *args)
    assert r.code == 0, r.err
    return r.out, lxml.html.fromstring(r.out)


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _gaps(cli, path: Path) -> list[dict]:
    r = cli("gaps", path, "-f", "json")
    assert r.code == 0, r.err
    return json.loads(r.out)["gaps"]


# --- what the page holds --------------------------------------------------------------------


@pytest.mark.parametrize("path", MAPS, ids=[p.stem for p in MAPS])
def test_report_holds_personas_touchpoints_and_gaps(cli, path):
    jmap = load_map(path)
    _, doc = _page(cli, path)
    cards = {el.get("data-key"): _text(el) for el in doc.find_class("persona")}
    assert list(cards) == [p.id for p in jmap.personas]
    for p in jmap.personas:
        for text in (p.name, p.description, *p.needs, *p.goals, *p.owns, *p.not_interested):
            assert " ".join(text.split()) in cards[p.id], (p.id, text)
        for cid in (*p.channel_affinity, *p.opted_out):
            assert (jmap.channel[cid].name or cid) in cards[p.id]
    for tp in jmap.touchpoints:
        (card,) = doc.xpath(f'//article[@id="tp-{tp.id}"]')
        text = _text(card)
        for item in (tp.label, *tp.kpis, *tp.value, *tp.offers, *tp.pain_points):
            assert " ".join(item.split()) in text, (tp.id, item)
        for item in tp.opportunities:
            assert " ".join(item.split()) in text, (tp.id, item)
        assert ("★" in text and "moment of truth" in text) == tp.moment_of_truth
        targets = [li.get("data-target") for li in card.xpath('.//ul[@class="next"]/li')]
        assert targets == [m.target for m in tp.next]
        assert card.get("data-channel") == tp.channel and card.get("data-stage") == tp.stage
    found = _gaps(cli, path)
    rows = doc.find_class("gap")
    assert [r.xpath("./h3")[0].text_content().split()[1] for r in rows] == [
        g["code"] for g in found
    ]
    for row, gap in zip(rows, found, strict=True):
        assert row.get("data-for") == (gap["persona"] or "")
        assert row.get("data-touchpoints").split() == gap["touchpoints"]
        assert " ".join(gap["message"].replace("`", "").split()) in _text(row)
        for tid in gap["touchpoints"]:  # pinned to the touchpoint's card
            pins = doc.xpath(f'//article[@id="tp-{tid}"]//a[@href="#{row.get("id")}"]')
            assert len(pins) == 1


def test_report_opens_on_the_chosen_persona(cli):
    path = ROOT / "maps" / "treadmill.yaml"
    jmap = load_map(path)
    second = jmap.personas[1]
    _, doc = _page(cli, path, "--persona", second.id)
    (selected,) = doc.xpath('//select[@id="view"]/option[@selected]')
    assert selected.get("value") == second.id
    (active,) = doc.xpath('//article[contains(@class, "persona") and contains(@class, "active")]')
    assert active.get("data-key") == second.id
    flows = doc.xpath('//figure[contains(@class, "flow")][not(@hidden)]')
    assert len(flows) == 1 and f"expected flow for {second.name}" in _text(flows[0])
    r = cli("render", path, "-f", "html", "--persona", "nobody")
    assert r.code == 2 and "unknown persona 'nobody'" in r.err


def test_a_large_map_gets_one_flow_figure(cli, tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from mapgen import map_text

    path = tmp_path / "large.yaml"
    path.write_text(map_text(1, stages=3, channels=3, touchpoints=120), encoding="utf-8")
    assert len(load_map(path).touchpoints) > 100
    _, doc = _page(cli, path, "--persona", "p2")
    (flow,) = doc.xpath('//figure[contains(@class, "flow")]')
    assert "expected flow for Persona two" in _text(flow) and flow.get("hidden") is None
    assert "more than 100 touchpoints" in _text(doc.xpath('//section[@id="flow"]')[0])


def test_hostile_names_are_text_in_every_field(hostile):
    path, names = hostile
    r = run_limited("render", path, "-f", "html", "--simulate", cwd=path.parent)
    assert r.code == 0, r.err
    doc = lxml.html.fromstring(r.out)
    assert len(doc.xpath("//script")) == 1 and not doc.xpath("//textarea")
    assert not doc.xpath("//main//b[starts-with(., ' #')]")  # no <b> opened by a name
    (script,) = doc.xpath("//script")
    assert "alert(1)" not in script.text_content()
    page = doc.text_content()
    for name in names:
        assert name in page, name  # shown as written: not markup, not evaluated


def test_same_bytes_across_processes_and_hash_seeds(hostile):
    path, _ = hostile
    outputs = set()
    for seed in ("1", "2"):
        r = subprocess.run(
            [sys.executable, "-m", "journeyctl", "render", str(path), "-f", "html", "--simulate"],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.add(r.stdout)
    assert len(outputs) == 1


# --- in the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    """Run tests/js/report_check.mjs on a page, screenshots into a folder."""

    def run(page: Path, outdir: Path) -> dict:
        return in_chromium("report_check.mjs", page, outdir, timeout=600)

    return run


def _expected_path(jmap, tid: str) -> tuple[set[str], set[str]]:
    """The touchpoints a move of positive weight leads to from `tid`, and comes from."""
    outs = {m.target for m in jmap.touchpoint[tid].next if m.target != EXIT and m.weight > 0}
    ins = {t.id for t in jmap.touchpoints for m in t.next if m.target == tid and m.weight > 0}
    return outs, ins


def _moves(titles: list[str], touchpoints: set[str]) -> set[frozenset[str]]:
    """The pairs of touchpoints that highlighted edges join (either way round: a layout may
    draw a move backwards); an edge to a helper node (an edge's label, say) is followed on to
    the touchpoint after it."""
    edges = [tuple(end.split(":")[0] for end in t.split("->")) for t in titles]
    onward = {a: [b for x, b in edges if x == a] for a, _ in edges}
    pairs = set()
    for a, b in edges:
        while b not in touchpoints and len(onward.get(b, ())) == 1:
            b = onward[b][0]
        if a in touchpoints and b in touchpoints:
            pairs.add(frozenset((a, b)))
    return pairs


@pytest.mark.parametrize("name", [*(p.stem for p in MAPS), "hostile"])
def test_report_in_chromium(cli, chromium, hostile, tmp_path, name):
    path = hostile[0] if name == "hostile" else ROOT / "maps" / f"{name}.yaml"
    jmap = load_map(path)
    page = tmp_path / "report.html"
    r = cli("render", path, "-f", "html", "--simulate", "-o", page)
    assert r.code == 0, r.err
    result = chromium(page, tmp_path)

    assert result["requests"] == [] and result["pageErrors"] == []
    assert [m for m in result["console"] if m["type"] in ("error", "warning")] == []
    every = {t.id for t in jmap.touchpoints}
    assert set(result["start"]["cards"]) == every and result["start"]["flows"] == 1

    # The persona switcher: that persona's card, emotions, gaps and flow.
    views = result["views"]
    assert list(views) == ["", *(p.id for p in jmap.personas)]
    gaps = _gaps(cli, path)
    for key, seen in views.items():
        assert seen["personas"] == ([key] if key else [])
        assert seen["flows"] == 1
        for t in jmap.touchpoints:
            score = t.emotion_for(key or None)
            shown = seen["emotions"][t.id]
            assert (shown == "–") if score is None else float(shown) == score, (key, t.id)
        mine = [g for g in gaps if not key or g["persona"] in (None, key)]
        assert len(seen["gaps"]) == len(mine)

    # The filters: exactly the touchpoints of that channel, or of that stage.
    for cid, cards in result["channels"].items():
        assert set(cards) == {t.id for t in jmap.touchpoints if not cid or t.channel == cid}
    assert set(result["channels"]) == {"", *(t.channel for t in jmap.touchpoints)}
    for sid, cards in result["stages"].items():
        assert set(cards) == {t.id for t in jmap.touchpoints if not sid or t.stage == sid}

    # Click a touchpoint: its path in the cards and in the flow; click again: cleared.
    for tid, seen in result["clicks"].items():
        outs, ins = _expected_path(jmap, tid)
        assert seen["sel"] == [tid] and seen["kept"] == [tid] and seen["after"] == []
        assert set(seen["next"]) == outs and set(seen["prev"]) == ins
        assert seen["flowSel"] == [tid]
        assert set(seen["flowNext"]) == outs and set(seen["flowPrev"]) == ins
        moves = {(tid, o) for o in outs} | {(i, tid) for i in ins}
        assert _moves(seen["paths"], every) == {frozenset(m) for m in moves}
        assert jmap.touchpoint[tid].label in seen["status"]
    click = result["flowClick"]  # a box in the flow: hover highlights, leaving clears, click pins
    assert click["hovered"] == click["sel"] == [click["id"]] and click["left"] == []

    # A 390-px phone: no sideways scroll of the page, nothing spills out of a card.
    phone = result["phone"]
    assert phone["scrollWidth"] <= phone["clientWidth"] == 390
    assert phone["widestBox"] <= 390 and phone["spills"] == []
    for shot, width in (("wide.png", 1400), ("phone.png", 390)):
        with Image.open(tmp_path / shot) as im:
            assert im.width == width and im.height > 1000
