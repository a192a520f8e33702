"""Every aggregation over an event log, written once in SQL (DuckDB today, any SQL engine later).

They read `events(case_id, activity, ts, channel, screen, persona)` (see readers) through
`steps`: each event with its successor in its case, ordered by timestamp, ties by file row, the
case named by the row of its first event (no text). Results are sorted so that output is
deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyctl.core.escape import sql_literal

STEPS_SQL = """
CREATE OR REPLACE TEMP TABLE {steps} AS
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


def build_steps(con, events: str = "events", steps: str = "steps", row: str = "rowid + 1") -> None:
    """Create `steps` from `events` (the one window the other queries read); `row` is the
    1-based file row (`rowid + 1` for a table loaded in file order). Rows and positions are
    4-byte integers unless the table has 2**32 rows or more."""
    (rows,) = con.execute(f"SELECT count(*) FROM {events}").fetchone()
    int_type = "UINTEGER" if rows < 1 << 32 else "UBIGINT"
    con.execute(STEPS_SQL.format(events=events, steps=steps, row=row, int=int_type))
    con.execute(f"DROP TABLE IF EXISTS {steps}_variants")


def out_of_order(con, steps: str = "steps", events: str = "events") -> LateEvents:
    """Cases whose events stand out of time order in the file (the first one's id looked up in
    `events` by its row)."""
    n, row = con.execute(
        f"SELECT count(DISTINCT case_row), min(row) FROM {steps} WHERE late"
    ).fetchone()
    if not n:
        return LateEvents(0)
    (case,) = con.execute(f"SELECT case_id FROM {events} WHERE rowid = ?", [row - 1]).fetchone()
    return LateEvents(n, case, row)


def summary(con, steps: str = "steps", events: str = "events") -> Summary:
    cases, n, activities, first, last = con.execute(
        f"""SELECT count(*) FILTER (WHERE pos = 1), count(*), count(DISTINCT activity),
               strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ'), strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ')
        FROM {steps}"""
    ).fetchone()
    channels = con.execute(
        f"""SELECT channel, n
        FROM (SELECT channel, count(*)::BIGINT AS n FROM {events} GROUP BY ALL)
        WHERE channel IS NOT NULL AND trim(channel) <> '' ORDER BY n DESC, channel"""
    ).fetchall()
    return Summary(cases, n, activities, first, last, tuple(channels))


def directly_follows(con, steps: str = "steps") -> list[tuple[str, str, int]]:
    """(activity, next activity, count) for every directly-follows pair, sorted."""
    return con.execute(
        f"""SELECT activity, next_activity, count(*)::BIGINT FROM {steps}
        WHERE next_activity IS NOT NULL GROUP BY ALL ORDER BY 1, 2"""
    ).fetchall()


def start_counts(con, steps: str = "steps") -> list[tuple[str, int]]:
    """(activity, cases starting with it), sorted by activity."""
    return con.execute(
        f"SELECT activity, count(*)::BIGINT FROM {steps} WHERE pos = 1 GROUP BY ALL ORDER BY 1"
    ).fetchall()


def end_counts(con, steps: str = "steps") -> list[tuple[str, int]]:
    """(activity, cases ending with it), sorted by activity."""
    return con.execute(
        f"""SELECT activity, count(*)::BIGINT FROM {steps}
        WHERE next_activity IS NULL GROUP BY ALL ORDER BY 1"""
    ).fetchall()


MAX_KEYS = 8
"""Packed keys per trace at most (200 steps of 20 activities); longer traces group lists."""


def _variant_table(con, steps: str, packed: bool | None = None) -> str:
    """`{steps}_variants(trace, n)`: each distinct activity sequence with its cases (cached).

    A trace is packed exactly into a few HUGEINTs (activity codes of b bits, 126 // b positions
    in each), which DuckDB groups by plain sums, several times faster than ordered lists; when a
    trace needs more than MAX_KEYS of them (or `packed=False`), `list(activity ORDER BY pos)`.
    """
    table = f"{steps}_variants"
    if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()[
        0
    ]:
        return table
    kinds, longest = con.execute(
        f"SELECT count(DISTINCT activity), max(pos) FROM {steps}"
    ).fetchone()
    bits = max(1, int(kinds).bit_length())
    per = 126 // bits
    keys = range(-(-longest // per))
    if packed is None:
        packed = len(keys) <= MAX_KEYS
    if not packed:
        con.execute(
            f"""CREATE TEMP TABLE {table} AS
            SELECT trace, count(*)::BIGINT AS n FROM (
                SELECT list(activity ORDER BY pos) AS trace FROM {steps} GROUP BY case_row)
            GROUP BY trace"""
        )
        return table
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {steps}_codes AS
        SELECT activity, CAST(row_number() OVER (ORDER BY activity) AS HUGEINT) AS code
        FROM (SELECT DISTINCT activity FROM {steps})"""
    )
    sums = ", ".join(
        f"sum(c.code << CAST({bits} * ((pos - 1) % {per}) AS INTEGER)) "
        f"FILTER (WHERE (pos - 1) // {per} = {k}) AS k{k}"
        for k in keys
    )
    columns = ", ".join(f"k{k}" for k in keys)
    con.execute(
        f"""CREATE TEMP TABLE {table} AS
        WITH keys AS (
            SELECT len, [{columns}] AS key, count(*)::BIGINT AS n FROM (
                SELECT case_row, count(*) AS len, {sums}
                FROM {steps} s JOIN {steps}_codes c USING (activity) GROUP BY case_row)
            GROUP BY len, {columns}),
        codes AS (SELECT list(activity ORDER BY code) AS names FROM {steps}_codes)
        SELECT [names[CAST((key[i // {per} + 1] >> CAST({bits} * (i % {per}) AS INTEGER))
                           & {(1 << bits) - 1} AS INTEGER)]
                FOR i IN range(len)] AS trace, n
        FROM keys, codes"""
    )
    return table


def variants(
    con, steps: str = "steps", limit: int | None = None, packed: bool | None = None
) -> list[tuple[tuple, int]]:
    """(activity sequence, cases) for every variant: most cases first, then by sequence."""
    table = _variant_table(con, steps, packed)
    top = f"LIMIT {int(limit)}" if limit else ""
    rows = con.execute(f"SELECT trace, n FROM {table} ORDER BY n DESC, trace {top}").fetchall()
    return [(tuple(t), n) for t, n in rows]


def variant_count(con, steps: str = "steps") -> int:
    return con.execute(f"SELECT count(*) FROM {_variant_table(con, steps)}").fetchone()[0]


def dwell(con, steps: str = "steps") -> list[Dwell]:
    """Median and 90th percentile of the time to the next event, per activity (the next
    event's time found here: `steps` does not hold it, to stay small). One sort of all steps by
    (case, position), the next row's time taken when it is the same case: a window partitioned
    by case (millions of partitions) spills and runs 15 times slower on 18 M events."""
    rows = con.execute(
        f"""SELECT activity, count(*)::BIGINT,
               quantile_cont(h, 0.5), quantile_cont(h, 0.9)
        FROM (SELECT activity, (epoch(next_ts) - epoch(ts)) / 3600.0 AS h FROM (
                  SELECT activity, ts,
                         CASE WHEN lead(case_row) OVER o = case_row THEN lead(ts) OVER o END
                             AS next_ts
                  FROM {steps} WINDOW o AS (ORDER BY case_row, pos))
              WHERE next_ts IS NOT NULL)
        GROUP BY activity ORDER BY activity"""
    ).fetchall()
    return [Dwell(a, n, float(m), float(p)) for a, n, m, p in rows]


def activity_profile(con, steps: str = "steps") -> list[tuple[str, int, float]]:
    """(activity, events, mean position in its case), earliest on average first."""
    return con.execute(
        f"""SELECT activity, count(*)::BIGINT, avg(pos) FROM {steps}
        GROUP BY activity ORDER BY avg(pos), activity"""
    ).fetchall()


def values_by_activity(con, column: str, events: str = "events") -> dict[str, list[str]]:
    """Activity to the values of `column` seen with it, most frequent first."""
    rows = con.execute(
        f"""SELECT activity, list({column} ORDER BY n DESC, {column}) FROM (
            SELECT * FROM (SELECT activity, {column}, count(*) AS n FROM {events} GROUP BY ALL)
            WHERE {column} IS NOT NULL AND trim({column}) <> '')
        GROUP BY activity ORDER BY activity"""
    ).fetchall()
    return {a: list(v) for a, v in rows}


def reach_counts(con, steps: str = "steps") -> list[tuple[str, int]]:
    """(activity, cases with at least one event of it), most cases first, then by activity."""
    return con.execute(
        f"""SELECT activity, count(DISTINCT case_row)::BIGINT AS n FROM {steps}
        GROUP BY activity ORDER BY n DESC, CAST(activity AS VARCHAR)"""
    ).fetchall()


def phase_moves(
    con, goals: list[str], channels: bool, steps: str = "steps", events: str = "events"
) -> list[tuple[int, bool, str, str | None, str | None, str | None, int, int]]:
    """Every event's move, grouped: (phase, starts its case, activity, channel, next activity,
    next channel, events, sum of their positions).

    The phase is 0 before the case's first event of a `goals` activity, 1 at it, 2 after it. A
    case's last event has no next activity. With `channels`, each event's channel (blank as
    NULL) and its successor's, found by one sort of all steps by (case, position); else NULL.
    """
    channel, join, nxt = "CAST(NULL AS VARCHAR)", "", "CAST(NULL AS VARCHAR)"
    if channels:
        channel = "nullif(trim(CAST(e.channel AS VARCHAR)), '')"
        join = f"JOIN {events} e ON e.rowid = s.row - 1"
        nxt = "CASE WHEN lead(case_row) OVER o = case_row THEN lead(channel) OVER o END"
    return con.execute(
        f"""WITH g AS (
            SELECT case_row, min(pos) AS goal_pos FROM {steps}
            WHERE list_contains($goals, CAST(activity AS VARCHAR)) GROUP BY case_row),
        s AS (
            SELECT s.case_row, s.pos, CAST(s.activity AS VARCHAR) AS activity,
                   CAST(s.next_activity AS VARCHAR) AS next_activity, {channel} AS channel,
                   CASE WHEN g.goal_pos IS NULL OR s.pos < g.goal_pos THEN 0
                        WHEN s.pos = g.goal_pos THEN 1 ELSE 2 END AS phase
            FROM {steps} s LEFT JOIN g USING (case_row) {join}),
        n AS (SELECT *, {nxt} AS next_channel FROM s WINDOW o AS (ORDER BY case_row, pos))
        SELECT phase, pos = 1, activity, channel, next_activity, next_channel,
               count(*)::BIGINT, sum(pos)::BIGINT
        FROM n GROUP BY ALL ORDER BY ALL""",
        {"goals": list(goals)},
    ).fetchall()


def distinct_values(con, column: str, events: str = "events") -> list[tuple[str, int]]:
    """Values of `column` with their number of cases, most cases first."""
    return con.execute(
        f"""SELECT {column}, count(*)::BIGINT AS n FROM (
            SELECT DISTINCT case_id, {column} FROM {events}
            WHERE {column} IS NOT NULL AND trim({column}) <> '')
        GROUP BY ALL ORDER BY n DESC, {column}"""
    ).fetchall()


# --- comparison with a designed map (see overlay) ---------------------------------------------

ENTRY = " entry"
"""The source of a case's first move in `designed`: no touchpoint id can start with a space."""


def project(
    con, mapping: dict[str, str], steps: str = "msteps", routes=(), goals=()
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
    con.execute(f"DROP VIEW IF EXISTS {steps}")
    con.execute(f"DROP TABLE IF EXISTS {steps}")
    if routes:
        return _route(con, mapping, steps, routes, goals)
    (kind,) = con.execute(  # joined on the events' codes, to codes of the touchpoint ids
        """SELECT data_type FROM duckdb_columns()
        WHERE table_name = 'events' AND column_name = 'activity'"""
    ).fetchone()
    ids = sorted(set(mapping.values()))
    tp_kind = f"ENUM({', '.join(sql_literal(t) for t in ids)})" if ids else "VARCHAR"
    con.execute(f"CREATE OR REPLACE TEMP TABLE tp_map (activity {kind}, touchpoint {tp_kind})")
    if mapping:
        con.executemany("INSERT INTO tp_map VALUES (?, ?)", sorted(mapping.items()))
    left_out = con.execute(
        """SELECT activity, count(*)::BIGINT AS n FROM events
        WHERE activity NOT IN (SELECT activity FROM tp_map) GROUP BY ALL ORDER BY n DESC, 1"""
    ).fetchall()
    if left_out:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE mapped AS
            SELECT e.case_id, m.touchpoint AS activity, e.ts, e.rowid + 1 AS row
            FROM events e JOIN tp_map m ON e.activity = m.activity"""
        )
        build_steps(con, "mapped", steps, row="row")
    else:
        con.execute(
            f"""CREATE TEMP VIEW {steps} AS
            SELECT s.case_row, a.touchpoint AS activity, s.ts, s.row, s.pos,
                   b.touchpoint AS next_activity, s.late
            FROM steps s JOIN tp_map a ON s.activity = a.activity
            LEFT JOIN tp_map b ON s.next_activity = b.activity"""
        )
        con.execute(f"DROP TABLE IF EXISTS {steps}_variants")
    return left_out


def _route(con, mapping: dict[str, str], steps: str, routes, goals) -> list[tuple[str, int]]:
    """`project` by routes: each event's touchpoint is the first route (then `mapping`) that
    matches its activity, channel, screen and side of the case's first goal arrival."""
    rows = [(i, *r) for i, r in enumerate(routes)]
    rows += [(len(rows) + i, a, None, None, False, tp) for i, (a, tp) in enumerate(mapping.items())]
    con.execute(
        """CREATE OR REPLACE TEMP TABLE tp_route (rank INTEGER, activity VARCHAR,
        channel VARCHAR, screen VARCHAR, after BOOLEAN, touchpoint VARCHAR)"""
    )
    con.executemany("INSERT INTO tp_route VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE routed AS
        WITH ev AS (
            SELECT s.case_row, s.pos, s.ts, s.row, CAST(s.activity AS VARCHAR) AS activity,
                   coalesce(nullif(trim(CAST(e.channel AS VARCHAR)), ''), '') AS channel,
                   CAST(e.screen AS VARCHAR) AS screen
            FROM steps s JOIN events e ON e.rowid = s.row - 1),
        hit AS (
            SELECT ev.case_row, ev.pos, ev.ts, ev.row, ev.activity,
                   arg_min({'t': r.touchpoint}, r.rank) FILTER (WHERE NOT r.after).t AS before,
                   arg_min({'t': r.touchpoint}, r.rank).t AS later
            FROM ev LEFT JOIN tp_route r ON r.activity = ev.activity
                AND (r.channel IS NULL OR r.channel = ev.channel)
                AND (r.screen IS NULL OR r.screen = ev.screen)
            GROUP BY ALL),
        cut AS (
            SELECT case_row, min(pos) AS at FROM hit
            WHERE list_contains($goals, before) GROUP BY case_row)
        SELECT hit.case_row AS case_id, activity, ts, row,
               CASE WHEN pos > cut.at THEN later ELSE before END AS touchpoint
        FROM hit LEFT JOIN cut USING (case_row)""",
        {"goals": list(goals)},
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE mapped AS
        SELECT case_id, touchpoint AS activity, ts, row FROM routed WHERE touchpoint IS NOT NULL"""
    )
    build_steps(con, "mapped", steps, row="row")
    return con.execute(
        """SELECT activity, count(*)::BIGINT AS n FROM routed WHERE touchpoint IS NULL
        GROUP BY ALL ORDER BY n DESC, 1"""
    ).fetchall()


def case_outcomes(
    con, designed: list[tuple[str, str]], goals: list[str], ends: list[str], steps: str = "msteps"
) -> list[tuple[str | None, str, bool, bool, int]]:
    """(segment, last touchpoint, reached a goal, follows the map, cases), grouped.

    A case's segment is the persona column of its first event (found in `events` by row). It
    follows the map when its first touchpoint is an entry and every move is in `designed`
    ((ENTRY, first) and (a, b), with b = `exit` for the case's end; a case may end at a goal);
    a case is judged up to its first arrival at one of `ends` (goals where the map's walks
    end). One join with `designed`, one aggregate per case.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE designed (source VARCHAR, target VARCHAR)")
    con.executemany("INSERT INTO designed VALUES (?, ?)", designed)
    con.execute("CREATE OR REPLACE TEMP TABLE goals (touchpoint VARCHAR)")
    con.executemany("INSERT INTO goals VALUES (?)", [(g,) for g in goals])
    return con.execute(
        f"""WITH moves AS (
            SELECT s.case_row, s.pos, s.activity, s.next_activity,
                   g.touchpoint IS NOT NULL AS is_goal,
                   list_contains($ends, s.activity::VARCHAR) AS is_end,
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
                   any_value(activity) FILTER (WHERE next_activity IS NULL) AS last,
                   min(pos) FILTER (WHERE is_goal) AS goal_pos,
                   min(pos) FILTER (WHERE is_end) AS end_pos,
                   min(pos) FILTER (WHERE NOT designed) AS bad_pos,
                   bool_and(entry_ok) AS entry_ok
            FROM moves GROUP BY case_row)
        SELECT e.persona AS segment, last, goal_pos IS NOT NULL AS reached,
               entry_ok AND (bad_pos IS NULL OR bad_pos >= end_pos) AS follows,
               count(*)::BIGINT
        FROM cases c JOIN events e ON e.rowid = c.case_row - 1 GROUP BY ALL ORDER BY ALL""",
        {"ends": list(ends)},
    ).fetchall()


def segment_moves(con, steps: str = "msteps") -> list[tuple[str | None, str, str, int, int]]:
    """(segment, source, target, moves, cases) of every move: (ENTRY, first) for a case's
    start, (a, b) for each step and (last, 'exit') for its end; `cases` counts the distinct
    cases taking it. The segment is the persona column of the case's first event. Sorted.
    Moves are counted per case first, so that distinct cases are rows and a case's segment is
    looked up once per distinct move it makes."""
    return con.execute(
        f"""WITH per_case AS (
            SELECT case_row, activity, next_activity, count(*) AS n, bool_or(pos = 1) AS starts
            FROM {steps} GROUP BY ALL),
        seg AS (
            SELECT e.persona, p.activity, p.next_activity, sum(n) AS n, count(*) AS cases,
                   count(*) FILTER (WHERE starts) AS starts
            FROM per_case p JOIN events e ON e.rowid = p.case_row - 1 GROUP BY ALL)
        SELECT CAST(persona AS VARCHAR), CAST(activity AS VARCHAR),
               coalesce(CAST(next_activity AS VARCHAR), 'exit'), n::BIGINT, cases::BIGINT
        FROM seg
        UNION ALL
        SELECT CAST(persona AS VARCHAR), '{ENTRY}', CAST(activity AS VARCHAR),
               sum(starts)::BIGINT, sum(starts)::BIGINT
        FROM seg WHERE starts > 0 GROUP BY ALL
        ORDER BY ALL"""
    ).fetchall()


def stage_mix(
    con, column: str, stage_of: dict[str, str], steps: str = "msteps", events: str = "events"
) -> list[tuple[str | None, str, str, int, int, int]]:
    """(segment, stage, value, events, sum of y², sum of y·n) of `column` (channel or screen)
    over the events of the touchpoints `stage_of` names, per stage: y is a case's events of the
    stage with the value, n its events of the stage with any (blank values left out); the sums
    run over the cases, whose segment is the persona column of their first event. Sorted."""
    con.execute("CREATE OR REPLACE TEMP TABLE tp_stage (touchpoint VARCHAR, stage VARCHAR)")
    con.executemany("INSERT INTO tp_stage VALUES (?, ?)", sorted(stage_of.items()))
    return con.execute(
        f"""WITH y AS (
            SELECT s.case_row, t.stage, nullif(trim(CAST(e.{column} AS VARCHAR)), '') AS value,
                   count(*)::BIGINT AS y
            FROM {steps} s JOIN tp_stage t ON t.touchpoint = s.activity
            JOIN {events} e ON e.rowid = s.row - 1
            GROUP BY ALL HAVING value IS NOT NULL),
        n AS (SELECT case_row, stage, sum(y) AS n FROM y GROUP BY ALL)
        SELECT CAST(p.persona AS VARCHAR), y.stage, y.value, sum(y)::BIGINT,
               sum(y * y)::BIGINT, sum(y * n)::BIGINT
        FROM y JOIN n USING (case_row, stage) JOIN {events} p ON p.rowid = y.case_row - 1
        GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
