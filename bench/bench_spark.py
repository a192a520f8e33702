"""Benchmark: `discover` and `discover --compare` on DuckDB and on Spark local mode, 1 M to 30 M
events (generated hive-partitioned Parquet), as whole processes: wall time, peak memory of the
process tree (Spark's JVM included), whether both engines print the same JSON, and where each
breaks on this machine.

One command per size (the three default ones without `--only`: about an hour on 2 busy cores,
most of it Spark's `--compare` at 30 M events):

    .venv/bin/python bench/bench_spark.py --only 1m     # 1 M events (281 k cases)
    .venv/bin/python bench/bench_spark.py --only 10m    # 10 M events
    .venv/bin/python bench/bench_spark.py --only 30m    # 30 M events
    .venv/bin/python bench/bench_spark.py --only 100m --configs duckdb  # 100 M, DuckDB alone

Each size is run by DuckDB (its default memory limit, JOURNEYCTL_MEMORY = 1 GiB, beyond which
it spills to disk), by Spark with its default driver memory (1 GiB; in local mode the driver
runs the tasks) and by Spark with 8 GiB (PYSPARK_SUBMIT_ARGS="--driver-memory 8g
pyspark-shell"); `--configs` picks some of them. A run that fails or takes more than
`--timeout` seconds (default 20 min) is where that engine breaks; the sizes after the first
break of an engine are still tried.

Peak memory is the largest sum of the resident sets of the process and all its descendants,
read from /proc every 0.2 s (the command runs in a session of its own, so a JVM that outlives
its parent is still counted); os.wait4, as bench/measure.py uses it, would see the Python
process only, as pyspark does not wait for the JVM it starts.

Logs are the `bench` chain of bench/loggen.py (its map from `write_map`), drawn in slices of
CHUNK cases and written by DuckDB's COPY ... PARTITION_BY (persona) to
bench/out/spark-<size>/persona=<persona>/*.parquet, so the persona column comes from the
folder names (hive partitioning). Rows of sizes not run are kept in the results file.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from loggen import KINDS, walk, write_map
from measure import JOURNEYCTL, Run
from record import Row, record, recorded

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
GIB = 1 << 30
SIZES = {"1m": 1_000_000, "10m": 10_000_000, "30m": 30_000_000, "100m": 100_000_000}
DEFAULT_SIZES = ("1m", "10m", "30m")
EVENTS_PER_CASE = 3.5613
"""Events per case of the `bench` chain (3,561,276 events in 1 M cases)."""
CHUNK = 2_000_000
"""Cases drawn at once (about 7 M events, 0.6 GiB of numpy arrays)."""
CONFIGS = {
    "duckdb": ("duckdb", {}),
    "spark": ("spark", {}),
    "spark-8g": ("spark", {"PYSPARK_SUBMIT_ARGS": "--driver-memory 8g pyspark-shell"}),
}
"""Name: (engine, environment)."""
COMMANDS = {"discover": [], "compare": ["--compare"]}
COMMAND = "python bench/bench_spark.py{} --only {}"
"""The command of a row: its configs when not all of them, then its size (last, see record)."""
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


# --- logs ------------------------------------------------------------------------------------


def log(size: str) -> tuple[Path, int]:
    """The hive-partitioned Parquet folder of about SIZES[size] events, written on first use;
    (folder, events)."""
    folder = OUT / f"spark-{size}"
    count = folder.with_name(folder.name + ".events")
    if not folder.is_dir() or not count.exists():
        t0 = time.perf_counter()
        count.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        count.write_text(str(write_partitioned(folder, round(SIZES[size] / EVENTS_PER_CASE))))
        print(f"generated {folder.name}/ in {time.perf_counter() - t0:.1f} s", flush=True)
    return folder, int(count.read_text())


def write_partitioned(folder: Path, cases: int) -> int:
    """Write `cases` cases of the `bench` chain to `folder` as Parquet partitioned by persona,
    CHUNK cases at a time (slice k drawn with seed 7 + k, its cases numbered after the slices
    before it); returns the events written."""
    import duckdb
    import numpy as np

    con = duckdb.connect(config={"memory_limit": "4GiB", "threads": 1})  # in order
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")
    folder.mkdir(parents=True)
    events = 0
    for k, first in enumerate(range(0, cases, CHUNK)):
        n = min(CHUNK, cases - first)
        names, channels, cid, act, ts = walk(dataclasses.replace(KINDS["bench"], cases=n), 7 + k)
        con.register("walks", {"i": np.arange(len(cid)), "cid": cid + first, "act": act, "ts": ts})
        con.register(
            "acts", {"code": np.arange(len(names), dtype=np.int32),
                     "touchpoint": np.array(names), "channel": np.array(channels)}
        )  # fmt: skip
        con.execute(
            f"""COPY (SELECT printf('c%08d', cid) AS case_id,
                    CASE cid % 2 WHEN 0 THEN 'bargain-hunter' ELSE 'researcher' END AS persona,
                    a.touchpoint, 'journey' AS stage, a.channel, 'pc' AS screen,
                    TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(ts) AS timestamp
                FROM walks w JOIN acts a ON w.act = a.code ORDER BY w.i)
            TO '{folder}' (FORMAT parquet, PARTITION_BY (persona), OVERWRITE_OR_IGNORE,
                           FILENAME_PATTERN 'slice{k:03d}_{{i}}')"""
        )
        con.unregister("walks")
        events += len(cid)
    return events


# --- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TreeRun(Run):
    """A Run of a whole process tree (Spark's JVM included: `cpu` and `peak` summed over the
    tree, as last sampled), with what it printed."""

    out: bytes = b""
    err: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0


def _session(sid: int) -> dict[int, tuple[int, int]]:
    """pid: (resident bytes, CPU ticks) of every process of session `sid`."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()  # after "pid (comm) "
        if int(fields[3]) == sid:  # state ppid pgrp session ...
            utime, stime, rss = int(fields[11]), int(fields[12]), int(fields[21])
            found[int(entry.name)] = (rss * PAGE, utime + stime)
    return found


def process(args: list, env: dict[str, str], timeout: float) -> TreeRun:
    """Run `args` in a session of its own, its stdout kept, sampling the tree every 0.2 s."""
    errfile = OUT / "bench-spark.stderr"
    start = time.perf_counter()
    with open(errfile, "wb") as err:
        proc = subprocess.Popen(
            [str(a) for a in args],
            stdout=subprocess.PIPE,
            stderr=err,
            env={**os.environ, **env},
            start_new_session=True,
        )
        peak, ticks, ended = 0, {}, None
        chunks: list[bytes] = []
        reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()))
        reader.start()
        while True:
            tree = _session(proc.pid)
            peak = max(peak, sum(rss for rss, _ in tree.values()))
            ticks.update({pid: t for pid, (_, t) in tree.items()})
            now = time.perf_counter()
            if ended is None and proc.poll() is not None:
                ended = now
            if ended is not None and (not tree or now - ended > 30):
                break  # a JVM left behind by the main process is not waited for longer
            if now - start > timeout:
                _kill(proc.pid)
                proc.wait()
                break
            time.sleep(0.2)
        wall = (ended or time.perf_counter()) - start
        code = proc.wait() if ended is not None else None
        _kill(proc.pid)  # whatever the session left
        reader.join()
    text = errfile.read_text(errors="replace").strip()
    return TreeRun(code, wall, sum(ticks.values()) / TICK, peak, b"".join(chunks), text)


def _kill(sid: int) -> None:
    for pid in _session(sid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)


def median(runs: list[TreeRun]) -> TreeRun:
    """Median wall and CPU seconds of `runs`, their largest peak, the last output; the first
    failed run if any failed."""
    bad = [r for r in runs if not r.ok]
    if bad:
        return bad[0]
    return dataclasses.replace(
        runs[-1],
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        peak=max(r.peak for r in runs),
    )


# --- the figures -----------------------------------------------------------------------------


def measure(size: str, configs: list[str], repeat: int, timeout: float) -> dict:
    """Every command on every config for `size`: {(command, config): Run}, runs interleaved."""
    folder, events = log(size)
    jmap = OUT / "spark-bench-map.yaml"
    write_map(jmap, KINDS["bench"])
    print(f"{size}: {folder.name}/, {events:,} events", flush=True)
    results: dict[tuple[str, str], list[TreeRun]] = {}
    for i in range(repeat):
        for command, extra in COMMANDS.items():
            for config in configs:
                engine, env = CONFIGS[config]
                more = [*extra, jmap] if extra else []
                args = [*JOURNEYCTL, "discover", folder, *more, "-f", "json", "--engine", engine]
                run = process(args, env, timeout)
                print(f"  round {i + 1} {command:<9} {config:<9} {run}", flush=True)
                if not run.ok:
                    print("    " + "\n    ".join(run.err.splitlines()[-6:]), flush=True)
                results.setdefault((command, config), []).append(run)
    return {"events": events, "runs": {k: median(v) for k, v in results.items()}}


def same(runs: dict, command: str, configs: list[str]) -> bool | None:
    """Whether every config that finished `command` printed the same bytes (None: < 2 did)."""
    outs = {runs[command, c].out for c in configs if runs[command, c].ok}
    finished = sum(runs[command, c].ok for c in configs)
    return None if finished < 2 else len(outs) == 1


def figure(run: TreeRun | None, events: int) -> str:
    if run is None:
        return "not run"
    if run.code is None:
        return f"timed out after {run.wall:.0f} s, peak {run.peak / GIB:.2f} GiB"
    if not run.ok:
        return f"failed (exit {run.code}) after {run.wall:.0f} s, peak {run.peak / GIB:.2f} GiB"
    per = run.wall / (events / 1e6)
    return f"{run.wall:.1f} s ({per:.2f} s per M events), peak {run.peak / GIB:.2f} GiB"


def rows(size: str, found: dict, configs: list[str]) -> list[Row]:
    """One row per command: DuckDB's figure, Spark's (default driver memory; 8 GiB too when
    run) as the anchor."""
    events, runs = found["events"], found["runs"]
    out = []
    for command in COMMANDS:
        duck, spark, big = (runs.get((command, c)) for c in ("duckdb", "spark", "spark-8g"))
        anchor = f"Spark local {figure(spark, events)}"
        if big is not None:
            anchor += f"; driver 8 GiB: {figure(big, events)}"
        fastest = min((r for r in (spark, big) if r is not None and r.ok),
                      key=lambda r: r.wall, default=None)  # fmt: skip
        ratio = "—"
        if duck is not None and duck.ok and fastest is not None:
            ratio = f"Spark {fastest.wall / duck.wall:.1f}× DuckDB's time"
        identical = same(runs, command, configs)
        finished = all(runs[command, c].ok for c in configs)
        both = any(CONFIGS[c][0] == "spark" for c in configs) and "duckdb" in configs
        goal = "identical JSON; both finish" if both else "finishes (one engine run)"
        what = "discover LOG -f json" if command == "discover" else "discover LOG --compare MAP"
        out.append(
            Row(
                f"{what}, DuckDB vs Spark local ({events / 1e6:.1f} M events, "
                "hive-partitioned Parquet)",
                COMMAND.format(
                    "".join(f" --configs {c}" for c in configs if configs != list(CONFIGS)), size
                ),
                f"DuckDB {figure(duck, events)}",
                anchor,
                ratio,
                goal,
                finished and (bool(identical) or not both),
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=SIZES, action="append")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command (median)")
    parser.add_argument("--configs", choices=CONFIGS, action="append")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per run")
    args = parser.parse_args()
    configs = args.configs or list(CONFIGS)
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    measured, summary = {}, {}
    for size in args.only or DEFAULT_SIZES:
        found = measure(size, configs, args.repeat, args.timeout)
        measured[size] = rows(size, found, configs)
        summary[size] = {
            "events": found["events"],
            "runs": {
                f"{command} {config}": {
                    "code": run.code,
                    "wall": round(run.wall, 2),
                    "cpu": round(run.cpu, 2),
                    "peak_gib": round(run.peak / GIB, 3),
                }
                for (command, config), run in found["runs"].items()
            },
            "identical": {c: same(found["runs"], c, configs) for c in COMMANDS},
        }
    runs_file = OUT / "bench-spark-runs.json"  # every size's runs, the latest of each
    kept = json.loads(runs_file.read_text()) if runs_file.exists() else {}
    runs_file.write_text(json.dumps(kept | summary, indent=2) + "\n")
    every = [*recorded("spark", set(measured)), *(r for rs in measured.values() for r in rs)]
    order = list(SIZES)
    every.sort(key=lambda r: order.index(r.command.rsplit(" ", 1)[-1]))
    record("spark", every)


if __name__ == "__main__":
    main()
