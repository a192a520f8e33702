"""Silo gaps: a designed move across channels and teams with no declared hand-off.

When the customer moves from one team's channel to another team's and the map declares no
`handoff` on the move, the second team starts without the context of the first: the customer
repeats themselves. One gap per move, whatever the personas; its impact (which ranks it) is
the largest share of any persona's walks that make the move.
"""

from __future__ import annotations

from collections.abc import Iterator

from journeyctl.core.findings import Severity
from journeyctl.gaps.context import Context
from journeyctl.gaps.model import Evidence, Gap, GapType

SILO = GapType(
    "G501",
    "silo-move",
    "silos",
    Severity.WARNING,
    """A move between channels owned by different teams declares no hand-off.

    Teams come from `team:`, else the channel's `team:`; moves where either team is unknown are
    not judged. The second team starts without what the first one knows: pass the context on
    (shared case, prefilled form, booking record) and declare it with `handoff:` on the move.
    """,
)
TYPES = (SILO,)


def find(ctx: Context) -> Iterator[Gap]:
    jmap = ctx.jmap
    for src in jmap.touchpoints:
        total = sum(t.weight for t in src.next if t.weight > 0)
        for move in src.next:
            dst = jmap.touchpoint.get(move.target)
            if dst is None or move.handoff or move.weight <= 0 or dst.channel == src.channel:
                continue
            teams = jmap.team_of(src), jmap.team_of(dst)
            if not all(teams) or teams[0] == teams[1]:
                continue
            flows = {w: ctx.move(w, src.id, dst.id) for w in ctx.walkers}
            impact = max(flows.values(), default=0.0)
            yield SILO.gap(
                f"{src.id} ({src.channel}, {teams[0]}) → {dst.id} ({dst.channel}, {teams[1]}): "
                f"no hand-off; {teams[1]} starts without what {teams[0]} knows",
                f"pass the context on this move (shared case, prefilled form, booking record) "
                f"and declare it with `handoff:` on {src.id} → {dst.id}",
                stage=dst.stage if src.stage == dst.stage else src.stage,
                touchpoints=(src.id, dst.id),
                evidence=(
                    Evidence(
                        move.span,
                        f"move `{src.id}` → `{dst.id}`, weight "
                        f"{move.weight:g} of {total:g}, no handoff",
                    ),
                    *(
                        Evidence(
                            tp.at("team" if tp.team else "channel"),
                            f"`{tp.id}` on {tp.channel}, team {team}",
                        )
                        for tp, team in zip((src, dst), teams, strict=True)
                    ),
                ),
                impact=impact,
                figures={
                    "probability": move.weight / total,
                    **{f"flow.{w or 'all'}": f for w, f in flows.items()},
                },
            )
