"""The emotion view: how each persona feels at every touchpoint, as an SVG line chart.

Touchpoints run along x in stage order, scores -2..+2 up y, one line per persona (the map's
default scores when it has no personas). A touchpoint without a score breaks the line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from journeyctl.core.model import JourneyMap, Touchpoint
from journeyctl.render import style
from journeyctl.render.svg import SYMBOL_FONT, Svg


@dataclass(frozen=True)
class Curve:
    """One persona's scores (None where a touchpoint has none), aligned with `touchpoints`."""

    name: str
    persona: str | None
    scores: tuple[float | None, ...]


@dataclass(frozen=True)
class Emotions:
    touchpoints: tuple[Touchpoint, ...]
    curves: tuple[Curve, ...]


def emotions(jmap: JourneyMap, persona: str | None = None) -> Emotions:
    """The curves to draw: `persona` alone, else every persona, else the default scores."""
    tps = tuple(style.ordered_touchpoints(jmap))
    if persona is not None:
        people = [(jmap.persona[persona].name or persona, persona)]
    elif jmap.personas:
        people = [(p.name or p.id, p.id) for p in jmap.personas]
    else:
        people = [("Default", None)]
    curves = tuple(Curve(name, pid, tuple(t.emotion_for(pid) for t in tps)) for name, pid in people)
    return Emotions(tps, curves)


_TITLE, _TEXT, _GAP = 16.0, 10.0, 6.0
"""Title and text sizes, and the gap between parts, in the drawing's units (points on paper)."""
_DASHES = ("", "9 4", "3 3", "12 4 3 4")
"""Line patterns cycled with the colours, so lines that share a stretch stay told apart."""
_SLANT = 40
"""Touchpoint names rise at this angle, in degrees."""


def emotion_svg(
    jmap: JourneyMap,
    data: Emotions,
    area: tuple[float, float] | None = None,
    standalone: bool = True,
) -> str:
    """The chart as an SVG document filling `area` (width, height in points: a page inside
    its margins), or at a size of its own; `standalone=False` gives the element for HTML."""
    n = max(len(data.touchpoints), 1)
    width, height = area or (max(640.0, 80 + 48 * n), 520.0)
    size = (f"{width:.3f}pt", f"{height:.3f}pt") if area else (width, height)
    svg = Svg(width, height, size, title=f"{jmap.name}: emotion curves")
    svg.text(0, _TITLE, f"{jmap.name} — emotion by touchpoint", size=_TITLE, weight="bold")
    top = _legend(svg, data, width, _TITLE + 2 * _GAP) + 3 * _GAP + _TEXT
    right = _GAP
    step = (width - 3 * _TEXT - right) / n
    font = min(_TEXT, 0.53 * step)  # slanted names stay a line apart
    runs = [_width(_label(t), font) * math.cos(math.radians(_SLANT)) for t in data.touchpoints]
    left = max([3 * _TEXT] + [run - (i + 0.5) * step for i, run in enumerate(runs)])
    step = (width - left - right) / n  # the first names end inside the page
    longest = max((_width(_label(t), font) for t in data.touchpoints), default=0.0)
    depth = min(longest * math.sin(math.radians(_SLANT)) + 2 * _GAP, 0.35 * height)
    row = (height - depth - top) / 4
    x_of = [left + step * (i + 0.5) for i in range(len(data.touchpoints))]
    _stage_bands(svg, jmap, data, left, step, top, 4 * row)

    def y_of(value: float) -> float:
        return top + (2 - max(-2.0, min(2.0, value))) * row

    for level in range(-2, 3):  # grid and y labels
        y = y_of(level)
        svg.line(left, y, left + n * step, y, stroke="#767676" if level == 0 else "#DDDDDD")
        svg.text(left - _GAP, y + _TEXT / 3, style.score(level), size=_TEXT, anchor="end")
    slant = math.radians(_SLANT)
    for x, tp in zip(x_of, data.touchpoints, strict=True):  # touchpoint names, slanted
        y = top + 4 * row + 1.5 * _GAP
        svg.text(x, y, tp.label, font, anchor="end", rotate=-_SLANT)
        if tp.moment_of_truth:  # a star at the name's upper end
            sx, sy = x + 0.3 * font * math.cos(slant), y - 0.3 * font * math.sin(slant)
            svg.text(sx, sy, style.MOMENT_OF_TRUTH, font, rotate=-_SLANT, family=SYMBOL_FONT)
    points, r = _dodged(data, x_of, y_of, step)
    for i, curve_points in enumerate(points):
        colour, _, dash = _look(i)
        run: list[tuple[float, float]] = []
        for point in curve_points:
            if point is None:
                svg.polyline(run, colour, 2.5, dash)
                run = []
            else:
                run.append(point)
        svg.polyline(run, colour, 2.5, dash)
    for i, curve in enumerate(data.curves):
        colour, marker, _ = _look(i)
        for point, value, tp in zip(points[i], curve.scores, data.touchpoints, strict=True):
            if point is not None:
                tip = f"{curve.name} at {tp.label}: {style.score(value)}"
                svg.marker(marker, *point, colour, tip, r)
    return svg.document() if standalone else svg.element()


def _look(i: int) -> tuple[str, str, str]:
    """The colour, marker shape and dash pattern of the `i`th curve."""
    return (
        style.LINE_COLOURS[i % len(style.LINE_COLOURS)],
        style.MARKERS[i % len(style.MARKERS)],
        _DASHES[i % len(_DASHES)],
    )


def _label(tp: Touchpoint) -> str:
    return (style.MOMENT_OF_TRUTH + " " if tp.moment_of_truth else "") + tp.label


def _width(text: str, size: float) -> float:
    """A generous estimate of the width of `text` in Helvetica at `size`."""
    return 0.56 * size * len(text)


def _legend(svg: Svg, data: Emotions, width: float, y: float) -> float:
    """Each curve's line, marker and name, then the moment-of-truth star, in rows from `y`;
    returns the bottom of the last row."""
    items = [(i, c.name) for i, c in enumerate(data.curves)]
    items.append((None, f"{style.MOMENT_OF_TRUTH} moment of truth"))
    x, row = 0.0, y + _TEXT
    for i, name in items:
        wide = (36 if i is not None else 0) + _width(name, _TEXT) + 3 * _GAP
        if x and x + wide > width:
            x, row = 0.0, row + 2 * _TEXT
        if i is None:
            svg.text(x, row, style.MOMENT_OF_TRUTH, _TEXT, family=SYMBOL_FONT)
            svg.text(x + 1.4 * _TEXT, row, "moment of truth", _TEXT)
        else:
            colour, marker, dash = _look(i)
            svg.polyline([(x, row - _TEXT / 3), (x + 30, row - _TEXT / 3)], colour, 2.5, dash)
            svg.marker(marker, x + 15, row - _TEXT / 3, colour, name, 5)
            svg.text(x + 36, row, name, _TEXT)
        x += wide
    return row + _TEXT / 3


def _stage_bands(svg: Svg, jmap: JourneyMap, data: Emotions, left, step, top, tall) -> None:
    """Shaded columns behind the chart, one per stage, named above."""
    start = 0
    for k, stage in enumerate(jmap.stages):
        count = sum(1 for t in data.touchpoints if t.stage == stage.id)
        if not count:
            continue
        x0 = left + start * step
        svg.rect(
            x0,
            top - 2 * _TEXT,
            count * step,
            tall + 2 * _TEXT,
            fill="#F0F0F0" if k % 2 else "#FFFFFF",
        )
        svg.text(x0 + _GAP / 2, top - _TEXT / 1.5, stage.name or stage.id, _TEXT, weight="bold")
        start += count


def _dodged(data: Emotions, x_of: list[float], y_of, step: float):
    """Each curve's points, and the marker radius: where markers of several curves would
    overlap at a touchpoint (equal or close scores), they stand side by side."""
    clusters: list[list[list[int]]] = []
    for j in range(len(x_of)):
        marked = sorted(
            (y_of(c.scores[j]), i) for i, c in enumerate(data.curves) if c.scores[j] is not None
        )
        groups: list[list[int]] = []
        last = None
        for y, i in marked:
            if last is not None and y - last < 14:
                groups[-1].append(i)
            else:
                groups.append([i])
            last = y
        clusters.append(groups)
    most = max((len(g) for groups in clusters for g in groups), default=1)
    r = max(2.0, min(6.0, (0.9 * step / most - 2) / 2))
    points: list[list[tuple[float, float] | None]] = [[None] * len(x_of) for _ in data.curves]
    for j, groups in enumerate(clusters):
        for group in groups:
            for k, i in enumerate(sorted(group)):
                dx = (k - (len(group) - 1) / 2) * (2 * r + 2)
                points[i][j] = (x_of[j] + dx, y_of(data.curves[i].scores[j]))
    return points, r
