"""The report's diagrams, drawn by `journeyctl.render`: flows, swimlane, emotion, funnels."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from journeyctl.core.errors import RequestError
from journeyctl.core.machine import usable_cores
from journeyctl.core.model import JourneyMap
from journeyctl.render.paper import Page
from journeyctl.report.content import EVERYONE, Figures, View

PERSONA_FLOWS_UP_TO = 100
"""The largest map (touchpoints) drawn with a flow figure per view (workshop maps are smaller);
a larger one gets the flow of the view the report opens on only: each figure is one more
Graphviz layout, whose time grows steeply with the map."""


def draw(
    jmap: JourneyMap, views: Sequence[View], start: str, paper: Page, simulate: bool
) -> Figures:
    """Every figure of the report; the flow of `start` is drawn whatever the map's size."""
    from journeyctl.render.emotion import emotion_svg, emotions
    from journeyctl.render.swimlane import swimlane, swimlane_html

    feelings = emotions(jmap)
    flows, flow_note = _flows(jmap, views, start, paper)
    funnels: tuple[tuple[str, str], ...] = ()
    funnel_note = ""
    if simulate:
        from journeyctl.render.funnel import funnel, funnel_html

        funnels = tuple((v.key, funnel_html(funnel(jmap, v.key or None))) for v in views)
        if jmap.journey.kind == "linear":
            funnel_note = (
                "In a linear journey a walk ends at its goal, so stages after the goal show no "
                "reach and no drop-off."
            )
    return Figures(
        flows=flows,
        flow_note=flow_note,
        swimlane=swimlane_html(swimlane(jmap, feelings)),
        emotion=emotion_svg(jmap, feelings, standalone=False),
        funnels=funnels,
        funnel_note=funnel_note,
    )


def _flows(
    jmap: JourneyMap, views: Sequence[View], start: str, paper: Page
) -> tuple[tuple[tuple[str, str], ...], str]:
    """(view key, inline SVG) per view drawn, and a note on what is left out and why."""
    from journeyctl.render.flow import check_layout, flow_graph, persona_overlay
    from journeyctl.render.graphviz_run import have_dot, run_dot
    from journeyctl.render.html import inline_svg

    if not have_dot():
        return (), (
            "The flow diagram needs Graphviz, which is not installed here: install it "
            "(apt-get install graphviz or brew install graphviz) and render again."
        )
    try:
        check_layout(jmap)
    except RequestError as too_big:
        return (), f"The flow diagram is left out: {too_big}."
    note = ""
    drawn = list(views)
    if len(jmap.touchpoints) > PERSONA_FLOWS_UP_TO:
        drawn = [v for v in views if v.key == start]
        note = (
            f"The map has more than {PERSONA_FLOWS_UP_TO} touchpoints, so the flow is drawn "
            "for the view the report opened on only (render with --persona P for P's flow)."
        )
    graphs = []
    for i, view in enumerate(drawn):
        overlay = persona_overlay(jmap, view.key) if view.key != EVERYONE else None
        graph = flow_graph(jmap, paper, overlay)
        graph.attr(id=f"flow{i}")  # Graphviz prefixes its element ids with it: unique per page
        graphs.append(graph)
    # One `dot` process per figure, run side by side (each is a process of its own).
    with ThreadPoolExecutor(max_workers=usable_cores()) as pool:
        svgs = list(pool.map(lambda graph: run_dot(graph, "svg").decode("utf-8"), graphs))
    return tuple((v.key, inline_svg(svg)) for v, svg in zip(drawn, svgs, strict=True)), note
