"""The flow view: touchpoints as a Graphviz graph, stages as clusters from left to right.

Fill colour tells the channel, border the engagement (passive thin, active bold, mini dashed),
a double border and a star a moment of truth, a thick green border a goal. Edges carry their
normalised probabilities; with a persona overlay, edge widths show the persona's expected flow
and red edges to `exit` the share of customers who leave at each touchpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from journeyctl.core.errors import RequestError
from journeyctl.core.model import EXIT, JourneyMap, Touchpoint
from journeyctl.render import gvlabel as gv
from journeyctl.render import style

MAX_LAYOUT_TOUCHPOINTS = 2_000
MAX_LAYOUT_MOVES = 8_000
"""The largest flow view Graphviz is asked to lay out (svg, png, pdf, the report's flow).
`dot`'s time grows much faster than the map: 2,000 touchpoints and 7,653 moves take 5 s,
3,000 and 11,494 take 40 s, 9,700 more than 5 minutes and 1 GiB (bench/bench_render.py)."""

START = "_start"
"""Node id of the start node (touchpoint ids cannot begin with `_`)."""
EXIT_NODE = "_exit"
LEGEND = "_legend"


EXIT_ATTRS = {
    "label": "exit",
    "shape": "doublecircle",
    "style": "filled",
    "fillcolor": "#EEEEEE",
    "fontsize": "9",
    "width": "0.45",
    "fixedsize": "true",
}


START_ATTRS = {
    "label": "start",
    "shape": "circle",
    "style": "filled",
    "fillcolor": "#333333",
    "fontcolor": "white",
    "fontsize": "10",
    "width": "0.6",
    "fixedsize": "true",
}


def _exit_node(stage_index: int) -> str:
    """Each stage column has its own `exit` terminal, so drop-off edges stay short (drawn
    only when something leaves there; hidden ones still keep the columns in order)."""
    return f"{EXIT_NODE}{stage_index}"


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


def probabilities(jmap: JourneyMap, persona: str | None) -> dict[tuple[str, str], float]:
    """(source, target) to the move's probability for `persona` (None: the map's own weights),
    entries from START included, moves of probability 0 left out."""
    from journeyctl.markov.chain import persona_chain

    chain = persona_chain(jmap, persona)
    probs = {(START, s): float(chain.start[i]) for i, s in enumerate(chain.states)}
    for tp in jmap.touchpoints:
        for move in tp.next:
            probs[(tp.id, move.target)] = float(chain.probability(tp.id, move.target))
    return {edge: p for edge, p in probs.items() if p > 0}


def persona_overlay(jmap: JourneyMap, persona: str) -> Overlay:
    """`persona`'s expected flow from the exact solver. Raises RequestError for unknown ones."""
    import numpy as np

    from journeyctl.markov.chain import persona_chain
    from journeyctl.markov.exact import solve

    chain = persona_chain(jmap, persona)
    result, start = solve(jmap, persona, chain=chain), chain.start
    flow = {(START, t.id): float(w) for t, w in zip(jmap.touchpoints, start, strict=True) if w > 0}
    flow.update({edge: f for edge, f in result.edge_flow.items() if np.isfinite(f)})
    return Overlay(
        persona=jmap.persona[persona].name or persona,
        probability=probabilities(jmap, persona),
        flow=flow,
        exit_share=dict(result.exit_probability),
        conversion=result.conversion,
    )


def check_layout(jmap: JourneyMap) -> None:
    """Raise RequestError when the flow view is too big for Graphviz to lay out."""
    touchpoints = len(jmap.touchpoints)
    moves = sum(len(t.next) for t in jmap.touchpoints)
    if touchpoints > MAX_LAYOUT_TOUCHPOINTS or moves > MAX_LAYOUT_MOVES:
        raise RequestError(
            f"the flow view of {touchpoints:,} touchpoints and {moves:,} moves is too big for "
            f"Graphviz to lay out (at most {MAX_LAYOUT_TOUCHPOINTS:,} touchpoints and "
            f"{MAX_LAYOUT_MOVES:,} moves: its time grows steeply with size); write it with "
            "-f dot or -f mermaid, draw the swimlane view, or split the map"
        )


def flow_graph(jmap: JourneyMap, page: style.Page, overlay: Overlay | None = None):
    """The flow view as a graphviz.Digraph."""
    import graphviz

    title = jmap.name + (f" — expected flow for {overlay.persona}" if overlay else "")
    g = graphviz.Digraph(name="flow")
    g.attr(
        rankdir="LR",
        newrank="true",
        nodesep="0.25",
        ranksep="0.6",
        size=page.graphviz_size,
        fontname=style.FONT,
        label=gv.text_label(title, bold=True, size=18),
        labelloc="t",
        labeljust="l",
    )
    g.attr("node", fontname=style.FONT, fontsize="11")
    g.attr("edge", fontname=style.FONT, fontsize="9", color=style.EDGE_COLOUR)
    fills = style.channel_fills(jmap)
    probs = overlay.probability if overlay else probabilities(jmap, None)
    stages = [s for s in jmap.stages if jmap.touchpoints_in(s.id)]
    stage_of = {t.id: i for i, s in enumerate(stages) for t in jmap.touchpoints_in(s.id)}
    top = max((overlay.flow.values() if overlay else ()), default=0.0)
    edges = [
        (src, _exit_node(stage_of[src]) if dst == EXIT else dst, attrs)
        for (src, dst), p in probs.items()
        if (attrs := _edge_attrs(src, dst, p, overlay, top, stage_of)) is not None
    ]
    _stage_columns(g, jmap, stages, fills, {dst for _, dst, _ in edges})
    g.node(START, **START_ATTRS)
    for i in range(len(stages) - 1):  # keep the stage columns in order
        g.edge(_exit_node(i), _exit_node(i + 1), style="invis")
    for src, dst, attrs in edges:
        g.edge(src, dst, **attrs)
    g.node(LEGEND, label=_legend(jmap, fills, overlay), shape="plaintext")
    g.edge(_exit_node(len(stages) - 1), LEGEND, style="invis")
    return g


def _stage_columns(g, jmap: JourneyMap, stages, fills: dict[str, str], used_exits: set) -> None:
    """A cluster per stage holding its touchpoints and its `exit` terminal in one column
    (the terminal hidden when nothing leaves there)."""
    goals = set(jmap.journey.goal)
    for i, stage in enumerate(stages):
        with g.subgraph(name=f"cluster_{i}") as c:
            c.attr(
                label=gv.text_label(stage.name or stage.id, bold=True, size=14),
                style="rounded",
                color="#888888",
            )
            with c.subgraph() as column:  # a stage is one column of the poster
                column.attr(rank="same")
                for tp in jmap.touchpoints_in(stage.id):
                    column.node(tp.id, **_node_attrs(jmap, tp, fills, tp.id in goals))
                exit_node = _exit_node(i)
                hidden = {} if exit_node in used_exits else {"style": "invis"}
                column.node(exit_node, **{**EXIT_ATTRS, **hidden})


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
        "tooltip": gv.plain(tp.description or tp.label),
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
        attrs.update(color=style.EXIT_EDGE_COLOUR, fontcolor="#777777", style="dashed")
    if overlay is None:
        return attrs
    flow = overlay.flow.get((src, dst), 0.0)
    if dst == EXIT:
        share = overlay.exit_share.get(src, 0.0)
        if share <= 0:
            return None
        attrs.update(
            color=style.DROP_COLOUR,
            fontcolor=style.DROP_COLOUR,
            style="solid",
            label=f"{style.probability(p)} · drop {style.percent(share)}",
        )
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
