"""The journey map model: typed, immutable data classes built from map files.

Every entity keeps `span` (where its mapping starts) and `spans` (where each of its fields'
values stands), so any later finding, gap or report can point back at the source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from journeyctl.core.span import Span

EXIT = "exit"
"""The reserved target that means leaving the journey."""

SCREEN_CLASSES = ("smartphone", "pc", "tablet", "tv", "in-person", "other")


@dataclass(frozen=True, slots=True)
class Duration:
    """A time distribution in hours: fixed value, exponential mean or lognormal median."""

    distribution: str
    hours: float
    sigma: float = 1.0


@dataclass(frozen=True, slots=True)
class Transition:
    """A weighted move to `target` (a touchpoint id, or `exit`)."""

    target: str
    weight: float
    span: Span
    duration: Duration | None = None
    handoff: bool | str = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Entity:
    """What every identified thing in a map has."""

    id: str
    span: Span
    spans: Mapping[str, Span] = field(repr=False, compare=False)

    def at(self, key: str) -> Span:
        """Where the value of `key` stands, or the entity itself when the key is absent.

        `key:item` addresses inside a field: `screens:0` is the first screen, `next:buy` the key
        `buy` of `next`.
        """
        return self.spans.get(key) or self.spans.get(key.split(":", 1)[0], self.span)


@dataclass(frozen=True, slots=True)
class Stage(Entity):
    name: str = ""
    description: str = ""
    customer_goal: str = ""


@dataclass(frozen=True, slots=True)
class Channel(Entity):
    name: str = ""
    type: str = ""
    team: str = ""
    description: str = ""
    color: str = ""
    """Declared fill colour `#rrggbb` for the diagrams; empty: one from the id."""


@dataclass(frozen=True, slots=True)
class Screen(Entity):
    name: str = ""
    cls: str = "other"


@dataclass(frozen=True, slots=True)
class Persona(Entity):
    name: str = ""
    description: str = ""
    needs: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    channel_affinity: Mapping[str, float] = field(default_factory=dict)
    screen_affinity: Mapping[str, float] = field(default_factory=dict)
    opted_out: tuple[str, ...] = ()
    owns: tuple[str, ...] = ()
    not_interested: tuple[str, ...] = ()
    entry: tuple[Transition, ...] = ()
    """Where this persona's walks start; empty: the journey's entry."""
    starts_as: str = "prospect"

    @property
    def customer(self) -> bool:
        """Whether the persona starts as an existing customer (`starts_as: customer`)."""
        return self.starts_as == "customer"

    def declines(self, tp: Touchpoint) -> bool:
        """Whether this persona never takes up the invitation `tp`: it is on a channel they
        opted out of, or everything it offers they own or are not interested in."""
        unwanted = {*self.owns, *self.not_interested}
        return tp.channel in self.opted_out or (bool(tp.offers) and set(tp.offers) <= unwanted)

    def factor(self, tp: Touchpoint) -> float:
        """The multiplier of moves to `tp`: a(channel) × the largest s(screen) of its screens
        (each 1 when not given); 0 for an invitation this persona `declines`. A push reaches
        the persona even on a channel they opted out of: the design sends it (G301)."""
        if tp.invitation and self.declines(tp):
            return 0.0
        a = self.channel_affinity.get(tp.channel, 1.0)
        return a * max((self.screen_affinity.get(x, 1.0) for x in tp.screens), default=1.0)


@dataclass(frozen=True, slots=True)
class Touchpoint(Entity):
    name: str = ""
    description: str = ""
    stage: str = ""
    channel: str = ""
    screens: tuple[str, ...] = ()
    engagement: str = "passive"
    initiated_by: str = "customer"
    invitation: bool = False
    two_way: bool = False
    measurable: bool = False
    moment_of_truth: bool = False
    kpis: tuple[str, ...] = ()
    team: str = ""
    emotion: float | None = None
    emotion_by_persona: Mapping[str, float] = field(default_factory=dict)
    value: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    next: tuple[Transition, ...] = ()
    duration: Duration | None = None
    pain_points: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def push(self) -> bool:
        """Brand-initiated and not an invitation: the brand sends it, the customer gets it."""
        return self.initiated_by == "brand" and not self.invitation

    def emotion_for(self, persona: str | None) -> float | None:
        """The emotion score for `persona` (its own, else the default)."""
        if persona is not None and persona in self.emotion_by_persona:
            return self.emotion_by_persona[persona]
        return self.emotion


@dataclass(frozen=True, slots=True)
class Journey(Entity):
    name: str = ""
    description: str = ""
    kind: str = "linear"
    goal: tuple[str, ...] = ()
    goal_description: str = ""
    entry: tuple[Transition, ...] = ()
    renewal: str | None = None
    owner: str = ""


@dataclass(frozen=True)
class JourneyMap:
    """A journey with everything its files (and their includes) define.

    `journey` is None for a catalogue checked on its own. `files` lists the files it was built
    from, the root first.
    """

    journey: Journey | None
    stages: tuple[Stage, ...] = ()
    channels: tuple[Channel, ...] = ()
    screens: tuple[Screen, ...] = ()
    personas: tuple[Persona, ...] = ()
    touchpoints: tuple[Touchpoint, ...] = ()
    files: tuple[str, ...] = ()

    def adjusted(
        self, moves: Sequence[Transition], persona: Persona | None
    ) -> list[tuple[str, float]]:
        """`moves` as (target, weight × `persona`'s factor for the target); `exit` unchanged."""
        if persona is None:
            return [(m.target, m.weight) for m in moves]
        return [
            (
                m.target,
                m.weight
                if m.target == EXIT
                else m.weight * persona.factor(self.touchpoint[m.target]),
            )
            for m in moves
        ]

    @cached_property
    def stage(self) -> dict[str, Stage]:
        return {s.id: s for s in self.stages}

    @cached_property
    def channel(self) -> dict[str, Channel]:
        return {c.id: c for c in self.channels}

    @cached_property
    def screen(self) -> dict[str, Screen]:
        return {s.id: s for s in self.screens}

    @cached_property
    def persona(self) -> dict[str, Persona]:
        return {p.id: p for p in self.personas}

    @cached_property
    def touchpoint(self) -> dict[str, Touchpoint]:
        return {t.id: t for t in self.touchpoints}

    @cached_property
    def stage_order(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.stages)}

    @property
    def name(self) -> str:
        return self.journey.name if self.journey else (self.files[0] if self.files else "")

    def team_of(self, tp: Touchpoint) -> str:
        """The team that owns `tp`: its own, else its channel's."""
        ch = self.channel.get(tp.channel)
        return tp.team or (ch.team if ch else "")

    def per_stage(self, values: Mapping[str, float]) -> dict[str, float]:
        """`values` per touchpoint id summed per stage (every stage listed, in map order)."""
        out: dict[str, float] = {s.id: 0 for s in self.stages}
        for tp in self.touchpoints:
            out[tp.stage] = out.get(tp.stage, 0) + values.get(tp.id, 0)
        return out

    def touchpoints_in(self, stage_id: str) -> list[Touchpoint]:
        return [t for t in self.touchpoints if t.stage == stage_id]
