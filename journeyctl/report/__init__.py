"""The workshop report: one self-contained, interactive HTML page of a journey map.

`workshop_report(jmap)` gathers what the map holds (`content`), draws the diagrams with
`journeyctl.render` (`figures`) and fills the Jinja2 templates beside this file (`page`), whose
small script switches personas, filters channels and stages and highlights a touchpoint's
path. Imports `core`, `markov`, `render` and `gaps`.
"""

from __future__ import annotations

from journeyctl.core.model import JourneyMap
from journeyctl.render.paper import DEFAULT_PAGE, Page, sheet

__all__ = ["workshop_report"]


def workshop_report(
    jmap: JourneyMap,
    persona: str | None = None,
    paper: Page | None = None,
    simulate: bool = False,
) -> str:
    """The report of a valid map as HTML, opened on `persona` (None: the map's own weights);
    `paper` sizes the flow figure and the printed page (default A3), `simulate` adds each
    view's funnel. Raises RequestError for an unknown persona."""
    from journeyctl.gaps import find_gaps
    from journeyctl.gaps.flow import persona_flow
    from journeyctl.gaps.formats import tally
    from journeyctl.markov.chain import get_persona, persona_chain
    from journeyctl.report.content import EVERYONE, gather, views_of
    from journeyctl.report.figures import draw
    from journeyctl.report.page import html

    get_persona(jmap, persona)
    gaps = find_gaps(jmap)
    views = views_of(jmap)
    chains = {v.key: persona_chain(jmap, v.key or None).probability for v in views}
    flows = {v.key: persona_flow(jmap, v.key or None) for v in views}
    figures = draw(jmap, views, persona or EVERYONE, paper or sheet(DEFAULT_PAGE), simulate)
    report = gather(
        jmap,
        persona,
        gaps.gaps,
        tally(gaps),
        chains,
        {k: f.reach for k, f in flows.items()},
        {k: f.conversion for k, f in flows.items()},
        figures,
    )
    return html(report, paper)
