"""Compare what an event log shows with a designed map: moves, fit, dwell and drop-off.

Log activities are aligned with touchpoints (a `--mapping` file first, then the same id, the
same name or the same id after slugify); events of other activities are left out, so each case
is compared as the sequence of its mapped events.

Each case's moves are compared with the chain of its segment's persona (the persona column's
value naming a persona of the map; other cases with the map as-is), wherever they happen: the
walks go on past the goal. In a cyclical journey a move to the renewal touchpoint after the
last cycle ends a walk unseen, so out of a touchpoint with such a move the end of a case and
that move are one outcome ("exit or renewal"). Every share is tested (`Test`): each move's
count among the moves out of its source by an exact two-sided binomial test against the
designed probability; a designed move nobody takes by the chance of no case taking it;
drop-off per touchpoint by a binomial test of the cases ending there unconverted against the
exact solver. The p-values of one comparison are adjusted together by Benjamini–Hochberg
(`q_value`); a difference is significant at `q_value <= FDR`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from journeyctl.core.errors import RequestError
from journeyctl.core.escape import listing, printable
from journeyctl.core.model import EXIT, JourneyMap
from journeyctl.core.rounding import rounded_fields
from journeyctl.eventlog import queries as q
from journeyctl.eventlog.discover import AFTER, NO_CHANNEL, slug_key
from journeyctl.eventlog.readers import EventLog

FDR = 0.05
"""The false discovery rate the comparison's tests are held to (Benjamini–Hochberg)."""


@dataclass(frozen=True)
class Move:
    """A move out of `source` (None: the journey's entry) to `target` (a touchpoint or exit),
    over all cases."""

    source: str | None
    target: str
    observed: int
    observed_share: float
    """Share of the observed moves out of `source` (entries: of the cases)."""
    designed_weight: float | None
    """The map's weight (the journey's or a persona's entry); None when the map has none."""
    designed_probability: float
    """The map's weights normalised, no persona."""
    goal_end: bool = False
    """A case may end here by design even without an `exit` weight: at a goal, or out of a
    touchpoint with a move to the renewal touchpoint (after the last cycle it ends the walk)."""
    cases: int = 0
    """Distinct cases taking the move."""

    @property
    def undesigned(self) -> bool:
        return self.observed > 0 and not self.designed_weight and not self.goal_end

    @property
    def unobserved(self) -> bool:
        return self.observed == 0 and bool(self.designed_weight)


@dataclass(frozen=True)
class Test:
    """One share of the log tested against the design.

    `kind` is `move` (`subject` → `outcome` among the `total` moves out of `subject`; `subject`
    None: the entries, of the cases; `outcome` `exit` out of a touchpoint with a move to the
    renewal touchpoint is "exit or renewal"), `unobserved` (a designed move no case of any
    segment takes: `total` moves out of its source, `designed` the chance of one move taking
    it, averaged) or `drop-off` (`count` of `total` cases end at `subject` unconverted).
    """

    kind: str
    segment: str | None
    """The persona column's value (None: all cases, or the cases of no known persona)."""
    persona: str | None
    """The map's persona whose chain is the design (None: the map as-is)."""
    subject: str | None
    outcome: str
    count: int
    total: int
    designed: float
    p_value: float
    q_value: float = 1.0

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    @property
    def significant(self) -> bool:
        return self.q_value <= FDR


@dataclass(frozen=True)
class Fit:
    """How many cases of a segment follow the map (None: all cases)."""

    segment: str | None
    persona: str | None
    """The map's persona the segment stands for, if any."""
    cases: int
    following: int

    @property
    def share(self) -> float:
        return self.following / self.cases if self.cases else 0.0


@dataclass(frozen=True)
class DropOff:
    """Share of cases ending at `touchpoint` without reaching a goal: real against simulated."""

    touchpoint: str
    segment: str | None
    """The persona column's value (None: all cases)."""
    persona: str | None
    cases: int
    real: float
    simulated: float | None


MIX_KINDS = ("channel", "screen")


@dataclass(frozen=True)
class Mix:
    """Designed against observed channel (or screen) mix of one stage for one persona (None:
    the cases of no known persona, against the map as-is).

    Designed: the exact expected visits of the stage's touchpoints (`markov.exact.solve`)
    summed by channel (screens: each touchpoint's visits split over its screens as the walks
    draw them; touchpoints listing no screens left out). Observed: the events of the stage
    by the log's channel (screen) column, a value naming a channel of the map (by id, name or
    slug) counted as its id; blank values left out.
    """

    kind: str
    """`channel` or `screen`."""
    stage: str
    persona: str | None
    designed: dict[str, float]
    """Share of the stage's visits per channel (screen) id, of the walks."""
    observed: dict[str, int]
    """Events per channel (screen) in the log."""
    squares: dict[str, int]
    """Per value, the sum over cases of y² (y: a case's events of the stage with the value)."""
    products: dict[str, int]
    """Per value, the sum over cases of y·n (n: a case's events of the stage)."""

    @property
    def events(self) -> int:
        return sum(self.observed.values())

    def share(self, value: str) -> float:
        return self.observed.get(value, 0) / self.events if self.events else 0.0

    def shares(self) -> dict[str, float]:
        """The observed share of each value."""
        return {v: self.share(v) for v in self.observed}

    def p_value(self) -> float | None:
        """Pearson's chi-square of the observed counts against the designed shares, divided by
        the first-order Rao–Scott design effect (a case's events are not independent draws:
        each observed share's variance over cases against a multinomial's, averaged with
        weights 1 − share; at least 1), on k − 1 degrees of freedom; 0 when the log uses a
        value the design gives none of the stage; None when there is nothing to test (no
        events, or one designed value)."""
        values = sorted(set(self.designed) | set(self.observed))
        if any(self.observed.get(v) and not self.designed.get(v) for v in values):
            return 0.0
        values = [v for v in values if self.designed.get(v, 0.0) > 0]
        n = self.events
        if not n or len(values) < 2:
            return None
        counts, p = (np.array([d.get(v, 0) for v in values], float)
                     for d in (self.observed, self.designed))  # fmt: skip
        y2, yn = (np.array([d.get(v, 0) for v in values], float)
                  for d in (self.squares, self.products))  # fmt: skip
        p = p / p.sum()
        chi2 = float(((counts - n * p) ** 2 / (n * p)).sum())
        seen = counts / n
        variance = y2 - 2 * seen * yn + seen**2 * yn.sum()  # Σ over cases of (y − p̂ n)²
        inside = (seen > 0) & (seen < 1)  # a value no case varies in: effect 1
        effect = np.ones_like(seen)
        effect[inside] = variance[inside] / (n * seen[inside] * (1 - seen[inside]))
        effect = float(((1 - seen) * effect).sum()) / (len(values) - 1)
        from scipy import stats  # here: calibrate imports this module without the tests

        return float(stats.chi2.sf(chi2 / max(1.0, effect), len(values) - 1))

    def test(self) -> Test | None:
        """The mix as one share of the comparison's tests: its p-value, named by the value
        whose observed share differs most from the design."""
        p = self.p_value()
        if p is None:
            return None
        values = sorted(set(self.designed) | set(self.observed))
        worst = max(values, key=lambda v: (abs(self.share(v) - self.designed.get(v, 0.0)), v))
        return Test(
            f"{self.kind}-mix",
            self.persona,
            self.persona,
            self.stage,
            worst,
            self.observed.get(worst, 0),
            self.events,
            self.designed.get(worst, 0.0),
            p,
        )

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "stage": self.stage,
            "persona": self.persona,
            "events": self.events,
            "designed": {k: round(v, 6) for k, v in sorted(self.designed.items())},
            "observed": dict(sorted(self.observed.items())),
            "observed_share": {k: round(v, 6) for k, v in sorted(self.shares().items())},
        }


@dataclass(frozen=True)
class Overlay:
    """Everything the comparison found, sorted for deterministic output."""

    map_name: str
    cases: int
    mapping: dict[str, str]
    unmapped: list[tuple[str, int]]
    moves: list[Move]
    fit: list[Fit]
    dwell: list[q.Dwell]
    """Per touchpoint (`activity` holds its id): time to the next mapped event."""
    dropoff: list[DropOff]
    tests: list[Test]
    """Every share tested, with its Benjamini–Hochberg q-value over all of them."""
    routes: list[tuple] = field(default_factory=list)
    """The routes by channel, screen and side of the goal (see `routes`), first match wins."""
    mix: list[Mix] = field(default_factory=list)
    """Designed against observed channel and screen mix, per stage and persona."""

    @property
    def undesigned(self) -> list[Move]:
        """Observed moves the map lacks, most frequent first."""
        return sorted((m for m in self.moves if m.undesigned), key=lambda m: -m.observed)

    @property
    def unobserved(self) -> list[Move]:
        """Designed moves nobody took."""
        return [m for m in self.moves if m.unobserved]

    def to_json(self) -> dict:
        return {
            "map": self.map_name,
            "cases": self.cases,
            "mapping": dict(sorted(self.mapping.items())),
            "unmapped": [{"activity": a, "events": n} for a, n in self.unmapped],
            "moves": [rounded_fields(asdict(m)) for m in self.moves],
            "undesigned": [rounded_fields(asdict(m)) for m in self.undesigned],
            "unobserved": [rounded_fields(asdict(m)) for m in self.unobserved],
            "fit": [rounded_fields(asdict(f) | {"share": f.share}) for f in self.fit],
            "dwell": [rounded_fields(asdict(d)) for d in self.dwell],
            "dropoff": [rounded_fields(asdict(d)) for d in self.dropoff],
            "routes": [
                dict(zip(("activity", "channel", "screen", "after", "touchpoint"), r, strict=True))
                for r in self.routes
            ],
            "mix": [m.to_json() for m in self.mix],
            "fdr": FDR,
            "tests": [
                rounded_fields(asdict(t) | {"share": t.share, "significant": t.significant})
                for t in self.tests
            ],
        }


def align(activities: list[str], jmap: JourneyMap, explicit: dict | None = None) -> dict[str, str]:
    """Activity to touchpoint id: `explicit` first, then the same id, the same name, the same
    id after slugifying both (`Add to cart` matches `add-to-cart`). An activity `explicit`
    routes by channel (see `routes`) is left to its routes."""
    explicit = explicit or {}
    named = [v for v in explicit.values() if isinstance(v, str)]
    named += [r[2] for v in explicit.values() if isinstance(v, tuple) for r in v if r[2]]
    bad = sorted({v for v in named if v not in jmap.touchpoint})
    if bad:
        raise RequestError(
            f"the mapping names touchpoints the map lacks: {', '.join(bad)}; "
            f"the map's touchpoints: {', '.join(t.id for t in jmap.touchpoints)}"
        )
    by_name = {t.name: t.id for t in jmap.touchpoints if t.name}
    by_slug = {slug_key(t.id): t.id for t in jmap.touchpoints}
    out = {}
    for a in activities:
        if a in explicit:
            tp = explicit[a] if isinstance(explicit[a], str) else None
        elif a in jmap.touchpoint:
            tp = a
        else:
            tp = by_name.get(a) or by_slug.get(slug_key(a))
        if tp is not None:
            out[a] = tp
    return out


def project_log(
    log: EventLog, jmap: JourneyMap, explicit: dict | None = None
) -> tuple[list[str], dict[str, str], list[tuple]]:
    """The log's activities, and how they become `jmap`'s touchpoints: by name (`align`) and,
    where the mapping or a draft's own touchpoints ask for it, by channel (`routes`); for
    `queries.project` to build the steps of touchpoints."""
    activities = [a for a, _, _ in q.activity_profile(log.db)]
    channels: dict[str, list[str]] = {a: [] for a in activities}
    if log.columns.channel and any(_QUALIFIED.fullmatch(t.name or t.id) for t in jmap.touchpoints):
        channels |= q.values_by_activity(log.db, "channel")  # a draft's touchpoints per channel
    return activities, align(activities, jmap, explicit), routes(channels, jmap, explicit)


def routes(
    channels: dict[str, list[str]], jmap: JourneyMap, explicit: dict | None = None
) -> list[tuple[str, str | None, str | None, bool, str | None]]:
    """The routes of `queries.project` for the log's activities (`channels`: each activity to
    the channels seen with it): `explicit`'s routes by channel and screen, in the file's order;
    then, for activities `explicit` does not name, a draft's own touchpoints: `A (C)` takes the
    events of activity A on channel C (`no channel`: events naming none), `A (after the goal)`
    and `A (C, after the goal)` those after the case's first goal arrival."""
    explicit = explicit or {}
    out = [
        (a, r[0], r[1], False, r[2])
        for a, v in explicit.items()
        if isinstance(v, tuple) and a in channels
        for r in v
    ]
    drafted = []
    for t in jmap.touchpoints:
        m = _QUALIFIED.fullmatch(t.name or t.id)
        if m is None or m["activity"] not in channels or m["activity"] in explicit:
            continue
        inside = m["inside"]
        after = inside == AFTER or inside.endswith(", " + AFTER)
        channel = inside.removesuffix(AFTER).removesuffix(", ") or None
        if channel == NO_CHANNEL:
            channel = ""
        elif channel is not None and channel not in channels[m["activity"]]:
            continue  # a name in brackets, not a channel of the log
        if channel is not None or after:
            key = (not after, m["activity"], channel or "", t.id)
            drafted.append((key, (m["activity"], channel, None, after, t.id)))
    # after the goal first, so that a channel's own touchpoint is the fallback after it
    return out + [route for _, route in sorted(drafted)]


_QUALIFIED = re.compile(r"(?P<activity>.+) \((?P<inside>[^()]+)\)")


def preload_comparison() -> None:
    """Start importing what compare_log imports when it runs (the exact solver, scipy.stats),
    for a caller about to read a log: the imports overlap the engine's reading."""
    from journeyctl.core.background import preload

    preload("journeyctl.markov.chain", "journeyctl.markov.exact", "scipy.stats")


def compare_log(
    log: EventLog, jmap: JourneyMap, explicit: dict[str, str | None] | None = None
) -> Overlay:
    """Compare `log` with `jmap` (a valid journey map)."""
    from journeyctl.markov.chain import persona_chain
    from journeyctl.markov.exact import solve

    db = log.db
    j = jmap.journey
    if j is None:
        raise RequestError("the map has no journey to compare with")
    _, mapping, routed = project_log(log, jmap, explicit)
    if not mapping and not routed:
        raise RequestError(
            "no activity of the log matches a touchpoint of the map; "
            "write a --mapping file {activity name: touchpoint id}"
        )
    unmapped = q.project(db, mapping, routes=routed, goals=list(j.goal))
    rows = q.segment_moves(db)
    personas = personas_of(jmap, {seg for seg, *_ in rows})
    chains = {p: persona_chain(jmap, p) for p in {None, *personas.values()}}
    open_ends = _open_ends(jmap)
    moves = _moves(jmap, rows, chains[None], open_ends)
    designed = [(q.ENTRY if m.source is None else m.source, m.target) for m in moves]
    designed = [d for d, m in zip(designed, moves, strict=True) if m.designed_weight or m.goal_end]
    ends = [g for g in j.goal if not jmap.touchpoint[g].next]  # the map's walks end there
    customers = {s for s, p in personas.items() if p is not None and chains[p].customer}
    outcomes = [  # a customer's case starts converted
        (seg, last, reached or seg in customers, fits, n)
        for seg, last, reached, fits, n in q.case_outcomes(db, designed, list(j.goal), ends)
    ]
    exact = {p: solve(jmap, p, chain=chains[p]) for p in {None, *personas.values()}}
    exits = {p: e.unconverted_exit_probability for p, e in exact.items()}
    by_segment: dict[str | None, int] = defaultdict(int)
    for segment, *_, n in outcomes:
        by_segment[segment] += n
    cases = sum(by_segment.values())
    mix: dict[str, float] = defaultdict(float)  # all cases: each its segment's persona
    for segment, n in by_segment.items():
        for tp, p in exits[personas.get(segment)].items():
            mix[tp] += p * n / cases
    fit = _fit(outcomes, personas)
    dropoff = _dropoff(outcomes, None, None, dict(mix))
    for segment in sorted(s for s in personas if personas[s] is not None):
        dropoff += _dropoff(outcomes, segment, personas[segment], exits[personas[segment]])
    tests = _move_tests(rows, personas, chains, open_ends)
    tests += _dropoff_tests(dropoff, by_segment, customers)
    mix = _mixes(log, jmap, personas, exact)
    tests += [t for m in mix if (t := m.test()) is not None]
    dwell = q.dwell(db, "msteps")
    return Overlay(
        jmap.name, cases, mapping, unmapped, moves, fit, dwell, dropoff, _bh(tests), routed, mix
    )


def _open_ends(jmap: JourneyMap) -> dict[str, str]:
    """Touchpoint to the renewal touchpoint it has a move to, in a cyclical journey: after the
    last cycle walked that move ends the walk without visiting it (see docs/simulate.md)."""
    j = jmap.journey
    if j.kind != "cyclical" or not j.renewal:
        return {}
    return {t.id: j.renewal for t in jmap.touchpoints if any(m.target == j.renewal for m in t.next)}


def _mixes(log: EventLog, jmap: JourneyMap, personas, exact) -> list[Mix]:
    """Designed against observed channel and screen mix of every stage, per persona, for the
    columns the log has."""
    from journeyctl.markov.montecarlo import _screen_matrix

    out = []
    for kind in MIX_KINDS:
        if getattr(log.columns, kind) is None:
            continue
        tps = [t for t in jmap.touchpoints if kind == "channel" or t.screens]
        if not tps:
            continue
        named = _naming(jmap.channels if kind == "channel" else jmap.screens)
        seen: dict = defaultdict(lambda: [defaultdict(int), defaultdict(int), defaultdict(int)])
        stage_of = {t.id: t.stage for t in tps}
        for segment, stage, value, n, y2, yn in q.stage_mix(log.db, kind, stage_of):
            sums = seen[(personas.get(segment), stage)]
            for d, x in zip(sums, (n, y2, yn), strict=True):
                d[named(value)] += x
        for who in sorted({w for w, _ in seen}, key=lambda w: (w is not None, w or "")):
            visits = exact[who].expected_visits
            screens = _screen_matrix(jmap, who).toarray() if kind == "screen" else None
            designed: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
            for i, t in enumerate(jmap.touchpoints):
                v = visits.get(t.id, 0.0)
                if kind == "channel":
                    designed[t.stage][t.channel] += v
                elif t.screens:
                    split = screens[i, :-1] / screens[i, :-1].sum()
                    for s, w in zip(jmap.screens, split, strict=True):
                        if w:
                            designed[t.stage][s.id] += v * w
            for stage in [s.id for s in jmap.stages]:
                if (who, stage) not in seen:
                    continue
                total = sum(designed[stage].values())
                shares = {k: v / total for k, v in designed[stage].items() if v} if total else {}
                counts, y2, yn = (dict(d) for d in seen[(who, stage)])
                out.append(Mix(kind, stage, who, shares, counts, y2, yn))
    return out


def _naming(things):
    """A log's value to the id of the channel (screen) among `things` it names, by id, name or
    slug; else the value itself."""
    ids = {x.id for x in things}
    by_name = {x.name: x.id for x in things if x.name}
    by_slug = {slug_key(x.id): x.id for x in things}

    def named(value: str) -> str:
        if value in ids:
            return value
        return by_name.get(value) or by_slug.get(slug_key(value), value)

    return named


def _moves(jmap: JourneyMap, rows, chain, open_ends: dict[str, str]) -> list[Move]:
    """Every move observed or designed, over all cases."""
    observed: dict[tuple[str | None, str], int] = defaultdict(int)
    taking: dict[tuple[str | None, str], int] = defaultdict(int)
    for _, src, dst, n, c in rows:
        key = (None if src == q.ENTRY else src, dst)
        observed[key] += n
        taking[key] += c  # a case is in one segment
    designed: dict[tuple[str | None, str], float] = defaultdict(float)
    for m in jmap.journey.entry:
        designed[(None, m.target)] += m.weight
    for p in jmap.personas:  # a persona's own entry is designed too
        for m in p.entry:
            designed[(None, m.target)] += m.weight
    for tp in jmap.touchpoints:
        for m in tp.next:
            designed[(tp.id, m.target)] += m.weight
    out_of: dict[str | None, int] = defaultdict(int)
    for (src, _), n in observed.items():
        out_of[src] += n

    def probability(src: str | None, dst: str) -> float:
        if (src, dst) not in designed:
            return 0.0
        if src is None:
            return float(chain.start[chain.index[dst]])
        return float(chain.probability(src, dst))

    ends = set(jmap.journey.goal) | set(open_ends)
    keys = sorted(set(observed) | set(designed), key=lambda k: (k[0] or "", k[0] is not None, k[1]))
    return [
        Move(
            src,
            dst,
            observed.get((src, dst), 0),
            observed.get((src, dst), 0) / out_of[src] if out_of[src] else 0.0,
            designed.get((src, dst)),
            probability(src, dst),
            goal_end=dst == EXIT and src in ends,
            cases=taking.get((src, dst), 0),
        )
        for src, dst in keys
    ]


def _pvalue(count: int, total: int, p: float) -> float:
    """Two-sided exact binomial test of `count` of `total` against probability `p`."""
    from scipy import stats

    if 0.0 < p < 1.0:
        return float(stats.binomtest(count, total, p).pvalue)
    return 1.0 if count == round(p * total) else 0.0


def _move_tests(rows, personas, chains, open_ends: dict[str, str]) -> list[Test]:
    """Per persona (None: cases of no known persona, against the map as-is) and source, each
    designed move's count tested against the persona's chain; moves the chain lacks are left to
    G701."""
    counts: dict[str | None, dict[str | None, dict[str, int]]] = {}
    for seg, src, dst, n, _ in rows:
        who = personas.get(seg)
        source = None if src == q.ENTRY else src
        out = counts.setdefault(who, {}).setdefault(source, defaultdict(int))
        out[EXIT if open_ends.get(source) == dst else dst] += n
    tests = []
    for who in sorted(counts, key=lambda p: (p is not None, p or "")):
        chain = chains[who]
        for source in sorted(counts[who], key=lambda s: (s is not None, s or "")):
            seen = counts[who][source]
            if source is None:
                probs = {s: float(p) for s, p in zip(chain.states, chain.start, strict=True)}
            else:
                i = chain.index[source]
                probs = {chain.states[k]: p for (r, k), p in chain.moves.items() if r == i}
                probs[EXIT] = float(chain.exit[i])
                if source in open_ends:
                    probs[EXIT] += probs.pop(open_ends[source], 0.0)
            probs = {k: p for k, p in probs.items() if p > 0}
            total = sum(seen.get(k, 0) for k in probs)
            if not total or len(probs) < 2:
                continue
            for target in sorted(probs):
                k = seen.get(target, 0)
                tests.append(
                    Test(
                        "move",
                        who,
                        who,
                        source,
                        target,
                        k,
                        total,
                        probs[target],
                        _pvalue(k, total, probs[target]),
                    )
                )
    return tests


def _dropoff_tests(dropoff: list[DropOff], cases: dict, customers: set) -> list[Test]:
    """Each drop-off of each persona's segment (a customer's starts converted: none) tested
    against the exact solver's; of all cases only when no segment names a persona (else they
    would be tested twice)."""
    tests = []
    total = sum(cases.values())
    personas = any(d.persona is not None for d in dropoff)
    for d in dropoff:
        if d.simulated is None or (d.segment is not None and d.persona is None):
            continue
        if d.segment in customers or (d.segment is None and personas):
            continue
        n = total if d.segment is None else cases.get(d.segment, 0)
        tests.append(
            Test(
                "drop-off",
                d.segment,
                d.persona,
                d.touchpoint,
                EXIT,
                d.cases,
                n,
                d.simulated,
                _pvalue(d.cases, n, d.simulated),
            )
        )
    return tests


def _bh(tests: list[Test]) -> list[Test]:
    """`tests` with their Benjamini–Hochberg q-values over all of them."""
    from scipy import stats

    if not tests:
        return []
    qs = stats.false_discovery_control([t.p_value for t in tests], method="bh")
    return [replace(t, q_value=float(v)) for t, v in zip(tests, qs, strict=True)]


def personas_of(jmap: JourneyMap, segments: set[str | None]) -> dict[str | None, str | None]:
    """Segment value to the map's persona id it names (by id, name or slugified id), or None."""
    by_name = {p.name: p.id for p in jmap.personas if p.name}
    by_slug = {slug_key(p.id): p.id for p in jmap.personas}
    out: dict[str | None, str | None] = {}
    for seg in segments:
        if seg is None:
            continue
        if seg in jmap.persona:
            out[seg] = seg
        else:
            out[seg] = by_name.get(seg) or by_slug.get(slug_key(seg))
    return out


def _fit(outcomes, personas) -> list[Fit]:
    cases: dict[str | None, int] = defaultdict(int)
    following: dict[str | None, int] = defaultdict(int)
    for segment, _, _, fits, n in outcomes:
        for key in {None, segment}:
            cases[key] += n
            following[key] += n if fits else 0
    order = sorted(cases, key=lambda s: (s is not None, s or ""))
    return [Fit(s, personas.get(s), cases[s], following[s]) for s in order]


def _dropoff(outcomes, segment, persona, exits: dict[str, float]) -> list[DropOff]:
    mine = [o for o in outcomes if segment is None or o[0] == segment]
    total = sum(o[4] for o in mine)
    ended: dict[str, int] = defaultdict(int)
    for _, last, reached, _, n in mine:
        if not reached:
            ended[last] += n
    tps = sorted(set(ended) | {t for t, p in exits.items() if p > 0})
    return [
        DropOff(
            tp,
            segment,
            persona,
            ended.get(tp, 0),
            ended.get(tp, 0) / total if total else 0.0,
            exits.get(tp),
        )
        for tp in tps
    ]


def print_overlay(console, ov: Overlay, top: int = 10) -> None:
    """The comparison for people, printed on `console` (the CLI chooses it)."""
    from rich.text import Text

    name = printable(ov.map_name)
    console.print(Text.assemble(("compared with ", "bold"), name, f": {ov.cases:,} cases"))
    if ov.unmapped:
        left = listing([f"{a} ({n:,})" for a, n in ov.unmapped])
        console.print(Text(f"activities matching no touchpoint (left out): {left}"))
    _print_moves(console, ov, top)
    _print_fit(console, ov)
    _print_dropoff(console, ov)
    _print_mix(console, ov)


def _print_moves(console, ov: Overlay, top: int) -> None:
    """Observed moves the map lacks (the `top` most frequent), designed moves never observed
    out of touchpoints cases reach, and the touchpoints no case reaches."""
    from rich.table import Table
    from rich.text import Text

    reached = {m.target for m in ov.moves if m.observed}
    unreached = sorted({m.source for m in ov.unobserved if m.source not in reached} - {None})
    for title, moves in (
        ("Observed moves the map lacks", ov.undesigned[:top]),
        ("Designed moves never observed", [m for m in ov.unobserved if m.source in reached]),
    ):
        if not moves:
            console.print(Text(f"{title}: none"))
            continue
        more = len(ov.undesigned) - top if title.startswith("Observed") else 0
        t = Table(title=title + (f" (top {top} of {top + more})" if more > 0 else ""),
                  title_justify="left")  # fmt: skip
        for col in ("from", "to", "observed", "share of moves out", "designed p"):
            t.add_column(col, justify="right" if col[0] in "osd" else "left")
        for m in moves:
            t.add_row(
                Text("(entry)" if m.source is None else m.source),
                Text(m.target),
                f"{m.observed:,}",
                f"{m.observed_share:.1%}",
                f"{m.designed_probability:.1%}",
            )
        console.print(t)
    if unreached:
        console.print(
            Text(f"touchpoints no case reaches (their moves unobserved): {', '.join(unreached)}")
        )


def _print_fit(console, ov: Overlay) -> None:
    """How many cases of each segment follow the map."""
    from rich.table import Table
    from rich.text import Text

    t = Table(title="Cases that follow the map", title_justify="left")
    for col in ("segment", "persona", "cases", "follow"):
        t.add_column(col, justify="right" if col in ("cases", "follow") else "left")
    for f in ov.fit:
        t.add_row(
            Text(printable(f.segment or "(all)")),
            Text(f.persona or "-"),
            f"{f.cases:,}",
            f"{f.share:.1%}",
        )
    console.print(t)


def _print_dropoff(console, ov: Overlay) -> None:
    """Real against simulated drop-off over all cases, with each touchpoint's dwell."""
    from rich.table import Table
    from rich.text import Text

    t = Table(title="Drop-off: real against simulated (all cases)", title_justify="left")
    for col in ("touchpoint", "cases", "real", "simulated", "median dwell h", "p90 dwell h"):
        t.add_column(col, justify="left" if col == "touchpoint" else "right")
    dwell = {d.activity: d for d in ov.dwell}
    for d in ov.dropoff:
        if d.segment is None:
            w = dwell.get(d.touchpoint)
            t.add_row(
                Text(d.touchpoint),
                f"{d.cases:,}",
                f"{d.real:.1%}",
                "-" if d.simulated is None else f"{d.simulated:.1%}",
                f"{w.median_hours:.2f}" if w else "-",
                f"{w.p90_hours:.2f}" if w else "-",
            )
    console.print(t)


def _print_mix(console, ov: Overlay) -> None:
    """Designed against observed channel and screen mix per stage and persona, with the test's
    q-value (significant ones marked)."""
    from rich.table import Table
    from rich.text import Text

    tests = {(t.kind, t.persona, t.subject): t for t in ov.tests if t.kind.endswith("-mix")}
    for kind in MIX_KINDS:
        mixes = [m for m in ov.mix if m.kind == kind]
        if not mixes:
            continue
        t = Table(title=f"{kind.capitalize()} mix per stage: designed against observed",
                  title_justify="left")  # fmt: skip
        for col in ("stage", "persona", "events", "designed", "observed", "q"):
            t.add_column(col, justify="right" if col in ("events", "q") else "left")
        for m in mixes:
            test = tests.get((f"{kind}-mix", m.persona, m.stage))
            q_text = (
                "-" if test is None else f"{test.q_value:.2g}" + (" *" if test.significant else "")
            )
            t.add_row(
                Text(m.stage),
                Text(m.persona or "-"),
                f"{m.events:,}",
                Text(listed_shares(m.designed)),
                Text(listed_shares(m.shares())),
                q_text,
            )
        console.print(t)


def listed_shares(shares: dict[str, float]) -> str:
    """`web 60%, app 40%`: most first."""
    ordered = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{printable(k)} {v:.0%}" for k, v in ordered)
