"""The log comparison (overlay) as gap records, for `journeyctl gaps MAP --observed LOG`.

Family `observed`, codes G7xx. A difference between shares is a gap only when the
comparison's test finds it significant (Benjamini–Hochberg q-value at most
`journeyctl.eventlog.overlay.FDR`, over every share of the comparison), so sampling noise is
no gap.
"""

from __future__ import annotations

from collections.abc import Iterator

from journeyctl.core.findings import Severity
from journeyctl.core.model import EXIT, JourneyMap
from journeyctl.eventlog.engine import LogSource
from journeyctl.eventlog.overlay import (
    FDR,
    Move,
    Overlay,
    Test,
    compare_log,
    listed_shares,
    preload_comparison,
)
from journeyctl.eventlog.readers import Columns, open_log
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
    """A move of the map that no case in the log takes, though the design sends enough of the
    moves out of its touchpoint there to expect some.

    Reported when a persona's test of the move (see G703) is significant. Check that the move
    is really offered, or lower its weight.
    """,
)
SHARE = GapType(
    "G703",
    "move-share-differs",
    FAMILY,
    Severity.INFO,
    """A move's observed share differs significantly from its designed probability.

    Per persona (the log's persona column; cases of no known persona against the map as-is),
    the move's count among the moves out of its touchpoint is tested against the persona's
    probability by an exact two-sided binomial test, and the p-values of the whole comparison
    are adjusted by Benjamini–Hochberg: a gap when the q-value is at most 0.05. Re-weight the
    move to about its observed share, or find out why customers differ from the design.
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
    """Real drop-off at a touchpoint differs significantly from the simulated drop-off.

    The cases ending there unconverted are tested against the exact solver's share by a
    binomial test (q-value at most 0.05, as G703). A warning when more customers leave than
    the map's walks do: find out why. Info when fewer leave: check the touchpoint's `exit`
    weight.
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
MIX = GapType(
    "G707",
    "channel-mix-differs",
    FAMILY,
    Severity.INFO,
    """A stage's observed channel (or screen) mix differs significantly from the design.

    Per stage and persona, the log's events of the stage by channel (screen) are compared with
    the mix the map's walks make: the exact expected visits of its touchpoints summed by
    channel (screens: split over each touchpoint's screens as the walks draw them). The test is
    Pearson's chi-square divided by the Rao–Scott design effect (a case's events are not
    independent), in the same Benjamini–Hochberg family as the move tests (q-value at most
    0.05); a channel the design gives none of the stage is a gap on its own. Check the
    touchpoints' channels (screens) and weights, or find out why customers use other ones.
    """,
)
TYPES = (UNDESIGNED, UNOBSERVED, SHARE, OFF_MAP, DROP_OFF, UNMAPPED, MIX)

MOSTLY_OFF = 0.5
"""Share of a segment's cases following the map below which G704 is a warning."""


def gaps_from_log(
    jmap: JourneyMap,
    log: LogSource,
    mapping: dict[str, str | None] | None = None,
    columns: Columns | None = None,
) -> list[Gap]:
    """Read `log` (on its engine), compare it with `jmap` (activities named as in `mapping`, see
    `journeyctl.lint.mapping.load_mapping`) and return its gaps (InputError / RequestError for
    bad input)."""
    preload_comparison()
    ov = compare_log(open_log(log, columns or Columns()), jmap, mapping)
    return observed_gaps(ov, jmap)


def observed_gaps(ov: Overlay, jmap: JourneyMap) -> list[Gap]:
    """Every gap the comparison `ov` of a log with `jmap` shows."""
    return [
        *_moves(ov, jmap),
        *_fit(ov),
        *_dropoff(ov, jmap),
        *_unmapped(ov, jmap),
        *_mix(ov, jmap),
    ]


def _where(jmap: JourneyMap, m: Move) -> Evidence:
    if m.source is None:
        j = jmap.journey
        return Evidence(j.at(f"entry:{m.target}"), f"journey entry → `{m.target}`")
    tp = jmap.touchpoint[m.source]
    return Evidence(tp.at(f"next:{m.target}"), f"`{m.source}` → `{m.target}`")


def _times(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n != 1 else ''}"


def _test_words(t: Test) -> str:
    """The test behind a gap, in words."""
    test = "chi-square test (Rao–Scott)" if t.kind.endswith("-mix") else "binomial test"
    return f"{test} q = {t.q_value:.2g}, under {FDR:g}"


def _moves(ov: Overlay, jmap: JourneyMap) -> Iterator[Gap]:
    goals = set(jmap.journey.goal) if jmap.journey.kind == "linear" else set()
    moves = {(m.source, m.target): m for m in ov.moves}
    for m in ov.undesigned:
        src = "the journey's entry" if m.source is None else f"`{m.source}`"
        after_goal = m.source in goals and not jmap.touchpoint[m.source].next
        yield UNDESIGNED.gap(
            f"the log moves from {src} to `{m.target}` {_times(m.observed, 'time')} in "
            f"{_times(m.cases, 'case')} "
            f"({m.observed_share:.0%} of the moves out of it), a move the map lacks"
            + (" (after the goal, where the map's walks end)" if after_goal else ""),
            f"add `{m.target}` to the moves of {src} (weight ≈ {m.observed_share:.2f}), "
            "or find out why customers go there",
            severity=Severity.INFO if after_goal else None,
            impact=min(1.0, m.cases / ov.cases) if ov.cases else 0.0,
            **_placed(
                jmap,
                m,
                {"observed": m.observed, "cases": m.cases, "observed_share": m.observed_share},
            ),
        )
    unobserved: set[tuple[str | None, str]] = set()
    for t in sorted((t for t in ov.tests if t.kind == "move" and t.significant),
                    key=lambda t: t.q_value):  # fmt: skip
        m = moves[(t.subject, t.outcome)]
        src = "the journey's entry" if t.subject is None else f"`{t.subject}`"
        figures = {"observed": t.count, "moves_out": t.total, "observed_share": t.share,
                   "designed_probability": t.designed, "p_value": t.p_value,
                   "q_value": t.q_value}  # fmt: skip
        reach = min(1.0, t.total / ov.cases) if ov.cases else 0.0
        if m.observed == 0:
            if (m.source, m.target) in unobserved:
                continue
            unobserved.add((m.source, m.target))
            yield UNOBSERVED.gap(
                f"the map's move from {src} to `{t.outcome}` (p {t.designed:.0%}"
                + (f" for `{t.persona}`" if t.persona else "")
                + f") is never taken in {t.total:,} observed moves out of it ({_test_words(t)})",
                "check the move is really offered, or lower its weight",
                impact=t.designed * reach,
                **_placed(jmap, m, figures),
            )
            continue
        renewal = t.outcome == EXIT and m.goal_end and t.subject not in jmap.journey.goal
        yield SHARE.gap(
            f"{t.share:.0%} of the moves out of {src} ({t.count:,} of {t.total:,}) go to "
            f"`{t.outcome}`"
            + (" or on to the renewal" if renewal else "")
            + f" in the log; the map says {t.designed:.0%}"
            + (f" for `{t.persona}`" if t.persona else "")
            + f" ({_test_words(t)})",
            f"re-weight the move to about {t.share:.2f} of {src}'s moves, "
            "or find out why customers differ from the design",
            persona=t.persona,
            impact=abs(t.share - t.designed) * reach,
            **_placed(jmap, m, figures),
        )


def _placed(jmap: JourneyMap, m: Move, figures: dict) -> dict:
    """Where a move's gap points: its touchpoints, the map's line, its figures."""
    return {"touchpoints": tuple(t for t in (m.source, m.target) if t and t != EXIT),
            "evidence": (_where(jmap, m),), "figures": figures}  # fmt: skip


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
    for t in ov.tests:
        if t.kind != "drop-off" or not t.significant:
            continue
        tp = jmap.touchpoint[t.subject]
        who = "cases" if t.segment is None else f"`{t.segment}` cases"
        worse = t.share > t.designed
        yield DROP_OFF.gap(
            f"{t.share:.0%} of {who} drop off at `{tp.id}` in the log; "
            f"the map's walks drop off there {t.designed:.0%} of the time ({_test_words(t)})",
            "find out why more customers leave here than designed"
            if worse
            else "fewer leave here than designed: check the map's `exit` weight",
            severity=None if worse else Severity.INFO,
            persona=t.persona,
            stage=tp.stage,
            touchpoints=(tp.id,),
            evidence=(Evidence(tp.at("next:exit"), f"`{tp.id}` → exit"),),
            impact=abs(t.share - t.designed),
            figures={
                "real": t.share,
                "simulated": t.designed,
                "cases": t.count,
                "p_value": t.p_value,
                "q_value": t.q_value,
            },
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


def _mix(ov: Overlay, jmap: JourneyMap) -> Iterator[Gap]:
    mixes = {(f"{m.kind}-mix", m.persona, m.stage): m for m in ov.mix}
    for t in ov.tests:
        if not t.kind.endswith("-mix") or not t.significant:
            continue
        m = mixes[(t.kind, t.persona, t.subject)]
        stage = jmap.stage[t.subject]
        kinds = f"{m.kind}s"
        who = "" if t.persona is None else f" of `{t.persona}`"
        values = sorted(set(m.designed) | set(m.observed))
        figures = {"events": m.events, "p_value": t.p_value, "q_value": t.q_value}
        for v in values:
            figures[f"designed:{v}"] = m.designed.get(v, 0.0)
            figures[f"observed:{v}"] = m.share(v)
        spread = sum(abs(m.share(v) - m.designed.get(v, 0.0)) for v in values) / 2
        yield MIX.gap(
            f"the {m.kind} mix of stage `{stage.id}`{who} differs from the design: "
            f"{listed_shares(m.shares())} of {m.events:,} events in the log, "
            f"the map's walks {listed_shares(m.designed)} ({_test_words(t)})",
            f"check the {kinds} and weights of the stage's touchpoints, "
            f"or find out why customers use other {kinds}",
            persona=t.persona,
            stage=stage.id,
            evidence=(Evidence(stage.span, f"stage `{stage.id}`"),),
            impact=spread,
            figures=figures,
        )
