"""Benchmark: `journeyctl compare` of two generated 300-touchpoint maps with 3 personas, exact
and 100,000 walks per persona and map, as a whole process (wall and CPU seconds, peak RSS;
medians of 3). Goal of issue 14: under 2 s.

    .venv/bin/python bench/bench_compare.py [--repeat 3] [--kind linear|cyclical]

The old map is `mapgen.big_map_text(300)` with a third persona; the new one moves one
touchpoint's weights (a small edit). Then, in this process, where the time goes: loading both
maps, the exact figures, the walks, the gaps and the diff. The maps go to bench/out/.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from mapgen import big_map_text
from measure import JOURNEYCTL, interleaved, median
from record import budget_row, record

from journeyctl.diff.compare import compare_paths
from journeyctl.gaps import find_gaps
from journeyctl.lint.load import load_map
from journeyctl.markov.exact import solve
from journeyctl.markov.montecarlo import chunk_size, simulate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TOUCHPOINTS, RUNS, BUDGET_S = 300, 100_000, 2.0
THIRD = "  - {id: p3, name: P3, channel_affinity: {c1: 3, c2: 0.5}}\n"


def maps(kind: str) -> tuple[Path, Path]:
    """The old map (3 personas) and the new one: t40's weights changed."""
    text = big_map_text(TOUCHPOINTS, cyclical=kind == "cyclical")
    text = text.replace("  - {id: p2, name: P2}\n", "  - {id: p2, name: P2}\n" + THIRD)
    line = re.search(r"^  - \{id: t40, .*$", text, re.M)
    assert line is not None
    edited = re.sub(r"(t\d+): (\d)", lambda m: f"{m[1]}: {int(m[2]) + 2}", line[0], count=1)
    OUT.mkdir(parents=True, exist_ok=True)
    old, new = OUT / f"compare-{kind}-old.yaml", OUT / f"compare-{kind}-new.yaml"
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace(line[0], edited), encoding="utf-8")
    return old, new


def breakdown(old_path: Path, new_path: Path) -> str:
    """Where the time goes, measured in this process."""
    t = [time.perf_counter()]
    old, new = load_map(old_path), load_map(new_path)
    t.append(time.perf_counter())
    for m in (old, new):
        for p in m.personas:
            solve(m, p.id)
    t.append(time.perf_counter())
    size = chunk_size(200, TOUCHPOINTS)
    for m in (old, new):
        for p in m.personas:
            simulate(m, p.id, RUNS, common=size)
    t.append(time.perf_counter())
    find_gaps(old), find_gaps(new)
    t.append(time.perf_counter())
    compare_paths(old_path, new_path)
    t.append(time.perf_counter())
    parts = ("load", "exact", "walks", "gaps", "diff")
    return "  ".join(f"{p} {b - a:.2f} s" for p, a, b in zip(parts, t, t[1:], strict=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kind", choices=("linear", "cyclical"), default="linear")
    args = parser.parse_args()
    old, new = maps(args.kind)
    command = [
        *JOURNEYCTL,
        "compare",
        old,
        new,
        "--runs",
        str(RUNS),
        "-f",
        "json",
        "-o",
        "/dev/null",
    ]
    run = median(interleaved({"compare": command}, args.repeat)["compare"])
    print(f"in this process: {breakdown(old, new)}")
    benchmark = (
        f"compare, two {TOUCHPOINTS}-touchpoint {args.kind} maps, 3 personas, exact and "
        f"{RUNS:,} walks each"
    )
    record("compare", [budget_row(benchmark, "python bench/bench_compare.py", run, BUDGET_S)])


if __name__ == "__main__":
    main()
