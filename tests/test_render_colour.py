"""Colour in the diagrams: channels keep their fill in every map (from the id or a declared
`color:`), funnels use no channel colour, the swimlane carries a legend, and every text on a
fill reaches WCAG 2.x contrast 4.5:1 (black or white chosen per fill).

Contrast is measured on what a user gets: the SVG of the flow, swimlane and emotion views,
each text's colour against the fill of the shape it is drawn on.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from lxml import etree
from PIL import ImageColor

from journeyctl.lint.load import load_map
from journeyctl.render import style
from journeyctl.render.emotion import emotions
from journeyctl.render.funnel import funnel, funnel_html
from journeyctl.render.swimlane import swimlane, swimlane_html

ROOT = Path(__file__).resolve().parent.parent
MAPS = sorted((ROOT / "maps").glob("*.yaml"))
AA = 4.5
"""WCAG 2.x success criterion 1.4.3 (contrast, minimum), level AA, for normal text."""

SVG = "{http://www.w3.org/2000/svg}"

# --- WCAG's formula, checked against published ratios ---------------------------------------


@pytest.mark.parametrize(
    "a,b,ratio",
    [
        ("#000000", "#FFFFFF", 21.0),  # the largest ratio, by definition
        ("#FFFFFF", "#FFFFFF", 1.0),
        ("#767676", "#FFFFFF", 4.54),  # WebAIM: the lightest grey that passes AA on white
        ("#777777", "#FFFFFF", 4.48),  # ... and the next, which fails
        ("#808080", "#FFFFFF", 3.95),
        ("#0000FF", "#FFFFFF", 8.59),
        ("#FF0000", "#FFFFFF", 4.00),
    ],
)
def test_contrast_is_wcags_ratio(a, b, ratio):
    assert style.contrast(a, b) == pytest.approx(ratio, abs=0.006)
    assert style.contrast(b, a) == style.contrast(a, b)


@pytest.mark.parametrize("fill", [*style.CHANNEL_FILLS, *style.EMOTION_RAMP, "#777777", "#4A4A4A"])
def test_ink_reaches_aa_on_every_fill(fill):
    assert style.contrast(style.ink(fill), fill) >= AA


def test_ink_reaches_aa_on_any_fill():
    """Black or white always reaches 4.5:1; ink picks one that does (every 7th grey level and
    a sweep through the RGB cube, the worst case near relative luminance 0.18)."""
    fills = [f"#{v:02X}{v:02X}{v:02X}" for v in range(0, 256, 7)]
    fills += [
        f"#{r:02X}{g:02X}{b:02X}"
        for r in range(0, 256, 51)
        for g in range(0, 256, 17)
        for b in range(0, 256, 51)
    ]
    worst = min(style.contrast(style.ink(f), f) for f in fills)
    assert worst >= AA


# --- contrast measured in the SVG ----------------------------------------------------------


def _rgb(colour: str | None) -> str | None:
    """A fill as `#RRGGBB`; None for no paint."""
    if colour is None or colour in ("none", "transparent"):
        return None
    r, g, b = ImageColor.getrgb(colour)[:3]
    return f"#{r:02X}{g:02X}{b:02X}"


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _box(el) -> tuple[float, float, float, float] | None:
    """The bounding box (x0, y0, x1, y1) of a filled shape."""
    tag = el.tag.removeprefix(SVG)
    if tag in ("polygon", "polyline", "path"):
        nums = [float(n) for n in _NUMBER.findall(el.get("points") or el.get("d") or "")]
        xs, ys = nums[0::2], nums[1::2]
    elif tag == "rect":
        x, y = float(el.get("x", 0)), float(el.get("y", 0))
        xs, ys = [x, x + float(el.get("width"))], [y, y + float(el.get("height"))]
    elif tag in ("ellipse", "circle"):
        cx, cy = float(el.get("cx")), float(el.get("cy"))
        rx = float(el.get("rx") or el.get("r"))
        ry = float(el.get("ry") or el.get("r"))
        xs, ys = [cx - rx, cx + rx], [cy - ry, cy + ry]
    else:
        return None
    return (min(xs), min(ys), max(xs), max(ys)) if xs and ys else None


def text_contrasts(svg: str) -> list[tuple[str, float, str, str]]:
    """(text, contrast, text colour, fill beneath) for every text of `svg`: the fill beneath is
    that of the last filled shape drawn before the text whose box holds the text's middle
    (white when none: the page)."""
    root = etree.fromstring(svg.encode("utf-8"))
    shapes: list[tuple[tuple[float, float, float, float], str]] = []
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.removeprefix(SVG)
        if tag == "text":
            content = "".join(el.itertext()).strip()
            if not content:
                continue
            size = float(el.get("font-size", "14").removesuffix("px"))
            x, y = float(el.get("x")), float(el.get("y"))
            nudge = {"start": 1.0, "end": -1.0}.get(el.get("text-anchor", "start"), 0.0)
            px, py = x + nudge, y - 0.3 * size
            under = "#FFFFFF"
            for (x0, y0, x1, y1), fill in reversed(shapes):
                if x0 <= px <= x1 and y0 <= py <= y1:
                    under = fill
                    break
            ink = _rgb(el.get("fill")) or "#000000"
            found.append((content, style.contrast(ink, under), ink, under))
        elif (fill := _rgb(el.get("fill"))) is not None and (box := _box(el)) is not None:
            shapes.append((box, fill))
    return found


@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.stem)
@pytest.mark.parametrize("view", ["flow", "swimlane", "emotion"])
def test_every_text_of_every_view_reaches_aa(cli, path, view):
    r = cli("render", path, "--view", view, "-f", "svg")
    assert r.code == 0, r.err
    texts = text_contrasts(r.out)
    assert len(texts) > 20
    low = [t for t in texts if t[1] < AA]
    assert not low, low[:10]


def test_the_measure_sees_text_on_fills(cli):
    """The measure is not vacuous: swimlane texts sit on channel fills and emotion cells."""
    jmap = load_map(MAPS[-1])
    texts = text_contrasts(cli("render", MAPS[-1], "--view", "swimlane", "-f", "svg").out)
    beneath = {under for _, _, _, under in texts}
    assert set(style.channel_fills(jmap).values()) <= beneath
    assert {style.emotion_colour(2), style.emotion_colour(-1)} <= beneath
    assert ("+2", "#FFFFFF") in {(t, ink) for t, _, ink, _ in texts}


DARK = """\
journeyctl: 1
journey: {id: j, name: Declared colours, goal: {touchpoints: [buy]}, entry: {look: 1}}
stages: [{id: s, name: Shop}]
channels:
  - {id: web, name: Web, color: "#332288"}
  - {id: store, name: Store, color: "#ffee00"}
  - {id: phone, name: Phone, color: "#808080"}
touchpoints:
  - {id: look, name: Look, stage: s, channel: web, engagement: active, next: {ask: 1, buy: 1},
     emotion: {default: -2}}
  - {id: ask, name: Ask, stage: s, channel: phone, engagement: passive, next: {buy: 1},
     emotion: {default: 2}}
  - {id: buy, name: Buy, stage: s, channel: store, engagement: active, moment_of_truth: true}
"""


@pytest.mark.parametrize("view", ["flow", "swimlane"])
def test_declared_colours_get_readable_text(cli, tmp_path, view):
    path = tmp_path / "dark.yaml"
    path.write_text(DARK, encoding="utf-8")
    r = cli("render", path, "--view", view, "-f", "svg")
    assert r.code == 0, r.err
    texts = text_contrasts(r.out)
    beneath = {under for _, _, _, under in texts}
    assert {"#332288", "#FFEE00", "#808080"} <= beneath
    low = [t for t in texts if t[1] < AA]
    assert not low, low


# --- stable channel colours ----------------------------------------------------------------


def _flow_fills(svg: str) -> dict[str, str]:
    """Node id → fill of its first filled shape, from a flow SVG."""
    root = etree.fromstring(svg.encode("utf-8"))
    fills = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node":
            shapes = [f for s in g.iter() if isinstance(s.tag, str) and (f := _rgb(s.get("fill")))]
            if shapes:
                fills[g.findtext(f"{SVG}title")] = shapes[0]
    return fills


def _card_fills(svg: str, jmap) -> dict[str, str]:
    """Touchpoint id → fill beneath its card's title (bold `N. name`) in a swimlane SVG."""
    number = {f"{i}. ": t.id for i, t in enumerate(style.ordered_touchpoints(jmap), start=1)}
    fills = {}
    for text, _, _, under in text_contrasts(svg):
        head = text.split(" ", 1)[0] + " "
        if head in number and number[head] not in fills:
            fills[number[head]] = under
    return fills


def test_a_channel_has_one_fill_in_every_bundled_map(cli):
    """The four example maps share maps/catalog: each channel has the same fill in every
    map's flow DOT, flow SVG and swimlane, and no two channels of a map share one."""
    seen: dict[str, set[str]] = {}
    for path in MAPS:
        jmap = load_map(path)
        channel_of = {t.id: t.channel for t in jmap.touchpoints}
        dot = cli("render", path, "-f", "dot").out
        flow = _flow_fills(cli("render", path, "-f", "svg").out)
        cards = _card_fills(cli("render", path, "--view", "swimlane", "-f", "svg").out, jmap)
        assert set(cards) == set(channel_of), path
        per_map: dict[str, set[str]] = {}
        for tid, channel in channel_of.items():
            declared = re.search(rf'\n\s*"?{re.escape(tid)}"? \[[^\]]*fillcolor="([^"]+)"', dot)
            assert declared, tid
            fills = {_rgb(declared.group(1)), flow[tid], cards[tid]}
            per_map.setdefault(channel, set()).update(fills)
            seen.setdefault(channel, set()).update(fills)
        assert all(len(f) == 1 for f in per_map.values()), (path, per_map)
        colours = [next(iter(f)) for f in per_map.values()]
        assert len(set(colours)) == len(colours), (path, per_map)
    assert len(seen) >= 12
    assert {c: len(f) for c, f in seen.items() if len(f) != 1} == {}


def _home(channel_id: str) -> str:
    """The palette colour SHA-256 of the id picks (FIPS 180-4, by hashlib)."""
    digest = hashlib.sha256(channel_id.encode("utf-8")).digest()
    return style.CHANNEL_FILLS[int.from_bytes(digest[:8], "big") % len(style.CHANNEL_FILLS)]


def _one_stage_map(channels: list[str], extra: str = "") -> str:
    lines = [
        "journeyctl: 1",
        f"journey: {{id: j, name: J, goal: {{touchpoints: [t-{channels[-1]}]}}, "
        f"entry: {{t-{channels[0]}: 1}}}}",
        "stages: [{id: s, name: S}]",
        "channels:",
        *(
            f"  - {{id: {c}, name: {c.upper()}{extra if i == 0 else ''}}}"
            for i, c in enumerate(channels)
        ),
        "touchpoints:",
    ]
    for i, c in enumerate(channels):
        after = f", next: {{t-{channels[i + 1]}: 1}}" if i + 1 < len(channels) else ""
        lines.append(
            f"  - {{id: t-{c}, name: T {c}, stage: s, channel: {c}, engagement: active{after}}}"
        )
    return "\n".join(lines) + "\n"


def _dot_fills(cli, path: Path) -> dict[str, str]:
    dot = cli("render", path, "-f", "dot").out
    return {
        m[0].removeprefix("t-"): m[1]
        for m in re.findall(r'\n\s*"?(t-[\w-]+)"? \[[^\]]*fillcolor="([^"]+)"', dot)
    }


def test_the_fill_comes_from_the_id_not_the_position(cli, tmp_path):
    ids = ["web", "shop", "kiosk", "radio"]
    assert len({_home(c) for c in ids}) == len(ids)  # no collision among these
    forward, backward = tmp_path / "forward.yaml", tmp_path / "backward.yaml"
    forward.write_text(_one_stage_map(ids), encoding="utf-8")
    backward.write_text(_one_stage_map(ids[::-1]), encoding="utf-8")
    expected = {c: _home(c) for c in ids}
    assert _dot_fills(cli, forward) == expected
    assert _dot_fills(cli, backward) == expected


def test_two_ids_on_one_colour_get_two_fills(cli, tmp_path):
    """Ids that land on the same colour: the first by id keeps it, the next takes the next
    free palette colour."""
    names = [f"ch{i}" for i in range(200)]
    first = next(a for a in names if any(_home(b) == _home(a) and b > a for b in names))
    second = next(b for b in names if _home(b) == _home(first) and b > first)
    path = tmp_path / "clash.yaml"
    path.write_text(_one_stage_map([second, first]), encoding="utf-8")
    fills = _dot_fills(cli, path)
    palette = style.CHANNEL_FILLS
    assert fills[first] == _home(first)
    assert fills[second] == palette[(palette.index(_home(first)) + 1) % len(palette)]


def test_a_declared_colour_wins_and_is_kept_for_its_channel(cli, tmp_path):
    ids = ["web", "shop"]
    path = tmp_path / "declared.yaml"
    path.write_text(_one_stage_map(ids, f', color: "{_home("shop").lower()}"'), encoding="utf-8")
    fills = _dot_fills(cli, path)
    assert fills["web"] == _home("shop")
    assert fills["shop"] != _home("shop")  # taken by web's declaration


@pytest.mark.parametrize(
    "bad,code",
    [
        ('"blue"', "JM013"),
        ('"#12345"', "JM013"),
        ('"#GG0000"', "JM013"),
        ('"77AADD"', "JM013"),
        ("12", "JM003"),
    ],
)
def test_a_bad_colour_is_a_located_schema_error(cli, tmp_path, bad, code):
    path = tmp_path / "bad.yaml"
    path.write_text(_one_stage_map(["web", "shop"], f", color: {bad}"), encoding="utf-8")
    r = cli("validate", path, "-f", "concise")
    assert r.code == 1
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "color" in text)
    column = path.read_text().splitlines()[line - 1].index(bad) + 1
    assert f"{path}:{line}:{column}:" in r.out, r.out
    assert code in r.out and "`color` of channel `web`" in r.out
    assert cli("render", path).code == 1


# --- funnels and legends -------------------------------------------------------------------


def test_funnel_bars_use_no_channel_colour():
    jmap = load_map(MAPS[-1])
    html = funnel_html(funnel(jmap, None, runs=500))
    bars = re.findall(r'<td class="bar[^"]*"><span style="[^"]*background:(#[0-9A-F]{6})', html)
    assert len(bars) == 2 * len(jmap.stages)
    assert set(bars) == {style.REACH_BAR, style.DROP_BAR}
    assert not set(bars) & (set(style.CHANNEL_FILLS) | set(style.channel_fills(jmap).values()))
    for colour in bars:  # the page's text (#222) over a bar
        assert style.contrast("#222222", colour) >= AA
    for colour in set(bars):  # the column headings say which bar is which
        assert re.search(rf'<th><span class="swatch" style="background:{colour}"></span>\w', html)


@pytest.mark.parametrize("path", MAPS, ids=lambda p: p.stem)
def test_the_swimlane_svg_has_a_legend(cli, path):
    jmap = load_map(path)
    texts = [
        t for t, *_ in text_contrasts(cli("render", path, "--view", "swimlane", "-f", "svg").out)
    ]
    legend = texts[texts.index("Channel (row and card fill)") :]
    for channel in style.channel_fills(jmap):
        assert style.channel_name(jmap, channel) in legend
    for words in (
        "thin border: passive",
        "bold border: active",
        "dashed border: mini",
        "moment of truth",
        "green border: goal",
        "Emotion (cell at the score)",
        "very negative",
        "neutral",
        "very positive",
        "+2",
        "-2",
        style.MOMENT_OF_TRUTH,
    ):
        assert words in legend, words


def test_the_swimlane_html_has_a_legend_and_readable_fills():
    jmap = load_map(MAPS[-1])
    html = swimlane_html(swimlane(jmap, emotions(jmap)))
    legend = html[html.index('<div class="legend">') :]
    for channel, fill in style.channel_fills(jmap).items():
        assert f"background:{fill}" in legend
        assert style.channel_name(jmap, channel).replace("'", "&#x27;") in legend
    for words in (
        "thin border: passive",
        "moment of truth",
        "green border: goal",
        "very negative",
        "very positive",
        ">+2<",
        ">-2<",
    ):
        assert words in legend, words
    pairs = re.findall(r"background:(#[0-9A-F]{6});color:(#[0-9A-F]{6})", html)
    assert len(pairs) > len(jmap.touchpoints)
    assert {fill for fill, _ in pairs} >= {style.emotion_colour(2), style.emotion_colour(-2)}
    assert min(style.contrast(fill, ink) for fill, ink in pairs) >= AA
