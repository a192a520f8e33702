"""The shared look of every view: colour-blind-safe palettes, screen tags, line styles."""

from __future__ import annotations

import hashlib
import math

from journeyctl.core.model import JourneyMap, Touchpoint

CHANNEL_FILLS = (
    "#77AADD",
    "#EE8866",
    "#EEDD88",
    "#FFAABB",
    "#99DDFF",
    "#44BB99",
    "#BBCC33",
    "#AAAA00",
    "#DDDDDD",
    "#BBCCEE",
    "#CCDDAA",
    "#FFCCCC",
    "#CCEEFF",
    "#EEEEBB",
    "#CC6677",
    "#AA4499",
    "#882255",
    "#332288",
)
"""Channel fills from Paul Tol's colour-blind-safe schemes: 'light', then 'pale', then the rose,
purple, wine and indigo of 'muted' (three tiers of lightness, so the tiers differ in grey too).
Text on a fill is black or white, whichever contrasts more (`ink`)."""

LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
"""Okabe-Ito colours for lines on white (one per persona), dark enough to tell apart in print."""

MARKERS = ("circle", "square", "diamond", "triangle")
"""Point shapes cycled with the line colours, so lines differ without colour too."""

SCREEN_TAGS = {
    "smartphone": "phone",
    "pc": "PC",
    "tablet": "tablet",
    "tv": "TV",
    "in-person": "in person",
}
"""Short text tags for screen classes (text prints everywhere; emoji fonts often do not)."""

ENGAGEMENT_BORDER = {"passive": ("solid", 1.0), "active": ("solid", 3.0), "mini": ("dashed", 1.0)}
"""Border (style, width in points) by engagement: passive thin, active bold, mini dashed."""

BLACK = "#000000"
WHITE = "#FFFFFF"
MOMENT_OF_TRUTH = "★"
GOAL_COLOUR = "#117733"
DROP_COLOUR = "#CC3311"
REACH_BAR = "#BBBBBB"
DROP_BAR = "#EBADA0"
"""Funnel bars: neutral grey for reach, a pale DROP_COLOUR for leaving; never channel fills."""
EDGE_COLOUR = "#555555"
EXIT_EDGE_COLOUR = "#AAAAAA"
FONT = "Helvetica"
FONT_STACK = "Helvetica, Arial, 'DejaVu Sans', sans-serif"


def channel_fills(jmap: JourneyMap) -> dict[str, str]:
    """A fill colour for each channel the touchpoints use (in catalogue order), from
    `channel_colours`."""
    colours = channel_colours(jmap)
    used = {t.channel for t in jmap.touchpoints}
    ids = [c.id for c in jmap.channels if c.id in used]
    ids += sorted(used.difference(ids))
    return {cid: colours[cid] for cid in ids}


def channel_colours(jmap: JourneyMap) -> dict[str, str]:
    """The colour of every channel the map declares or uses: its declared `color`, else its
    home colour (`home_colour`). A channel whose home colour is taken (declared by another
    channel, or given to one earlier by id) takes the next free colour in `CHANNEL_FILLS`, so maps
    that declare the same channels (one shared catalogue) colour every channel alike, whatever
    their order or use. Past len(CHANNEL_FILLS) channels, colours repeat."""
    declared = {c.id: c.color.upper() for c in jmap.channels if c.color}
    ids = {c.id for c in jmap.channels} | {t.channel for t in jmap.touchpoints}
    colours = dict(declared)
    taken = set(declared.values())
    count = len(CHANNEL_FILLS)
    for cid in sorted(ids.difference(declared)):
        home = CHANNEL_FILLS.index(home_colour(cid))
        ring = (CHANNEL_FILLS[(home + k) % count] for k in range(count))
        colours[cid] = next((c for c in ring if c not in taken), CHANNEL_FILLS[home])
        taken.add(colours[cid])
    return colours


def home_colour(channel_id: str) -> str:
    """The colour a channel id lands on: SHA-256 of the id picks one of `CHANNEL_FILLS`."""
    digest = hashlib.sha256(channel_id.encode("utf-8")).digest()
    return CHANNEL_FILLS[int.from_bytes(digest[:8], "big") % len(CHANNEL_FILLS)]


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two `#rrggbb` colours: (L1 + 0.05) / (L2 + 0.05), 1 to 21."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink(fill: str) -> str:
    """Black or white text for `fill` (`#rrggbb`), whichever contrasts more: at least 4.58:1."""
    return BLACK if contrast(fill, BLACK) >= contrast(fill, WHITE) else WHITE


def _luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of `#rrggbb`."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def screen_tags(jmap: JourneyMap, tp: Touchpoint) -> list[str]:
    """Short tags for the screens of `tp`: the class tag, else the screen's own name."""
    tags: list[str] = []
    for sid in tp.screens:
        screen = jmap.screen.get(sid)
        tag = SCREEN_TAGS.get(screen.cls, screen.name or sid) if screen else sid
        if tag not in tags:
            tags.append(tag)
    return tags


def channel_name(jmap: JourneyMap, channel_id: str) -> str:
    channel = jmap.channel.get(channel_id)
    return channel.name if channel and channel.name else channel_id


def ordered_touchpoints(jmap: JourneyMap) -> list[Touchpoint]:
    """Touchpoints in stage order, file order within a stage."""
    order = jmap.stage_order
    return sorted(jmap.touchpoints, key=lambda t: order.get(t.stage, len(order)))


EMOTION_RAMP = ("#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC")
"""ColorBrewer's diverging RdBu, red (-2) to grey (0) to blue (+2): one colour per level."""


def emotion_colour(score: float) -> str:
    """The `EMOTION_RAMP` colour of an emotion score in -2..+2 (rounded to its level)."""
    return EMOTION_RAMP[max(0, min(4, math.floor(score + 2.5)))]


def probability(p: float) -> str:
    """A probability as shown on edges: two decimals."""
    return f"{p:.2f}"


def percent(p: float) -> str:
    return f"{100 * p:.1f}%"


def score(value: float) -> str:
    """An emotion score with its sign: +1, 0, -0.5."""
    text = f"{value:+.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("+0", "-0") else text
