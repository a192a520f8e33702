"""Speed and memory of the exact solver: `simulate --exact` and `gaps` on generated maps.

Run: .venv/bin/python bench/bench_exact.py [--sizes 200 2000 20000]
Per size and kind (linear, cyclical; bench/mapgen.py `big_map_text`, two personas), one whole
process each of `journeyctl simulate MAP --exact --runs 1000 -f json` and `journeyctl gaps MAP
-f json`: wall and CPU seconds and peak RSS (the child's own, from wait4). Then, in this
process, where the time goes: loading the map, `solve` (both personas, 3 cycles) and
`find_gaps`. Records each whole process against the budget of 10 s and 1 GiB (there is no
other tool to run beside it).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from mapgen import big_map_text  # noqa: E402
from measure import JOURNEYCTL, process  # noqa: E402
from record import Row, budget_row, record  # noqa: E402

from journeyctl.gaps import find_gaps  # noqa: E402
from journeyctl.lint.load import load_map  # noqa: E402
from journeyctl.markov.exact import solve  # noqa: E402

BUDGET_S = 10.0


def _row(what: str, n: int, kind: str, args: list[str]) -> Row:
    run = process([*JOURNEYCTL, *args])
    print(f"{n:>6} {kind:<8} {what:<18} {run}", flush=True)
    benchmark = f"{what}, {n:,}-touchpoint {kind} map, 2 personas"
    return budget_row(benchmark, f"python bench/bench_exact.py --sizes {n}", run, BUDGET_S)


def _library(path: Path) -> str:
    t0 = time.perf_counter()
    jmap = load_map(path)
    t1 = time.perf_counter()
    for p in jmap.personas:
        solve(jmap, p.id)
    t2 = time.perf_counter()
    find_gaps(jmap)
    t3 = time.perf_counter()
    return f"load {t1 - t0:5.2f} s  solve {t2 - t1:5.2f} s  find_gaps {t3 - t2:5.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20000])
    sizes = parser.parse_args().sizes
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for cyclical in (False, True):
                kind = "cyclical" if cyclical else "linear"
                path = Path(tmp) / f"{kind}-{n}.yaml"
                path.write_text(big_map_text(n, cyclical=cyclical), encoding="utf-8")
                simulate = ["simulate", str(path), "--exact", "--runs", "1000", "-f", "json"]
                rows.append(_row("simulate --exact", n, kind, simulate))
                rows.append(_row("gaps", n, kind, ["gaps", str(path), "-f", "json"]))
                print(f"{n:>6} {kind:<8} library            {_library(path)}", flush=True)
    record("exact", rows)


if __name__ == "__main__":
    main()
