"""Every aggregation over an event log, written once in DuckDB's SQL and run by an engine
(DuckDB as written, Spark translated; see engine).

They read `events(case_id, activity, ts, channel, screen, persona)` (see readers) through
`steps`: each event with its successor in its case, ordered by timestamp, ties by file row, the
case named by the row of its first event (no text). Results are sorted so that output is
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
       lag(row) OVER w > row AS late
FROM (SELECT case_id, activity, ts, {row} AS row FROM {events})
WINDOW w AS (PARTITION BY case_id ORDER BY ts, row)
"""
"""The step table: a case is its `case_row` (the file row of its first event in time), so the
table holds no case id text; `late` marks an event that stands after a later one in the file."""


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
    db.drop(f"{steps}_variants")


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
    channels = db.rows(
        f"""SELECT channel, n
        FROM (SELECT CAST(channel AS VARCHAR) AS channel, count(*)::BIGINT AS n
              FROM {events} GROUP BY ALL)
        WHERE channel IS NOT NULL AND trim(channel) <> '' ORDER BY n DESC, channel"""
    )
    return Summary(cases, n, activities, _iso(first), _iso(last), tuple(channels))


def _iso(ts) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def directly_follows(db, steps: str = "steps") -> list[tuple[str, str, int]]:
    """(activity, next activity, count) for every directly-follows pair, sorted."""
    return db.rows(
        f"""SELECT CAST(activity AS VARCHAR), CAST(next_activity AS VARCHAR), count(*)::BIGINT
        FROM {steps} WHERE next_activity IS NOT NULL GROUP BY ALL ORDER BY 1, 2"""
    )


def start_counts(db, steps: str = "steps") -> list[tuple[str, int]]:
    """(activity, cases starting with it), sorted by activity."""
    return db.rows(
        f"""SELECT CAST(activity AS VARCHAR), count(*)::BIGINT FROM {steps} WHERE pos = 1
        GROUP BY ALL ORDER BY 1"""
    )


def end_counts(db, steps: str = "steps") -> list[tuple[str, int]]:
    """(activity, cases ending with it), sorted by activity."""
    return db.rows(
        f"""SELECT CAST(activity AS VARCHAR), count(*)::BIGINT FROM {steps}
        WHERE next_activity IS NULL GROUP BY ALL ORDER BY 1"""
    )


MAX_KEYS = 8
"""Packed keys per trace at most (200 steps of 20 activities); longer traces group lists."""


def _variant_table(db, steps: str, packed: bool | None = None) -> str:
    """`{steps}_variants(trace, n)`: each distinct activity sequence with its cases (cached).

    On DuckDB a trace is packed exactly into a few HUGEINTs (activity codes of b bits,
    126 // b positions in each), which DuckDB groups by plain sums, several times faster than
    ordered lists; when a trace needs more than MAX_KEYS of them (or `packed=False`, or on an
    engine without such integers), `list(activity ORDER BY pos)`: the same traces.
    """
    table = f"{steps}_variants"
    if db.exists(table):
        return table
    kinds, longest = db.one(f"SELECT count(DISTINCT activity), max(pos) FROM {steps}")
    bits = max(1, int(kinds).bit_length())
    per = 126 // bits
    keys = range(-(-longest // per))
    if packed is None:
        packed = db.codes and len(keys) <= MAX_KEYS
    if not packed:
        db.create(
            table,
            f"""SELECT trace, count(*)::BIGINT AS n FROM (
                SELECT list(activity ORDER BY pos) AS trace FROM {steps}
                GROUP BY case_row)
            GROUP BY trace""",
        )
        return table
    db.create(
        f"{steps}_codes",
        f"""SELECT activity, CAST(row_number() OVER (ORDER BY activity) AS HUGEINT) AS code
        FROM (SELECT DISTINCT activity FROM {steps})""",
    )
    sums = ", ".join(
        f"sum(c.code << CAST({bits} * ((pos - 1) % {per}) AS INTEGER)) "
        f"FILTER (WHERE (pos - 1) // {per} = {k}) AS k{k}"
        for k in keys
    )
    columns = ", ".join(f"k{k}" for k in keys)
    db.create(
        table,
        f"""WITH keys AS (
            SELECT len, [{columns}] AS key, count(*)::BIGINT AS n FROM (
                SELECT case_row, count(*) AS len, {sums}
                FROM {steps} s JOIN {steps}_codes c USING (activity) GROUP BY case_row)
            GROUP BY len, {columns}),
        codes AS (SELECT list(activity ORDER BY code) AS names FROM {steps}_codes)
        SELECT [names[CAST((key[i // {per} + 1] >> CAST({bits} * (i % {per}) AS INTEGER))
                           & {(1 << bits) - 1} AS INTEGER)]
                FOR i IN range(len)] AS trace, n
        FROM keys, codes""",
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
    """Median and 90th percentile of the time to the next event, per activity (the next
    event's time found here, by the engine's window over a case's steps: `steps` does not
    hold it, to stay small). The quantiles interpolate linearly between order statistics
    (as DuckDB's quantile_cont), computed here exactly from the microseconds of the two, so
    every engine gives the same figures to the last digit."""
    rows = db.rows(
        f"""WITH d AS (
            SELECT activity, epoch_us(next_ts) - epoch_us(ts) AS us FROM (
                SELECT CAST(activity AS VARCHAR) AS activity, ts,
                       {db.successor("ts")} AS next_ts
                FROM {steps} WINDOW {db.case_window})
            WHERE next_ts IS NOT NULL),
        r AS (
            SELECT activity, us, row_number() OVER (PARTITION BY activity ORDER BY us) - 1 AS i,
                   count(*) OVER (PARTITION BY activity) AS n
            FROM d)
        SELECT activity, n, i, us FROM r
        WHERE i IN (floor((n - 1) / 2.0), ceil((n - 1) / 2.0),
                    floor((n - 1) * 9 / 10.0), ceil((n - 1) * 9 / 10.0))
        ORDER BY activity, i"""
    )
    found: dict[str, tuple[int, dict[int, int]]] = {}
    for activity, n, i, us in rows:
        found.setdefault(activity, (n, {}))[1][i] = us
    return [
        Dwell(a, n, _quantile(at, n, Fraction(1, 2)), _quantile(at, n, Fraction(9, 10)))
        for a, (n, at) in found.items()
    ]


def _quantile(at: dict[int, int], n: int, q: Fraction) -> float:
    """The `q` quantile of n values, in hours, from its order statistics `at` (0-based index
    to microseconds): linear interpolation at position (n - 1) q, exact until the division."""
    pos = (n - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return float((at[lo] + (at[hi] - at[lo]) * (pos - lo)) / 3_600_000_000)


def activity_profile(db, steps: str = "steps") -> list[tuple[str, int, float]]:
    """(activity, events, mean position in its case), earliest on average first."""
    return db.rows(
        f"""SELECT CAST(activity AS VARCHAR) AS activity, count(*)::BIGINT, avg(pos)
        FROM {steps} GROUP BY 1 ORDER BY avg(pos), activity"""
    )


def values_by_activity(db, column: str, events: str = "events") -> dict[str, list[str]]:
    """Activity to the values of `column` seen with it, most frequent first."""
    rows = db.rows(
        f"""SELECT activity, list(value ORDER BY n DESC, value) FROM (
            SELECT CAST(activity AS VARCHAR) AS activity, CAST({column} AS VARCHAR) AS value,
                   count(*) AS n
            FROM {events} WHERE {column} IS NOT NULL AND trim(CAST({column} AS VARCHAR)) <> ''
            GROUP BY ALL)
        GROUP BY activity ORDER BY activity"""
    )
    return {a: list(v) for a, v in rows}


def reach_counts(db, steps: str = "steps") -> list[tuple[str, int]]:
    """(activity, cases with at least one event of it), most cases first, then by activity."""
    return db.rows(
        f"""SELECT CAST(activity AS VARCHAR) AS activity, count(DISTINCT case_row)::BIGINT AS n
        FROM {steps} GROUP BY 1 ORDER BY n DESC, activity"""
    )


def _texts(values) -> str:
    """`values` as an SQL list of text literals (never empty: `['']` matches nothing here)."""
    return "[" + ", ".join(sql_literal(v) for v in values or [""]) + "]"


def phase_moves(
    db, goals: list[str], channels: bool, steps: str = "steps", events: str = "events"
) -> list[tuple[int, bool, str, str | None, str | None, str | None, int, int]]:
    """Every event's move, grouped: (phase, starts its case, activity, channel, next activity,
    next channel, events, sum of their positions).

    The phase is 0 before the case's first event of a `goals` activity, 1 at it, 2 after it. A
    case's last event has no next activity. With `channels`, each event's channel (blank as
    NULL) and its successor's (the engine's window over a case's steps); else NULL.
    """
    channel, join, nxt = "CAST(NULL AS VARCHAR)", "", "CAST(NULL AS VARCHAR)"
    if channels:
        channel = "nullif(trim(CAST(e.channel AS VARCHAR)), '')"
        join = f"JOIN {events} e ON {db.row('e')} = s.row"
        nxt = db.successor("channel")
    return db.rows(
        f"""WITH g AS (
            SELECT case_row, min(pos) AS goal_pos FROM {steps}
            WHERE list_contains({_texts(goals)}, CAST(activity AS VARCHAR)) GROUP BY case_row),
        s AS (
            SELECT s.case_row, s.pos, CAST(s.activity AS VARCHAR) AS activity,
                   CAST(s.next_activity AS VARCHAR) AS next_activity, {channel} AS channel,
                   CASE WHEN g.goal_pos IS NULL OR s.pos < g.goal_pos THEN 0
                        WHEN s.pos = g.goal_pos THEN 1 ELSE 2 END AS phase
            FROM {steps} s LEFT JOIN g ON g.case_row = s.case_row {join}),
        n AS (SELECT *, {nxt} AS next_channel FROM s WINDOW {db.case_window})
        SELECT phase, pos = 1 AS starts, activity, channel, next_activity, next_channel,
               count(*)::BIGINT AS n, sum(pos)::BIGINT AS positions
        FROM n GROUP BY ALL ORDER BY ALL"""
    )


def distinct_values(db, column: str, events: str = "events") -> list[tuple[str, int]]:
    """Values of `column` with their number of cases, most cases first."""
    return db.rows(
        f"""SELECT value, count(*)::BIGINT AS n FROM (
            SELECT DISTINCT case_id, CAST({column} AS VARCHAR) AS value FROM {events}
            WHERE {column} IS NOT NULL AND trim(CAST({column} AS VARCHAR)) <> '')
        GROUP BY ALL ORDER BY n DESC, value"""
    )


# --- comparison with a designed map (see overlay) ---------------------------------------------

ENTRY = " entry"
"""The source of a case's first move in `designed`: no touchpoint id can start with a space."""


def project(
    db, mapping: dict[str, str], steps: str = "msteps", routes=(), goals=()
) -> list[tuple[str, int]]:
    """Build `steps` from the events whose activity `mapping` names, as touchpoint ids.

    `routes` (activity, channel, screen, after, touchpoint), first match wins, come before
    `mapping`: an event of the activity on `channel` ('': naming none; None: any) and `screen`
    (None: any) goes to `touchpoint` (None: left out); a route with `after` applies only after
    the case's first arrival at one of `goals` (found by the other routes and `mapping`).
    Without routes, when every activity is mapped, the order of `steps` holds and its
    activities are only renamed (a view: nothing copied); else the mapped events are ordered
    anew. Returns the (activity, events) left out, most events first.
    """
    db.drop(steps)
    if routes:
        return _route(db, mapping, steps, routes, goals)
    kind, tp_kind = "VARCHAR", "VARCHAR"
    ids = sorted(set(mapping.values()))
    if db.codes:  # joined on the events' codes, to codes of the touchpoint ids
        kind = db.columns("events")["activity"]
        tp_kind = f"ENUM({', '.join(sql_literal(t) for t in ids)})" if ids else "VARCHAR"
    db.values("tp_map", [("activity", kind), ("touchpoint", tp_kind)], sorted(mapping.items()))
    left_out = db.rows(
        """SELECT CAST(activity AS VARCHAR) AS activity, count(*)::BIGINT AS n FROM events
        WHERE activity NOT IN (SELECT activity FROM tp_map) GROUP BY 1 ORDER BY n DESC, 1"""
    )
    if left_out:
        db.create(
            "mapped",
            f"""SELECT e.case_id, m.touchpoint AS activity, e.ts, {db.row("e")} AS row
            FROM events e JOIN tp_map m ON e.activity = m.activity""",
        )
        build_steps(db, "mapped", steps, row="row")
    else:
        db.view(
            steps,
            """SELECT s.case_row, a.touchpoint AS activity, s.ts, s.row, s.pos,
                   b.touchpoint AS next_activity, s.late
            FROM steps s JOIN tp_map a ON s.activity = a.activity
            LEFT JOIN tp_map b ON s.next_activity = b.activity""",
        )
        db.drop(f"{steps}_variants")
    return left_out


def _route(db, mapping: dict[str, str], steps: str, routes, goals) -> list[tuple[str, int]]:
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
            ("touchpoint", "VARCHAR"),
        ],
        rows,
    )
    db.create(
        "routed",
        f"""WITH ev AS (
            SELECT s.case_row, s.pos, s.ts, s.row, CAST(s.activity AS VARCHAR) AS activity,
                   coalesce(nullif(trim(CAST(e.channel AS VARCHAR)), ''), '') AS channel,
                   CAST(e.screen AS VARCHAR) AS screen
            FROM steps s JOIN events e ON {db.row("e")} = s.row),
        hit AS (
            SELECT ev.case_row, ev.pos, ev.ts, ev.row, ev.activity,
                   min({{'r': r.rank, 't': r.touchpoint}}) FILTER (WHERE NOT r.after).t
                       AS before,
                   min({{'r': r.rank, 't': r.touchpoint}}).t AS later
            FROM ev LEFT JOIN tp_route r ON r.activity = ev.activity
                AND (r.channel IS NULL OR r.channel = ev.channel)
                AND (r.screen IS NULL OR r.screen = ev.screen)
            GROUP BY ev.case_row, ev.pos, ev.ts, ev.row, ev.activity),
        cut AS (
            SELECT case_row, min(pos) AS at FROM hit
            WHERE list_contains({_texts(goals)}, before) GROUP BY case_row)
        SELECT hit.case_row AS case_id, activity, ts, row,
               CASE WHEN pos > cut.at THEN later ELSE before END AS touchpoint
        FROM hit LEFT JOIN cut ON cut.case_row = hit.case_row""",
    )
    db.create(
        "mapped",
        "SELECT case_id, touchpoint AS activity, ts, row FROM routed WHERE touchpoint IS NOT NULL",
    )
    build_steps(db, "mapped", steps, row="row")
    return db.rows(
        """SELECT activity, count(*)::BIGINT AS n FROM routed WHERE touchpoint IS NULL
        GROUP BY 1 ORDER BY n DESC, 1"""
    )


def case_outcomes(
    db, designed: list[tuple[str, str]], goals: list[str], ends: list[str], steps: str = "msteps"
) -> list[tuple[str | None, str, bool, bool, int]]:
    """(segment, last touchpoint, reached a goal, follows the map, cases), grouped.

    A case's segment is the persona column of its first event (found in `events` by row). It
    follows the map when its first touchpoint is an entry and every move is in `designed`
    ((ENTRY, first) and (a, b), with b = `exit` for the case's end; a case may end at a goal);
    a case is judged up to its first arrival at one of `ends` (goals where the map's walks
    end). One join with `designed`, one aggregate per case.
    """
    db.values("designed", [("source", "VARCHAR"), ("target", "VARCHAR")], designed)
    db.values("goals", [("touchpoint", "VARCHAR")], [(g,) for g in goals])
    return db.rows(
        f"""WITH moves AS (
            SELECT s.case_row, s.pos, CAST(s.activity AS VARCHAR) AS activity,
                   s.next_activity, g.touchpoint IS NOT NULL AS is_goal,
                   list_contains({_texts(ends)}, CAST(s.activity AS VARCHAR)) AS is_end,
                   d.source IS NOT NULL OR (g.touchpoint IS NOT NULL AND s.next_activity IS NULL)
                       AS designed,
                   s.pos > 1 OR e.source IS NOT NULL AS entry_ok
            FROM {steps} s
            LEFT JOIN goals g ON s.activity = g.touchpoint
            LEFT JOIN designed d
                ON d.source = s.activity AND d.target = coalesce(s.next_activity, 'exit')
            LEFT JOIN designed e ON s.pos = 1 AND e.source = '{ENTRY}' AND e.target = s.activity),
        cases AS (
            SELECT case_row,
                   min(activity) FILTER (WHERE next_activity IS NULL) AS last,
                   min(pos) FILTER (WHERE is_goal) AS goal_pos,
                   min(pos) FILTER (WHERE is_end) AS end_pos,
                   min(pos) FILTER (WHERE NOT designed) AS bad_pos,
                   bool_and(entry_ok) AS entry_ok
            FROM moves GROUP BY case_row)
        SELECT CAST(e.persona AS VARCHAR) AS segment, last, goal_pos IS NOT NULL AS reached,
               entry_ok AND (bad_pos IS NULL OR bad_pos >= end_pos) AS follows,
               count(*)::BIGINT AS n
        FROM cases c JOIN events e ON {db.row("e")} = c.case_row
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"""
    )


def segment_moves(db, steps: str = "msteps") -> list[tuple[str | None, str, str, int, int]]:
    """(segment, source, target, moves, cases) of every move: (ENTRY, first) for a case's
    start, (a, b) for each step and (last, 'exit') for its end; `cases` counts the distinct
    cases taking it. The segment is the persona column of the case's first event. Sorted.
    Moves are counted per case first, so that distinct cases are rows and a case's segment is
    looked up once per distinct move it makes."""
    return db.rows(
        f"""WITH per_case AS (
            SELECT case_row, CAST(activity AS VARCHAR) AS activity,
                   CAST(next_activity AS VARCHAR) AS next_activity, count(*) AS n,
                   bool_or(pos = 1) AS starts
            FROM {steps} GROUP BY 1, 2, 3),
        seg AS (
            SELECT CAST(e.persona AS VARCHAR) AS persona, p.activity, p.next_activity,
                   sum(n) AS n, count(*) AS cases, count(*) FILTER (WHERE starts) AS starts
            FROM per_case p JOIN events e ON {db.row("e")} = p.case_row GROUP BY 1, 2, 3)
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
    db, column: str, stage_of: dict[str, str], steps: str = "msteps", events: str = "events"
) -> list[tuple[str | None, str, str, int, int, int]]:
    """(segment, stage, value, events, sum of y², sum of y·n) of `column` (channel or screen)
    over the events of the touchpoints `stage_of` names, per stage: y is a case's events of the
    stage with the value, n its events of the stage with any (blank values left out); the sums
    run over the cases, whose segment is the persona column of their first event. Sorted."""
    db.values(
        "tp_stage", [("touchpoint", "VARCHAR"), ("stage", "VARCHAR")], sorted(stage_of.items())
    )
    return db.rows(
        f"""WITH y AS (
            SELECT s.case_row, t.stage, nullif(trim(CAST(e.{column} AS VARCHAR)), '') AS value,
                   count(*)::BIGINT AS y
            FROM {steps} s JOIN tp_stage t ON t.touchpoint = s.activity
            JOIN {events} e ON {db.row("e")} = s.row
            GROUP BY 1, 2, 3 HAVING value IS NOT NULL),
        n AS (SELECT case_row, stage, sum(y) AS n FROM y GROUP BY 1, 2)
        SELECT CAST(p.persona AS VARCHAR) AS segment, y.stage, y.value, sum(y)::BIGINT AS n,
               sum(y * y)::BIGINT AS y2, sum(y * n)::BIGINT AS yn
        FROM y JOIN n ON n.case_row = y.case_row AND n.stage = y.stage
        JOIN {events} p ON {db.row("p")} = y.case_row
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3, 4, 5, 6"""
    )
