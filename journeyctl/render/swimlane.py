"""The swimlane view: the journey-map poster of stage columns and channel rows.

Each channel row holds its touchpoints (cards) in their stage column, with screens and owner;
below come one emotion row per persona (a -2..+2 dot grid, columns numbered like the cards),
then pain points, opportunities and the teams involved in each stage, and a legend (channel
fills, card borders, ★, goal, the emotion scale). One `Swimlane` is drawn two ways: as a
Graphviz HTML-like table (so DOT, SVG, PNG and PDF all work) and as an HTML table for the
report (which then needs no Graphviz). Text on a fill is black or white (`style.ink`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from journeyctl.core.model import JourneyMap, Touchpoint
from journeyctl.render import gvlabel as gv
from journeyctl.render import style
from journeyctl.render.emotion import Emotions
from journeyctl.render.paper import DEFAULT_PAGE, Page, sheet

LEVELS = (2, 1, 0, -1, -2)

LEGEND_CARDS = (
    ("passive", "thin border: passive", "passive", False),
    ("active", "bold border: active", "active", False),
    ("mini", "dashed border: mini", "mini", False),
    (style.MOMENT_OF_TRUTH, "moment of truth", "passive", False),
    ("GOAL", "green border: goal", "passive", True),
)
"""The legend's sample cards: text, meaning, engagement, goal."""

FEELINGS = {2: "very positive", 1: "positive", 0: "neutral", -1: "negative", -2: "very negative"}
"""The legend's words for the emotion levels."""

LEGEND_GROUPS = ("Channel (row and card fill)", "Cards", "Emotion (cell at the score)")
"""The legend's headings: channels, sample cards, emotion levels."""


@dataclass(frozen=True)
class Card:
    """A touchpoint in its cell: number (shared with the emotion grid), tags and owner."""

    number: int
    tp: Touchpoint
    fill: str
    screens: str
    team: str
    goal: bool


@dataclass(frozen=True)
class Lane:
    """A channel row: its heading and, per stage, the cards in that cell."""

    title: str
    subtitle: str
    fill: str
    cells: tuple[tuple[Card, ...], ...]


@dataclass(frozen=True)
class EmotionLane:
    """A persona's emotion row: per stage, (card number, score or None) in card order."""

    title: str
    cells: tuple[tuple[tuple[int, float | None], ...], ...]


@dataclass(frozen=True)
class NoteLane:
    """Pain points, opportunities or teams: per stage, short texts (`listed`: names that the
    poster runs together, comma-separated, instead of one to a line)."""

    title: str
    cells: tuple[tuple[str, ...], ...]
    listed: bool = False


@dataclass(frozen=True)
class Swimlane:
    title: str
    stages: tuple[tuple[str, str], ...]
    lanes: tuple[Lane, ...]
    emotions: tuple[EmotionLane, ...]
    notes: tuple[NoteLane, ...]


def swimlane(jmap: JourneyMap, feelings: Emotions) -> Swimlane:
    """The poster's content, from the map and the emotion curves to show."""
    fills = style.channel_fills(jmap)
    goals = set(jmap.journey.goal)
    numbers = {t.id: i + 1 for i, t in enumerate(feelings.touchpoints)}
    stage_ids = [s.id for s in jmap.stages]
    by_stage = {sid: [t for t in feelings.touchpoints if t.stage == sid] for sid in stage_ids}
    lanes = []
    for cid in fills:
        channel = jmap.channel.get(cid)
        cells = tuple(
            tuple(
                _card(jmap, t, numbers[t.id], fills, goals) for t in by_stage[s] if t.channel == cid
            )
            for s in stage_ids
        )
        team = channel.team if channel else ""
        lanes.append(
            Lane(style.channel_name(jmap, cid), f"team {team}" if team else "", fills[cid], cells)
        )
    ids = [t.id for t in feelings.touchpoints]
    score_of = [dict(zip(ids, c.scores, strict=True)) for c in feelings.curves]
    emotion_lanes = tuple(
        EmotionLane(
            f"Emotion: {c.name}",
            tuple(tuple((numbers[t.id], scores[t.id]) for t in by_stage[s]) for s in stage_ids),
        )
        for c, scores in zip(feelings.curves, score_of, strict=True)
    )
    notes = [
        NoteLane(
            title,
            tuple(
                tuple(f"{numbers[t.id]}. {text}" for t in by_stage[s] for text in getattr(t, field))
                for s in stage_ids
            ),
        )
        for title, field in (("Pain points", "pain_points"), ("Opportunities", "opportunities"))
    ]
    notes.append(
        NoteLane(
            "Teams",
            tuple(tuple(sorted({jmap.team_of(t) for t in by_stage[s]} - {""})) for s in stage_ids),
            listed=True,
        )
    )
    return Swimlane(
        title=jmap.name,
        stages=tuple((s.name or s.id, s.customer_goal) for s in jmap.stages),
        lanes=tuple(lanes),
        emotions=emotion_lanes,
        notes=tuple(n for n in notes if any(n.cells)),
    )


def _card(jmap: JourneyMap, tp: Touchpoint, number: int, fills, goals) -> Card:
    channel = jmap.channel.get(tp.channel)
    own_team = tp.team if tp.team and (not channel or tp.team != channel.team) else ""
    return Card(
        number,
        tp,
        fills[tp.channel],
        ", ".join(style.screen_tags(jmap, tp)),
        own_team,
        tp.id in goals,
    )


def _level(score: float) -> int:
    return max(-2, min(2, math.floor(score + 0.5)))


def _grid(cell: tuple[tuple[int, float | None], ...]) -> list[list[float | None]]:
    """A cell's emotion grid: a row per level (LEVELS order), each score in its level's row."""
    return [
        [v if v is not None and _level(v) == level else None for _, v in cell] for level in LEVELS
    ]


def _card_title(card: Card) -> str:
    star = f"{style.MOMENT_OF_TRUTH} " if card.tp.moment_of_truth else ""
    return f"{card.number}. {star}{card.tp.label}"


def _card_detail(card: Card) -> str:
    parts = [card.screens, f"team {card.team}" if card.team else "", "GOAL" if card.goal else ""]
    return " · ".join(p for p in parts if p)


# --- Graphviz HTML-like table -------------------------------------------------------------

BODY_PT = 9
"""Every text of the poster but its title, in points: the drawing is laid out to print at
this size on A3 (`POSTER_WIDTH` wide), so it needs no shrinking there."""
TITLE_PT = 14
POSTER_WIDTH = sheet(DEFAULT_PAGE, "portrait").area[0] - 20
"""The width the table aims at, in points: A3 portrait inside its margins, less the graph's
padding (8) and room for lines a little wider than `gvlabel.EM_WIDTH` estimates. Columns never
go under `MIN_COLUMN`: a map with many stages draws wider and gets a larger page."""
HEADING = 118
"""The row headings' column, in points (Graphviz widths count padding and border)."""
MIN_COLUMN = 100
PAD = 1
"""Padding inside every cell of the poster's table, in points."""
LEVEL_WIDTH = 18
"""An emotion cell's width, in points: room for `+1.5` at `BODY_PT`."""


def swimlane_graph(sw: Swimlane, page: Page):
    """The poster as a graphviz.Digraph holding one table node."""
    import graphviz

    column = max(MIN_COLUMN, (POSTER_WIDTH - HEADING) / max(1, len(sw.stages)))
    text = column - 2 * PAD - 2  # inside a cell: less padding and borders
    head = (
        f'<TD BGCOLOR="#333333" WIDTH="{HEADING}" ALIGN="LEFT"><FONT COLOR="white">'
        "<B>Stage</B></FONT></TD>"
    ) + "".join(
        f'<TD BGCOLOR="#333333" WIDTH="{column:.0f}" ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP">'
        f'<FONT COLOR="white"><B>{gv.fitted(name, text, BODY_PT, bold=True)}</B>'
        + (f"<BR/>{gv.fitted(goal, text, BODY_PT)}" if goal else "")
        + "</FONT></TD>"
        for name, goal in sw.stages
    )
    rows = [f"<TR>{head}</TR>"]
    for lane in sw.lanes:
        cells = "".join(f'<TD VALIGN="TOP">{_gv_cards(cards, text)}</TD>' for cards in lane.cells)
        rows.append(f"<TR>{_gv_heading(lane.title, lane.subtitle, lane.fill)}{cells}</TR>")
    for lane in sw.emotions:
        cells = "".join(f'<TD VALIGN="TOP">{_gv_grid(cell)}</TD>' for cell in lane.cells)
        rows.append(f"<TR>{_gv_heading(lane.title, '+2 top, -2 bottom', '#FFFFFF')}{cells}</TR>")
    for lane in sw.notes:
        cells = "".join(
            '<TD VALIGN="TOP" ALIGN="LEFT" BALIGN="LEFT">'
            + (
                gv.fitted(", ".join(cell), text, BODY_PT, hyphens=True)
                if lane.listed
                else "<BR/>".join(gv.fitted(t, text, BODY_PT) for t in cell)
            )
            + "</TD>"
            for cell in lane.cells
        )
        rows.append(f"<TR>{_gv_heading(lane.title, '', '#F4F4F4')}{cells}</TR>")
    width = HEADING + column * len(sw.stages)
    rows.append(
        f'<TR><TD COLSPAN="{len(sw.stages) + 1}" ALIGN="LEFT">{_gv_legend(sw, width)}</TD></TR>'
    )
    table = (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" '
        f'CELLPADDING="{PAD}" COLOR="#999999">' + "".join(rows) + "</TABLE>>"
    )
    g = graphviz.Digraph(name="swimlane")
    g.attr(
        size=page.graphviz_size,
        fontname=style.FONT,
        labelloc="t",
        labeljust="l",
        label=gv.text_label(sw.title, bold=True, size=TITLE_PT),
    )
    g.node(
        "_swimlane",
        label=table,
        shape="plaintext",
        margin="0",
        fontname=style.FONT,
        fontsize=str(BODY_PT),
    )
    return g


def _gv_heading(title: str, subtitle: str, fill: str) -> str:
    text = HEADING - 2 * PAD - 2
    sub = f"<BR/>{gv.fitted(subtitle, text, BODY_PT, hyphens=True)}" if subtitle else ""
    return (
        f'<TD BGCOLOR="{fill}" ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP">'
        f'<FONT COLOR="{style.ink(fill)}"><B>{gv.fitted(title, text, BODY_PT, bold=True)}</B>'
        f"{sub}</FONT></TD>"
    )


def _gv_cards(cards: tuple[Card, ...], width: float) -> str:
    """A cell's cards stacked, their text wrapped to `width` less a card's border and padding."""
    if not cards:
        return " "
    text = width - 12
    rows = "".join(
        '<TR><TD VALIGN="TOP">'
        + _gv_card(
            _card_title(card), _card_detail(card), card.fill, card.tp.engagement, card.goal, text
        )
        + "</TD></TR>"
        for card in cards
    )
    return f'<TABLE BORDER="0" CELLSPACING="1" CELLPADDING="0">{rows}</TABLE>'


def _gv_card(
    title: str, detail: str, fill: str, engagement: str, goal: bool, width: float = 0
) -> str:
    """A card: border by engagement (green when a goal), text in the fill's ink, wrapped to
    `width` points (0: one line)."""
    border, line = style.ENGAGEMENT_BORDER.get(engagement, ("solid", 1.0))
    dashed = ' STYLE="dashed"' if border == "dashed" else ' STYLE="rounded"'
    colour = style.GOAL_COLOUR if goal else style.BLACK

    def fit(text: str, bold: bool = False) -> str:
        return gv.fitted(text, width, BODY_PT, bold) if width else gv.esc(text)

    small = f"<BR/>{fit(detail)}" if detail else ""
    return (
        f'<TABLE BORDER="{line:.0f}"{dashed} COLOR="{colour}" '
        f'CELLBORDER="0" BGCOLOR="{fill}" CELLPADDING="1">'
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT COLOR="{style.ink(fill)}">'
        f"<B>{fit(title, bold=True)}</B>{small}</FONT></TD></TR></TABLE>"
    )


def _gv_grid(cell: tuple[tuple[int, float | None], ...]) -> str:
    if not cell:
        return " "
    head = "".join(f"<TD>{n}</TD>" for n, _ in cell)
    rows = [f"<TR>{head}</TR>"]
    for scores in _grid(cell):
        tds = (
            _gv_level(style.score(v), style.emotion_colour(v))
            if v is not None
            else f'<TD WIDTH="{LEVEL_WIDTH}" BGCOLOR="#FAFAFA"> </TD>'
            for v in scores
        )
        rows.append("<TR>" + "".join(tds) + "</TR>")
    return '<TABLE BORDER="0" CELLSPACING="1" CELLPADDING="0">' + "".join(rows) + "</TABLE>"


def _gv_level(text: str, fill: str) -> str:
    """An emotion cell: `text` in the fill's ink."""
    return (
        f'<TD BGCOLOR="{fill}" WIDTH="{LEVEL_WIDTH}"><FONT COLOR="{style.ink(fill)}">'
        f"{gv.esc(text)}</FONT></TD>"
    )


def _gv_legend(sw: Swimlane, width: float) -> str:
    """The legend in `width` points: channel fills, sample cards (borders, ★, goal) and the
    emotion scale, each after its bold heading, flowed onto as few lines as fit."""
    channels = [
        (
            f'<TD BGCOLOR="{lane.fill}" BORDER="1" WIDTH="14" HEIGHT="12"></TD>'
            f'<TD ALIGN="LEFT">{gv.esc(lane.title)}</TD>',
            gv.text_width(lane.title, BODY_PT) + 26,
        )
        for lane in sw.lanes
    ]
    cards = [
        (
            f"<TD>{_gv_card(text, '', style.WHITE, engagement, goal)}</TD>"
            f'<TD ALIGN="LEFT">{gv.esc(meaning)}</TD>',
            gv.text_width(text, BODY_PT, bold=True) + gv.text_width(meaning, BODY_PT) + 26,
        )
        for text, meaning, engagement, goal in LEGEND_CARDS
    ]
    scale = [
        (
            f"{_gv_level(style.score(level), style.emotion_colour(level))}"
            f'<TD ALIGN="LEFT">{FEELINGS[level]}</TD>',
            LEVEL_WIDTH + gv.text_width(FEELINGS[level], BODY_PT) + 8,
        )
        for level in LEVELS
    ]
    entries = []
    for title, group in zip(LEGEND_GROUPS, (channels, cards, scale), strict=True):
        if group:  # the heading stays on the line of the group's first entry
            (first, size), *rest = group
            heading = f'<TD WIDTH="12"></TD><TD ALIGN="LEFT"><B>{gv.esc(title)}</B></TD>'
            entries += [(heading + first, gv.text_width(title, BODY_PT, True) + 20 + size)]
            entries += rest
    return _gv_entries(entries, width - 8)


def _gv_entries(entries: list[tuple[str, float]], width: float) -> str:
    """Legend entries (cells, their width) in order, as many to a line as fit in `width`.
    Each line ends in an empty cell as wide as the room left, so that stretching a line to
    the legend's width (as Graphviz does) widens that cell and leaves the entries as drawn."""
    lines: list[tuple[list[str], float]] = [([], 0.0)]
    for cells, size in entries:
        if lines[-1][0] and lines[-1][1] + size > width:
            lines.append(([], 0.0))
        lines[-1][0].append(cells)
        lines[-1] = (lines[-1][0], lines[-1][1] + size)
    rows = "".join(
        '<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1">'
        f'<TR>{"".join(line)}<TD WIDTH="{max(1, width - used):.0f}"></TD></TR></TABLE></TD></TR>'
        for line, used in lines
    )
    return f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>'


# --- HTML table (the report) --------------------------------------------------------------


def swimlane_html(sw: Swimlane) -> str:
    """The poster as an HTML table styled by the report's CSS, its legend in the table's foot."""
    head = "<th>Stage</th>" + "".join(
        f"<th>{escape(name)}" + (f"<small>{escape(goal)}</small>" if goal else "") + "</th>"
        for name, goal in sw.stages
    )
    rows = [f"<thead><tr>{head}</tr></thead><tbody>"]
    for lane in sw.lanes:
        cells = "".join(f"<td>{''.join(map(_html_card, cards))}</td>" for cards in lane.cells)
        rows.append(
            f'<tr><th style="{_html_fill(lane.fill)}">{escape(lane.title)}'
            f"<small>{escape(lane.subtitle)}</small></th>{cells}</tr>"
        )
    for lane in sw.emotions:
        cells = "".join(f"<td>{_html_grid(cell)}</td>" for cell in lane.cells)
        rows.append(f'<tr class="emotion"><th>{escape(lane.title)}</th>{cells}</tr>')
    for lane in sw.notes:
        cells = "".join(
            "<td><ul>" + "".join(f"<li>{escape(t)}</li>" for t in cell) + "</ul></td>"
            if cell
            else "<td></td>"
            for cell in lane.cells
        )
        rows.append(f'<tr class="notes"><th>{escape(lane.title)}</th>{cells}</tr>')
    rows.append("</tbody>")
    rows.append(
        f'<tfoot><tr><td colspan="{len(sw.stages) + 1}">{_html_legend(sw)}</td></tr></tfoot>'
    )
    return '<table class="swimlane">' + "".join(rows) + "</table>"


def _html_fill(fill: str) -> str:
    """Inline style for a fill with its ink."""
    return f"background:{fill};color:{style.ink(fill)}"


def _html_card(card: Card) -> str:
    return _html_box(
        _card_title(card), _card_detail(card), card.fill, card.tp.engagement, card.goal
    )


def _html_box(title: str, detail: str, fill: str, engagement: str, goal: bool) -> str:
    classes = ["card", engagement] + (["goal"] if goal else [])
    return (
        f'<div class="{" ".join(classes)}" style="{_html_fill(fill)}">'
        f"<b>{escape(title)}</b>"
        + (f"<small>{escape(detail)}</small>" if detail else "")
        + "</div>"
    )


def _html_grid(cell: tuple[tuple[int, float | None], ...]) -> str:
    if not cell:
        return ""
    head = "".join(f"<th>{n}</th>" for n, _ in cell)
    rows = [f"<tr>{head}</tr>"]
    for scores in _grid(cell):
        tds = "".join(
            _html_level(style.score(v), style.emotion_colour(v)) if v is not None else "<td></td>"
            for v in scores
        )
        rows.append(f"<tr>{tds}</tr>")
    return '<table class="grid">' + "".join(rows) + "</table>"


def _html_level(text: str, fill: str) -> str:
    return f'<td style="{_html_fill(fill)}">{escape(text)}</td>'


def _html_legend(sw: Swimlane) -> str:
    """The legend: channel fills, card borders, ★ and goal, the emotion scale."""
    channels = [
        f'<li><span class="swatch" style="background:{lane.fill}"></span>{escape(lane.title)}</li>'
        for lane in sw.lanes
    ]
    cards = [
        f"<li>{_html_box(text, '', style.WHITE, engagement, goal)}{escape(meaning)}</li>"
        for text, meaning, engagement, goal in LEGEND_CARDS
    ]
    scale = [
        f'<li><table class="grid"><tr>'
        f"{_html_level(style.score(level), style.emotion_colour(level))}</tr></table>"
        f"{FEELINGS[level]}</li>"
        for level in LEVELS
    ]
    groups = zip(LEGEND_GROUPS, (channels, cards, scale), strict=True)
    body = "".join(
        f"<div><b>{title}</b><ul>{''.join(items)}</ul></div>" for title, items in groups if items
    )
    return f'<div class="legend">{body}</div>'
