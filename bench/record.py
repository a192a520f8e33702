"""What every benchmark records: its rows, for `bench/table.py` to put in the README.

A benchmark script calls `record(name, rows)` once at its end; the rows land in
`bench/results/<name>.json` (committed: the README's table is made from them), replaced on
each run. A row holds the figure journeyctl reached, the
anchor measured in the same run (pm4py, check-jsonschema, or the issue's budget when there is
no other tool), their ratio and whether the goal is met.
"""

from __future__ import annotations

import json
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from journeyctl.core.machine import usable_cores

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Row:
    benchmark: str
    """What is measured, e.g. 'discover, 5,000,000 cases (18 M events, CSV)'."""
    command: str
    """The one command that reproduces the row, e.g. 'python bench/bench_eventlog.py --big'."""
    figure: str
    """journeyctl's figure as text, e.g. '9.8 s, peak 1.2 GiB'."""
    anchor: str
    """What it is compared with, measured in the same run, e.g. 'pm4py 132 s, 4.7 GiB'."""
    ratio: str
    """e.g. '13.5× faster' or '0.42 of the budget'."""
    goal: str
    """The goal the issue set, e.g. '≥ 10× faster, ≤ 1.5 GiB'."""
    met: bool


def recorded(name: str, measured: set[str]) -> list[Row]:
    """The rows of bench/results/<name>.json for the figures not `measured` in this run (a
    figure is the last word of its row's command, `--only FIGURE`)."""
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return []
    rows = [Row(**r) for r in json.loads(path.read_text(encoding="utf-8"))["rows"]]
    return [r for r in rows if r.command.rsplit(" ", 1)[-1] not in measured]


def budget_row(benchmark: str, command: str, run, seconds: float, memory: int = 1 << 30) -> Row:
    """The row of `run` (a measure.Run) where no other tool does the job: against a budget of
    `seconds` and `memory` bytes."""
    mib = memory >> 20
    return Row(
        benchmark=benchmark,
        command=command,
        figure=f"{run.wall:.2f} s, {run.peak / (1 << 20):.0f} MiB",
        anchor=f"budget {seconds:g} s, {mib:,} MiB",
        ratio=f"{run.wall / seconds:.2f} of the time budget",
        goal=f"≤ {seconds:g} s, ≤ {mib:,} MiB",
        met=run.code == 0 and run.wall <= seconds and run.peak <= memory,
    )


def record(name: str, rows: list[Row]) -> Path:
    """Write `rows` to bench/results/<name>.json (with the machine and date); returns its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    doc = {
        "name": name,
        "date": time.strftime("%Y-%m-%d"),
        "machine": (
            f"{platform.machine()}, {usable_cores()} cores, Python {platform.python_version()}"
        ),
        "rows": [asdict(r) for r in rows],
    }
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for r in rows:
        mark = "met" if r.met else "NOT MET"
        print(f"{r.benchmark}: {r.figure} | {r.anchor} | {r.ratio} | goal {r.goal}: {mark}")
    return path
