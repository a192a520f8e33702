"""Benchmark: `journeyctl render --view flow --format svg` on a 300-touchpoint map.

    .venv/bin/python bench/bench_render.py [--touchpoints 300] [--repeat 3]

Generates a map with 6 stages and 8 channels (bench/mapgen.py) into a temporary folder and
times the whole process, Graphviz's layout included, best and median of `--repeat` runs.
Goal: at most 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mapgen import map_text

ROOT = Path(__file__).resolve().parent.parent
JOURNEYCTL = ROOT / ".venv" / "bin" / "journeyctl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--touchpoints", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(map_text(1, stages=6, channels=8, touchpoints=args.touchpoints), "utf-8")
        runs = [
            ("flow svg", ["--view", "flow", "--format", "svg"]),
            ("flow svg --persona p1", ["--view", "flow", "--format", "svg", "--persona", "p1"]),
            ("swimlane svg", ["--view", "swimlane", "--format", "svg"]),
        ]
        print(f"map: {args.touchpoints} touchpoints (+ goal), 6 stages, 8 channels")
        for name, options in runs:
            out = Path(tmp) / "out.svg"
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                subprocess.run([JOURNEYCTL, "render", path, *options, "-o", out], check=True)
                times.append(time.perf_counter() - start)
            print(
                f"{name:24s} best {min(times):.2f} s, median {statistics.median(times):.2f} s, "
                f"{out.stat().st_size / 1e6:.1f} MB SVG"
            )


if __name__ == "__main__":
    main()
