"""Speed of `journeyctl gaps`: the example maps, then generated maps of growing size.

Run: .venv/bin/python bench/bench_gaps.py
Prints, per map, touchpoints, personas, gaps found and the wall and CPU seconds of
`find_gaps` (load excluded; best of 3), then one whole `journeyctl gaps ... -f json` process.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from mapgen import map_text  # noqa: E402

from journeyctl.gaps import find_gaps  # noqa: E402
from journeyctl.lint.load import load_map  # noqa: E402


def _time(path: Path) -> None:
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


def main() -> None:
    for name in ("treadmill", "mobile-network", "car-configurator", "home-security"):
        _time(ROOT / "maps" / f"{name}.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (50, 200, 500):
            path = Path(tmp) / f"generated-{size}.yaml"
            path.write_text(map_text(size, stages=5, touchpoints=size), encoding="utf-8")
            _time(path)
    cmd = [
        str(ROOT / ".venv" / "bin" / "journeyctl"),
        "gaps",
        "maps/mobile-network.yaml",
        "-f",
        "json",
    ]
    wall = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    print(f"{' '.join(cmd[1:]):<52} {time.perf_counter() - wall:7.3f} s wall (whole process)")


if __name__ == "__main__":
    main()
