"""The shared look of every view: colour-blind-safe palettes, screen tags, line styles, pages."""

from __future__ import annotations

import math
from dataclasses import dataclass

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
)
"""Paul Tol's 'light' then 'pale' schemes: colour-blind-safe fills that keep black text
readable. Channels past the fourteenth reuse the colours; every card names its channel too."""

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

MOMENT_OF_TRUTH = "★"
GOAL_COLOUR = "#117733"
DROP_COLOUR = "#CC3311"
EDGE_COLOUR = "#555555"
EXIT_EDGE_COLOUR = "#AAAAAA"
FONT = "Helvetica"
FONT_STACK = "Helvetica, Arial, 'DejaVu Sans', sans-serif"


@dataclass(frozen=True)
class Page:
    """A landscape paper size in inches."""

    name: str
    width: float
    height: float

    @property
    def graphviz_size(self) -> str:
        """Graphviz `size` that scales the drawing to fill the page."""
        return f"{self.width:.2f},{self.height:.2f}!"


PAGES = {
    "a4": Page("a4", 11.69, 8.27),
    "a3": Page("a3", 16.54, 11.69),
    "a0": Page("a0", 46.81, 33.11),
}


def channel_fills(jmap: JourneyMap) -> dict[str, str]:
    """A fill colour for each channel the touchpoints use, in catalogue order."""
    used = {t.channel for t in jmap.touchpoints}
    ids = [c.id for c in jmap.channels if c.id in used]
    ids += sorted(used.difference(ids))
    return {cid: CHANNEL_FILLS[i % len(CHANNEL_FILLS)] for i, cid in enumerate(ids)}


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


def emotion_colour(score: float) -> str:
    """A diverging red-grey-blue colour for an emotion score in -2..+2."""
    ramp = ("#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC")
    return ramp[max(0, min(4, math.floor(score + 2.5)))]


def probability(p: float) -> str:
    """A probability as shown on edges: two decimals."""
    return f"{p:.2f}"


def percent(p: float) -> str:
    return f"{100 * p:.1f}%"


def score(value: float) -> str:
    """An emotion score with its sign: +1, 0, -0.5."""
    text = f"{value:+.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("+0", "-0") else text
