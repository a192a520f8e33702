"""What the workshop report shows, gathered from a map into typed records for the templates.

Figures that depend on who walks the journey are kept per *view*: `""` is the map's own
weights ("Everyone"), any other key a persona id. The page shows one view at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from journeyctl.core.model import EXIT, Duration, JourneyMap, Persona, Touchpoint, Transition
from journeyctl.gaps.model import Gap
from journeyctl.render import style

EVERYONE = ""
"""The view of the map's own weights (persona ids are never empty)."""

PersonaValues = tuple[tuple[str, str], ...]
"""(view key, text shown for that view), one pair per view in switcher order."""


@dataclass(frozen=True)
class View:
    """An entry of the persona switcher."""

    key: str
    name: str


@dataclass(frozen=True)
class PersonaCard:
    """A persona as the room needs to know them, with their exact conversion."""

    key: str
    name: str
    description: str
    starts_as: str
    needs: tuple[str, ...]
    goals: tuple[str, ...]
    channel_affinity: tuple[str, ...]
    screen_affinity: tuple[str, ...]
    opted_out: tuple[str, ...]
    owns: tuple[str, ...]
    not_interested: tuple[str, ...]
    entry: tuple[str, ...]
    conversion: str


@dataclass(frozen=True)
class ChannelCard:
    """A channel the touchpoints use: its colour in every figure, kind and owner."""

    id: str
    name: str
    fill: str
    type: str
    team: str
    description: str


@dataclass(frozen=True)
class Move:
    """A move out of a touchpoint: where to, its weight and each view's probability."""

    target: str
    label: str
    weight: str
    probability: PersonaValues
    handoff: str
    note: str
    duration: str


@dataclass(frozen=True)
class GapPin:
    """A gap shown on a touchpoint card, linking to its row in the gap list."""

    anchor: str
    code: str
    severity: str
    view: str


@dataclass(frozen=True)
class TouchpointCard:
    """Everything the map says about a touchpoint, plus its figures per view and its gaps."""

    id: str
    number: int
    name: str
    description: str
    stage: str
    channel: str
    channel_name: str
    fill: str
    ink: str
    """Black or white, whichever reads better on `fill`."""
    screens: tuple[str, ...]
    engagement: str
    initiated: str
    two_way: bool
    measurable: bool
    moment_of_truth: bool
    goal: bool
    kpis: tuple[str, ...]
    team: str
    value: tuple[str, ...]
    offers: tuple[str, ...]
    duration: str
    pain_points: tuple[str, ...]
    opportunities: tuple[str, ...]
    emotion: PersonaValues
    reach: PersonaValues
    moves_out: tuple[Move, ...]
    moves_in: tuple[tuple[str, str], ...]
    """(id, label) of the touchpoints that move here."""
    gaps: tuple[GapPin, ...]


@dataclass(frozen=True)
class StageColumn:
    id: str
    name: str
    description: str
    customer_goal: str
    cards: tuple[TouchpointCard, ...]


@dataclass(frozen=True)
class Evidence:
    where: str
    note: str


@dataclass(frozen=True)
class GapRow:
    """One finding of `journeyctl gaps`, with its view (`""`: it holds for every persona)."""

    anchor: str
    code: str
    slug: str
    severity: str
    view: str
    persona: str
    stage_id: str
    stage: str
    touchpoints: tuple[tuple[str, str], ...]
    """(id, label) of each touchpoint the gap names."""
    message: str
    recommendation: str
    impact: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Figures:
    """The diagrams, already drawn as HTML or inline SVG by `journeyctl.render`."""

    flows: tuple[tuple[str, str], ...]
    """(view key, flow figure) per view drawn."""
    flow_note: str
    """Why the flow figure is missing or shown for fewer views; empty when it is not."""
    swimlane: str
    emotion: str
    funnels: tuple[tuple[str, str], ...]
    """(view key, funnel) per view, with `--simulate`."""
    funnel_note: str


@dataclass(frozen=True)
class Report:
    """The whole page's content."""

    title: str
    description: str
    facts: tuple[tuple[str, str], ...]
    counts: tuple[tuple[str, int], ...]
    views: tuple[View, ...]
    start: str
    personas: tuple[PersonaCard, ...]
    channels: tuple[ChannelCard, ...]
    stages: tuple[StageColumn, ...]
    gaps: tuple[GapRow, ...]
    gap_tally: str
    figures: Figures


def views_of(jmap: JourneyMap) -> tuple[View, ...]:
    """The switcher's entries: the map's own weights, then each persona in map order."""
    everyone = View(EVERYONE, "Everyone (map weights)")
    return (everyone, *(View(p.id, p.name or p.id) for p in jmap.personas))


def gather(
    jmap: JourneyMap,
    persona: str | None,
    gaps: Sequence[Gap],
    gap_tally: str,
    chains: dict[str, Callable[[str, str], float]],
    reach: dict[str, dict[str, float]],
    conversion: dict[str, float],
    figures: Figures,
) -> Report:
    """The report's records from the map, its gaps, each view's move probabilities
    (`chains[key](src, dst)`), reach and conversion, and the figures drawn."""
    j = jmap.journey
    assert j is not None
    views = views_of(jmap)
    rows = _gap_rows(jmap, gaps)
    pins: dict[str, list[GapPin]] = {}
    for row in rows:
        for tid, _ in row.touchpoints:
            pins.setdefault(tid, []).append(GapPin(row.anchor, row.code, row.severity, row.view))
    ordered = style.ordered_touchpoints(jmap)
    numbers = {t.id: i + 1 for i, t in enumerate(ordered)}
    sources: dict[str, list[str]] = {}
    for tp in ordered:
        for move in tp.next:
            sources.setdefault(move.target, []).append(tp.id)
    fills = style.channel_fills(jmap)
    goals = set(j.goal)

    def card(tp: Touchpoint) -> TouchpointCard:
        return TouchpointCard(
            id=tp.id,
            number=numbers[tp.id],
            name=tp.label,
            description=tp.description,
            stage=tp.stage,
            channel=tp.channel,
            channel_name=style.channel_name(jmap, tp.channel),
            fill=(fill := _colour(fills.get(tp.channel, ""))),
            ink=style.ink(fill),
            screens=tuple(style.screen_tags(jmap, tp)),
            engagement=tp.engagement,
            initiated=_initiated(tp),
            two_way=tp.two_way,
            measurable=tp.measurable,
            moment_of_truth=tp.moment_of_truth,
            goal=tp.id in goals,
            kpis=tp.kpis,
            team=jmap.team_of(tp),
            value=tp.value,
            offers=tp.offers,
            duration=_duration(tp.duration),
            pain_points=tp.pain_points,
            opportunities=tp.opportunities,
            emotion=tuple((v.key, _emotion(tp.emotion_for(v.key or None))) for v in views),
            reach=tuple((v.key, style.percent(reach[v.key].get(tp.id, 0.0))) for v in views),
            moves_out=tuple(_move(jmap, tp.id, m, views, chains) for m in tp.next),
            moves_in=tuple((s, _label(jmap, s)) for s in dict.fromkeys(sources.get(tp.id, ()))),
            gaps=tuple(pins.get(tp.id, ())),
        )

    stages = tuple(
        StageColumn(
            s.id,
            s.name or s.id,
            s.description,
            s.customer_goal,
            tuple(card(t) for t in ordered if t.stage == s.id),
        )
        for s in jmap.stages
    )
    facts = [("Goal", j.goal_description or ", ".join(_label(jmap, g) for g in j.goal))]
    facts += [("Owner", j.owner)] if j.owner else []
    facts.append(("Kind", j.kind))
    tps = jmap.touchpoints
    counts = (
        ("Stages", len(jmap.stages)),
        ("Touchpoints", len(tps)),
        ("Channels", len({t.channel for t in tps})),
        ("Personas", len(jmap.personas)),
        ("Moments of truth", sum(t.moment_of_truth for t in tps)),
        ("Pain points", sum(len(t.pain_points) for t in tps)),
        ("Opportunities", sum(len(t.opportunities) for t in tps)),
        ("Gaps", len(rows)),
    )
    return Report(
        title=jmap.name,
        description=j.description,
        facts=tuple(facts),
        counts=counts,
        views=views,
        start=persona or EVERYONE,
        personas=tuple(_persona(jmap, p, conversion[p.id]) for p in jmap.personas),
        channels=tuple(_channel(jmap, cid, fill) for cid, fill in fills.items()),
        stages=stages,
        gaps=rows,
        gap_tally=gap_tally,
        figures=figures,
    )


def _colour(fill: str) -> str:
    """`fill` when it is a hex colour, else a neutral grey: it goes into a style attribute."""
    return fill if re.fullmatch(r"#[0-9A-Fa-f]{6}", fill) else "#DDDDDD"


def _channel(jmap: JourneyMap, cid: str, fill: str) -> ChannelCard:
    c = jmap.channel.get(cid)
    name = style.channel_name(jmap, cid)
    if c is None:
        return ChannelCard(cid, name, _colour(fill), "", "", "")
    return ChannelCard(cid, name, _colour(fill), c.type, c.team, c.description)


def _label(jmap: JourneyMap, tid: str) -> str:
    return jmap.touchpoint[tid].label if tid in jmap.touchpoint else tid


def _initiated(tp: Touchpoint) -> str:
    if tp.initiated_by != "brand":
        return "customer"
    return "brand (invitation)" if tp.invitation else "brand (push)"


def _emotion(score: float | None) -> str:
    return "–" if score is None else style.score(score)


def _duration(d: Duration | None) -> str:
    """A duration in words: `0.1 h`, `exponential, mean 0.1 h`, `lognormal, median 240 h, σ 0.5`."""
    if d is None:
        return ""
    if d.distribution == "exponential":
        return f"exponential, mean {d.hours:g} h"
    if d.distribution == "lognormal":
        return f"lognormal, median {d.hours:g} h, σ {d.sigma:g}"
    return f"{d.hours:g} h"


def _move(jmap: JourneyMap, src: str, m: Transition, views, chains) -> Move:
    handoff = m.handoff if isinstance(m.handoff, str) else ("yes" if m.handoff else "")
    return Move(
        target=m.target,
        label="exit" if m.target == EXIT else _label(jmap, m.target),
        weight=f"{m.weight:g}",
        probability=tuple((v.key, style.probability(chains[v.key](src, m.target))) for v in views),
        handoff=handoff,
        note=m.note,
        duration=_duration(m.duration),
    )


def _persona(jmap: JourneyMap, p: Persona, conversion: float) -> PersonaCard:
    def channel(cid: str) -> str:
        return style.channel_name(jmap, cid)

    def screen(sid: str) -> str:
        s = jmap.screen.get(sid)
        return s.name if s and s.name else sid

    return PersonaCard(
        key=p.id,
        name=p.name or p.id,
        description=p.description,
        starts_as=p.starts_as,
        needs=p.needs,
        goals=p.goals,
        channel_affinity=tuple(f"{channel(c)} ×{a:g}" for c, a in p.channel_affinity.items()),
        screen_affinity=tuple(f"{screen(s)} ×{a:g}" for s, a in p.screen_affinity.items()),
        opted_out=tuple(channel(c) for c in p.opted_out),
        owns=p.owns,
        not_interested=p.not_interested,
        entry=tuple(_label(jmap, m.target) for m in p.entry),
        conversion=style.percent(conversion),
    )


def _gap_rows(jmap: JourneyMap, gaps: Sequence[Gap]) -> tuple[GapRow, ...]:
    rows = []
    for i, g in enumerate(gaps, 1):
        stage = jmap.stage.get(g.stage or "")
        person = jmap.persona.get(g.persona or "")
        rows.append(
            GapRow(
                anchor=f"gap-{i}",
                code=g.code,
                slug=g.slug,
                severity=g.severity.label,
                view=g.persona or EVERYONE,
                persona=(person.name or person.id) if person else (g.persona or "all personas"),
                stage_id=g.stage or "",
                stage=(stage.name or stage.id) if stage else (g.stage or ""),
                touchpoints=tuple((t, _label(jmap, t)) for t in g.touchpoints),
                message=g.message,
                recommendation=g.recommendation,
                impact=f"{g.impact:.0%}",
                evidence=tuple(
                    Evidence(f"{e.span.file}:{e.span.line}", e.note) for e in g.evidence
                ),
            )
        )
    return tuple(rows)
