"""The report as HTML: the Jinja2 templates beside this package, autoescaped.

Every string from the map reaches the page through a template variable, so Jinja2 escapes it;
only the figures `journeyctl.render` drew (which escape the map's text themselves) are marked
safe, here and nowhere else.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from journeyctl.render import style
from journeyctl.render.html import base_css
from journeyctl.render.paper import Page
from journeyctl.report.content import Report


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("journeyctl.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["code"] = code
    return env


def code(text: str) -> Markup:
    """Text escaped, its `backquoted` spans as <code> (gap messages quote ids that way)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def html(report: Report, paper: Page | None) -> str:
    """The page of `report`, with an `@page` size for printing on `paper` when given."""
    f = report.figures
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            r=report,
            css=Markup(base_css(paper)),
            goal_colour=style.GOAL_COLOUR,
            flows=[(key, Markup(svg)) for key, svg in f.flows],
            swimlane=Markup(f.swimlane),
            emotion=Markup(f.emotion),
            funnels=[(key, Markup(part)) for key, part in f.funnels],
        )
    )
