"""Mermaid in Markdown: `journey` diagrams (emotion per touchpoint) and `flowchart TB` (the
flow), each a fenced ```` ```mermaid ```` block under a bold caption, sized for GitHub.

GitHub shows Markdown 890 px wide (its 980 px column less 45 px padding each side) and shrinks
a wider diagram to fit, text and all. So a diagram holds few enough things to keep that width
at full size: a map of at most `WHOLE_FLOW` touchpoints, none of its stages with more than
`FLOW_PART`, is one flowchart laid out top to bottom (a subgraph per stage, each with its own
`exit`); a larger map has one flowchart per stage, a stage of more than `FLOW_PART` touchpoints
split into parts, and moves to or from touchpoints outside the diagram end at a named stub
("to Purchase"). A journey diagram lays its tasks side by side, so it holds at most
`JOURNEY_PART` task lines: a larger map has one per stage, a longer stage split into parts
(a touchpoint's lines kept together where they fit).

Map text is written so Mermaid reads it as text, with Mermaid's entity codes (`#35;` is `#`),
which Mermaid turns back into the characters when it draws: in a journey diagram `:` `;` `#`
end a name, `,` separates actors, `%` starts a comment or a `%%{init}%%` directive and a
backquote could close the Markdown fence; flowchart labels are quoted, so `"` (and `<`, `>`,
`&`, the backquote, `#`, `%`, `:`, `;`) are codes there. Captions backslash-escape what
Markdown would read as markup. Line breaks become spaces, other control characters `\\xNN`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from journeyctl.core.escape import printable
from journeyctl.core.model import EXIT, JourneyMap, Touchpoint
from journeyctl.render import style
from journeyctl.render.emotion import Emotions
from journeyctl.render.flow import START, probabilities

NEUTRAL = 3
"""Mermaid score for a touchpoint without an emotion score."""

WHOLE_FLOW = 12
"""The most touchpoints drawn as one flowchart (with at most `FLOW_PART` in each stage)."""
FLOW_PART = 5
"""The most touchpoints of one stage in one flowchart."""
JOURNEY_PART = 4
"""The most task lines in one journey diagram: each takes 135 px across."""
JOURNEY_CONFIG = """---
config:
  journey:
    leftMargin: 80
    maxLabelWidth: 130
    width: 120
    taskMargin: 15
    diagramMarginX: 15
---
"""
"""Narrower tasks and an actor legend wrapped at 130 px, so that `JOURNEY_PART` tasks fit
GitHub's 890 px: Mermaid 12 draws a journey 2 × (80 + legend) + 135 × (tasks - 1) + 60 px
wide (at most 885 px), its legend from x 40 (so `leftMargin` is at least 40 + a legend that
it leaves out: one narrower than half of it), and a section as wide as its tasks and the
`diagramMarginX` gaps between them. Mermaid wraps the legend at spaces, measuring each coded
character as its 7-character placeholder; a longer word is broken with a hyphen."""

JOURNEY_CODED = frozenset("#%:;,`")
LABEL_CODED = frozenset('#%:;"<>&`')
_MARKDOWN_MARKS = re.compile(r"([\\`*_\[\]<>&~|$!])")
"""What can start Markdown inside a line: emphasis, code, links, HTML, entities, GitHub's
strikethrough, tables and math; backslash-escaped (CommonMark escapes any ASCII punctuation)."""

T = TypeVar("T")


@dataclass(frozen=True)
class Diagram:
    """One Mermaid diagram and the caption shown above it."""

    caption: str
    text: str


def _coded(text: str, coded: frozenset[str]) -> str:
    """`text` on one line, printable, each character of `coded` as its Mermaid entity code."""
    text = printable(" ".join(text.split()))
    return "".join(f"#{ord(c)};" if c in coded else c for c in text)


def journey_text(text: str) -> str:
    """`text` for a journey diagram's section, task or actor."""
    return _coded(text, JOURNEY_CODED) or "-"


def label_text(text: str) -> str:
    """`text` for a quoted flowchart label."""
    return _coded(text, LABEL_CODED)


def caption_text(text: str) -> str:
    """`text` for a Markdown paragraph: one line, printable, its Markdown marks escaped
    (never empty: `****` would be a rule)."""
    return _MARKDOWN_MARKS.sub(r"\\\1", printable(" ".join(text.split()))) or "-"


def markdown(diagrams: Iterable[Diagram]) -> str:
    """The diagrams as Markdown: a bold caption and a fenced `mermaid` block each."""
    return "\n".join(
        f"**{caption_text(d.caption)}**\n\n```mermaid\n{d.text}```\n" for d in diagrams
    )


def mermaid_score(score: float | None) -> int:
    """An emotion score -2..+2 as Mermaid's 1..5 (None: neutral 3)."""
    if score is None:
        return NEUTRAL
    return max(1, min(5, math.floor(score + 3.5)))


def _packed(groups: Iterable[Sequence[T]], most: int) -> list[list[T]]:
    """The items of `groups` in order, in runs of at most `most`; a group stays in one run
    when it fits in an empty one."""
    runs: list[list[T]] = [[]]
    for group in groups:
        if runs[-1] and len(runs[-1]) + len(group) > most:
            runs.append([])
        for item in group:
            if len(runs[-1]) == most:
                runs.append([])
            runs[-1].append(item)
    return [run for run in runs if run]


def _numbered(name: str, i: int, n: int) -> str:
    return name if n == 1 else f"{name} ({i + 1} of {n})"


def journey_diagram(jmap: JourneyMap, feelings: Emotions) -> str:
    """`journey` diagrams in Markdown (`journey_diagrams`)."""
    return markdown(journey_diagrams(jmap, feelings))


def journey_diagrams(jmap: JourneyMap, feelings: Emotions) -> list[Diagram]:
    """`journey` diagrams: a section per stage, a task per touchpoint and distinct score.

    Personas who feel the same at a touchpoint share one task line; with no personas the
    actor is `Customer`. One diagram when the map has at most `JOURNEY_PART` task lines,
    else one per stage, in parts of at most `JOURNEY_PART`.
    """
    stages = []
    for stage in jmap.stages:
        tasks = [
            _task_lines(tp, [curve.scores[i] for curve in feelings.curves], feelings)
            for i, tp in enumerate(feelings.touchpoints)
            if tp.stage == stage.id
        ]
        if tasks:
            stages.append((stage.name or stage.id, tasks))
    if sum(len(lines) for _, tasks in stages for lines in tasks) <= JOURNEY_PART:
        sections = [(name, [line for lines in tasks for line in lines]) for name, tasks in stages]
        return [Diagram(jmap.name, _journey(sections))]
    diagrams = []
    for name, tasks in stages:
        parts = _packed(tasks, JOURNEY_PART)
        for i, part in enumerate(parts):
            caption = f"{jmap.name}: {_numbered(name, i, len(parts))}"
            diagrams.append(Diagram(caption, _journey([(name, part)])))
    return diagrams


def _task_lines(tp: Touchpoint, scores: list[float | None], feelings: Emotions) -> list[str]:
    """A touchpoint's task lines, best score first, each with the personas who feel so."""
    by_score: dict[int, list[str]] = {}
    for curve, score in zip(feelings.curves, scores, strict=True):
        actor = "Customer" if curve.persona is None else journey_text(curve.name)
        by_score.setdefault(mermaid_score(score), []).append(actor)
    return [
        f"      {journey_text(tp.label)}: {score}: {', '.join(actors)}"
        for score, actors in sorted(by_score.items(), reverse=True)
    ]


def _journey(sections: list[tuple[str, list[str]]]) -> str:
    lines = ["journey"]
    for name, tasks in sections:
        lines += [f"    section {journey_text(name)}", *tasks]
    return JOURNEY_CONFIG + "\n".join(lines) + "\n"


def flowchart(jmap: JourneyMap) -> str:
    """`flowchart TB` diagrams in Markdown (`flowcharts`)."""
    return markdown(flowcharts(jmap))


def flowcharts(jmap: JourneyMap) -> list[Diagram]:
    """`flowchart TB` diagrams: the whole map when it is small (at most `WHOLE_FLOW`
    touchpoints, `FLOW_PART` in each stage), else one per stage in parts of `FLOW_PART`."""
    probs = probabilities(jmap, None)
    staged = [(s.name or s.id, jmap.touchpoints_in(s.id)) for s in jmap.stages]
    staged = [(name, tps) for name, tps in staged if tps]
    if len(jmap.touchpoints) <= WHOLE_FLOW and all(len(tps) <= FLOW_PART for _, tps in staged):
        groups = [_Group(name, k, name, tuple(tps)) for k, (name, tps) in enumerate(staged)]
        return [Diagram(jmap.name, _flowchart(jmap, groups, groups, probs))]
    groups = []
    for k, (name, tps) in enumerate(staged):
        parts = _packed([[tp] for tp in tps], FLOW_PART)
        groups += [
            _Group(_numbered(name, i, len(parts)), k, name, tuple(p)) for i, p in enumerate(parts)
        ]
    return [Diagram(f"{jmap.name}: {g.name}", _flowchart(jmap, groups, [g], probs)) for g in groups]


@dataclass(frozen=True, eq=False)
class _Group:
    """Touchpoints drawn together as one subgraph: a stage or a part of one."""

    name: str
    stage: int
    stage_name: str
    touchpoints: tuple[Touchpoint, ...]


def _flowchart(
    jmap: JourneyMap,
    groups: list[_Group],
    shown: list[_Group],
    probs: dict[tuple[str, str], float],
) -> str:
    """One flowchart of the `shown` groups (a subgraph each, with its own `exit`). A move to or
    from a touchpoint not shown ends at a stub named for its stage, or for its part of a
    shown stage."""
    group_of = {tp.id: g for g in groups for tp in g.touchpoints}
    node = {t.id: f"t{i}" for i, t in enumerate(jmap.touchpoints)}
    index = {g: k for k, g in enumerate(groups)}
    shown_stages = {g.stage for g in shown}
    exits: set[_Group] = set()
    stubs: dict[tuple[str, int], tuple[str, str]] = {}

    def stub(way: str, tp: str) -> str:
        g = group_of[tp]
        name = f"{g.stage_name} (other parts)" if g.stage in shown_stages else g.stage_name
        return stubs.setdefault((way, g.stage), (f"{way}{len(stubs)}", name))[0]

    moves: dict[tuple[str, str, str], float | None] = {}
    for (src, dst), p in probs.items():
        inside = src != START and group_of[src] in shown
        if not inside and (dst == EXIT or group_of[dst] not in shown):
            continue
        if dst == EXIT:
            exits.add(group_of[src])
            b, arrow = f"x{index[group_of[src]]}", "-.->"
        else:
            b, arrow = (node[dst] if group_of[dst] in shown else stub("to", dst)), "-->"
        if src == START or inside:
            a = "start" if src == START else node[src]
            moves[a, arrow, b] = moves.get((a, arrow, b), 0.0) + p  # moves to a stub add up
        else:
            moves[stub("from", src), arrow, b] = None  # from several touchpoints: no one figure
    edges = [
        f"    {a} {arrow} {b}" if p is None else f'    {a} {arrow}|"{style.probability(p)}"| {b}'
        for (a, arrow, b), p in moves.items()
    ]
    lines = ["flowchart TB"]
    if any(src == START and group_of[dst] in shown for src, dst in probs):
        lines.append('    start(("start"))')
    lines += [
        f'    {ident}(["{way} {label_text(name)}"])' for (way, _), (ident, name) in stubs.items()
    ]
    for g in shown:
        lines.append(f'    subgraph s{index[g]}["{label_text(g.name)}"]')
        for tp in g.touchpoints:
            star = f"{style.MOMENT_OF_TRUTH} " if tp.moment_of_truth else ""
            text = label_text(f"{star}{tp.label} ({style.channel_name(jmap, tp.channel)})")
            lines.append(f'        {node[tp.id]}["{text}"]')
        if g in exits:
            lines.append(f'        x{index[g]}((("exit")))')
        lines.append("    end")
    lines += edges
    lines += _node_styles(jmap, [tp for g in shown for tp in g.touchpoints], node)
    return "\n".join(lines) + "\n"


def _node_styles(jmap: JourneyMap, drawn: list[Touchpoint], node: dict[str, str]) -> list[str]:
    """A `classDef` per channel colour, a `style` line per touchpoint for its border."""
    lines = []
    goals = set(jmap.journey.goal)
    for i, (cid, fill) in enumerate(style.channel_fills(jmap).items()):
        members = [node[t.id] for t in drawn if t.channel == cid]
        if members:
            lines.append(f"    classDef ch{i} fill:{fill},stroke:#333,color:#000")
            lines.append(f"    class {','.join(members)} ch{i}")
    for tp in drawn:
        border, width = style.ENGAGEMENT_BORDER.get(tp.engagement, ("solid", 1.0))
        if tp.id in goals:
            border, width = "solid", max(width, 3.0) + 1
        dash = ",stroke-dasharray:5 3" if border == "dashed" else ""
        colour = style.GOAL_COLOUR if tp.id in goals else "#333"
        lines.append(f"    style {node[tp.id]} stroke:{colour},stroke-width:{width:g}px{dash}")
    return lines
