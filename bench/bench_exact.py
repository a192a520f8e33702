"""Speed and memory of the exact solver: `simulate --exact` and `gaps` on generated maps.

Run: .venv/bin/python bench/bench_exact.py [--sizes 200 2000 20000]
Per size and kind (linear, cyclical; bench/mapgen.py `big_map_text`, two personas), one whole
process each of `journeyctl simulate MAP --exact --runs 1000 -f json` and `journeyctl gaps MAP
-f json`: wall and CPU seconds and peak RSS (the child's own, from wait4). Then, in this
process, where the time goes: loading the map, `solve` (both personas, 3 cycles) and
`find_gaps`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from mapgen import big_map_text  # noqa: E402

from journeyctl.gaps import find_gaps  # noqa: E402
from journeyctl.lint.load import load_map  # noqa: E402
from journeyctl.markov.exact import solve  # noqa: E402


def _process(*args: str) -> str:
    """Wall s, CPU s and peak RSS of one journeyctl process."""
    exe = Path(sys.executable).with_name("journeyctl")
    wall = time.perf_counter()
    proc = subprocess.Popen([str(exe), *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - wall
    code = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return f"{wall:6.2f} s wall {cpu:6.2f} s cpu {usage.ru_maxrss / 1024:6.0f} MB  exit {code}"


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
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for cyclical in (False, True):
                kind = "cyclical" if cyclical else "linear"
                path = Path(tmp) / f"{kind}-{n}.yaml"
                path.write_text(big_map_text(n, cyclical=cyclical), encoding="utf-8")
                name = f"{n:>6} {kind:<8}"
                sim = _process("simulate", str(path), "--exact", "--runs", "1000", "-f", "json")
                print(f"{name} simulate --exact  {sim}", flush=True)
                print(f"{name} gaps              {_process('gaps', str(path), '-f', 'json')}")
                print(f"{name} library           {_library(path)}", flush=True)


if __name__ == "__main__":
    main()
