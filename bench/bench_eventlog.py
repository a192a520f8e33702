"""Benchmark: `journeyctl discover` and `--compare` on generated logs, against pm4py, as whole
processes in the same run (interleaved, medians of `--repeat`, the largest peak), wall time, CPU
and peak RSS.

One command per figure (all of them without `--only`):

    .venv/bin/python bench/bench_eventlog.py --only bench     # 1 M cases, 7 activities
    .venv/bin/python bench/bench_eventlog.py --only wide      # 5 M cases, 18 M events
    .venv/bin/python bench/bench_eventlog.py --only long      # 1 M cases, traces up to 60
    .venv/bin/python bench/bench_eventlog.py --only scaling   # s per M events: 1 M vs 5 M cases
    .venv/bin/python bench/bench_eventlog.py --only parquet   # the long log as Parquet vs CSV
    .venv/bin/python bench/bench_eventlog.py --only compare   # discover --compare on the 5 M log
    .venv/bin/python bench/bench_eventlog.py --only observed  # gaps --observed, 1 M cases
    .venv/bin/python bench/bench_eventlog.py --only compare-1m  # discover --compare, 1 M cases

Logs are drawn by bench/loggen.py and kept in bench/out/. pm4py (read_csv + format_dataframe +
discover_dfg + get_variants, tests/data/eventlog/pm4py_oracle.py) runs in `.venv-oracle`
(scripts/setup.d/eventlog.sh makes it). Rows of figures not run are kept in the results file.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from loggen import KINDS, write_log, write_map
from measure import JOURNEYCTL, Run, interleaved, median
from record import Row, budget_row, record, recorded

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ORACLE = ROOT / ".venv-oracle" / "bin" / "python"
ORACLE_SCRIPT = ROOT / "tests" / "data" / "eventlog" / "pm4py_oracle.py"
GIB = 1 << 30
PEAK_GOAL = 1.5  # GiB
COMPARE_SECONDS = 3.0
"""Issue 13's budget for comparing the 1 M-case `bench` log with its map."""
FIGURES = ("bench", "wide", "long", "scaling", "parquet", "compare", "observed", "compare-1m")
COMMAND = "python bench/bench_eventlog.py --only {}"


def log(kind: str, cases: int | None = None, suffix: str = ".csv") -> tuple[Path, int]:
    """The log of `kind` (with `cases`), written on first use; (path, events)."""
    spec = KINDS[kind] if cases is None else dataclasses.replace(KINDS[kind], cases=cases)
    path = OUT / f"eventlog-{kind}-{spec.cases}{suffix}"
    events = path.with_name(path.name + ".events")
    if not path.exists() or not events.exists():
        t0 = time.perf_counter()
        events.write_text(str(write_log(path, spec)))
        print(f"generated {path.name} in {time.perf_counter() - t0:.1f} s")
    return path, int(events.read_text())


def runs(cmds: dict[str, list], repeat: int) -> dict[str, Run]:
    """Each command `repeat` times, interleaved (A, B, A, B); the median run of each."""
    return {name: median(r) for name, r in interleaved(cmds, repeat).items()}


def pm4py(path: Path) -> list:
    if not ORACLE.exists():
        raise SystemExit("no .venv-oracle: run scripts/setup.d/eventlog.sh")
    return [ORACLE, ORACLE_SCRIPT, path, "case_id", "touchpoint", "timestamp"]


def discover(path: Path, *more) -> list:
    return [*JOURNEYCTL, "discover", path, "-f", "json", *more]


def against_pm4py(
    name: str, kind: str, what: str, repeat: int, peak: bool, faster: float = 10
) -> Row:
    path, events = log(kind)
    print(f"{name}: {path.name}, {events:,} events")
    r = runs({"journeyctl": discover(path), "pm4py": pm4py(path)}, repeat)
    (w, m), (pw, pm) = ((r[k].wall, r[k].peak / GIB) for k in ("journeyctl", "pm4py"))
    goal = f"≥ {faster:g}× faster" + (f", ≤ {PEAK_GOAL} GiB" if peak else "")
    return Row(f"discover -f json, {what} ({events / 1e6:.1f} M events, CSV)",
               COMMAND.format(name), f"{w:.1f} s, peak {m:.2f} GiB",
               f"pm4py {pw:.1f} s, peak {pm:.2f} GiB", f"{pw / w:.1f}× faster", goal,
               pw / w >= faster and (not peak or m <= PEAK_GOAL))  # fmt: skip


def scaling(repeat: int) -> Row:
    (small, n1), (big, n5) = log("wide", 1_000_000), log("wide")
    print(f"scaling: {n1:,} and {n5:,} events")
    r = runs({"1 M cases": discover(small), "5 M cases": discover(big)}, repeat)
    one, five = r["1 M cases"].wall / (n1 / 1e6), r["5 M cases"].wall / (n5 / 1e6)
    return Row("discover, time per M events: 5 M cases against 1 M (wide log)",
               COMMAND.format("scaling"), f"{five:.2f} s per M events at 5 M cases",
               f"{one:.2f} s per M events at 1 M cases", f"{five / one:.2f} of the 1 M rate",
               "≤ 1.00 of the 1 M rate", five <= one)  # fmt: skip


def parquet(repeat: int) -> Row:
    (csv, events), (pq, _) = log("long"), log("long", suffix=".parquet")
    print(f"parquet: {events:,} events, TIMESTAMPTZ column")
    r = runs({"parquet": discover(pq), "csv": discover(csv)}, repeat)
    p, c = r["parquet"].wall, r["csv"].wall
    return Row("discover -f json, long log as Parquet (typed timestamps) against CSV",
               COMMAND.format("parquet"), f"Parquet {p:.1f} s", f"CSV {c:.1f} s",
               f"{p / c:.2f} of the CSV time", "≤ 1.00 of the CSV time", p <= c)  # fmt: skip


def compare(repeat: int) -> Row:
    path, events = log("wide")
    jmap = OUT / "eventlog-wide-map.yaml"
    write_map(jmap, KINDS["wide"])
    print(f"compare: {path.name}, {events:,} events")
    r = runs({"journeyctl --compare": discover(path, "--compare", jmap)}, repeat)
    w, m = r["journeyctl --compare"].wall, r["journeyctl --compare"].peak / GIB
    return Row(f"discover --compare MAP, 5 M cases ({events / 1e6:.1f} M events)",
               COMMAND.format("compare"), f"{w:.1f} s, peak {m:.2f} GiB",
               f"budget {PEAK_GOAL} GiB", f"{m / PEAK_GOAL:.2f} of the budget",
               f"≤ {PEAK_GOAL} GiB", m <= PEAK_GOAL)  # fmt: skip


def against_map(name: str, repeat: int) -> Row:
    """`gaps --observed` (figure `observed`) or `discover --compare` (`compare-1m`) of the
    1 M-case `bench` log with the map it is drawn from, against COMPARE_SECONDS."""
    path, events = log("bench")
    jmap = OUT / "eventlog-bench-map.yaml"
    write_map(jmap, KINDS["bench"])
    what, args = {
        "observed": ("gaps MAP --observed LOG -f json", ["gaps", jmap, "--observed", path]),
        "compare-1m": ("discover LOG -f json --compare MAP", ["discover", path, "--compare", jmap]),
    }[name]
    print(f"{name}: {path.name}, {events:,} events")
    measured = interleaved({what: [*JOURNEYCTL, *args, "-f", "json"]}, repeat, ok=(0, 1))
    run = dataclasses.replace(median(measured[what]), code=0)  # exit 1 is gaps' "findings"
    return budget_row(f"{what}, 1 M cases ({events / 1e6:.1f} M events, CSV)",
                      COMMAND.format(name), run, COMPARE_SECONDS, int(PEAK_GOAL * GIB))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=FIGURES, action="append")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command (median)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    make = {
        "bench": lambda n: against_pm4py(  # issue 13: 15×
            "bench", "bench", "1 M cases, 7 activities", n, False, faster=15
        ),
        "wide": lambda n: against_pm4py("wide", "wide", "5 M cases, 15 activities", n, True),
        "long": lambda n: against_pm4py("long", "long", "1 M cases, traces ≤ 60", n, False),
        "scaling": scaling,
        "parquet": parquet,
        "compare": compare,
        "observed": lambda n: against_map("observed", n),
        "compare-1m": lambda n: against_map("compare-1m", n),
    }
    rows = {name: make[name](args.repeat) for name in args.only or FIGURES}
    every = [*recorded("eventlog", set(rows)), *rows.values()]
    record("eventlog", sorted(every, key=lambda r: FIGURES.index(r.command.rsplit(" ", 1)[-1])))


if __name__ == "__main__":
    main()
