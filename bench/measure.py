"""Measuring whole processes: wall and CPU seconds and peak resident memory (os.wait4), one run
or several commands taking turns."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

JOURNEYCTL = [sys.executable, "-m", "journeyctl"]
MIB = 1 << 20


@dataclass(frozen=True)
class Run:
    code: int | None
    """Exit code; None when killed at the timeout."""
    wall: float
    cpu: float
    """User + system seconds of the process and the children it waited for."""
    peak: int
    """Peak resident set size in bytes (the largest of the process and its children)."""

    def __str__(self) -> str:
        status = "timed out" if self.code is None else f"exit {self.code}"
        return f"{self.wall:6.2f} s wall {self.cpu:6.2f} s cpu {self.peak / MIB:7.0f} MiB  {status}"


def process(
    args: list, *, cwd: Path | None = None, memory: int | None = None, timeout: float = 3600
) -> Run:
    """Run `args` (output discarded) under an optional address-space limit and time it."""

    def limit() -> None:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(a) for a in args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=limit,
    )
    deadline = start + timeout
    while (done := os.wait4(proc.pid, os.WNOHANG))[0] == 0:
        if time.perf_counter() > deadline:
            proc.kill()
            done = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    wall = time.perf_counter() - start
    _, status, usage = done
    code = None if wall > timeout else os.waitstatus_to_exitcode(status)
    return Run(code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def interleaved(
    commands: dict[str, list], repeat: int, *, cwd: Path | None = None, ok: tuple = (0,)
) -> dict[str, list[Run]]:
    """Each command once per round, `repeat` rounds (A, B, A, B, …), each run printed.
    SystemExit when a run ends with a code not in `ok`."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for i in range(repeat):
        for name, args in commands.items():
            run = process(args, cwd=cwd)
            print(f"  round {i + 1} {name:<24} {run}", flush=True)
            if run.code not in ok:
                raise SystemExit(f"{name} failed: {run} ({' '.join(map(str, args))})")
            runs[name].append(run)
    return runs


def median(runs: list[Run]) -> Run:
    """Median wall and CPU seconds of `runs`, their largest peak and the last exit code."""
    return Run(
        runs[-1].code,
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.peak for r in runs),
    )
