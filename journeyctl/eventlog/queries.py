"""Every aggregation over an event log, written once in SQL (DuckDB today, any SQL engine later).

They read `events(row, case_id, activity, ts, channel, screen, persona)` (see readers) or a
table of the same shape, through `steps`: each event with its successor in its case, ordered by
timestamp, ties by file row. Results are sorted so that output is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

STEPS_SQL = """
CREATE OR REPLACE TEMP TABLE {steps} AS
SELECT case_id, activity, ts, row, channel, screen, persona,
       row_number() OVER w AS pos,
       lead(activity) OVER w AS next_activity,
       lead(ts) OVER w AS next_ts,
       lag(row) OVER w AS prev_row
FROM {events}
WINDOW w AS (PARTITION BY case_id ORDER BY ts, row)
"""


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
    """Channel to the number of cases with an event on it, most cases first."""


@dataclass(frozen=True)
class Dwell:
    """Time from an activity to the next event of the same case, in hours."""

    activity: str
    events: int
    median_hours: float
    p90_hours: float


def build_steps(con, events: str = "events", steps: str = "steps") -> None:
    """Create the table `steps` from `events` (the one window every other query reads)."""
    con.execute(STEPS_SQL.format(events=events, steps=steps))


def out_of_order(con, steps: str = "steps") -> LateEvents:
    """Cases whose events stand out of time order in the file (builds `steps` if needed)."""
    if not _exists(con, steps):
        build_steps(con, steps=steps)
    n, case, row = con.execute(
        f"""SELECT count(DISTINCT case_id), arg_min(case_id, row), min(row)
        FROM {steps} WHERE prev_row > row"""
    ).fetchone()
    return LateEvents(n, case, row)


def _exists(con, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
        ).fetchone()[0]
    )


def summary(con, steps: str = "steps") -> Summary:
    cases, events, activities, first, last = con.execute(
        f"""SELECT count(DISTINCT case_id), count(*), count(DISTINCT activity),
               strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ'), strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ')
        FROM {steps}"""
    ).fetchone()
    channels = con.execute(
        f"""SELECT channel, count(DISTINCT case_id) AS n FROM {steps}
        WHERE channel IS NOT NULL GROUP BY channel ORDER BY n DESC, channel"""
    ).fetchall()
    return Summary(cases, events, activities, first, last, tuple(channels))


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


def variants(con, steps: str = "steps", limit: int | None = None) -> list[tuple[tuple, int]]:
    """(activity sequence, cases) for every variant: most cases first, then by sequence."""
    rows = con.execute(
        f"""SELECT trace, count(*)::BIGINT AS n FROM (
            SELECT list(activity ORDER BY pos) AS trace FROM {steps} GROUP BY case_id)
        GROUP BY trace ORDER BY n DESC, trace {"LIMIT " + str(int(limit)) if limit else ""}"""
    ).fetchall()
    return [(tuple(t), n) for t, n in rows]


def variant_count(con, steps: str = "steps") -> int:
    return con.execute(
        f"""SELECT count(DISTINCT trace) FROM (
            SELECT list(activity ORDER BY pos) AS trace FROM {steps} GROUP BY case_id)"""
    ).fetchone()[0]


def dwell(con, steps: str = "steps") -> list[Dwell]:
    """Median and 90th percentile of the time to the next event, per activity."""
    rows = con.execute(
        f"""SELECT activity, count(*)::BIGINT,
               quantile_cont(h, 0.5), quantile_cont(h, 0.9)
        FROM (SELECT activity, (epoch(next_ts) - epoch(ts)) / 3600.0 AS h
              FROM {steps} WHERE next_ts IS NOT NULL)
        GROUP BY activity ORDER BY activity"""
    ).fetchall()
    return [Dwell(a, n, float(m), float(p)) for a, n, m, p in rows]


def activity_profile(con, steps: str = "steps") -> list[tuple[str, int, float]]:
    """(activity, events, mean position in its case), earliest on average first."""
    return con.execute(
        f"""SELECT activity, count(*)::BIGINT, avg(pos) FROM {steps}
        GROUP BY activity ORDER BY avg(pos), activity"""
    ).fetchall()


def values_by_activity(con, column: str, steps: str = "steps") -> dict[str, list[str]]:
    """Activity to the values of `column` seen with it, most frequent first."""
    rows = con.execute(
        f"""SELECT activity, list({column} ORDER BY n DESC, {column}) FROM (
            SELECT activity, {column}, count(*) AS n FROM {steps}
            WHERE {column} IS NOT NULL AND trim({column}) <> '' GROUP BY ALL)
        GROUP BY activity ORDER BY activity"""
    ).fetchall()
    return {a: list(v) for a, v in rows}


def distinct_values(con, column: str, steps: str = "steps") -> list[tuple[str, int]]:
    """Values of `column` with their number of cases, most cases first."""
    return con.execute(
        f"""SELECT {column}, count(DISTINCT case_id) AS n FROM {steps}
        WHERE {column} IS NOT NULL AND trim({column}) <> '' GROUP BY ALL
        ORDER BY n DESC, {column}"""
    ).fetchall()
