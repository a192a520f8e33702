"""The flow view: touchpoints as a Graphviz graph, stages as clusters from left to right.

Fill colour tells the channel, border the engagement (passive thin, active bold, mini dashed),
a double border and a star a moment of truth, a thick green border a goal. Edges carry their
normalised probabilities; with a persona overlay, edge widths show the persona's expected flow
and red edges to `exit` the share of customers who leave at each touchpoint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from journeyctl.model import EXIT, JourneyMap, Touchpoint, Transition
from journeyctl.render import style
from journeyctl.render import gvlabel as gv

START = "_start"
"""Node id of the start node (touchpoint ids cannot begin with `_`)."""
EXIT_NODE = "_exit"
LEGEND = "_legend"


@dataclass(frozen=True)
class Overlay:
    """A persona's expected flow over the map, as shares of all customers who enter.

    `probability` and `flow` are keyed by (source, target) with source START for entries and
    target EXIT for leaving; `exit_share` is the share that leaves at each touchpoint.
    """

    persona: str
    probability: Mapping[tuple[str, str], float]
    flow: Mapping[tuple[str, str], float]
    exit_share: Mapping[str, float]
    conversion: float


def normalised(transitions: Sequence[Transition]) -> dict[str, float]:
    """Target to probability: positive weights divided by their sum."""
    total = sum(t.weight for t in transitions if t.weight > 0)
    return {t.target: t.weight / total for t in transitions if t.weight > 0} if total else {}


def map_probabilities(jmap: JourneyMap) -> dict[tuple[str, str], float]:
    """(source, target) to the map's own probability, entries from START included."""
    probs = {(START, t): p for t, p in normalised(jmap.journey.entry).items()}
    for tp in jmap.touchpoints:
        probs.update({(tp.id, t): p for t, p in normalised(tp.next).items()})
    return probs


def flow_graph(jmap: JourneyMap, page: style.Page, overlay: Overlay | None = None):
    """The flow view as a graphviz.Digraph."""
    import graphviz

    title = jmap.name + (f" — expected flow for {overlay.persona}" if overlay else "")
    g = graphviz.Digraph(name="flow")
    g.attr(
        rankdir="LR",
        newrank="true",
        compound="true",
        nodesep="0.25",
        ranksep="0.6",
        size=page.graphviz_size,
        ratio="compress" if page.name != "a0" else "auto",
        fontname=style.FONT,
        label=gv.text_label(title, bold=True, size=18),
        labelloc="t",
        labeljust="l",
    )
    g.attr("node", fontname=style.FONT, fontsize="11")
    g.attr("edge", fontname=style.FONT, fontsize="9", color=style.EDGE_COLOUR)
    fills = style.channel_fills(jmap)
    goals = set(jmap.journey.goal)
    probs = overlay.probability if overlay else map_probabilities(jmap)
    stages = [s for s in jmap.stages if jmap.touchpoints_in(s.id)]
    for i, stage in enumerate(stages):
        with g.subgraph(name=f"cluster_{i}") as c:
            c.attr(
                label=gv.text_label(stage.name or stage.id, bold=True, size=14),
                style="rounded",
                color="#888888",
            )
            for tp in jmap.touchpoints_in(stage.id):
                c.node(tp.id, **_node_attrs(jmap, tp, fills, tp.id in goals))
            # Stage order: every touchpoint of this stage before this boundary, the boundary
            # before every touchpoint of the next stage.
            if i + 1 < len(stages):
                c.node(f"_b{i}", shape="point", style="invis", width="0")
    for i in range(len(stages) - 1):
        for tp in jmap.touchpoints_in(stages[i].id):
            g.edge(tp.id, f"_b{i}", style="invis")
        for tp in jmap.touchpoints_in(stages[i + 1].id):
            g.edge(f"_b{i}", tp.id, style="invis")
    g.node(START, label="start", shape="circle", style="filled", fillcolor="#333333",
           fontcolor="white", fontsize="10", width="0.6", fixedsize="true")
    g.node(EXIT_NODE, label="exit", shape="doublecircle", style="filled", fillcolor="#EEEEEE",
           fontsize="10", width="0.6", fixedsize="true")
    with g.subgraph() as s:
        s.attr(rank="source")
        s.node(START)
    with g.subgraph() as s:
        s.attr(rank="sink")
        s.node(EXIT_NODE)
    order = jmap.stage_order
    stage_of = {t.id: order.get(t.stage, 0) for t in jmap.touchpoints}
    top = max((overlay.flow.values() if overlay else ()), default=0.0)
    for (src, dst), p in sorted(probs.items(), key=lambda kv: _edge_key(jmap, kv[0])):
        attrs = _edge_attrs(src, dst, p, overlay, top, stage_of)
        if attrs is not None:
            g.edge(src, EXIT_NODE if dst == EXIT else dst, **attrs)
    g.node(LEGEND, label=_legend(jmap, fills, overlay), shape="plaintext")
    with g.subgraph() as s:
        s.attr(rank="sink")
        s.node(LEGEND)
    return g


def _edge_key(jmap: JourneyMap, edge: tuple[str, str]) -> tuple[int, int]:
    index = {t.id: i for i, t in enumerate(jmap.touchpoints)}
    src, dst = edge
    return (-1 if src == START else index.get(src, 0), index.get(dst, len(index)))


def _node_attrs(jmap: JourneyMap, tp: Touchpoint, fills: dict[str, str], goal: bool) -> dict:
    border, width = style.ENGAGEMENT_BORDER.get(tp.engagement, ("solid", 1.0))
    title = f"{style.MOMENT_OF_TRUTH} {tp.label}" if tp.moment_of_truth else tp.label
    detail = [style.channel_name(jmap, tp.channel), ", ".join(style.screen_tags(jmap, tp))]
    attrs = {
        "label": gv.node_label(title, " · ".join(d for d in detail if d), "GOAL" if goal else ""),
        "shape": "box",
        "style": ",".join(["filled", "rounded", border]),
        "fillcolor": fills.get(tp.channel, style.CHANNEL_FILLS[-1]),
        "penwidth": f"{width:g}",
        "tooltip": tp.description or tp.label,
    }
    if tp.moment_of_truth:
        attrs["peripheries"] = "2"
    if goal:
        attrs.update(color=style.GOAL_COLOUR, penwidth=f"{max(width, 3.0) + 1:g}")
    return attrs


def _edge_attrs(src, dst, p, overlay, top, stage_of) -> dict | None:
    """Attributes of one edge, or None for an edge not drawn (no flow to exit)."""
    backwards = src in stage_of and dst in stage_of and stage_of[dst] < stage_of[src]
    attrs = {"label": style.probability(p)}
    if backwards:
        attrs["constraint"] = "false"
    if dst == EXIT:
        attrs.update(color=style.EXIT_EDGE_COLOUR, fontcolor="#777777", style="dashed",
                     constraint="false")
    if overlay is None:
        return attrs
    flow = overlay.flow.get((src, dst), 0.0)
    if dst == EXIT:
        share = overlay.exit_share.get(src, 0.0)
        if share <= 0:
            return None
        attrs.update(color=style.DROP_COLOUR, fontcolor=style.DROP_COLOUR, style="solid",
                     label=f"{style.probability(p)} · drop {style.percent(share)}")
    else:
        attrs["label"] = f"{style.probability(p)} · {style.percent(flow)}"
    attrs["penwidth"] = f"{0.5 + 9.5 * flow / top:.2f}" if top > 0 else "0.5"
    return attrs


def _legend(jmap: JourneyMap, fills: dict[str, str], overlay: Overlay | None) -> str:
    rows = [gv.legend_swatch(style.channel_name(jmap, cid), fill) for cid, fill in fills.items()]
    rows += [
        gv.legend_note("thin border: passive · bold: active · dashed: mini"),
        gv.legend_note(f"{style.MOMENT_OF_TRUTH} double border: moment of truth"),
        gv.legend_note("thick green border, GOAL: goal touchpoint"),
        gv.legend_note("edge labels: probability of the next step"),
    ]
    if overlay:
        rows += [
            gv.legend_note(
                f"{overlay.persona}: edge width and % = expected share of customers; "
                f"red = drop-off; conversion {style.percent(overlay.conversion)}"
            )
        ]
    return gv.legend_table("Legend", rows)
