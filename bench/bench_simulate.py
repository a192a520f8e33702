"""Speed of `journeyctl simulate`: 1,000,000 walks of maps/treadmill.yaml for one persona.

Run: .venv/bin/python bench/bench_simulate.py [--runs N] [--persona P]
Prints wall and CPU seconds and journeys per second (by wall time) for the library call
(simulate + summarise) and for a whole `journeyctl simulate ... --format json` process.
Goal: ≤ 2 s wall each. CPU seconds show the cost when other jobs share the machine.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "maps" / "treadmill.yaml"


def _line(what: str, seconds: float, cpu: float, runs: int) -> None:
    print(f"{what:<32} {seconds:5.2f} s wall {cpu:5.2f} s cpu {runs / seconds:>11,.0f} journeys/s")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--persona", default="enthusiast")
    args = parser.parse_args()

    from journeyctl.lint.load import load_map
    from journeyctl.markov.montecarlo import simulate
    from journeyctl.markov.summary import summarise

    jmap = load_map(MAP)
    t0, c0 = time.perf_counter(), time.process_time()
    walks = simulate(jmap, args.persona, args.runs, seed=0)
    t1, c1 = time.perf_counter(), time.process_time()
    report = summarise(jmap, walks, 10)
    t2, c2 = time.perf_counter(), time.process_time()
    print(f"{MAP.name}, persona {args.persona}, {args.runs:,} walks, "
          f"conversion {report.conversion:.4f}, {walks.steps.sum():,} visits")  # fmt: skip
    _line("library: simulate", t1 - t0, c1 - c0, args.runs)
    _line("library: simulate + summarise", t2 - t0, c2 - c0, args.runs)

    exe = Path(sys.executable).with_name("journeyctl")
    cmd = [str(exe), "simulate", str(MAP), "--persona", args.persona, "--runs", str(args.runs),
           "--format", "json", "-o", "/dev/null"]  # fmt: skip
    t0, c0 = time.perf_counter(), _children_cpu()
    subprocess.run(cmd, check=True)
    _line("process: journeyctl simulate", time.perf_counter() - t0, _children_cpu() - c0, args.runs)


if __name__ == "__main__":
    main()
