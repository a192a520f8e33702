"""Speed of `journeyctl gaps`: the example maps, then generated maps of growing size.

Run: .venv/bin/python bench/bench_gaps.py
Prints, per map, touchpoints, personas, gaps found and the wall and CPU seconds of
`find_gaps` (load excluded; best of 3), then one whole `journeyctl gaps ... -f json` process.
Records the 500-touchpoint map and the whole process against a budget of 1 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from mapgen import map_text  # noqa: E402
from measure import JOURNEYCTL, process  # noqa: E402
from record import Row, record  # noqa: E402

from journeyctl.gaps import find_gaps  # noqa: E402
from journeyctl.lint.load import load_map  # noqa: E402

BUDGET_S = 1.0


def _row(benchmark: str, seconds: float) -> Row:
    return Row(
        benchmark=benchmark,
        command="python bench/bench_gaps.py",
        figure=f"{seconds:.3f} s",
        anchor=f"budget {BUDGET_S:.0f} s",
        ratio=f"{seconds / BUDGET_S:.2f} of the budget",
        goal=f"≤ {BUDGET_S:.0f} s",
        met=seconds <= BUDGET_S,
    )


def _time(path: Path) -> float:
    """Best wall seconds of `find_gaps` on `path` (printed with CPU seconds)."""
    jmap = load_map(path)
    best_wall = best_cpu = float("inf")
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        report = find_gaps(jmap)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(
        f"{path.name:<24} {len(jmap.touchpoints):>5} tp {len(jmap.personas):>2} personas "
        f"{len(report.gaps):>4} gaps {best_wall:7.3f} s wall {best_cpu:7.3f} s cpu"
    )
    return best_wall


def main() -> None:
    for name in ("treadmill", "mobile-network", "car-configurator", "home-security"):
        _time(ROOT / "maps" / f"{name}.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (50, 200, 500):
            path = Path(tmp) / f"generated-{size}.yaml"
            path.write_text(map_text(size, stages=5, touchpoints=size), encoding="utf-8")
            library = _time(path)
    run = process([*JOURNEYCTL, "gaps", "maps/mobile-network.yaml", "-f", "json"], cwd=ROOT)
    print(f"gaps maps/mobile-network.yaml -f json (whole process) {run}")
    record(
        "gaps",
        [
            _row("find_gaps, 500-touchpoint generated map (library)", library),
            _row("gaps maps/mobile-network.yaml -f json, whole process", run.wall),
        ],
    )


if __name__ == "__main__":
    main()
