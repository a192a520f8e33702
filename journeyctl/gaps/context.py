"""What every gap family reads: the map, the chosen personas and, when solved, their flows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from journeyctl.model import JourneyMap, Persona


@dataclass(frozen=True)
class Context:
    """The map, the personas being checked and the exact flow figures of each (by persona id).

    Figures are shares of a persona's walks (0..1). Without flows (no solver, or no personas)
    every figure is 0 and gaps rank by severity and code alone.
    """

    jmap: JourneyMap
    personas: tuple[Persona, ...]
    flows: Mapping[str, object] = field(default_factory=dict)

    def visit(self, persona: str, tp: str) -> float:
        """The share of `persona`'s walks that reach touchpoint `tp`."""
        flow = self.flows.get(persona)
        return flow.visit(tp) if flow else 0.0

    def reach(self, persona: str, stage: str) -> float:
        """The share of `persona`'s walks that reach any touchpoint of `stage`."""
        flow = self.flows.get(persona)
        return flow.stage_reach.get(stage, 0.0) if flow else 0.0

    def move(self, persona: str, src: str, dst: str) -> float:
        """The share of `persona`'s walks that make the move `src` → `dst` (expected count)."""
        flow = self.flows.get(persona)
        return flow.move(src, dst) if flow else 0.0

    def widest(self, figure: Callable[[str], float]) -> float:
        """The largest `figure(persona_id)` over the personas: the impact of a shared gap."""
        return max((figure(p.id) for p in self.personas), default=0.0)
