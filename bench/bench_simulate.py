"""Speed and memory of `journeyctl simulate`: 1,000,000 walks of maps/treadmill.yaml for one
persona, then whole processes on generated maps of 300, 2,000 and 18,000 touchpoints.

Run: .venv/bin/python bench/bench_simulate.py [--runs N] [--persona P] [--sizes 300 2000 18000]
Prints, for each generated map (`mapgen.big_map_text`, two personas, default 10,000 walks
each), the wall and CPU seconds and peak RSS of one process, run under a 4 GiB address-space
limit (and of `validate` on the same map: the loading part of it); then wall and CPU seconds
and journeys per second (by wall time) for the library call (simulate + summarise) and for a
whole `journeyctl simulate ... --format json` process.
Goal: ≤ 2 s wall for the treadmill; ≤ 10 s and ≤ 1 GiB for every generated map.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mapgen import big_map_text

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "maps" / "treadmill.yaml"
LIMIT = 4 * 1024**3


def _line(what: str, seconds: float, cpu: float, runs: int) -> None:
    print(f"{what:<32} {seconds:5.2f} s wall {cpu:5.2f} s cpu {runs / seconds:>11,.0f} journeys/s")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def _process(args: list[str]) -> tuple[int, float, float, int]:
    """(exit code, wall s, cpu s, peak RSS bytes) of `journeyctl ARGS` under the 4 GiB limit."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "journeyctl", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_limited,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return proc.returncode, time.perf_counter() - t0, cpu, usage.ru_maxrss * 1024


def _sizes(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            path = Path(folder) / f"big-{n}.yaml"
            path.write_text(big_map_text(n), encoding="utf-8")
            code, wall, cpu, rss = _process(["simulate", str(path), "-f", "json", "-o", os.devnull])
            _, v_wall, _, v_rss = _process(["validate", str(path), "-f", "concise"])
            print(f"{n:>6,} touchpoints ({path.stat().st_size / 1e6:.2f} MB): exit {code}, "
                  f"{wall:5.2f} s wall {cpu:5.2f} s cpu, peak RSS {rss / 2**20:6.0f} MiB "
                  f"(validate alone: {v_wall:5.2f} s wall, {v_rss / 2**20:4.0f} MiB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--persona", default="enthusiast")
    parser.add_argument("--sizes", type=int, nargs="*", default=[300, 2_000, 18_000])
    args = parser.parse_args()
    _sizes(args.sizes)  # first: a child starts with this process's memory until it execs

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
