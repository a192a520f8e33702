"""Time `journeyctl validate` as whole processes: one small map, and 1,000 generated maps.

Run: .venv/bin/python bench/bench_validate.py
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from mapgen import write_maps

ROOT = Path(__file__).resolve().parent.parent
JOURNEYCTL = [sys.executable, "-m", "journeyctl"]


def timed(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (user + system) of `cmd` over `repeat` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            raise SystemExit(proc.stderr.decode())
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    small = ROOT / "templates" / "linear-purchase.yaml"
    wall, cpu = timed([*JOURNEYCTL, "validate", str(small)], repeat=15)
    print(f"one small map ({small.name}): {wall:.3f} s wall, {cpu:.3f} s CPU (median of 15)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "maps"
        paths = write_maps(folder, 1000)
        size = sum(p.stat().st_size for p in paths) / len(paths)
        wall, cpu = timed([*JOURNEYCTL, "validate", str(folder)], repeat=3)
        print(
            f"1,000 generated maps (~{size / 1024:.1f} KiB, 21 touchpoints each): "
            f"{wall:.2f} s wall, {cpu:.2f} s CPU (median of 3), {1000 / wall:,.0f} maps/s"
        )


if __name__ == "__main__":
    main()
