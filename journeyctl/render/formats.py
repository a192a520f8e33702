"""Which view can be drawn in which format, and drawing one: `render(jmap, request)`.

| view     | dot | svg | png | pdf | mermaid    | html   |
|----------|-----|-----|-----|-----|------------|--------|
| flow     | yes | yes | yes | yes | flowchart  | report |
| swimlane | yes | yes | yes | yes | journey    | report |
| emotion  |  -  | yes | yes | yes | journey    | report |

svg, png and pdf are pages (`paper`): the view at its natural size, fitted and centred on an
ISO page chosen so that its text prints at 9 pt or more. Those of flow and swimlane need
Graphviz's `dot`; the emotion view, DOT, Mermaid and HTML do not.
`html` is the whole workshop report whatever the view, drawn by
`journeyctl.report.workshop_report` (above this package), not by `render`. Graphviz lays out a
flow view of at most `flow.MAX_LAYOUT_TOUCHPOINTS` touchpoints and `flow.MAX_LAYOUT_MOVES`
moves (larger ones are refused; the report leaves the figure out).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyctl.core.errors import RequestError
from journeyctl.core.model import JourneyMap
from journeyctl.render import paper

VIEWS = ("flow", "swimlane", "emotion")
FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "html")
BINARY = ("png", "pdf")
SUPPORTED = {
    "flow": FORMATS,
    "swimlane": FORMATS,
    "emotion": ("svg", "png", "pdf", "mermaid", "html"),
}


@dataclass(frozen=True)
class Request:
    """What to draw: the view, the format and the options that shape it."""

    view: str = "flow"
    format: str = "svg"
    persona: str | None = None
    page: str | None = None
    simulate: bool = False
    orientation: str | None = None
    dpi: int | None = None

    @property
    def paper(self) -> paper.Page:
        """The page asked for, else the default page; landscape unless asked otherwise."""
        turn = "portrait" if self.orientation == "portrait" else "landscape"
        return paper.sheet(self.page or paper.DEFAULT_PAGE, turn)


@dataclass(frozen=True)
class Rendered:
    """A drawing (text or bytes), with notes and warnings for stderr (the page chosen)."""

    data: str | bytes
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


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
    pages = paper.ISO_216_MM
    if request.page is not None and request.page not in pages:
        raise RequestError(f"unknown page {request.page!r}; use one of {', '.join(pages)}")
    if request.orientation is not None and request.orientation not in paper.ORIENTATIONS:
        raise RequestError(
            f"unknown orientation {request.orientation!r}; use one of "
            f"{', '.join(paper.ORIENTATIONS)}"
        )
    for given, flag in ((request.page, "--page"), (request.orientation, "--orientation")):
        if given is not None and request.format == "mermaid":
            raise RequestError(f"{flag} does not apply to mermaid (Mermaid sizes its own diagrams)")
    if request.dpi is not None and request.format != "png":
        raise RequestError("--dpi applies to png only (svg and pdf are drawn as vectors)")
    if request.simulate and request.format != "html":
        raise RequestError("--simulate adds the simulation funnel to the html report only")
    if request.persona and request.view == "flow" and request.format == "mermaid":
        raise RequestError(
            "the persona overlay of the flow view needs dot, svg, png, pdf or html, not mermaid"
        )


def render(jmap: JourneyMap, request: Request) -> Rendered:
    """The drawing: text for dot, svg and mermaid, bytes for png and pdf.

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
        raise RequestError("html is the workshop report: journeyctl.report.workshop_report")
    from journeyctl.render.emotion import emotions

    feelings = emotions(jmap, request.persona)
    if fmt == "mermaid":
        from journeyctl.render import mermaid

        if view == "flow":
            return Rendered(mermaid.flowchart(jmap))
        return Rendered(mermaid.journey_diagram(jmap, feelings))
    if fmt == "dot":
        return Rendered(_graph(jmap, request, feelings).source)
    return _on_paper(jmap, request, feelings)


def _on_paper(jmap: JourneyMap, request: Request, feelings) -> Rendered:
    """svg, png or pdf: the view drawn at its natural size, placed on its page."""
    if request.view == "emotion":
        from journeyctl.render.emotion import emotion_svg

        def source(page: paper.Page) -> str:  # the chart is drawn to fill the page
            return emotion_svg(jmap, feelings, page.area)

        placed = paper.place(
            lambda page: paper.measure(source(page)), request.page, request.orientation
        )
        as_pdf = lambda: paper.svg_pdf(source(placed.page))  # noqa: E731
        as_png = lambda dpi: paper.svg_image(source(placed.page), dpi)  # noqa: E731
    else:
        from journeyctl.render.graphviz_run import run_dot

        graph = _graph(jmap, request, feelings)
        drawing = paper.measure(run_dot(graph, "svg"))
        placed = paper.place(lambda page: drawing, request.page, request.orientation)
        as_pdf = lambda: run_dot(graph, "pdf")  # noqa: E731
        as_png = lambda dpi: run_dot(graph, "png", dpi)  # noqa: E731
    if request.format == "svg":
        return Rendered(placed.svg(), placed.notes, placed.warnings)
    if request.format == "pdf":
        return Rendered(placed.pdf(as_pdf()), placed.notes, placed.warnings)
    dpi, notes = paper.png_dpi(placed.page, request.dpi)
    png = placed.png(as_png(dpi * placed.scale), dpi)
    return Rendered(png, placed.notes + notes, placed.warnings)


def _graph(jmap: JourneyMap, request: Request, feelings):
    if request.view == "flow":
        from journeyctl.render.flow import flow_graph, persona_overlay

        overlay = persona_overlay(jmap, request.persona) if request.persona else None
        return flow_graph(jmap, request.paper, overlay)
    from journeyctl.render.swimlane import swimlane, swimlane_graph

    return swimlane_graph(swimlane(jmap, feelings), request.paper)
