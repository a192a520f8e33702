"""What every gap family reads: the map, the chosen personas and their flow figures."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from journeyctl.core.model import JourneyMap, Persona
from journeyctl.gaps.flow import PersonaFlow


def walks(walker: str | None, kind: str = "") -> str:
    """`enthusiast's converting walks`, or `converting walks` for the map's own weights."""
    return f"{walker}'s {kind}walks" if walker else f"{kind}walks"


@dataclass(frozen=True)
class Context:
    """The map, the personas being checked and the flow figures of each walker.

    A walker is a persona id, or None for a map without personas (its weights as drawn).
    Figures are shares of a walker's walks (0..1); without flows every figure is 0 and gaps
    rank by severity and code alone.
    """

    jmap: JourneyMap
    personas: tuple[Persona, ...]
    flows: Mapping[str | None, PersonaFlow] = field(default_factory=dict)

    @cached_property
    def walkers(self) -> tuple[str | None, ...]:
        return tuple(p.id for p in self.personas) or (None,)

    def visit(self, walker: str | None, tp: str) -> float:
        """The share of `walker`'s walks that reach touchpoint `tp`."""
        flow = self.flows.get(walker)
        return flow.visit(tp) if flow else 0.0

    def reach(self, walker: str | None, stage: str) -> float:
        """The share of `walker`'s walks that reach any touchpoint of `stage`."""
        flow = self.flows.get(walker)
        return flow.stage_reach.get(stage, 0.0) if flow else 0.0

    def move(self, walker: str | None, src: str, dst: str) -> float:
        """How often `walker`'s walks make the move `src` → `dst` (expected, at most 1)."""
        flow = self.flows.get(walker)
        return flow.move(src, dst) if flow else 0.0

    def widest(self, figure: Callable[[str | None], float]) -> float:
        """The largest `figure(walker)` over the walkers: the impact of a shared gap."""
        return max((figure(w) for w in self.walkers), default=0.0)
