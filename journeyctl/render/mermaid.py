"""Mermaid text: a `journey` diagram (emotion per touchpoint) and a `flowchart LR` (the flow).

Map text is written so Mermaid reads it as text, with Mermaid's entity codes (`#35;` is `#`),
which Mermaid turns back into the characters when it draws: in a journey diagram `:` `;` `#`
end a name, `,` separates actors and `%` starts a comment or a `%%{init}%%` directive;
flowchart labels are quoted, so `"` (and `<`, `>`, a leading backquote, `#`, `%`, `:`, `;`)
are codes there. Line breaks become spaces, other control characters `\\xNN`.
"""

from __future__ import annotations

import math

from journeyctl.core.escape import printable
from journeyctl.core.model import EXIT, JourneyMap
from journeyctl.render import style
from journeyctl.render.emotion import Emotions
from journeyctl.render.flow import START

NEUTRAL = 3
"""Mermaid score for a touchpoint without an emotion score."""


JOURNEY_CODED = frozenset("#%:;,")
LABEL_CODED = frozenset('#%:;"<>`')


def _coded(text: str, coded: frozenset[str]) -> str:
    """`text` on one line, printable, each character of `coded` as its Mermaid entity code."""
    text = printable(" ".join(text.split()))
    return "".join(f"#{ord(c)};" if c in coded else c for c in text)


def journey_text(text: str) -> str:
    """`text` for a journey diagram's title, section, task or actor."""
    return _coded(text, JOURNEY_CODED) or "-"


def label_text(text: str) -> str:
    """`text` for a quoted flowchart label."""
    return _coded(text, LABEL_CODED)


def mermaid_score(score: float | None) -> int:
    """An emotion score -2..+2 as Mermaid's 1..5 (None: neutral 3)."""
    if score is None:
        return NEUTRAL
    return max(1, min(5, math.floor(score + 3.5)))


def journey_diagram(jmap: JourneyMap, feelings: Emotions) -> str:
    """A `journey` diagram: a section per stage, a task per touchpoint and distinct score.

    Personas who feel the same at a touchpoint share one task line; with no personas the
    actor is `Customer`.
    """
    lines = ["journey", f"    title {journey_text(jmap.name)}"]
    for stage in jmap.stages:
        tps = [(i, t) for i, t in enumerate(feelings.touchpoints) if t.stage == stage.id]
        if not tps:
            continue
        lines.append(f"    section {journey_text(stage.name or stage.id)}")
        for i, tp in tps:
            by_score: dict[int, list[str]] = {}
            for curve in feelings.curves:
                actor = "Customer" if curve.persona is None else journey_text(curve.name)
                by_score.setdefault(mermaid_score(curve.scores[i]), []).append(actor)
            for score, actors in sorted(by_score.items(), reverse=True):
                lines.append(f"      {journey_text(tp.label)}: {score}: {', '.join(actors)}")
    return "\n".join(lines) + "\n"


def flowchart(jmap: JourneyMap) -> str:
    """A `flowchart LR`: a subgraph per stage, edges labelled with their probabilities."""
    from journeyctl.render.flow import probabilities

    node = {t.id: f"t{i}" for i, t in enumerate(jmap.touchpoints)}
    fills = style.channel_fills(jmap)
    goals = set(jmap.journey.goal)
    lines = ["flowchart LR", '    start(("start"))', '    exit((("exit")))']
    for k, stage in enumerate(jmap.stages):
        tps = jmap.touchpoints_in(stage.id)
        if not tps:
            continue
        lines.append(f'    subgraph s{k}["{label_text(stage.name or stage.id)}"]')
        lines.append("        direction TB")
        for tp in tps:
            star = f"{style.MOMENT_OF_TRUTH} " if tp.moment_of_truth else ""
            text = label_text(f"{star}{tp.label} ({style.channel_name(jmap, tp.channel)})")
            lines.append(f'        {node[tp.id]}["{text}"]')
        lines.append("    end")
    for (src, dst), p in probabilities(jmap, None).items():
        a = "start" if src == START else node[src]
        b = "exit" if dst == EXIT else node[dst]
        arrow = "-.->" if dst == EXIT else "-->"
        lines.append(f'    {a} {arrow}|"{style.probability(p)}"| {b}')
    for i, (cid, fill) in enumerate(fills.items()):
        members = [node[t.id] for t in jmap.touchpoints if t.channel == cid]
        lines.append(f"    classDef ch{i} fill:{fill},stroke:#333,color:#000")
        lines.append(f"    class {','.join(members)} ch{i}")
    for tp in jmap.touchpoints:
        border, width = style.ENGAGEMENT_BORDER.get(tp.engagement, ("solid", 1.0))
        if tp.id in goals:
            border, width = "solid", max(width, 3.0) + 1
        dash = ",stroke-dasharray:5 3" if border == "dashed" else ""
        colour = style.GOAL_COLOUR if tp.id in goals else "#333"
        lines.append(f"    style {node[tp.id]} stroke:{colour},stroke-width:{width:g}px{dash}")
    return "\n".join(lines) + "\n"
