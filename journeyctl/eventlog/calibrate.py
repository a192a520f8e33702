"""A map's move weights fitted from an event log, with a 95% interval each, and written back
into the map's text with nothing else changed.

Each weighted mapping (a touchpoint's `next`, the journey's `entry`, a persona's own `entry`)
is a row of relative weights. Its observed counts are the moves of the log's cases after their
activities are aligned with touchpoints (as the comparison aligns them). The prior is Jeffreys'
Dirichlet(½, …, ½) over the row's designed targets. When no persona adjusts the row, the fitted
probability is the Dirichlet posterior mean and the interval the Beta marginal's 2.5% and 97.5%
quantiles. When cases of a segment named for a persona walk it, that persona's chain multiplies
the base weights by its fixed affinities (`markov.chain`): the base probabilities are then the
posterior mode of that multinomial-logit likelihood (the same pseudo-counts), found by
minorise-maximise steps, and the interval is a Beta matched to the normal approximation's mean
and variance (the delta method on the inverse Hessian). Affinities themselves are not fitted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np

from journeyctl.core.errors import RequestError
from journeyctl.core.escape import listing, printable
from journeyctl.core.model import EXIT, JourneyMap, Persona, Transition
from journeyctl.core.rounding import rounded_fields
from journeyctl.core.span import Span
from journeyctl.eventlog import queries as q
from journeyctl.eventlog.overlay import personas_of, project_log
from journeyctl.eventlog.readers import EventLog

PRIOR = 0.5
"""Jeffreys' prior: Dirichlet(½, …, ½) over each row's designed targets."""
LEVEL = 0.95
ROUNDING = 0.1
"""A fitted weight keeps the fewest significant digits (2 at least) that put it within this
share of its interval's half-width of the unrounded weight."""


@dataclass(frozen=True)
class Weight:
    """One designed move's weight: as written, as fitted, and the evidence for it."""

    source: str | None
    """The touchpoint the move leaves (None: an `entry`)."""
    persona: str | None
    """For a persona's own `entry`: the persona (else None)."""
    target: str
    span: Span
    """Where the move's key stands (the weight is its value, or its `weight:`)."""
    old: float
    new: float
    probability: float
    """The fitted probability of the move among the row's designed moves (base chain)."""
    low: float
    high: float
    designed: float
    """The old weights' probability (the row's weights normalised, no persona)."""
    count: int
    """Observed moves (cases, for an entry)."""


@dataclass(frozen=True)
class Undesigned:
    """An observed move the map lacks: reported, not added (`gaps --observed`, G701)."""

    source: str | None
    target: str
    count: int
    share: float
    """Of the moves observed out of `source`."""


@dataclass
class Calibration:
    """The fit of every weighted row of a map, sorted in map order."""

    map_name: str
    cases: int
    segments: list[tuple[str | None, str | None, int]]
    """(segment value, the persona it names or None, cases)."""
    weights: list[Weight]
    undesigned: list[Undesigned]
    unobserved_rows: list[str]
    """Rows no case passes through: their weights are kept as written."""
    mapping: dict[str, str]
    left_out: list[tuple[str, int]]
    """Activities the mapping leaves out (null), with their events."""
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[Weight]:
        return [w for w in self.weights if w.new != w.old]

    def to_json(self) -> dict:
        def weight(w: Weight) -> dict:
            d = asdict(w)
            span = d.pop("span")
            return rounded_fields(d | {"file": span["file"], "line": span["line"]})

        return {
            "map": self.map_name,
            "cases": self.cases,
            "prior": f"Dirichlet({PRIOR})",
            "level": LEVEL,
            "segments": [{"segment": s, "persona": p, "cases": n} for s, p, n in self.segments],
            "mapping": dict(sorted(self.mapping.items())),
            "left_out": [{"activity": a, "events": n} for a, n in self.left_out],
            "weights": [weight(w) for w in self.weights],
            "undesigned": [rounded_fields(asdict(u)) for u in self.undesigned],
            "unobserved_rows": self.unobserved_rows,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class _Row:
    """A weighted mapping to fit: the touchpoint it leaves (None: an entry), the persona whose
    own entry it is, its moves."""

    source: str | None
    persona: str | None
    moves: tuple[Transition, ...]


def calibrate(
    log: EventLog, jmap: JourneyMap, explicit: dict[str, str | None] | None = None
) -> Calibration:
    """Fit `jmap`'s weights from `log`; RequestError when an activity matches no touchpoint
    and the mapping does not leave it out (dropping it would change every count around it)."""
    j = jmap.journey
    if j is None:
        raise RequestError("the map has no journey to calibrate")
    db = log.db
    activities, mapping, routed = project_log(log, jmap, explicit)
    covered = mapping.keys() | (explicit or {}).keys() | {r[0] for r in routed}
    unknown = [a for a in activities if a not in covered]
    if unknown:
        raise RequestError(
            f"{log.path}: activities matching no touchpoint of the map: "
            f"{listing([printable(a) for a in unknown])}; map each in a --mapping file "
            "{activity: touchpoint id}, or to null to leave it out"
        )
    left_out = q.project(db, mapping, routes=routed, goals=list(j.goal))
    rows = [(segment, a, b, n) for segment, a, b, n, _ in q.segment_moves(db)]
    named = personas_of(jmap, {s for s, *_ in rows})
    counts: dict[tuple[str | None, str | None], dict[str | None, dict[str, int]]] = {}
    cases: dict[str | None, int] = defaultdict(int)
    for segment, source, target, n in rows:
        persona = named.get(segment)
        who = jmap.persona.get(persona) if persona else None
        if source == q.ENTRY:
            cases[segment] += n
            key = (None, persona if who is not None and who.entry else None)
        else:
            key = (source, None)
        row = counts.setdefault(key, {}).setdefault(persona, defaultdict(int))
        row[target] += n
    out = Calibration(
        jmap.name,
        sum(cases.values()),
        sorted(((s, named.get(s), n) for s, n in cases.items()), key=lambda r: (r[0] or "",)),
        [],
        [],
        [],
        mapping,
        left_out,
    )
    if log.columns.persona is None and jmap.personas:
        out.warnings.append(
            "the log has no segment column: the weights are fitted from all cases pooled, as "
            "if no persona adjusted them (name the column with --segment)"
        )
    if j.kind == "cyclical":
        out.warnings.append(
            "cyclical journey: a case's last event counts as a move to exit, also when the "
            "log (or the walks' horizon) ends before the customer renews"
        )
    for row in _rows(jmap):
        _fit(jmap, row, counts.pop((row.source, row.persona), {}), out)
    for (source, _), by_persona in sorted(counts.items(), key=lambda kv: kv[0][0] or ""):
        _undesigned(source, by_persona, {EXIT}, out)  # no `next`: walks leave there
    return out


def _rows(jmap: JourneyMap) -> list[_Row]:
    """Every weighted mapping of the map, in map order."""
    j = jmap.journey
    assert j is not None
    rows = [_Row(None, None, j.entry)]
    rows += [_Row(None, p.id, p.entry) for p in jmap.personas if p.entry]
    rows += [_Row(t.id, None, t.next) for t in jmap.touchpoints if t.next]
    return rows


def _factors(jmap: JourneyMap, targets: list[str], who: Persona | None) -> np.ndarray:
    return np.array([1.0 if who is None or t == EXIT else who.factor(jmap.touchpoint[t])
                     for t in targets])  # fmt: skip


def _fit(jmap: JourneyMap, row: _Row, by_persona: dict, out: Calibration) -> None:
    """Fit one row from its counts per persona; record its weights and undesigned moves."""
    targets = [m.target for m in row.moves]
    old = np.array([m.weight for m in row.moves])
    _undesigned(row.source, by_persona, set(targets), out)
    groups, factors = [], []
    for persona, seen in sorted(by_persona.items(), key=lambda kv: kv[0] or ""):
        f = _factors(jmap, targets, jmap.persona[persona] if row.persona is None and persona
                     else None)  # fmt: skip
        c = np.array([seen.get(t, 0) for t in targets], dtype=float)
        impossible = c[f == 0].sum()
        if impossible:
            out.warnings.append(
                f"{int(impossible):,} moves out of {_source(row.source, row.persona)} by "
                f"persona {persona} go where the persona's chain never moves (an invitation "
                "it declines): left out of the fit"
            )
            c[f == 0] = 0
        groups.append(c)
        factors.append(f)
    counts = np.array(groups).reshape(len(groups), len(targets))
    observed = counts.sum(axis=0)
    if observed.sum() == 0 or old.sum() <= 0:
        out.unobserved_rows.append(_source(row.source, row.persona))
        p = old / old.sum() if old.sum() > 0 else old
        lo = hi = p
        new = old
    else:
        p, lo, hi = fit_row(counts, np.array(factors).reshape(counts.shape))
        scale = old.sum()
        new = np.array(
            [_round(x * scale, (b - a) / 2 * scale) for x, a, b in zip(p, lo, hi, strict=True)]
        )
    designed = old / old.sum() if old.sum() > 0 else old
    for k, m in enumerate(row.moves):
        out.weights.append(
            Weight(
                row.source,
                row.persona,
                m.target,
                m.span,
                m.weight,
                float(new[k]),
                float(p[k]),
                float(lo[k]),
                float(hi[k]),
                float(designed[k]),
                int(observed[k]),
            )
        )


def _undesigned(source, by_persona: dict, designed: set[str], out: Calibration) -> None:
    total: dict[str, int] = defaultdict(int)
    for seen in by_persona.values():
        for t, n in seen.items():
            total[t] += n
    moves = sum(total.values())
    for t in sorted(set(total) - designed):
        out.undesigned.append(Undesigned(source, t, total[t], total[t] / moves))


def fit_row(counts: np.ndarray, factors: np.ndarray) -> tuple[np.ndarray, ...]:
    """Base probabilities of one row's K moves, with their 95% interval, from `counts` and
    `factors` ((G, K): each group's observed moves and the factor its chain multiplies each base
    weight by). Equal factors within every group: the Dirichlet posterior exactly; otherwise the
    posterior mode and a Beta matched to its normal approximation."""
    from scipy.special import betaincinv  # scipy.stats's beta.ppf, without importing scipy.stats

    k = counts.shape[1]
    tail = (1 - LEVEL) / 2
    if k == 1:
        one = np.ones(1)
        return one, one, one
    if np.all(factors == factors[:, :1]):
        a = counts.sum(axis=0) + PRIOR
        p = a / a.sum()
        b = a.sum() - a
    else:
        p, var = _mode(np.vstack([counts, np.full(k, PRIOR)]), np.vstack([factors, np.ones(k)]))
        nu = p * (1 - p) / var - 1
        a, b = p * nu, (1 - p) * nu
    return p, betaincinv(a, b, tail), betaincinv(a, b, 1 - tail)


def _mode(counts: np.ndarray, factors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The maximum of Π_g Multinomial(counts_g | factors_g·w / Σ factors_g·w) over the simplex
    (Hunter's minorise-maximise steps), and each probability's variance by the delta method on
    the inverse Hessian in log-weights."""
    n = counts.sum(axis=0)
    trials = counts.sum(axis=1)
    w = n / n.sum()
    for _ in range(10_000):
        z = factors @ w
        w_new = n / ((trials / z) @ factors)
        w_new /= w_new.sum()
        done = np.max(np.abs(w_new - w)) < 1e-13
        w = w_new
        if done:
            break
    pi = factors * w / (factors @ w)[:, None]
    hessian = np.diag(trials @ pi) - (trials[:, None] * pi).T @ pi
    jac = np.diag(w) - np.outer(w, w)
    cov = jac @ np.linalg.pinv(hessian) @ jac.T
    return w, np.clip(np.diag(cov), 1e-300, None)


def _round(weight: float, half_width: float) -> float:
    """`weight` with the fewest significant digits (at least 2) within ROUNDING × `half_width`."""
    for digits in range(2, 17):
        r = float(f"{weight:.{digits}g}")
        if abs(r - weight) <= ROUNDING * half_width:
            return r
    return weight


def number_text(value: float) -> str:
    """A weight as YAML reads it back as a number: positional, no exponent (`1e-05` would be
    text in YAML 1.1), no `.0` on a whole number."""
    return np.format_float_positional(value, trim="-")


_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""What the YAML parser counts as a line break (its marks count lines by these)."""


def edited_texts(cal: Calibration, documents: Mapping[str, object]) -> dict[str, str]:
    """File → its text with every changed weight's number replaced, nothing else touched.

    `documents` holds each map file's `journeyctl.lint.document.Document` (its text and the
    parser's marks) by the name spans use. A weight that is not a plain number of its own in
    the file (an alias, a merged `<<` value) is left as it is, with a warning.
    """
    out: dict[str, str] = {}
    by_file: dict[str, list[Weight]] = defaultdict(list)
    for w in cal.changed:
        by_file[w.span.file].append(w)
    for file, weights in by_file.items():
        doc = documents[file]
        keys = {marks: path for path, marks in doc.key_marks.items()}
        starts = [0] + [m.end() for m in _LINE_BREAK.finditer(doc.text)]
        edits = []
        for w in weights:
            s = w.span
            path = keys[(s.line - 1, s.col - 1, s.end_line - 1, s.end_col - 1)]
            value = doc.data
            for key in path:
                value = value[key]
            if isinstance(value, dict):
                path = (*path, "weight")
            line, col, end_line, end_col = doc.marks.get(path, (0, 0, -1, 0))
            if path not in doc.plain or line != end_line:
                cal.warnings.append(f"{s}: the weight is not a number of its own: left as it is")
                continue
            edits.append((starts[line] + col, starts[line] + end_col, number_text(w.new)))
        text = doc.text
        for begin, end, number in sorted(edits, reverse=True):
            text = text[:begin] + number + text[end:]
        out[file] = text
    return out


def print_calibration(console, cal: Calibration) -> None:
    """The fit for people, printed on `console` (the CLI chooses it): every weight, then the
    observed moves the map lacks and the rows no case passes through."""
    from rich.table import Table
    from rich.text import Text

    console.print(
        Text.assemble(
            ("calibrated ", "bold"),
            printable(cal.map_name),
            f" from {cal.cases:,} cases (prior Dirichlet({PRIOR}), {LEVEL:.0%} intervals)",
        )
    )
    t = Table(title="Weights", title_justify="left")
    for col in ("from", "to", "old", "new", "p", "interval", "designed p", "count"):
        t.add_column(col, justify="left" if col in ("from", "to") else "right")
    for w in cal.weights:
        t.add_row(
            Text(_source(w.source, w.persona)),
            Text(w.target),
            number_text(w.old),
            number_text(w.new),
            f"{w.probability:.1%}",
            f"{w.low:.1%}–{w.high:.1%}",
            f"{w.designed:.1%}",
            f"{w.count:,}",
        )
    console.print(t)
    if cal.undesigned:
        u = Table(title="Observed moves the map lacks (not added)", title_justify="left")
        for col in ("from", "to", "count", "share of moves out"):
            u.add_column(col, justify="left" if col in ("from", "to") else "right")
        for m in cal.undesigned:
            u.add_row(Text(_source(m.source, None)), Text(m.target), f"{m.count:,}",
                      f"{m.share:.1%}")  # fmt: skip
        console.print(u)
    if cal.unobserved_rows:
        console.print(
            Text(f"no case passes through (weights kept): {listing(cal.unobserved_rows)}")
        )


def _source(source: str | None, persona: str | None) -> str:
    if source is not None:
        return source
    return f"(entry of {persona})" if persona else "(entry)"
