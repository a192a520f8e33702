"""Benchmark: `journeyctl discover` and the map overlay on a 1,000,000-case log, against pm4py.

    .venv/bin/python bench/bench_eventlog.py [--cases 1000000]

Writes bench/out/eventlog-<cases>.csv (kept between runs) from a small journey map's Markov
chain with vectorised numpy, then times whole processes: `journeyctl discover --format json`,
pm4py (read_csv + format_dataframe + discover_dfg + get_variants, in `.venv-oracle`; skipped
when that venv is missing) and `journeyctl discover --compare MAP`. Peak memory is each
process's maximum resident set size (os.wait4).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ORACLE = ROOT / ".venv-oracle" / "bin" / "python"
ORACLE_SCRIPT = ROOT / "tests" / "data" / "eventlog" / "pm4py_oracle.py"

# The journey the log is drawn from: touchpoint -> (channel, {next: weight}).
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
GOAL = "buy"


def write_map(path: Path) -> None:
    """The designed map for CHAIN, with one move (cart -> store) nobody will take."""
    import yaml

    tps = []
    for tp, (channel, nxt) in CHAIN.items():
        item = {"id": tp, "stage": "journey", "channel": channel, "engagement": "active"}
        if nxt:
            item["next"] = dict(nxt) | ({"store": 1} if tp == "cart" else {})
        tps.append(item)
    doc = {
        "journeyctl": 1,
        "journey": {
            "id": "bench",
            "name": "Benchmark journey",
            "goal": {"touchpoints": [GOAL]},
            "entry": ENTRY,
        },
        "stages": [{"id": "journey", "name": "Journey"}],
        "channels": [{"id": c, "name": c} for c in sorted({c for c, _ in CHAIN.values()})],
        "touchpoints": tps,
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def write_log(path: Path, cases: int, seed: int = 7) -> int:
    """Walk `cases` customers through CHAIN at once; write the events as CSV. Returns events."""
    rng = np.random.default_rng(seed)
    names = list(CHAIN)
    n = len(names)
    exit_ = n
    P = np.zeros((n, n + 1))
    for i, tp in enumerate(names):
        nxt = CHAIN[tp][1] or {"exit": 1}
        total = sum(nxt.values())
        for target, w in nxt.items():
            P[i, exit_ if target == "exit" else names.index(target)] = w / total
    cum = P.cumsum(axis=1)
    start = np.array([ENTRY.get(t, 0) for t in names], dtype=float)
    state = np.searchsorted(start.cumsum() / start.sum(), rng.random(cases), side="right")
    case = np.arange(cases)
    clock = rng.uniform(0, 90 * 86400, cases)  # seconds after 2026-01-01
    parts = []
    alive = np.ones(cases, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        parts.append((case[idx], state[idx], clock[idx].copy()))
        clock[idx] += rng.exponential(3600, idx.size)
        u = rng.random(idx.size)
        nxt = (u[:, None] > cum[state[idx]]).sum(axis=1)
        state[idx] = np.minimum(nxt, n)
        alive[idx] = nxt < exit_
        state[~alive] = 0
    cid = np.concatenate([p[0] for p in parts])
    act = np.concatenate([p[1] for p in parts])
    ts = np.concatenate([p[2] for p in parts])
    order = np.lexsort((ts, cid))
    cid, act, ts = cid[order], act[order], ts[order]
    stamps = np.datetime_as_string(
        np.datetime64("2026-01-01T00:00:00", "s") + ts.astype("timedelta64[s]"), unit="s"
    )
    channel = np.array([CHAIN[t][0] for t in names])[act]
    labels = np.array(names)[act]
    personas = np.array(["bargain-hunter", "researcher"])[cid % 2]
    with path.open("w", encoding="utf-8") as f:
        f.write("case_id,persona,touchpoint,stage,channel,screen,timestamp\n")
        f.writelines(
            f"c{c:07d},{p},{a},journey,{ch},pc,{s}Z\n"
            for c, p, a, ch, s in zip(cid, personas, labels, channel, stamps, strict=True)
        )
    return len(cid)


def timed(cmd: list[str]) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak resident MiB, exit code) of one process, its output discarded."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / f"eventlog-{args.cases}.csv"
    jmap = OUT / "eventlog-bench-map.yaml"
    write_map(jmap)
    if not log.exists():
        t0 = time.perf_counter()
        events = write_log(log, args.cases)
        print(
            f"generated {log.name}: {args.cases:,} cases, {events:,} events, "
            f"{log.stat().st_size / 2**20:.0f} MiB in {time.perf_counter() - t0:.1f} s"
        )
    else:
        events = sum(1 for _ in log.open("rb")) - 1
        print(f"reusing {log.name}: {args.cases:,} cases, {events:,} events")
    journeyctl = [sys.executable, "-m", "journeyctl"]
    rows = [
        ("journeyctl discover --format json", [*journeyctl, "discover", str(log), "-f", "json"])
    ]
    if ORACLE.exists():
        rows.append(
            (
                "pm4py (read_csv, format, dfg, variants)",
                [str(ORACLE), str(ORACLE_SCRIPT), str(log), "case_id", "touchpoint", "timestamp"],
            )
        )
    else:
        print("pm4py skipped: run scripts/setup.d/eventlog.sh to create .venv-oracle")
    rows.append(
        (
            "journeyctl discover --compare MAP",
            [*journeyctl, "discover", str(log), "--compare", str(jmap), "-f", "json"],
        )
    )
    print(
        f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} cores (other work on the machine slows the wall times)"
    )
    wall, cpu = {}, {}
    for label, cmd in rows:
        wall[label], cpu[label], mib, code = timed(cmd)
        print(
            f"{label:40s} wall {wall[label]:6.2f} s  CPU {cpu[label]:6.2f} s  "
            f"peak RSS {mib:6.0f} MiB  exit {code}"
        )
    ours, theirs = rows[0][0], rows[1][0] if len(rows) == 3 else None
    if theirs:
        print(
            f"speed-up over pm4py: wall {wall[theirs] / wall[ours]:.1f}x, "
            f"CPU {cpu[theirs] / cpu[ours]:.1f}x"
        )
    print(
        f"overlay alone (compare run minus discover run): wall "
        f"{wall[rows[-1][0]] - wall[ours]:.2f} s, CPU {cpu[rows[-1][0]] - cpu[ours]:.2f} s"
    )


if __name__ == "__main__":
    main()
