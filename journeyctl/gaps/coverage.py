"""Coverage gaps: a stage that offers none of a persona's preferred channels or screens.

A persona prefers a channel or screen when its affinity is above 1. One gap per persona, stage
and kind (channel or screen) says the stage offers none of them, so a stage built for desktop
web is one gap for the smartphone-first persona, not one per missing channel. Only channels the
brand can open in any stage count: paid and earned channels (ads, search, reviews) belong to
the stages where attention is bought or earned, and missing them later is not a gap.
A preference of 2 or more unmet is a warning, a milder one info.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from journeyctl.findings import Severity
from journeyctl.gaps.context import Context
from journeyctl.gaps.model import Evidence, Gap, GapType
from journeyctl.model import JourneyMap, Persona, Touchpoint

CHANNEL = GapType("G101", "preferred-channel-missing", "coverage", Severity.WARNING,
                  "A stage has no touchpoint on any of a persona's preferred channels.")
SCREEN = GapType("G102", "preferred-screen-missing", "coverage", Severity.WARNING,
                 "A stage has no touchpoint on any of a persona's preferred screens.")
TYPES = (CHANNEL, SCREEN)

PREFERRED = 1.0
"""Affinity above this is a preference."""
STRONG = 2.0
"""An unmet preference this strong or stronger is a warning."""
OUTSIDE = ("paid", "earned")
"""Channel types that do not count for coverage."""


@dataclass(frozen=True, slots=True)
class _Kind:
    type: GapType
    field: str  # the persona's affinity field
    noun: str

    def of(self, tp: Touchpoint) -> tuple[str, ...]:
        return (tp.channel,) if self.field == "channel_affinity" else tp.screens


_KINDS = (_Kind(CHANNEL, "channel_affinity", "channel"), _Kind(SCREEN, "screen_affinity", "screen"))


def find(ctx: Context) -> Iterator[Gap]:
    jmap = ctx.jmap
    for persona in ctx.personas:
        for kind in _KINDS:
            preferred = _preferred(persona, kind.field)
            if kind.field == "channel_affinity":
                preferred = {k: v for k, v in preferred.items() if _anywhere(jmap, k)}
            if not preferred:
                continue
            for stage in jmap.stages:
                tps = jmap.touchpoints_in(stage.id)
                offered = {x for tp in tps for x in kind.of(tp)}
                if tps and not offered & set(preferred):
                    yield _gap(jmap, ctx, persona, stage.id, kind, preferred, offered)


def _anywhere(jmap: JourneyMap, channel: str) -> bool:
    """Whether the brand could put a touchpoint on `channel` in any stage."""
    ch = jmap.channel.get(channel)
    return ch is not None and ch.type not in OUTSIDE


def _preferred(persona: Persona, field: str) -> dict[str, float]:
    """Preferred ids to affinity, strongest first."""
    affinity = getattr(persona, field)
    ranked = sorted(affinity.items(), key=lambda kv: (-kv[1], kv[0]))
    return {k: v for k, v in ranked if v > PREFERRED}


def _gap(jmap: JourneyMap, ctx: Context, persona: Persona, stage: str, kind: _Kind,
         preferred: dict[str, float], offered: set[str]) -> Gap:
    likes = ", ".join(f"{k} (affinity {v:g})" for k, v in preferred.items())
    them = "it" if len(preferred) == 1 else "any of them"
    name = jmap.stage[stage].name or stage
    evidence = [Evidence(persona.at(f"{kind.field}:{k}"), f"`{persona.id}` prefers {k} ({v:g})")
                for k, v in preferred.items()]
    evidence.append(Evidence(jmap.stage[stage].span, f"stage `{stage}` offers "
                             f"{', '.join(sorted(offered)) or f'no {kind.noun}s'}"))
    best = next(iter(preferred))
    return kind.type.gap(
        f"{persona.id} prefers {likes}; no touchpoint in {name} uses {them}",
        f"add a {name} touchpoint on {best}, or make an existing one work there",
        persona=persona.id,
        stage=stage,
        evidence=tuple(evidence),
        severity=Severity.WARNING if preferred[best] >= STRONG else Severity.INFO,
        impact=ctx.reach(persona.id, stage),
        figures={f"affinity.{k}": v for k, v in preferred.items()},
    )


def matrix(jmap: JourneyMap, personas: tuple[Persona, ...]) -> list[dict]:
    """The coverage matrix: persona × stage × channel × screen with touchpoint counts.

    Channels and screens that no touchpoint uses and no persona prefers are left out; a
    touchpoint with no screens counts under screen "". Rows carry the persona's affinities.
    """
    used_ch = {tp.channel for tp in jmap.touchpoints}
    used_sc = {s for tp in jmap.touchpoints for s in tp.screens}
    liked_ch = {c for p in personas for c in _preferred(p, "channel_affinity")}
    liked_sc = {s for p in personas for s in _preferred(p, "screen_affinity")}
    channels = [c.id for c in jmap.channels if c.id in used_ch | liked_ch]
    screens = [s.id for s in jmap.screens if s.id in used_sc | liked_sc]
    if any(not tp.screens for tp in jmap.touchpoints):
        screens.append("")
    counts: dict[tuple[str, str, str], int] = {}
    for tp in jmap.touchpoints:
        for screen in tp.screens or ("",):
            key = (tp.stage, tp.channel, screen)
            counts[key] = counts.get(key, 0) + 1
    rows = []
    for p in personas or (None,):
        for stage in jmap.stages:
            for ch in channels:
                for sc in screens:
                    rows.append({
                        "persona": p.id if p else "",
                        "stage": stage.id,
                        "channel": ch,
                        "screen": sc,
                        "touchpoints": counts.get((stage.id, ch, sc), 0),
                        "channel_affinity": p.channel_affinity.get(ch, 1.0) if p else 1.0,
                        "screen_affinity": p.screen_affinity.get(sc, 1.0) if p and sc else 1.0,
                    })
    return rows
