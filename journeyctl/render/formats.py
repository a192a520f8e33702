"""Which view can be drawn in which format, and drawing one: `render(jmap, request)`.

| view     | dot | svg | png | pdf | mermaid    | html   |
|----------|-----|-----|-----|-----|------------|--------|
| flow     | yes | yes | yes | yes | flowchart  | report |
| swimlane | yes | yes | yes | yes | journey    | report |
| emotion  |  -  | yes |  -  |  -  | journey    | report |

svg, png and pdf of flow and swimlane need Graphviz's `dot`; the emotion SVG, DOT, Mermaid
and HTML do not. `html` is the whole workshop report whatever the view. Graphviz lays out a
flow view of at most `flow.MAX_LAYOUT_TOUCHPOINTS` touchpoints and `flow.MAX_LAYOUT_MOVES`
moves (larger ones are refused; the report leaves the figure out).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyctl.core.errors import RequestError
from journeyctl.core.model import JourneyMap
from journeyctl.render import style

VIEWS = ("flow", "swimlane", "emotion")
FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "html")
BINARY = ("png", "pdf")
SUPPORTED = {
    "flow": FORMATS,
    "swimlane": FORMATS,
    "emotion": ("svg", "mermaid", "html"),
}


@dataclass(frozen=True)
class Request:
    """What to draw: the view, the format and the options that shape it."""

    view: str = "flow"
    format: str = "svg"
    persona: str | None = None
    page: str | None = None
    simulate: bool = False

    @property
    def paper(self) -> style.Page:
        return style.PAGES[self.page or "a3"]


def check(request: Request) -> None:
    """Raise RequestError for unknown values and combinations that cannot be drawn."""
    if request.view not in VIEWS:
        raise RequestError(f"unknown view {request.view!r}; use one of {', '.join(VIEWS)}")
    if request.format not in FORMATS:
        raise RequestError(f"unknown format {request.format!r}; use one of {', '.join(FORMATS)}")
    if request.format not in SUPPORTED[request.view]:
        raise RequestError(
            f"the {request.view} view cannot be drawn as {request.format} (it is drawn without "
            f"Graphviz); use one of {', '.join(SUPPORTED[request.view])}"
        )
    if request.page is not None and request.page not in style.PAGES:
        raise RequestError(f"unknown page {request.page!r}; use one of {', '.join(style.PAGES)}")
    if request.page is not None and request.format == "mermaid":
        raise RequestError("--page does not apply to mermaid (Mermaid sizes its own diagrams)")
    if request.simulate and request.format != "html":
        raise RequestError("--simulate adds the simulation funnel to the html report only")
    if request.persona and request.view == "flow" and request.format == "mermaid":
        raise RequestError(
            "the persona overlay of the flow view needs dot, svg, png, pdf or html, not mermaid"
        )


def render(jmap: JourneyMap, request: Request) -> str | bytes:
    """The drawing: text for dot, svg, mermaid and html, bytes for png and pdf.

    Raises RequestError for impossible requests, an unknown persona or a missing `dot`.
    """
    from journeyctl.markov.chain import get_persona

    check(request)
    get_persona(jmap, request.persona)
    view, fmt = request.view, request.format
    if view == "flow" and fmt in ("svg", "png", "pdf"):
        from journeyctl.render.flow import check_layout

        check_layout(jmap)  # before anything slow
    if fmt == "html":
        from journeyctl.render.html import report

        return report(jmap, request.persona, request.paper, request.simulate)
    from journeyctl.render.emotion import emotion_svg, emotions

    feelings = emotions(jmap, request.persona)
    if fmt == "mermaid":
        from journeyctl.render import mermaid

        if view == "flow":
            return mermaid.flowchart(jmap)
        return mermaid.journey_diagram(jmap, feelings)
    if view == "emotion":
        return emotion_svg(jmap, feelings, request.paper)
    graph = _graph(jmap, request, feelings)
    if fmt == "dot":
        return graph.source
    from journeyctl.render.graphviz_run import run_dot

    data = run_dot(graph, fmt)
    return data if fmt in BINARY else data.decode("utf-8")


def _graph(jmap: JourneyMap, request: Request, feelings):
    if request.view == "flow":
        from journeyctl.render.flow import flow_graph, persona_overlay

        overlay = persona_overlay(jmap, request.persona) if request.persona else None
        return flow_graph(jmap, request.paper, overlay)
    from journeyctl.render.swimlane import swimlane, swimlane_graph

    return swimlane_graph(swimlane(jmap, feelings), request.paper)
