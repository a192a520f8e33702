"""Benchmark: `journeyctl serve`, from saving a map to the new text in the browser's page.

    .venv/bin/python bench/bench_serve.py [--edits 5]

For each example map, a copy (with its catalogue) goes under bench/out/serve/, a
`journeyctl serve --port 0` process serves it, and tests/js/serve_check.mjs drives headless
Chromium: it renames the map's first touchpoint `--edits` times, timing each from just before
the file is written to the new name in the page's visible text (the watch, the rebuild, the
event, the reload and the browser's layout all included), and times the page's build alone in
this process (median of 3) to show how much of a reload is the report's own work. Goal
(issue 15): at most 1 s, the median of the edits, on every example map.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import JOURNEYCTL
from record import Row, record

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "serve"
CHECK = ROOT / "tests" / "js" / "serve_check.mjs"
BUDGET_S = 1.0
REPRODUCE = "python bench/bench_serve.py"
FIRST_NAME = re.compile(r"^touchpoints:\n(?:.*\n)*?    name: (.+)$", re.M)


def served(map_path: Path) -> tuple[subprocess.Popen, str]:
    """A `journeyctl serve` process on `map_path`, and its URL once it prints it."""
    proc = subprocess.Popen(
        [*JOURNEYCTL, "serve", map_path.name, "--port", "0"],
        cwd=map_path.parent,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if found := re.search(r"serving (http://\S+)", line):
            return proc, found[1]
    raise SystemExit(f"journeyctl serve {map_path} did not start")


def reloads(map_path: Path, url: str, edits: int) -> list[float]:
    """Seconds from each save to its text in the page, renaming the first touchpoint."""
    name = FIRST_NAME.search(map_path.read_text(encoding="utf-8"))[1]
    names = [name, *(f"{name} (edit {i})" for i in range(1, edits + 1))]
    steps = [
        {"find": f"name: {old}\n", "replace": f"name: {new}\n", "expect": new}
        for old, new in itertools.pairwise(names)
    ]
    plan = map_path.with_suffix(".plan.json")
    plan.write_text(json.dumps({"url": url, "file": str(map_path), "steps": steps}), "utf-8")
    run = subprocess.run(["node", CHECK, plan], capture_output=True, text=True, check=True)
    result = json.loads(run.stdout)
    assert all(s["ok"] and s["loads"] >= 1 for s in result["steps"]), result
    return [s["ms"] / 1000 for s in result["steps"]]


def build_seconds(map_path: Path, repeat: int = 3) -> float:
    """The median time to build the map's page in this process (the part of a reload that is
    the report's own work)."""
    from journeyctl.live.pages import Options, build

    build(map_path, Options())  # imports and caches warm, as in a running server
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        build(map_path, Options())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    rows = []
    for example in sorted((ROOT / "maps").glob("*.yaml")):
        folder = OUT / example.stem
        shutil.copytree(ROOT / "maps" / "catalog", folder / "catalog")
        map_path = Path(shutil.copy(example, folder))
        proc, url = served(map_path)
        try:
            seconds = reloads(map_path, url, args.edits)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait()
        median, build = statistics.median(seconds), build_seconds(map_path)
        print(
            f"{example.name:24s} " + " ".join(f"{s:.3f}" for s in seconds),
            f"(build {build:.3f})",
            flush=True,
        )
        rows.append(
            Row(
                benchmark=f"serve: save to refreshed page, {example.name}",
                command=REPRODUCE,
                figure=(
                    f"{median:.2f} s (median of {len(seconds)} edits, max {max(seconds):.2f} s; "
                    f"the report's build {build:.2f} s of it)"
                ),
                anchor=f"budget {BUDGET_S:g} s",
                ratio=f"{median / BUDGET_S:.2f} of the time budget",
                goal=f"≤ {BUDGET_S:g} s",
                met=median <= BUDGET_S,
            )
        )
    record("serve", rows)


if __name__ == "__main__":
    main()
