"""Coverage gaps: a stage that offers none of a persona's preferred channels or screens.

A persona prefers a channel or screen when its affinity is above 1. One gap per persona and stage
says the stage offers none of its preferred screens (G102) or, else, channels (G101), so a
stage built for desktop web is one gap for the smartphone-first persona, not one per missing
channel or device. Only channels the
brand can open in any stage count: paid and earned channels (ads, search, reviews) belong to
the stages where attention is bought or earned, and missing them later is not a gap. Channels
are not checked in the stages where walks start: a stranger meets the brand wherever the
brand found them.
A persona can still use another channel, so a channel gap is info; a screen gap is a warning
when the preference is 2 or more (the stage does not work on the device they use), else info.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from journeyctl.core.findings import Severity
from journeyctl.core.model import JourneyMap, Persona, Touchpoint
from journeyctl.gaps.context import Context
from journeyctl.gaps.model import Evidence, Gap, GapType

CHANNEL = GapType(
    "G101",
    "preferred-channel-missing",
    "coverage",
    Severity.INFO,
    """A stage has no touchpoint on any of a persona's preferred channels.

    A persona prefers a channel when its affinity is above 1. Only channels the brand could open
    in any stage count (not `paid` or `earned` ones), and stages where walks start are not
    checked. The persona can still use another channel (so: info); to meet them on a preferred
    one, add a touchpoint on it to the stage, or make an existing one work there.
    """,
)
SCREEN = GapType(
    "G102",
    "preferred-screen-missing",
    "coverage",
    Severity.WARNING,
    """A stage has no touchpoint on any of a persona's preferred screens.

    The stage may not work on the device the persona lives on: a warning when the strongest
    preference is 2 or more, else info. A stage that misses both is one G102 that names the
    channels too. Add a touchpoint on a preferred screen, or make an existing one work there.
    """,
)
TYPES = (CHANNEL, SCREEN)

PREFERRED = 1.0
"""Affinity above this is a preference."""
STRONG = 2.0
"""An unmet screen preference this strong or stronger is a warning."""
OUTSIDE = ("paid", "earned")
"""Channel types that do not count for coverage."""


@dataclass(frozen=True, slots=True)
class _Kind:
    type: GapType
    field: str  # the persona's affinity field
    noun: str

    def of(self, tp: Touchpoint) -> tuple[str, ...]:
        return (tp.channel,) if self.field == "channel_affinity" else tp.screens


SCREENS = _Kind(SCREEN, "screen_affinity", "screen")
CHANNELS = _Kind(CHANNEL, "channel_affinity", "channel")


@dataclass(frozen=True, slots=True)
class _Miss:
    """A persona's preferences of one kind, strongest first, none of which a stage offers."""

    kind: _Kind
    preferred: dict[str, float]
    offered: frozenset[str]

    @property
    def likes(self) -> str:
        return ", ".join(f"{k} (affinity {v:g})" for k, v in self.preferred.items())

    @property
    def best(self) -> str:
        return next(iter(self.preferred))


def find(ctx: Context) -> Iterator[Gap]:
    jmap = ctx.jmap
    entry = jmap.journey.entry if jmap.journey else ()
    first = {jmap.touchpoint[e.target].stage for e in entry if e.target in jmap.touchpoint}
    for persona in ctx.personas:
        screens = _preferred(persona, SCREENS.field)
        channels = {
            k: v for k, v in _preferred(persona, CHANNELS.field).items() if _anywhere(jmap, k)
        }
        for stage in jmap.stages:
            tps = jmap.touchpoints_in(stage.id)
            misses = []
            for kind, preferred in ((SCREENS, screens), (CHANNELS, channels)):
                if not tps or not preferred or (kind is CHANNELS and stage.id in first):
                    continue
                offered = frozenset(x for tp in tps for x in kind.of(tp))
                if not offered & set(preferred):
                    misses.append(_Miss(kind, preferred, offered))
            if misses:
                yield _gap(ctx, persona, stage.id, misses)


def _anywhere(jmap: JourneyMap, channel: str) -> bool:
    """Whether the brand could put a touchpoint on `channel` in any stage."""
    ch = jmap.channel.get(channel)
    return ch is not None and ch.type not in OUTSIDE


def _preferred(persona: Persona, field: str) -> dict[str, float]:
    """Preferred ids to affinity, strongest first."""
    affinity = getattr(persona, field)
    ranked = sorted(affinity.items(), key=lambda kv: (-kv[1], kv[0]))
    return {k: v for k, v in ranked if v > PREFERRED}


def _gap(ctx: Context, persona: Persona, stage: str, misses: list[_Miss]) -> Gap:
    """One gap for the persona in the stage: the screens it misses (the device does not work
    there), else the channels; a stage that misses both is one gap that names both."""
    main, *also = misses
    name = ctx.jmap.stage[stage].name or stage
    if len(main.preferred) == 1:
        missing = f"no {main.best} touchpoint in {name}"
    else:
        missing = f"no touchpoint in {name} on any of them"
    for m in also:
        missing += f" (nor on its preferred {m.kind.noun}s: {m.likes})"
    evidence = [
        Evidence(persona.at(f"{m.kind.field}:{k}"), f"`{persona.id}` prefers {k} ({v:g})")
        for m in misses
        for k, v in m.preferred.items()
    ]
    evidence += [
        Evidence(
            ctx.jmap.stage[stage].span,
            f"stage `{stage}` offers {m.kind.noun}s {', '.join(sorted(m.offered)) or 'none'}",
        )
        for m in misses
    ]
    strong = main.kind is SCREENS and main.preferred[main.best] >= STRONG
    return main.kind.type.gap(
        f"{persona.id} prefers {main.likes}; {missing}",
        f"add a {name} touchpoint on {' and '.join(m.best for m in misses)}, "
        "or make an existing one work there",
        persona=persona.id,
        stage=stage,
        evidence=tuple(evidence),
        severity=Severity.WARNING if strong else Severity.INFO,
        impact=ctx.reach(persona.id, stage),
        figures={f"affinity.{k}": v for m in misses for k, v in m.preferred.items()},
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
                    rows.append(
                        {
                            "persona": p.id if p else "",
                            "stage": stage.id,
                            "channel": ch,
                            "screen": sc,
                            "touchpoints": counts.get((stage.id, ch, sc), 0),
                            "channel_affinity": p.channel_affinity.get(ch, 1.0) if p else 1.0,
                            "screen_affinity": p.screen_affinity.get(sc, 1.0) if p and sc else 1.0,
                        }
                    )
    return rows
