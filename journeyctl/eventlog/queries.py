"""Every aggregation over an event log, written once in DuckDB's SQL and run by an engine
(DuckDB as written, Spark translated; see engine).

They read `events(case_id, activity, ts, channel, screen, persona)` (see readers) through
`steps`: each event with its successor's activity and time in its case, ordered by timestamp,
ties by file row, the case named by the row of its first event (no text). The comparison with a
map reads `msteps` (the steps as touchpoints, see project) through its walks: the cases that
took the same path, counted once (see walks). Results are sorted so that output is
deterministic. `db` is the engine; `db.row(alias)` is a row's file position in `events`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from journeyctl.core.escape import sql_literal

STEPS_SQL = """
SELECT CAST(first_value(row) OVER w AS {int}) AS case_row, activity, ts,
       CAST(row AS {int}) AS row,
       CAST(row_number() OVER w AS {int}) AS pos,
       lead(activity) OVER w AS next_activity,
       lead(ts) OVER w AS next_ts,
       lag(row) OVER w > row AS late,
       channel, screen, first_value(persona) OVER w AS segment
FROM (SELECT case_id, activity, ts, {row} AS row, channel, screen, persona FROM {events})
WINDOW w AS (PARTITION BY case_id ORDER BY ts, row)
"""
"""The step table: a case is its `case_row` (the file row of its first event in time), so the
table holds no case id text; `late` marks an event that stands after a later one in the file;
`segment` is the persona column of the case's first event."""


@dataclass(frozen=True)
class LateEvents:
    """Cases with events out of time order in the file: how many, and the first one."""

    cases: int
    case: str | None = None
    row: int | None = None


@dataclass(frozen=True)
class Summary:
    cases: int
    events: int
    activities: int
    first: str
    last: str
    channels: tuple[tuple[str, int], ...]
    """Channel to its number of events, most first."""


@dataclass(frozen=True)
class Dwell:
    """Time from an activity to the next event of the same case, in hours."""

    activity: str
    events: int
    median_hours: float
    p90_hours: float


def build_steps(db, events: str = "events", steps: str = "steps", row: str | None = None) -> None:
    """Create `steps` from `events` (the one window the other queries read); `row` is the
    1-based file row (default: `db.row()`, for a table loaded in file order). Rows and
    positions are 4-byte integers on DuckDB unless the table has 2**32 rows or more."""
    sql = STEPS_SQL.format(events=events, row=row or db.row(), int=db.int_type(events))
    db.create(steps, sql)
    forget(db, steps)


def forget(db, steps: str) -> None:
    """Drop what was derived from `steps` (its variants and packed keys), as it changed."""
    for table in ("variants", "keys", "keys_codes"):
        db.drop(f"{steps}_{table}")


def out_of_order(db, steps: str = "steps", events: str = "events") -> LateEvents:
    """Cases whose events stand out of time order in the file (the first one's id looked up in
    `events` by its row)."""
    n, row = db.one(f"SELECT count(DISTINCT case_row), min(row) FROM {steps} WHERE late")
    if not n:
        return LateEvents(0)
    (case,) = db.one(f"SELECT case_id FROM {events} WHERE {db.row()} = {int(row)}")
    return LateEvents(n, case, row)


def summary(db, steps: str = "steps", events: str = "events") -> Summary:
    cases, n, activities, first, last = db.one(
        f"""SELECT count(*) FILTER (WHERE pos = 1), count(*), count(DISTINCT activity),
               min(ts), max(ts)
        FROM {steps}"""
    )
    channels = _named(
        db.rows(
            f"""SELECT CAST(channel AS VARCHAR) AS channel, n, {_NAMED.format("channel")}
            FROM (SELECT channel, count(*)::BIGINT AS n FROM {events} GROUP BY ALL)
            ORDER BY n DESC, channel"""
        )
    )
    return Summary(cases, n, activities, _iso(first), _iso(last), tuple(channels))


_NAMED = "trim(CAST({} AS VARCHAR)) <> ''"
"""SQL: whether a value names something (neither NULL nor blank); see _named."""


def _named(rows: list[tuple]) -> list[tuple]:
    """The `rows` whose last column (`_NAMED` of a grouped value) is true, without it. Blank
    values are dropped from the groups here: a filter on a grouped column would be pushed
    below the GROUP BY and run on every event."""
    return [r[:-1] for r in rows if r[-1]]


def _iso(ts) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def directly_follows(db, steps: str = "steps") -> list[tuple[str, str, int]]:
    """(activity, next activity, count) for every directly-follows pair, sorted."""
    return db.rows(
        f"""SELECT CAST(activity AS VARCHAR), CAST(next_activity AS VARCHAR), n FROM (
            SELECT activity, next_activity, count(*)::BIGINT AS n FROM {steps}
            WHERE next_activity IS NOT NULL GROUP BY ALL)
        ORDER BY 1, 2"""
    )


def start_counts(db, steps: str = "steps") -> list[tuple[str, int]]:
    """(activity, cases starting with it), sorted by activity."""
    return db.rows(
        f"""SELECT CAST(activity AS VARCHAR), n FROM (
            SELECT activity, count(*)::BIGINT AS n FROM {steps} WHERE pos = 1 GROUP BY ALL)
        ORDER BY 1"""
    )


def end_counts(db, steps: str = "steps") -> list[tuple[str, int]]:
    """(activity, cases ending with it), sorted by activity."""
    return db.rows(
        f"""SELECT CAST(activity AS VARCHAR), n FROM (
            SELECT activity, count(*)::BIGINT AS n FROM {steps} WHERE next_activity IS NULL
            GROUP BY ALL)
        ORDER BY 1"""
    )


MAX_KEYS = 8
"""Packed keys per trace at most (200 steps of 20 activities); longer traces group lists."""


@dataclass(frozen=True)
class Packing:
    """How `packed_keys` stored each case's sequence: codes of `bits` bits (1-based, in
    `codes`), `per` positions in each HUGEINT of a key."""

    codes: str
    bits: int
    per: int

    def code(self, i: str) -> str:
        """SQL: the code at 0-based position `i` of a key `key`."""
        shift = f"CAST({self.bits} * ({i} % {self.per}) AS INTEGER)"
        return f"((key[{i} // {self.per} + 1] >> {shift}) & {(1 << self.bits) - 1})"


WALK_COLUMNS = ("activity", "channel", "screen")
"""What a step of a walk is (see packed_keys, walks)."""


def packed_keys(db, steps: str) -> Packing | None:
    """`{steps}_keys(segment, len, key, n)` (cached): each case's sequence of WALK_COLUMNS,
    with its segment, packed exactly into a list of HUGEINTs, grouped, with its cases; DuckDB
    groups such keys by plain sums, several times faster than ordered lists. The codes number
    the distinct (activity, channel, screen) of `steps` (NULL a value like any other), in
    `{steps}_keys_codes`. None (no table) when a trace needs more than MAX_KEYS keys, or when
    `steps` is empty."""
    table, codes = f"{steps}_keys", f"{steps}_keys_codes"
    names = ", ".join(WALK_COLUMNS)
    if not db.exists(codes):
        db.create(
            codes,
            f"""SELECT {names}, CAST(row_number() OVER (ORDER BY {names}) AS HUGEINT) AS code
            FROM (SELECT DISTINCT {names} FROM {steps})""",
        )
    kinds, longest = db.one(f"SELECT count(*), (SELECT max(pos) FROM {steps}) FROM {codes}")
    if longest is None:  # no steps: every event left out by a mapping
        return None
    bits = max(1, int(kinds).bit_length())
    per = 126 // bits
    keys = range(-(-longest // per))
    if len(keys) > MAX_KEYS:
        return None
    if not db.exists(table):
        sums = ", ".join(
            f"sum(c.code << CAST({bits} * ((pos - 1) % {per}) AS INTEGER)) "
            f"FILTER (WHERE (pos - 1) // {per} = {k}) AS k{k}"
            for k in keys
        )
        ks = ", ".join(f"k{k}" for k in keys)
        on = " AND ".join(f"s.{c} IS NOT DISTINCT FROM c.{c}" for c in WALK_COLUMNS)
        db.create(
            table,
            f"""SELECT segment, len, [{ks}] AS key, count(*)::BIGINT AS n FROM (
                SELECT segment, count(*) AS len, {sums}
                FROM {steps} s JOIN {codes} c ON {on} GROUP BY case_row, segment)
            GROUP BY segment, len, {ks}""",
        )
    return Packing(codes, bits, per)


def _variant_table(db, steps: str, packed: bool | None = None) -> str:
    """`{steps}_variants(trace, n)`: each distinct activity sequence with its cases (cached).

    On DuckDB from the packed keys (see packed_keys); when a trace needs more than MAX_KEYS
    keys (or `packed=False`, or on an engine without such integers),
    `list(activity ORDER BY pos)`: the same traces.
    """
    table = f"{steps}_variants"
    if db.exists(table):
        return table
    how = packed_keys(db, steps) if (db.codes if packed is None else packed) else None
    if how is None:
        db.create(
            table,
            f"""SELECT trace, count(*)::BIGINT AS n FROM (
                SELECT list(activity ORDER BY pos) AS trace FROM {steps}
                GROUP BY case_row)
            GROUP BY trace""",
        )
        return table
    db.create(
        table,
        f"""SELECT trace, sum(n)::BIGINT AS n FROM (
            SELECT [names[CAST({how.code("i")} AS INTEGER)] FOR i IN range(len)] AS trace, n
            FROM {steps}_keys, (SELECT list(activity ORDER BY code) AS names FROM {how.codes}))
        GROUP BY trace""",
    )
    return table


def variants(
    db, steps: str = "steps", limit: int | None = None, packed: bool | None = None
) -> list[tuple[tuple, int]]:
    """(activity sequence, cases) for every variant: most cases first, then by sequence."""
    table = _variant_table(db, steps, packed)
    top = f"LIMIT {int(limit)}" if limit else ""
    rows = db.rows(f"SELECT trace, n FROM {table} ORDER BY n DESC, trace {top}")
    return [(tuple(str(a) for a in t), n) for t, n in rows]


def variant_count(db, steps: str = "steps") -> int:
    return db.one(f"SELECT count(*) FROM {_variant_table(db, steps)}")[0]


def dwell(db, steps: str = "steps") -> list[Dwell]:
    """Median and 90th percentile of the time to the next event, per activity. The quantiles
    interpolate linearly between order statistics (as DuckDB's quantile_cont), computed here
    exactly from the microseconds of the two, so every engine gives the same figures to the
    last digit. The order statistics are found among the distinct times, each with the run of
    sorted positions [first, end) it fills: far fewer rows to sort than events."""
    rows = db.rows(
        f"""WITH d AS (
            SELECT CAST(activity AS VARCHAR) AS activity, epoch_us(next_ts) - epoch_us(ts) AS us,
                   count(*) AS c
            FROM {steps} WHERE next_ts IS NOT NULL GROUP BY 1, 2),
        r AS (
            SELECT activity, us, c,
                   sum(c) OVER (PARTITION BY activity ORDER BY us ROWS UNBOUNDED PRECEDING)
                       AS upto,
                   sum(c) OVER (PARTITION BY activity) AS n
            FROM d)
        SELECT activity, n::BIGINT, (upto - c)::BIGINT AS first, upto::BIGINT, us FROM r
        WHERE (upto - c <= ceil((n - 1) / 2.0) AND floor((n - 1) / 2.0) < upto)
           OR (upto - c <= ceil((n - 1) * 9 / 10.0) AND floor((n - 1) * 9 / 10.0) < upto)
        ORDER BY activity, first"""
    )
    found: dict[str, tuple[int, list[tuple[int, int, int]]]] = {}
    for activity, n, first, end, us in rows:
        found.setdefault(activity, (n, []))[1].append((first, end, us))
    return [
        Dwell(a, n, _quantile(runs, n, Fraction(1, 2)), _quantile(runs, n, Fraction(9, 10)))
        for a, (n, runs) in found.items()
    ]


def _quantile(runs: list[tuple[int, int, int]], n: int, q: Fraction) -> float:
    """The `q` quantile of n values, in hours, from the `runs` (first, end, microseconds) of
    sorted positions holding each value: linear interpolation at position (n - 1) q, exact
    until the division."""
    pos = (n - 1) * q
    lo, hi = (
        next(us for first, end, us in runs if first <= i < end)
        for i in (math.floor(pos), math.ceil(pos))
    )
    return float((lo + (hi - lo) * (pos - math.floor(pos))) / 3_600_000_000)


def activity_profile(db, steps: str = "steps") -> list[tuple[str, int, float]]:
    """(activity, events, mean position in its case), earliest on average first."""
    return db.rows(
        f"""SELECT CAST(activity AS VARCHAR) AS activity, n, mean FROM (
            SELECT activity, count(*)::BIGINT AS n, avg(pos) AS mean FROM {steps} GROUP BY 1)
        ORDER BY mean, activity"""
    )


def values_by_activity(db, column: str, events: str = "events") -> dict[str, list[str]]:
    """Activity to the values of `column` seen with it, most frequent first."""
    rows = db.rows(
        f"""SELECT CAST(activity AS VARCHAR) AS activity, CAST({column} AS VARCHAR) AS value,
               {_NAMED.format(column)}
        FROM (SELECT activity, {column}, count(*) AS n FROM {events} GROUP BY ALL)
        ORDER BY activity, n DESC, value"""
    )
    values: dict[str, list[str]] = {}
    for activity, value in _named(rows):
        values.setdefault(activity, []).append(value)
    return values


def reach_counts(db, steps: str = "steps") -> list[tuple[str, int]]:
    """(activity, cases with at least one event of it), most cases first, then by activity."""
    return db.rows(
        f"""SELECT CAST(activity AS VARCHAR) AS activity, n FROM (
            SELECT activity, count(DISTINCT case_row)::BIGINT AS n FROM {steps} GROUP BY 1)
        ORDER BY n DESC, activity"""
    )


def _texts(values) -> str:
    """`values` as an SQL list of text literals (never empty: `['']` matches nothing here)."""
    return "[" + ", ".join(sql_literal(v) for v in values or [""]) + "]"


def phase_moves(
    db, goals: list[str], channels: bool, steps: str = "steps"
) -> list[tuple[int, bool, str, str | None, str | None, str | None, int, int]]:
    """Every event's move, grouped: (phase, starts its case, activity, channel, next activity,
    next channel, events, sum of their positions).

    The phase is 0 before the case's first event of a `goals` activity, 1 at it, 2 after it. A
    case's last event has no next activity. With `channels`, each event's channel (blank as
    NULL) and its successor's (the step at the next position of its case); else NULL.
    """
    channel, nxt, join = "CAST(NULL AS VARCHAR)", "CAST(NULL AS VARCHAR)", ""
    if channels:
        channel, nxt = "s.channel", "t.channel"
        join = f"LEFT JOIN {steps} t ON t.case_row = s.case_row AND t.pos = s.pos + 1"
    return db.rows(
        f"""WITH g AS (
            SELECT case_row, min(pos) AS goal_pos FROM {steps}
            WHERE list_contains({_texts(goals)}, CAST(activity AS VARCHAR)) GROUP BY case_row),
        s AS (
            SELECT s.*, CASE WHEN g.goal_pos IS NULL OR s.pos < g.goal_pos THEN 0
                             WHEN s.pos = g.goal_pos THEN 1 ELSE 2 END AS phase
            FROM {steps} s LEFT JOIN g ON g.case_row = s.case_row),
        m AS (
            SELECT s.phase, s.pos = 1 AS starts, s.activity, {channel} AS channel,
                   s.next_activity, {nxt} AS next_channel, count(*) AS n,
                   sum(s.pos) AS positions
            FROM s {join} GROUP BY ALL)
        SELECT phase, starts, CAST(activity AS VARCHAR) AS activity,
               nullif(trim(CAST(channel AS VARCHAR)), '') AS channel,
               CAST(next_activity AS VARCHAR) AS next_activity,
               nullif(trim(CAST(next_channel AS VARCHAR)), '') AS next_channel,
               sum(n)::BIGINT AS n, sum(positions)::BIGINT AS positions
        FROM m GROUP BY ALL ORDER BY ALL"""
    )


def distinct_values(db, column: str, events: str = "events") -> list[tuple[str, int]]:
    """Values of `column` with their number of cases, most cases first."""
    return _named(
        db.rows(
            f"""SELECT CAST({column} AS VARCHAR) AS value, n, {_NAMED.format(column)} FROM (
                SELECT {column}, count(*)::BIGINT AS n
                FROM (SELECT DISTINCT case_id, {column} FROM {events}) GROUP BY ALL)
            ORDER BY n DESC, value"""
        )
    )


# --- comparison with a designed map (see overlay) ---------------------------------------------

ENTRY = " entry"
"""The source of a case's first move in `designed`: no touchpoint id can start with a space."""


def project(
    db, mapping: dict[str, str], steps: str = "msteps", routes=(), goals=()
) -> list[tuple[str, int]]:
    """Build `steps` from the events whose activity `mapping` names, as touchpoint ids, and
    its walks (see walks).

    `routes` (activity, channel, screen, after, touchpoint), first match wins, come before
    `mapping`: an event of the activity on `channel` ('': naming none; None: any) and `screen`
    (None: any) goes to `touchpoint` (None: left out); a route with `after` applies only after
    the case's first arrival at one of `goals` (found by the other routes and `mapping`).
    Without routes, when every activity is mapped, the order of `steps` holds and its
    activities are only renamed (a view: nothing copied); else the mapped events are ordered
    anew. Returns the (activity, events) left out, most events first.
    """
    db.drop(steps)
    ids = sorted({*mapping.values(), *(r[-1] for r in routes if r[-1] is not None)})
    tp_kind = "VARCHAR"
    if db.codes and ids:  # touchpoint ids as codes
        tp_kind = f"ENUM({', '.join(sql_literal(t) for t in ids)})"
    if routes:
        left_out = _route(db, mapping, steps, routes, goals, tp_kind)
    else:
        left_out = _rename(db, mapping, steps, tp_kind)
    walks(db, steps, renamed=None if left_out or routes else "tp_map")
    return left_out


def _rename(db, mapping: dict[str, str], steps: str, tp_kind: str) -> list[tuple[str, int]]:
    """`project` by `mapping` alone."""
    kind = db.columns("steps")["activity"] if db.codes else "VARCHAR"  # joined on codes
    db.values("tp_map", [("activity", kind), ("touchpoint", tp_kind)], sorted(mapping.items()))
    left_out = db.rows(
        """SELECT CAST(activity AS VARCHAR) AS activity, count(*)::BIGINT AS n FROM steps
        WHERE activity NOT IN (SELECT activity FROM tp_map) GROUP BY 1 ORDER BY n DESC, 1"""
    )
    if left_out:
        db.create(
            "mapped",
            """SELECT s.case_row AS case_id, m.touchpoint AS activity, s.ts, s.row, s.channel,
                   s.screen, s.segment AS persona
            FROM steps s JOIN tp_map m ON s.activity = m.activity""",
        )
        build_steps(db, "mapped", steps, row="row")
    else:
        db.view(
            steps,
            """SELECT s.case_row, a.touchpoint AS activity, s.ts, s.row, s.pos,
                   b.touchpoint AS next_activity, s.next_ts, s.late, s.channel, s.screen,
                   s.segment
            FROM steps s JOIN tp_map a ON s.activity = a.activity
            LEFT JOIN tp_map b ON s.next_activity = b.activity""",
        )
        forget(db, steps)
    return left_out


def _route(
    db, mapping: dict[str, str], steps: str, routes, goals, tp_kind: str
) -> list[tuple[str, int]]:
    """`project` by routes: each event's touchpoint is the first route (then `mapping`) that
    matches its activity, channel, screen and side of the case's first goal arrival."""
    rows = [(i, *r) for i, r in enumerate(routes)]
    rows += [(len(rows) + i, a, None, None, False, tp) for i, (a, tp) in enumerate(mapping.items())]
    db.values(
        "tp_route",
        [
            ("rank", "INTEGER"),
            ("activity", "VARCHAR"),
            ("channel", "VARCHAR"),
            ("screen", "VARCHAR"),
            ("after", "BOOLEAN"),
            ("touchpoint", tp_kind),
        ],
        rows,
    )
    db.create(
        "routed",
        f"""WITH ev AS (
            SELECT case_row, pos, ts, row, CAST(activity AS VARCHAR) AS activity,
                   coalesce(nullif(trim(CAST(channel AS VARCHAR)), ''), '') AS channel_text,
                   CAST(screen AS VARCHAR) AS screen_text, channel, screen, segment
            FROM steps),
        hit AS (
            SELECT ev.case_row, ev.pos, ev.ts, ev.row, ev.activity, ev.channel, ev.screen,
                   ev.segment,
                   min({{'r': r.rank, 't': r.touchpoint}}) FILTER (WHERE NOT r.after).t
                       AS before,
                   min({{'r': r.rank, 't': r.touchpoint}}).t AS later
            FROM ev LEFT JOIN tp_route r ON r.activity = ev.activity
                AND (r.channel IS NULL OR r.channel = ev.channel_text)
                AND (r.screen IS NULL OR r.screen = ev.screen_text)
            GROUP BY ev.case_row, ev.pos, ev.ts, ev.row, ev.activity, ev.channel, ev.screen,
                ev.segment),
        cut AS (
            SELECT case_row, min(pos) AS at FROM hit
            WHERE list_contains({_texts(goals)}, CAST(before AS VARCHAR)) GROUP BY case_row)
        SELECT hit.case_row AS case_id, activity, ts, row, channel, screen, segment AS persona,
               CASE WHEN pos > cut.at THEN later ELSE before END AS touchpoint
        FROM hit LEFT JOIN cut ON cut.case_row = hit.case_row""",
    )
    db.create(
        "mapped",
        """SELECT case_id, touchpoint AS activity, ts, row, channel, screen, persona
        FROM routed WHERE touchpoint IS NOT NULL""",
    )
    build_steps(db, "mapped", steps, row="row")
    return db.rows(
        """SELECT activity, count(*)::BIGINT AS n FROM routed WHERE touchpoint IS NULL
        GROUP BY 1 ORDER BY n DESC, 1"""
    )


def walks(
    db, steps: str = "msteps", packed: bool | None = None, renamed: str | None = None
) -> None:
    """Create `{steps}_walks(v, n, segment, pos, activity, next_activity, channel, screen)`:
    the steps the comparison counts, each of a walk `v` that `n` cases took alike (the same
    segment, touchpoints, channels and screens in the same order).

    On DuckDB the cases are grouped by their packed keys (see packed_keys), so that the
    comparison reads one walk per variant; `renamed` (a table activity → touchpoint) says that
    `steps` is the table `steps` with its activities renamed, so its keys serve. On other
    engines, with `packed=False`, or when traces are too long to pack or hardly repeat, a walk
    is a case (`n` = 1): the same figures.
    """
    table = f"{steps}_walks"
    source = "steps" if renamed else steps
    how = packed_keys(db, source) if (db.codes if packed is None else packed) else None
    if how is not None and packed is None:
        variants, cases = db.one(f"SELECT count(*), sum(n) FROM {source}_keys")
        if variants * 2 > cases:  # mostly one case a walk: grouping would not pay
            how = None
    if how is None:
        db.view(
            table,
            f"""SELECT case_row AS v, CAST(1 AS BIGINT) AS n, segment, pos, activity,
                   next_activity, channel, screen
            FROM {steps}""",
        )
        return
    codes = how.codes
    if renamed:
        codes = f"""(SELECT c.code, m.touchpoint AS activity, c.channel, c.screen
            FROM {how.codes} c JOIN {renamed} m USING (activity))"""
    db.create(
        table,
        f"""WITH k AS (SELECT row_number() OVER () AS v, * FROM {source}_keys),
        p AS (SELECT v, n, segment, i, CAST({how.code("i")} AS HUGEINT) AS code
              FROM k, range(len) r(i))
        SELECT v, n, segment, CAST(i + 1 AS INTEGER) AS pos, c.activity,
               lead(c.activity) OVER (PARTITION BY v ORDER BY i) AS next_activity,
               c.channel, c.screen
        FROM p JOIN {codes} c USING (code)""",
    )


def case_outcomes(
    db, designed: list[tuple[str, str]], goals: list[str], ends: list[str], steps: str = "msteps"
) -> list[tuple[str | None, str, bool, bool, int]]:
    """(segment, last touchpoint, reached a goal, follows the map, cases), grouped.

    A case follows the map when its first touchpoint is an entry and every move is in
    `designed` ((ENTRY, first) and (a, b), with b = `exit` for the case's end; a case may end
    at a goal); a case is judged up to its first arrival at one of `ends` (goals where the
    map's walks end). One join with `designed`, one aggregate per walk (see walks).
    """
    db.values("designed", [("source", "VARCHAR"), ("target", "VARCHAR")], designed)
    db.values("goals", [("touchpoint", "VARCHAR")], [(g,) for g in goals])
    return db.rows(
        f"""WITH moves AS (
            SELECT s.v, s.n, s.segment, s.pos, CAST(s.activity AS VARCHAR) AS activity,
                   s.next_activity, g.touchpoint IS NOT NULL AS is_goal,
                   list_contains({_texts(ends)}, CAST(s.activity AS VARCHAR)) AS is_end,
                   d.source IS NOT NULL OR (g.touchpoint IS NOT NULL AND s.next_activity IS NULL)
                       AS designed,
                   s.pos > 1 OR e.source IS NOT NULL AS entry_ok
            FROM {steps}_walks s
            LEFT JOIN goals g ON CAST(s.activity AS VARCHAR) = g.touchpoint
            LEFT JOIN designed d ON d.source = CAST(s.activity AS VARCHAR)
                AND d.target = coalesce(CAST(s.next_activity AS VARCHAR), 'exit')
            LEFT JOIN designed e ON s.pos = 1 AND e.source = '{ENTRY}'
                AND e.target = CAST(s.activity AS VARCHAR)),
        cases AS (
            SELECT v, n, segment,
                   min(activity) FILTER (WHERE next_activity IS NULL) AS last,
                   min(pos) FILTER (WHERE is_goal) AS goal_pos,
                   min(pos) FILTER (WHERE is_end) AS end_pos,
                   min(pos) FILTER (WHERE NOT designed) AS bad_pos,
                   bool_and(entry_ok) AS entry_ok
            FROM moves GROUP BY v, n, segment)
        SELECT CAST(segment AS VARCHAR) AS segment, last, goal_pos IS NOT NULL AS reached,
               entry_ok AND (bad_pos IS NULL OR bad_pos >= end_pos) AS follows,
               sum(n)::BIGINT AS n
        FROM cases GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"""
    )


def segment_moves(db, steps: str = "msteps") -> list[tuple[str | None, str, str, int, int]]:
    """(segment, source, target, moves, cases) of every move: (ENTRY, first) for a case's
    start, (a, b) for each step and (last, 'exit') for its end; `cases` counts the distinct
    cases taking it. The segment is the persona column of the case's first event. Sorted.
    Moves are counted per walk first (see walks), so that distinct cases are its rows."""
    return db.rows(
        f"""WITH per_walk AS (
            SELECT v, n, CAST(segment AS VARCHAR) AS persona,
                   CAST(activity AS VARCHAR) AS activity,
                   CAST(next_activity AS VARCHAR) AS next_activity, count(*) AS k,
                   bool_or(pos = 1) AS starts
            FROM {steps}_walks GROUP BY 1, 2, 3, 4, 5),
        seg AS (
            SELECT persona, activity, next_activity, sum(k * n) AS n, sum(n) AS cases,
                   sum(CASE WHEN starts THEN n ELSE 0 END) AS starts
            FROM per_walk GROUP BY 1, 2, 3)
        SELECT persona, activity, coalesce(next_activity, 'exit') AS target, n::BIGINT AS n,
               cases::BIGINT AS cases
        FROM seg
        UNION ALL
        SELECT persona, '{ENTRY}' AS activity, activity AS target, sum(starts)::BIGINT AS n,
               sum(starts)::BIGINT AS cases
        FROM seg WHERE starts > 0 GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3, 4, 5"""
    )


def stage_mix(
    db, column: str, stage_of: dict[str, str], steps: str = "msteps"
) -> list[tuple[str | None, str, str, int, int, int]]:
    """(segment, stage, value, events, sum of y², sum of y·n) of `column` (channel or screen)
    over the events of the touchpoints `stage_of` names, per stage: y is a case's events of the
    stage with the value, n its events of the stage with any (blank values left out); the sums
    run over the cases (each walk's figures times its cases, see walks). Sorted."""
    db.values(
        "tp_stage", [("touchpoint", "VARCHAR"), ("stage", "VARCHAR")], sorted(stage_of.items())
    )
    return db.rows(
        f"""WITH y AS (
            SELECT s.v, s.n AS w, CAST(s.segment AS VARCHAR) AS segment, t.stage,
                   nullif(trim(CAST(s.{column} AS VARCHAR)), '') AS value, count(*)::BIGINT AS y
            FROM {steps}_walks s JOIN tp_stage t ON t.touchpoint = CAST(s.activity AS VARCHAR)
            GROUP BY 1, 2, 3, 4, 5 HAVING value IS NOT NULL),
        n AS (SELECT v, stage, sum(y) AS n FROM y GROUP BY 1, 2)
        SELECT segment, y.stage, y.value, sum(y * w)::BIGINT AS n,
               sum(y * y * w)::BIGINT AS y2, sum(y * n * w)::BIGINT AS yn
        FROM y JOIN n ON n.v = y.v AND n.stage = y.stage
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3, 4, 5, 6"""
    )
