"""Benchmark: `journeyctl calibrate` on the 1,000,000-case log of bench/loggen.py (the `bench`
chain, 7 touchpoints with loops), against its designed map, as a whole process: the log read,
the moves counted in DuckDB, every weight fitted, the calibrated map written. Medians of 3, the
largest peak.

    .venv/bin/python bench/bench_calibrate.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_eventlog import OUT, log
from loggen import KINDS, write_map
from measure import JOURNEYCTL, interleaved, median
from record import budget_row, record

SECONDS = 5.0
MEMORY = 3 << 29  # 1.5 GiB, the event-log benches' peak budget


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    path, events = log("bench")
    jmap = OUT / "calibrate-bench-map.yaml"
    write_map(jmap, KINDS["bench"])
    fitted = OUT / "calibrate-bench-fitted.yaml"
    args = [*JOURNEYCTL, "calibrate", jmap, path, "-o", fitted, "--force", "-f", "json"]
    print(f"calibrate: {path.name}, {events:,} events")
    run = median(interleaved({"calibrate": args}, 3)["calibrate"])
    record(
        "calibrate",
        [
            budget_row(
                f"calibrate MAP LOG -o MAP2, 1 M cases ({events / 1e6:.1f} M events, CSV)",
                "python bench/bench_calibrate.py",
                run,
                SECONDS,
                MEMORY,
            )
        ],
    )


if __name__ == "__main__":
    main()
