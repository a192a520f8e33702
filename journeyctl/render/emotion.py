"""The emotion view: how each persona feels at every touchpoint, as an SVG line chart.

Touchpoints run along x in stage order, scores -2..+2 up y, one line per persona (the map's
default scores when it has no personas). A touchpoint without a score breaks the line.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyctl.core.model import JourneyMap, Touchpoint
from journeyctl.render import style
from journeyctl.render.svg import Svg


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


# Chart geometry in user units (1 unit = 1 px at 96 dpi).
_STEP, _LEFT, _RIGHT, _TOP, _ROW, _BOTTOM = 70, 80, 220, 70, 60, 170


def emotion_svg(
    jmap: JourneyMap, data: Emotions, page: style.Page | None = None, standalone: bool = True
) -> str:
    """The chart as an SVG document (sized to `page` when given), or an element for HTML."""
    n = len(data.touchpoints)
    width = _LEFT + max(n, 1) * _STEP + _RIGHT
    height = _TOP + 4 * _ROW + _BOTTOM
    size = (f"{page.width:.2f}in", f"{page.height:.2f}in") if page else (width, height)
    svg = Svg(width, height, size, title=f"{jmap.name}: emotion curves")
    svg.text(_LEFT, 30, f"{jmap.name} — emotion by touchpoint", size=18, weight="bold")
    x_of = [_LEFT + _STEP * (i + 0.5) for i in range(n)]
    start = 0
    for k, stage in enumerate(jmap.stages):  # stage bands behind the chart
        count = sum(1 for t in data.touchpoints if t.stage == stage.id)
        if not count:
            continue
        x0 = _LEFT + start * _STEP
        svg.rect(
            x0, _TOP - 20, count * _STEP, 4 * _ROW + 20, fill="#F4F4F4" if k % 2 else "#FFFFFF"
        )
        svg.text(x0 + 4, _TOP - 6, stage.name or stage.id, size=12, weight="bold")
        start += count
    for level in range(-2, 3):  # grid and y labels
        y = _y(level)
        svg.line(_LEFT, y, _LEFT + n * _STEP, y, stroke="#999999" if level == 0 else "#DDDDDD")
        svg.text(_LEFT - 10, y + 4, style.score(level), size=12, anchor="end")
    for x, tp in zip(x_of, data.touchpoints, strict=True):  # touchpoint names, slanted
        label = (style.MOMENT_OF_TRUTH + " " if tp.moment_of_truth else "") + tp.label
        svg.text(x, _TOP + 4 * _ROW + 14, label, size=11, anchor="end", rotate=-40)
    for i, curve in enumerate(data.curves):
        colour = style.LINE_COLOURS[i % len(style.LINE_COLOURS)]
        marker = style.MARKERS[i % len(style.MARKERS)]
        run: list[tuple[float, float]] = []
        for x, value in zip(x_of, curve.scores, strict=True):
            if value is None:
                svg.polyline(run, colour)
                run = []
            else:
                run.append((x, _y(value)))
        svg.polyline(run, colour)
        for x, value, tp in zip(x_of, curve.scores, data.touchpoints, strict=True):
            if value is not None:
                svg.marker(
                    marker,
                    x,
                    _y(value),
                    colour,
                    f"{curve.name} at {tp.label}: {style.score(value)}",
                )
        ly = _TOP + 20 * i
        lx = _LEFT + n * _STEP + 20
        svg.line(lx, ly, lx + 30, ly, stroke=colour, width=3)
        svg.marker(marker, lx + 15, ly, colour, curve.name)
        svg.text(lx + 38, ly + 4, curve.name, size=12)
    return svg.document() if standalone else svg.element()


def _y(score: float) -> float:
    return _TOP + (2 - max(-2.0, min(2.0, score))) * _ROW
