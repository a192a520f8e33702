"""Gaps: where the designed journey fails its personas.

`find_gaps(jmap, personas)` runs every gap family over a valid map and returns a `GapReport`,
worst first. Each family module (coverage, engagement, push, measurement, silos, dropoff)
has `TYPES` (its gap types, G1xx–G6xx) and `find(ctx)`; `observed` turns the comparison with
an event log into G7xx gaps; `formats` and `report` write the report. Imports `core`,
`markov`, `eventlog` and `render` (for the HTML page).
"""

from __future__ import annotations

from collections.abc import Sequence

from journeyctl.core.model import JourneyMap, Persona
from journeyctl.gaps import coverage, dropoff, engagement, measurement, push, silos
from journeyctl.gaps.context import Context
from journeyctl.gaps.flow import persona_flow
from journeyctl.gaps.model import Gap, GapReport, GapType
from journeyctl.markov.chain import get_persona

FAMILY_MODULES = (coverage, engagement, push, measurement, silos, dropoff)
GAP_TYPES: tuple[GapType, ...] = tuple(t for m in FAMILY_MODULES for t in m.TYPES)

__all__ = [
    "GAP_TYPES",
    "Gap",
    "GapReport",
    "GapType",
    "chosen_personas",
    "context_for",
    "find_gaps",
]


def chosen_personas(jmap: JourneyMap, personas: Sequence[str] = ()) -> tuple[Persona, ...]:
    """The personas called `personas`, or all of the map's when empty.

    Raises RequestError for a persona the map does not define.
    """
    return tuple(get_persona(jmap, p) for p in dict.fromkeys(personas)) or jmap.personas


def context_for(jmap: JourneyMap, personas: Sequence[str] = ()) -> Context:
    """The gap context of `jmap` for `personas` (all of the map's when empty), flows solved."""
    chosen = chosen_personas(jmap, personas)
    walkers = tuple(p.id for p in chosen) or (None,)
    return Context(jmap, chosen, {w: persona_flow(jmap, w) for w in walkers})


def find_gaps(jmap: JourneyMap, personas: Sequence[str] = ()) -> GapReport:
    """Every gap of `jmap` for `personas` (all of the map's when empty), worst first."""
    ctx = context_for(jmap, personas)
    report = GapReport(
        map_name=jmap.name,
        files=jmap.files,
        personas=tuple(p.id for p in ctx.personas),
        persona_names={p.id: p.name or p.id for p in ctx.personas},
        conversion={w: f.conversion for w, f in ctx.flows.items()},
    )
    gaps: list[Gap] = []
    for module in FAMILY_MODULES:
        gaps += module.find(ctx)
    report.extend(gaps)
    return report
