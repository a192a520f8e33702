"""Event logs for the benchmarks: customers walked through a Markov chain with vectorised numpy,
written by DuckDB (CSV in the `simulate --events` layout, or Parquet), cached under bench/out/.

Three logs: `bench` (7 touchpoints with loops, the map of `write_map`), `wide` (15 activities,
short cases, millions of them) and `long` (23 activities, cases up to 60 events, tens of
thousands of variants).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The journey of the `bench` log: touchpoint -> (channel, {next: weight}).
CHAIN = {
    "ad": ("social", {"landing": 6, "search": 3, "exit": 1}),
    "search": ("web", {"landing": 5, "compare": 4, "exit": 1}),
    "landing": ("web", {"compare": 5, "cart": 3, "exit": 2}),
    "compare": ("web", {"landing": 2, "cart": 4, "store": 2, "exit": 2}),
    "store": ("store", {"buy": 5, "exit": 5}),
    "cart": ("web", {"buy": 6, "compare": 1, "exit": 3}),
    "buy": ("web", {}),
}
ENTRY = {"ad": 5, "search": 4, "landing": 1}
CHANNELS = ("web", "social", "store", "app", "call-centre")


@dataclass(frozen=True)
class Kind:
    """How a log is drawn: its chain (None: random with `activities`, `successors`, `stop`)."""

    cases: int
    activities: int = 7
    successors: int = 3
    stop: float = 0.1
    """Chance a case ends after each event (random chains)."""
    longest: int = 0
    """Events after which a case is cut (0: never)."""
    chain: bool = False
    """Draw from CHAIN (the `bench` map) instead of a random chain."""


KINDS = {
    "bench": Kind(1_000_000, chain=True),
    "wide": Kind(5_000_000, activities=15, successors=3, stop=0.28),
    "long": Kind(1_000_000, activities=23, successors=2, stop=0.15, longest=60),
}


def write_map(path: Path, kind: Kind, seed: int = 7) -> None:
    """The designed map of the chain `kind` is drawn from (its weights in percent); the `bench`
    map has one move more (cart -> store) that nobody takes."""
    import yaml

    names, channels, start, P = _chain(kind, np.random.default_rng(seed))
    ids = [*names, "exit"]
    tps = []
    for i, tp in enumerate(names):
        nxt = {ids[j]: int(100 * p + 0.5) for j, p in enumerate(P[i]) if p > 0}
        if kind.chain and tp == "cart":
            nxt["store"] = 10
        item = {"id": tp.replace(" ", "-"), "name": tp, "stage": "journey",
                "channel": channels[i], "engagement": "active"}  # fmt: skip
        if i != len(names) - 1 or not kind.chain:
            item["next"] = {k.replace(" ", "-"): w for k, w in nxt.items()}
        tps.append(item)
    doc = {
        "journeyctl": 1,
        "journey": {
            "id": "bench",
            "name": "Benchmark journey",
            "goal": {"touchpoints": [names[-1].replace(" ", "-")]},
            "entry": {
                t.replace(" ", "-"): int(100 * p + 0.5)
                for t, p in zip(names, start, strict=True)
                if p
            },
        },
        "stages": [{"id": "journey", "name": "Journey"}],
        "channels": [{"id": c, "name": c} for c in sorted(set(channels))],
        "touchpoints": tps,
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def _chain(kind: Kind, rng) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """(names, channels, start probabilities, transition rows with exit last)."""
    if kind.chain:
        names = list(CHAIN)
        P = np.zeros((len(names), len(names) + 1))
        for i, tp in enumerate(names):
            nxt = CHAIN[tp][1] or {"exit": 1}
            total = sum(nxt.values())
            for target, w in nxt.items():
                P[i, len(names) if target == "exit" else names.index(target)] = w / total
        start = np.array([ENTRY.get(t, 0) for t in names], dtype=float)
        return names, [CHAIN[t][0] for t in names], start / start.sum(), P
    n = kind.activities
    names = [f"step {i:02d}" for i in range(n)]
    P = np.zeros((n, n + 1))
    for i in range(n):
        targets = rng.choice(n, kind.successors, replace=False)
        P[i, targets] = rng.dirichlet(np.ones(kind.successors)) * (1 - kind.stop)
        P[i, n] = kind.stop
    start = np.zeros(n)
    start[: max(1, n // 4)] = 1
    return names, [CHANNELS[i % len(CHANNELS)] for i in range(n)], start / start.sum(), P


def walk(kind: Kind, seed: int = 7) -> tuple[list[str], list[str], np.ndarray, ...]:
    """Walk every case at once: (names, channels, case, activity, seconds after 2026-01-01),
    the events sorted by case, then time."""
    rng = np.random.default_rng(seed)
    names, channels, start, P = _chain(kind, rng)
    n, cases = len(names), kind.cases
    cum = P.cumsum(axis=1)
    state = np.searchsorted(start.cumsum(), rng.random(cases), side="right")
    state = np.minimum(state, n - 1)
    case = np.arange(cases)
    clock = rng.uniform(0, 90 * 86400, cases)
    parts, alive, steps = [], np.ones(cases, dtype=bool), 0
    while alive.any():
        idx = np.flatnonzero(alive)
        parts.append((case[idx], state[idx], clock[idx].copy()))
        steps += 1
        clock[idx] += rng.exponential(3600, idx.size)
        nxt = (rng.random(idx.size)[:, None] > cum[state[idx]]).sum(axis=1)
        state[idx] = np.minimum(nxt, n - 1)
        alive[idx] = (nxt < n) & (kind.longest == 0 or steps < kind.longest)
    cid = np.concatenate([p[0] for p in parts])
    act = np.concatenate([p[1] for p in parts])
    ts = np.concatenate([p[2] for p in parts]).astype(np.int64)
    order = np.lexsort((ts, cid))
    return names, channels, cid[order], act[order].astype(np.int32), ts[order]


def write_log(path: Path, kind: Kind, seed: int = 7) -> int:
    """Write the log of `kind` to `path` (.csv or .parquet, by suffix); returns its events."""
    import duckdb

    names, channels, cid, act, ts = walk(kind, seed)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    con.register("walks", {"i": np.arange(len(cid)), "cid": cid, "act": act, "ts": ts})
    codes = np.arange(len(names), dtype=np.int32)
    con.register(
        "acts", {"code": codes, "touchpoint": np.array(names), "channel": np.array(channels)}
    )
    parquet = path.suffix == ".parquet"
    stamp = "TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(ts)"
    if not parquet:  # text, as `simulate --events` writes it
        stamp = f"strftime(CAST({stamp} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%SZ')"
    query = f"""SELECT printf('c%07d', cid) AS case_id,
               CASE cid % 2 WHEN 0 THEN 'bargain-hunter' ELSE 'researcher' END AS persona,
               a.touchpoint, 'journey' AS stage, a.channel, 'pc' AS screen, {stamp} AS timestamp
        FROM walks w JOIN acts a ON w.act = a.code ORDER BY w.i"""
    path.parent.mkdir(parents=True, exist_ok=True)
    options = "FORMAT parquet" if parquet else "HEADER, QUOTE ''"
    con.execute(f"COPY ({query}) TO '{path}' ({options})")
    return len(cid)
