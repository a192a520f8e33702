"""The swimlane view: the journey-map poster of stage columns and channel rows.

Each channel row holds its touchpoints (cards) in their stage column, with screens and owner;
below come one emotion row per persona (a -2..+2 dot grid, columns numbered like the cards),
then pain points, opportunities and the teams involved in each stage. One `Swimlane` is drawn
two ways: as a Graphviz HTML-like table (so DOT, SVG, PNG and PDF all work) and as an HTML
table for the report (which then needs no Graphviz).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from journeyctl.core.model import JourneyMap, Touchpoint
from journeyctl.render import gvlabel as gv
from journeyctl.render import style
from journeyctl.render.emotion import Emotions

LEVELS = (2, 1, 0, -1, -2)


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
    """Pain points, opportunities or teams: per stage, short texts."""

    title: str
    cells: tuple[tuple[str, ...], ...]


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

_WRAP = 26


def swimlane_graph(sw: Swimlane, page: style.Page):
    """The poster as a graphviz.Digraph holding one table node."""
    import graphviz

    head = '<TD BGCOLOR="#333333"><FONT COLOR="white"><B>Stage</B></FONT></TD>' + "".join(
        f'<TD BGCOLOR="#333333" VALIGN="TOP"><FONT COLOR="white"><B>{gv.esc(name)}</B>'
        + (f'<BR/><FONT POINT-SIZE="9">{gv.lines(goal, _WRAP + 6)}</FONT>' if goal else "")
        + "</FONT></TD>"
        for name, goal in sw.stages
    )
    rows = [f"<TR>{head}</TR>"]
    for lane in sw.lanes:
        cells = "".join(f'<TD VALIGN="TOP">{_gv_cards(cards)}</TD>' for cards in lane.cells)
        rows.append(f"<TR>{_gv_heading(lane.title, lane.subtitle, lane.fill)}{cells}</TR>")
    for lane in sw.emotions:
        cells = "".join(f'<TD VALIGN="TOP">{_gv_grid(cell)}</TD>' for cell in lane.cells)
        rows.append(f"<TR>{_gv_heading(lane.title, '+2 top, -2 bottom', '#FFFFFF')}{cells}</TR>")
    for lane in sw.notes:
        cells = "".join(
            '<TD VALIGN="TOP" ALIGN="LEFT" BALIGN="LEFT">'
            + "<BR/>".join(f'<FONT POINT-SIZE="9">{gv.lines(t, _WRAP + 4)}</FONT>' for t in cell)
            + "</TD>"
            for cell in lane.cells
        )
        rows.append(f"<TR>{_gv_heading(lane.title, '', '#F4F4F4')}{cells}</TR>")
    table = (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="6" COLOR="#999999">'
        + "".join(rows)
        + "</TABLE>>"
    )
    g = graphviz.Digraph(name="swimlane")
    g.attr(
        size=page.graphviz_size,
        fontname=style.FONT,
        labelloc="t",
        labeljust="l",
        label=gv.text_label(sw.title, bold=True, size=18),
    )
    g.node("_swimlane", label=table, shape="plaintext", fontname=style.FONT, fontsize="11")
    return g


def _gv_heading(title: str, subtitle: str, fill: str) -> str:
    sub = f'<BR/><FONT POINT-SIZE="9">{gv.esc(subtitle)}</FONT>' if subtitle else ""
    return (
        f'<TD BGCOLOR="{fill}" ALIGN="LEFT" BALIGN="LEFT" VALIGN="TOP">'
        f"<B>{gv.lines(title, 18)}</B>{sub}</TD>"
    )


def _gv_cards(cards: tuple[Card, ...]) -> str:
    if not cards:
        return " "
    rows = []
    for card in cards:
        border, width = style.ENGAGEMENT_BORDER.get(card.tp.engagement, ("solid", 1.0))
        dashed = ' STYLE="dashed"' if border == "dashed" else ' STYLE="rounded"'
        colour = style.GOAL_COLOUR if card.goal else "#000000"
        detail = _card_detail(card)
        rows.append(
            f'<TR><TD VALIGN="TOP"><TABLE BORDER="{width:.0f}"{dashed} COLOR="{colour}" '
            f'CELLBORDER="0" BGCOLOR="{card.fill}" CELLPADDING="3">'
            '<TR><TD ALIGN="LEFT" BALIGN="LEFT">'
            f"<B>{gv.lines(_card_title(card), _WRAP)}</B>"
            + (f'<BR/><FONT POINT-SIZE="9">{gv.lines(detail, _WRAP + 6)}</FONT>' if detail else "")
            + "</TD></TR></TABLE></TD></TR>"
        )
    return '<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="0">' + "".join(rows) + "</TABLE>"


def _gv_grid(cell: tuple[tuple[int, float | None], ...]) -> str:
    if not cell:
        return " "
    head = "".join(f'<TD><FONT POINT-SIZE="8">{n}</FONT></TD>' for n, _ in cell)
    rows = [f"<TR>{head}</TR>"]
    for scores in _grid(cell):
        tds = (
            f'<TD BGCOLOR="{style.emotion_colour(v)}" WIDTH="22">'
            f'<FONT POINT-SIZE="8">{gv.esc(style.score(v))}</FONT></TD>'
            if v is not None
            else '<TD WIDTH="22" BGCOLOR="#FAFAFA"> </TD>'
            for v in scores
        )
        rows.append("<TR>" + "".join(tds) + "</TR>")
    return '<TABLE BORDER="0" CELLSPACING="1" CELLPADDING="1">' + "".join(rows) + "</TABLE>"


# --- HTML table (the report) --------------------------------------------------------------


def swimlane_html(sw: Swimlane) -> str:
    """The poster as an HTML table styled by the report's CSS."""
    head = "<th>Stage</th>" + "".join(
        f"<th>{escape(name)}" + (f"<small>{escape(goal)}</small>" if goal else "") + "</th>"
        for name, goal in sw.stages
    )
    rows = [f"<thead><tr>{head}</tr></thead><tbody>"]
    for lane in sw.lanes:
        cells = "".join(f"<td>{''.join(map(_html_card, cards))}</td>" for cards in lane.cells)
        rows.append(
            f'<tr><th style="background:{lane.fill}">{escape(lane.title)}'
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
    return '<table class="swimlane">' + "".join(rows) + "</tbody></table>"


def _html_card(card: Card) -> str:
    classes = ["card", card.tp.engagement] + (["goal"] if card.goal else [])
    detail = _card_detail(card)
    return (
        f'<div class="{" ".join(classes)}" style="background:{card.fill}">'
        f"<b>{escape(_card_title(card))}</b>"
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
            f'<td style="background:{style.emotion_colour(v)}">{escape(style.score(v))}</td>'
            if v is not None
            else "<td></td>"
            for v in scores
        )
        rows.append(f"<tr>{tds}</tr>")
    return '<table class="grid">' + "".join(rows) + "</table>"
