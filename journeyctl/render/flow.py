"""The flow view: touchpoints as a Graphviz graph, each stage a column, stages left to right.

Within a stage the steps run top to bottom in journey order (the map's order); a stage longer
than the page allows wraps into several columns. A move's probability is written inside its
touchpoint, in a cell on the side its arrow leaves from (right to a later column, left to an
earlier one or up its own, bottom down its own), so no figure floats where a line can cross
it; starting and leaving the journey are figures with no line ("start 0.25" on top of the
touchpoint, "exit 0.25" at its bottom). Fill colour tells the channel, border the engagement
(passive thin, active bold, mini dashed), a double border and a star a moment of truth, a
thick green border a goal; the legend under the title says so. With a persona overlay, arrow
widths (1 to 4 pt) show the persona's expected flow, each figure the share of the persona's
customers under the probability, and a red "drop" figure the share who leave there.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from journeyctl.core.errors import RequestError
from journeyctl.core.model import EXIT, JourneyMap, Touchpoint
from journeyctl.render import gvlabel as gv
from journeyctl.render import style
from journeyctl.render.paper import Page

MAX_LAYOUT_TOUCHPOINTS = 2_000
MAX_LAYOUT_MOVES = 8_000
"""The largest flow view Graphviz is asked to lay out (svg, png, pdf, the report's flow).
`dot`'s time grows faster than the map: 2,000 touchpoints and 7,653 moves take 6 s, 3,000
and 11,494 take 10 s of layout alone (bench/bench_render.py)."""

START = "_start"
"""The source of entry moves in `probabilities` (touchpoint ids cannot begin with `_`)."""

COLUMN_SIZE = (2.3, 1.0)
"""Inches a touchpoint takes in a column, across (with the arrows beside it) and down: the
estimate that decides where long stages wrap (measured on the example maps, a 40-touchpoint
map and a 46-touchpoint draft)."""
MIN_COLUMN = 6
"""A stage of at most this many touchpoints never wraps."""
MAX_COLUMN = 12
"""No column is longer: an arrow between columns costs `dot` time for every rank it spans
(at 300 touchpoints, columns of 50 took 13 s of layout, columns of 12 under 1 s)."""
WIDTHS = (1.0, 4.0)
"""Arrow widths of the persona overlay in points: no flow, the largest flow."""
TEXT_PT = 9
"""All text but the titles: 9 pt on paper when the drawing is not shrunk (the example maps
on A3)."""
NAME_PT = 10
WRAP = (14, 18)
"""Characters per line of a touchpoint's name and of its detail line: narrow touchpoints, so
that the stages side by side fit the page's width."""
LEGEND_SWATCHES = 5
"""Channel colours per legend line."""
HIDDEN = {"style": "invis", "label": "", "width": "0", "height": "0", "fixedsize": "true"}


@dataclass(frozen=True)
class Move:
    """A move as drawn from its source: the target (EXIT for leaving), the side its figure
    sits on (`n` for an entry, `e`, `w` or `s`), the figure (HTML-like), the line's
    attributes and the side of the target the arrow enters ("" for dot's choice)."""

    target: str
    side: str
    figure: str
    line: Mapping[str, str]
    enters: str = ""

    @property
    def drawn(self) -> bool:
        """Whether an arrow is drawn: not for an entry or for leaving."""
        return self.side != "n" and self.target != EXIT


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


def columns(jmap: JourneyMap, page: Page) -> list[tuple[int, list[Touchpoint]]]:
    """The drawing's columns left to right: (stage index, its touchpoints in map order).

    A stage is one column unless it is longer than the column length that brings the
    drawing's estimated shape (COLUMN_SIZE per touchpoint) closest to the page's; then it
    wraps into as few columns of at most that length as it needs, of even lengths. Stages of
    up to MIN_COLUMN touchpoints never wrap; no column is longer than MAX_COLUMN.
    """
    stages = [tps for s in jmap.stages if (tps := jmap.touchpoints_in(s.id))]
    longest = max((len(tps) for tps in stages), default=1)
    target = math.log(page.width / page.height)

    def misfit(length: int) -> float:
        across = sum(len(_spans(len(tps), length)) for tps in stages) * COLUMN_SIZE[0]
        return abs(math.log(across / (length * COLUMN_SIZE[1])) - target)

    shortest = min(MIN_COLUMN, longest)
    lengths = sorted({math.ceil(longest / k) for k in range(1, longest // shortest + 1)})
    length = min(
        (n for n in lengths if shortest <= n <= MAX_COLUMN), key=misfit, default=MAX_COLUMN
    )
    return [(i, tps[a:b]) for i, tps in enumerate(stages) for a, b in _spans(len(tps), length)]


def _spans(count: int, length: int) -> list[tuple[int, int]]:
    """`count` items cut into as few runs of at most `length` as possible, of even lengths."""
    parts = math.ceil(count / length)
    bounds = [count * k // parts for k in range(parts + 1)]
    return list(itertools.pairwise(bounds))


def flow_graph(jmap: JourneyMap, page: Page, overlay: Overlay | None = None):
    """The flow view as a graphviz.Digraph."""
    import graphviz

    g = graphviz.Digraph(name="flow")
    fills = style.channel_fills(jmap)
    g.attr(
        rankdir="TB",
        nodesep="0.06",
        ranksep="0.2",
        pad="0",  # the page has margins
        size=page.graphviz_size,
        fontname=style.FONT,
        label=_title(jmap, fills, overlay),
        labelloc="t",
        labeljust="l",
    )
    g.attr("node", fontname=style.FONT, fontsize=f"{TEXT_PT}")
    g.attr("edge", color=style.EDGE_COLOUR, arrowsize="0.7")
    cols = columns(jmap, page)
    moves = _moves(jmap, cols, overlay)
    _clusters(g, jmap, cols, fills, moves)
    with g.subgraph() as head:  # the columns' order, left to right
        head.attr(rank="min")
        for a, b in itertools.pairwise(f"_c{c}" for c in range(len(cols))):
            head.edge(a, b, style="invis")
    for src, drawn in moves.items():
        for k, move in enumerate(drawn):
            if move.drawn:
                down = {} if move.side == "s" else {"constraint": "false"}
                head = f"{move.target}:{move.enters}" if move.enters else move.target
                g.edge(f"{src}:m{k}:{move.side}", head, **move.line, **down)
    return g


def _moves(jmap: JourneyMap, cols, overlay: Overlay | None) -> dict[str, list[Move]]:
    """Touchpoint id to the moves drawn from it (its entry as a move from it too); moves
    out of it in the order of their targets: columns left to right, map order, exit."""
    probs = overlay.probability if overlay else probabilities(jmap, None)
    column_of = {tp.id: c for c, (_, tps) in enumerate(cols) for tp in tps}
    place = {tp.id: (column_of[tp.id], i) for i, tp in enumerate(jmap.touchpoints)}
    place[EXIT] = (len(cols), 0)
    lines = overlay.flow.items() if overlay else ()
    top = max((f for (s, d), f in lines if s != START and d != EXIT), default=0.0)
    moves: dict[str, list[Move]] = {}
    for (src, dst), p in sorted(probs.items(), key=lambda e: (e[0][0], place[e[0][1]])):
        if src == START:
            side, owner = "n", dst
        else:
            side, owner = ("s" if dst == EXIT else _side(place[src], place[dst])), src
        look = _look(src, dst, p, overlay, top)
        enters = _enters(side, src != START and place[src][0] == place[dst][0])
        if look is not None:
            moves.setdefault(owner, []).append(Move(dst, side, *look, enters))
    return moves


def _enters(side: str, same_column: bool) -> str:
    """The side of its target an arrow leaving from `side` enters: the facing side across
    columns, the left going up its own column; dot's choice down a column. (Left to choose
    across, dot 2.43 routes some arrows between touchpoints side by side differently from
    run to run.)"""
    if side == "w":
        return "w" if same_column else "e"
    return "w" if side == "e" else ""


def _side(src: tuple[int, int], dst: tuple[int, int]) -> str:
    """The side a move leaves from, by the (column, map position) of its ends: right to a
    later column, left to an earlier one or up its own, bottom down its own."""
    if dst[0] != src[0]:
        return "e" if dst[0] > src[0] else "w"
    return "s" if dst[1] > src[1] else "w"


def _look(src, dst, p, overlay, top) -> tuple[str, dict] | None:
    """A move's figure (HTML-like) and its line's attributes; None for a move not drawn (no
    flow to exit in the overlay)."""
    prob = style.probability(p)
    named = {START: "start ", EXIT: "exit "}.get(src if src == START else dst, "")
    if overlay is None or src == START:  # an entry's share is its probability
        return gv.esc(named + prob), {}
    flow = overlay.flow.get((src, dst), 0.0)
    low, high = WIDTHS
    line = {"penwidth": f"{low + (high - low) * flow / top:.2f}" if top > 0 else f"{low:g}"}
    if dst != EXIT:
        return f"{gv.esc(named + prob)}<BR/>{gv.esc(style.percent(flow))}", line
    share = overlay.exit_share.get(src, 0.0)
    if share <= 0:
        return None
    drop = gv.esc(f"drop {style.percent(share)} ({prob})")
    on_white = f'<FONT COLOR="{style.DROP_COLOUR}">{drop}</FONT>'
    return (
        f'<TABLE BORDER="0" CELLPADDING="1" BGCOLOR="#FFFFFF"><TR><TD>{on_white}</TD></TR></TABLE>',
        line,
    )


def _clusters(g, jmap: JourneyMap, cols, fills, moves: dict[str, list[Move]]) -> None:
    """A cluster per stage, a borderless cluster per column inside it holding its touchpoints
    in map order."""
    goals = set(jmap.journey.goal)
    stages = [s for s in jmap.stages if jmap.touchpoints_in(s.id)]
    by_stage: dict[int, list[int]] = {}
    for c, (i, _) in enumerate(cols):
        by_stage.setdefault(i, []).append(c)
    for i, cs in by_stage.items():
        stage = stages[i]
        with g.subgraph(name=f"cluster_{i}") as cluster:
            cluster.attr(
                label=gv.text_label(stage.name or stage.id, bold=True, size=12),
                style="rounded",
                color="#888888",
            )
            for c in cs:  # a wrapped stage keeps each column together in a cluster
                name = f"cluster_{i}_{c}" if len(cs) > 1 else None
                with cluster.subgraph(name=name) as column:
                    column.attr(label="", peripheries="0")
                    column.node(f"_c{c}", **HIDDEN)
                    chain = [f"_c{c}"]
                    for tp in cols[c][1]:
                        drawn = moves.get(tp.id, [])
                        column.node(tp.id, **_node_attrs(jmap, tp, fills, tp.id in goals, drawn))
                        chain.append(tp.id)
                    for a, b in itertools.pairwise(chain):
                        column.edge(a, b, style="invis")  # one column, in map order


def _node_attrs(
    jmap: JourneyMap, tp: Touchpoint, fills: dict[str, str], goal: bool, moves: list[Move]
) -> dict:
    """A touchpoint: its name, channel and screens, GOAL, and the figures of its moves on the
    sides they leave from (a drop figure on white, for its contrast)."""
    border, width = style.ENGAGEMENT_BORDER.get(tp.engagement, ("solid", 1.0))
    title = f"{style.MOMENT_OF_TRUTH} {tp.label}" if tp.moment_of_truth else tp.label
    detail = " · ".join(
        d
        for d in (style.channel_name(jmap, tp.channel), ", ".join(style.screen_tags(jmap, tp)))
        if d
    )
    body = f'<FONT POINT-SIZE="{NAME_PT}"><B>{gv.lines(title, WRAP[0], left=False)}</B></FONT>'
    body += f"<BR/>{gv.lines(detail, WRAP[1], left=False)}"
    if goal:
        body += "<BR/><B>GOAL</B>"
    cells: dict[str, list[tuple[str, str]]] = {side: [] for side in "nwes"}
    for k, move in enumerate(moves):
        cells[move.side].append((f"m{k}" if move.drawn else "", move.figure))
    fill = fills.get(tp.channel, style.CHANNEL_FILLS[-1])
    attrs = {
        "label": gv.ported_label(body, *(cells[side] for side in "nwes")),
        "shape": "box",
        "style": ",".join(["filled", "rounded", border]),
        "fillcolor": fill,
        "fontcolor": style.ink(fill),
        "penwidth": f"{width:g}",
        "margin": "0.06,0.07",
        "tooltip": gv.plain(tp.description or tp.label),
    }
    if tp.moment_of_truth:
        attrs["peripheries"] = "2"
    if goal:
        attrs.update(color=style.GOAL_COLOUR, penwidth=f"{max(width, 3.0) + 1:g}")
    return attrs


def _title(jmap: JourneyMap, fills: dict[str, str], overlay: Overlay | None) -> str:
    """The title and, under it, the legend of everything the view encodes, one encoding a
    line (no wider than the drawing needs)."""
    title = jmap.name
    if overlay:
        title += f" — expected flow for {overlay.persona}, conversion "
        title += style.percent(overlay.conversion)
    swatches = [gv.swatch(style.channel_name(jmap, cid), fill) for cid, fill in fills.items()]
    rows = [
        gv.legend_row(
            "Channel",
            *(swatches[k : k + LEGEND_SWATCHES] for k in range(0, len(swatches), LEGEND_SWATCHES)),
        ),
        gv.legend_row(
            "Border",
            [
                gv.sample("passive"),
                gv.sample("active", width=3),
                gv.sample("mini", dashed=True),
                gv.sample(f"{style.MOMENT_OF_TRUTH} moment of truth", double=True),
                gv.sample("GOAL: goal touchpoint", width=4, colour=style.GOAL_COLOUR),
            ],
        ),
    ]
    if overlay is None:
        figures = [
            [gv.note("0.25: the probability of that next step, on the side its arrow leaves")],
            [gv.note("start 0.25, exit 0.25: the probability of starting there, of leaving there")],
        ]
    else:
        low, high = WIDTHS
        figures = [
            [gv.note("0.40 over 12.0%: probability over expected share of all customers")],
            [gv.note(f"taking the step (arrow width {low:g} to {high:g} pt by that share)")],
            [
                gv.note(
                    "drop 5.0% (0.25): share of all who leave there (probability)",
                    style.DROP_COLOUR,
                )
            ],
        ]
    rows.append(gv.legend_row("Figures", *figures))
    return gv.titled_legend(title, rows)
