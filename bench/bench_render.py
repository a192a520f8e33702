"""Benchmark: `journeyctl render` in every view and format on a generated map.

    .venv/bin/python bench/bench_render.py [--touchpoints 2000] [--repeat 1] [--timeout 120]

Generates a map with 6 stages and 8 channels (bench/mapgen.py) into a temporary folder and
times whole `journeyctl render` processes, Graphviz's layout included (best of `--repeat`), with
the peak resident memory of the process and the `dot` it runs. Goals: a 2,000-touchpoint map
in under 20 s in every format; no format above 1 GiB on a map within the 2 MB file limit
(`--touchpoints 9700`), where the flow view's layout is refused (exit 2) instead.

Measured on 2 CPUs (other work running), seconds and peak MB:

    format                2,000 tp       9,697 tp (2 MB)
    flow dot              1.5 s   93     5.5 s  162
    flow mermaid          1.0 s   93     3.6 s  151
    flow svg              4.7 s   97     refused (exit 2) as soon as the map is loaded
    flow png / pdf        5.5 s   93     refused
    swimlane dot          0.9 s   75     3.5 s  207
    swimlane mermaid      0.8 s   61     3.3 s  141
    swimlane svg          1.5 s   90    22.6 s  285
    swimlane png / pdf    1.5 s   93    25.3 s  213
    emotion svg           0.8 s   65     7.4 s  159
    emotion mermaid       0.8 s   61    12.8 s  141
    html                  9.4 s  126    10.8 s  194 (flow figure left out)

With the column layout of issue 15 and every label a node, the flow SVG of 2,000 touchpoints
took 147 s wall, 51.6 s CPU on the loaded machine. With the figures inside the touchpoints
(no label nodes: `dot` places the 2,000 touchpoints, not 9,650 nodes), wall and CPU seconds:

    format                2,000 tp
    flow svg              6.8 s wall   5.8 s cpu   166 MiB
    flow png             13.2 s wall  10.6 s cpu   254 MiB   (two layouts: measure, draw)
    flow pdf             17.5 s wall  13.6 s cpu   257 MiB   (two layouts, pypdf ~3 s)
    flow html             8.0 s wall   8.2 s cpu   248 MiB
    flow svg, 300 tp      0.65 s wall  0.75 s cpu   76 MiB   (median of 3)

Before the bound, the flow view's layout took 41.6 s at 3,000 touchpoints (11,494 moves),
111.5 s at 4,000, more than 120 s at 2,000 touchpoints with 18,000 moves, and more than 5
minutes and 1.1 GiB (still growing) at 9,697.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mapgen import map_text
from measure import JOURNEYCTL, median, process
from record import budget_row, record

BUDGET_S = 20.0
REPORT_BUDGET_S = 3.0
REPORT_REPRODUCE = "python bench/bench_render.py --only report"
MAPS = Path(__file__).resolve().parent.parent / "maps"
REPRODUCE = "python bench/bench_render.py --touchpoints {}"
FLOW_TOUCHPOINTS = 300
FLOW_BUDGET_S = 3.0
"""Issue 15: the flow SVG of a 300-touchpoint map in at most 3 s (median of 3 processes)."""
OUT = Path(__file__).resolve().parent / "out"
KEPT = ("flow -f svg", "swimlane -f pdf", "flow -f html")
"""The runs the README's table shows (every run is printed)."""
RUNS = [
    ("flow", "dot"),
    ("flow", "mermaid"),
    ("flow", "svg"),
    ("flow", "png"),
    ("flow", "pdf"),
    ("swimlane", "dot"),
    ("swimlane", "mermaid"),
    ("swimlane", "svg"),
    ("swimlane", "png"),
    ("swimlane", "pdf"),
    ("emotion", "svg"),
    ("emotion", "mermaid"),
    ("flow", "html"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--touchpoints", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument(
        "--only", choices=["report"], help="report: only the example maps' reports (3 s each)"
    )
    args = parser.parse_args()
    if args.only == "report":
        record("report", report_rows())
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        text = map_text(1, stages=6, channels=8, touchpoints=args.touchpoints)
        path.write_text(text, "utf-8")
        print(f"map: {args.touchpoints} touchpoints, 6 stages, 8 channels, {len(text):,} bytes")
        rows = []
        for view, fmt in RUNS:
            out = Path(tmp) / f"out.{fmt}"
            command = [*JOURNEYCTL, "render", path, "--view", view, "-f", fmt, "-o", out]
            run = min(
                (process(command, timeout=args.timeout) for _ in range(args.repeat)),
                key=lambda r: r.wall,
            )
            print(f"{view:8s} {fmt:8s} {run}", flush=True)
            benchmark = f"render --view {view} -f {fmt}, {args.touchpoints:,} touchpoints"
            rows.append(budget_row(benchmark, REPRODUCE.format(args.touchpoints), run, BUDGET_S))
    kept = [r for r in rows if r.benchmark.split(",")[0].endswith(KEPT)]
    record("render", [*kept, flow_row()])


def report_rows() -> list:
    """The workshop report with every persona (`-f html --simulate`) of each example map,
    medians of 3 whole processes, against the issue's 3 s."""
    OUT.mkdir(exist_ok=True)
    rows = []
    for path in sorted(MAPS.glob("*.yaml")):
        command = [*JOURNEYCTL, "render", path, "-f", "html", "--simulate", "-o", OUT / "r.html"]
        run = median([process(command) for _ in range(3)])
        print(f"report   {path.name:22s} {run}", flush=True)
        benchmark = f"render -f html --simulate (every persona), maps/{path.name}"
        rows.append(budget_row(benchmark, REPORT_REPRODUCE, run, REPORT_BUDGET_S))
    return rows


def flow_row():
    """The flow SVG of a generated 300-touchpoint map (under bench/out/), median of 3 runs."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"render-flow-{FLOW_TOUCHPOINTS}.yaml"
    path.write_text(map_text(1, stages=6, channels=8, touchpoints=FLOW_TOUCHPOINTS), "utf-8")
    command = [*JOURNEYCTL, "render", path, "-f", "svg", "-o", OUT / "render-flow.svg"]
    run = median([process(command) for _ in range(3)])
    print(f"flow     svg      {run}  ({FLOW_TOUCHPOINTS} touchpoints, median of 3)", flush=True)
    benchmark = f"render --view flow -f svg, {FLOW_TOUCHPOINTS} touchpoints"
    return budget_row(benchmark, REPRODUCE.format(2000), run, FLOW_BUDGET_S)


if __name__ == "__main__":
    main()
