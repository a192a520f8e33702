"""The log comparison (overlay) as gap records, for `journeyctl gaps MAP --observed LOG`.

Family `observed`, codes G7xx. A difference between shares counts only when it is larger than
both `MIN_DIFF` and 4 standard errors of the observed share, so sampling noise is no gap.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

from journeyctl.core.findings import Severity
from journeyctl.core.model import EXIT, JourneyMap
from journeyctl.eventlog.overlay import Move, Overlay, compare_log
from journeyctl.eventlog.readers import Columns, read_log
from journeyctl.gaps.model import Evidence, Gap, GapType

FAMILY = "observed"
UNDESIGNED = GapType(
    "G701",
    "undesigned-move",
    FAMILY,
    Severity.WARNING,
    """Customers in the log take a move the map lacks.

    Info when the move starts at a goal the map draws no moves out of (its walks end there;
    a goal with moves is walked on, like any touchpoint). Add the move to the map, weighted
    about as the log takes it, or find out why customers go there.
    """,
)
UNOBSERVED = GapType(
    "G702",
    "unobserved-move",
    FAMILY,
    Severity.INFO,
    """A move of the map that no case in the log takes.

    Check that the move is really offered, or lower its weight.
    """,
)
SHARE = GapType(
    "G703",
    "move-share-differs",
    FAMILY,
    Severity.INFO,
    """A move's observed share differs from its designed probability.

    Reported only when the difference exceeds both 5 points and 4 standard errors of the
    observed share, after 30 observed moves out of the touchpoint. Re-weight the move to about
    its observed share, or find out why customers differ from the design.
    """,
)
OFF_MAP = GapType(
    "G704",
    "cases-off-map",
    FAMILY,
    Severity.INFO,
    """Cases of a segment that leave the designed moves.

    A warning when fewer than half of the segment's cases follow the map, else info. The
    undesigned moves (G701) show where they go.
    """,
)
DROP_OFF = GapType(
    "G705",
    "observed-drop-off",
    FAMILY,
    Severity.WARNING,
    """Real drop-off at a touchpoint differs from the simulated drop-off.

    A warning when more customers leave than the map's walks do: find out why. Info when fewer
    leave: check the touchpoint's `exit` weight.
    """,
)
UNMAPPED = GapType(
    "G706",
    "unmapped-activity",
    FAMILY,
    Severity.INFO,
    """An activity of the log that matches no touchpoint of the map.

    Its events are left out of the comparison. Add a touchpoint for it, or map it to one with
    `--mapping`.
    """,
)
TYPES = (UNDESIGNED, UNOBSERVED, SHARE, OFF_MAP, DROP_OFF, UNMAPPED)

MIN_DIFF = 0.05
"""Smallest difference of shares reported (besides 4 standard errors)."""
MIN_MOVES = 30
"""Fewest observed moves out of a touchpoint before its shares are compared."""
MOSTLY_OFF = 0.5
"""Share of a segment's cases following the map below which G704 is a warning."""


def gaps_from_log(
    jmap: JourneyMap,
    log: Path,
    mapping: dict[str, str | None] | None = None,
    columns: Columns | None = None,
) -> list[Gap]:
    """Read `log`, compare it with `jmap` (activities named as in `mapping`, see
    `journeyctl.lint.mapping.load_mapping`) and return its gaps (InputError / RequestError for
    bad input)."""
    ov = compare_log(read_log(log, columns or Columns()), jmap, mapping)
    return observed_gaps(ov, jmap)


def observed_gaps(ov: Overlay, jmap: JourneyMap) -> list[Gap]:
    """Every gap the comparison `ov` of a log with `jmap` shows."""
    return [
        *_moves(ov, jmap),
        *_fit(ov),
        *_dropoff(ov, jmap),
        *_unmapped(ov, jmap),
    ]


def _differs(observed: float, expected: float, n: int) -> bool:
    se = math.sqrt(max(expected * (1 - expected), 1e-12) / n) if n else math.inf
    return abs(observed - expected) > max(MIN_DIFF, 4 * se)


def _where(jmap: JourneyMap, m: Move) -> Evidence:
    if m.source is None:
        j = jmap.journey
        return Evidence(j.at(f"entry:{m.target}"), f"journey entry → `{m.target}`")
    tp = jmap.touchpoint[m.source]
    return Evidence(tp.at(f"next:{m.target}"), f"`{m.source}` → `{m.target}`")


def _moves(ov: Overlay, jmap: JourneyMap) -> Iterator[Gap]:
    out_of: dict[str | None, int] = {}
    for m in ov.moves:
        out_of[m.source] = out_of.get(m.source, 0) + m.observed
    goals = set(jmap.journey.goal) if jmap.journey.kind == "linear" else set()
    for m in ov.moves:
        src = "the journey's entry" if m.source is None else f"`{m.source}`"
        n = out_of[m.source]
        touched = min(1.0, m.observed / ov.cases) if ov.cases else 0.0
        figures = {"observed": m.observed, "observed_share": m.observed_share,
                   "designed_probability": m.designed_probability}  # fmt: skip
        where = {"touchpoints": tuple(t for t in (m.source, m.target) if t and t != EXIT),
                 "evidence": (_where(jmap, m),), "figures": figures}  # fmt: skip
        if m.undesigned:
            after_goal = m.source in goals and not jmap.touchpoint[m.source].next
            yield UNDESIGNED.gap(
                f"the log moves from {src} to `{m.target}` {m.observed:,} "
                f"time{'s' if m.observed != 1 else ''} "
                f"({m.observed_share:.0%} of the moves out of it), a move the map lacks"
                + (" (after the goal, where the map's walks end)" if after_goal else ""),
                f"add `{m.target}` to the moves of {src} (weight ≈ {m.observed_share:.2f}), "
                "or find out why customers go there",
                severity=Severity.INFO if after_goal else None,
                impact=touched,
                **where,
            )
        elif m.unobserved:
            yield UNOBSERVED.gap(
                f"the map's move from {src} to `{m.target}` (p {m.designed_probability:.0%}) "
                + (
                    f"is never taken in {n:,} observed moves out of it"
                    if n
                    else f"is never taken: no case of the log reaches {src}"
                ),
                "check the move is really offered, or lower its weight",
                impact=m.designed_probability * min(1.0, n / ov.cases),
                **where,
            )
        elif (
            m.designed_weight
            and n >= MIN_MOVES
            and _differs(m.observed_share, m.designed_probability, n)
        ):
            yield SHARE.gap(
                f"{m.observed_share:.0%} of the moves out of {src} go to `{m.target}` in the "
                f"log; the map says {m.designed_probability:.0%}",
                f"re-weight the move to about {m.observed_share:.2f} of {src}'s moves, "
                "or find out why customers differ from the design",
                impact=abs(m.observed_share - m.designed_probability) * min(1.0, n / ov.cases),
                **where,
            )


def _fit(ov: Overlay) -> Iterator[Gap]:
    for f in ov.fit:
        if f.following == f.cases:
            continue
        who = "cases" if f.segment is None else f"cases of segment `{f.segment}`"
        yield OFF_MAP.gap(
            f"{f.cases - f.following:,} of {f.cases:,} {who} ({1 - f.share:.0%}) leave the "
            "map's designed moves",
            "see the undesigned moves (G701) for where they go",
            severity=Severity.WARNING if f.share < MOSTLY_OFF else None,
            persona=f.persona,
            impact=1 - f.share,
            figures={"cases": f.cases, "following": f.following, "share": f.share},
        )


def _dropoff(ov: Overlay, jmap: JourneyMap) -> Iterator[Gap]:
    cases = {f.segment: f.cases for f in ov.fit}
    for d in ov.dropoff:
        if d.simulated is None or (d.segment is not None and d.persona is None):
            continue
        n = cases.get(d.segment, 0)
        if not _differs(d.real, d.simulated, n):
            continue
        tp = jmap.touchpoint[d.touchpoint]
        who = "cases" if d.segment is None else f"`{d.segment}` cases"
        worse = d.real > d.simulated
        yield DROP_OFF.gap(
            f"{d.real:.0%} of {who} drop off at `{d.touchpoint}` in the log; "
            f"the map's walks drop off there {d.simulated:.0%} of the time",
            "find out why more customers leave here than designed"
            if worse
            else "fewer leave here than designed: check the map's `exit` weight",
            severity=None if worse else Severity.INFO,
            persona=d.persona,
            stage=tp.stage,
            touchpoints=(tp.id,),
            evidence=(Evidence(tp.at("next:exit"), f"`{tp.id}` → exit"),),
            impact=abs(d.real - d.simulated),
            figures={"real": d.real, "simulated": d.simulated, "cases": d.cases},
        )


def _unmapped(ov: Overlay, jmap: JourneyMap) -> Iterator[Gap]:
    mapped = sum(m.observed for m in ov.moves if m.source is not None)  # one move per event
    total = mapped + sum(n for _, n in ov.unmapped)
    for activity, n in ov.unmapped:
        yield UNMAPPED.gap(
            f"activity {activity!r} matches no touchpoint; its {n:,} event(s) are left out",
            "add a touchpoint for it, or map it with --mapping {activity: touchpoint id}",
            evidence=(Evidence(jmap.journey.span, f"no touchpoint for {activity!r}"),),
            impact=min(1.0, n / total) if total else 0.0,
            figures={"events": n},
        )
