"""How `journeyctl validate` uses the cores, and where a small map's time goes.

Run: .venv/bin/python bench/bench_validate.py

Figures, from that one command:

- 1,000 generated maps with the default `--jobs` (every usable core) against `--jobs 1`, whole
  processes interleaved, median wall of 3 each. Goal: at least 1.5× faster on 2 cores.
- The break-even of the worker pool: `lint()` in process (warm) on the first N of those maps,
  `jobs=2` against `jobs=1`, best of 7 each; the smallest N from which the pool is faster at
  every larger size. `engine.PARALLEL_FROM` (below it, no pool) should lie within a factor 2
  of it.

Printed besides (no goal): where one small map's CPU goes (Python's start, the imports of the
command line and of validate, the work), whole processes; and the phases of checking one map of
20,000 touchpoints, in process. Inputs are written to bench/out/.
"""

from __future__ import annotations

import compileall
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_validate_vs_check_jsonschema import SMALL, make_maps
from mapgen import big_map_text
from measure import JOURNEYCTL, interleaved, median
from record import Row, record

from journeyctl.core.machine import usable_cores
from journeyctl.lint import engine

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
COMMAND = ".venv/bin/python bench/bench_validate.py"
SIZES = (4, 8, 16, 24, 32, 48, 64, 96, 128, 256)


def break_even(paths: list[Path]) -> tuple[int, list[str]]:
    """The smallest number of files from which `jobs=2` beats `jobs=1` at every size measured,
    and a line per size."""
    limit, engine.PARALLEL_FROM = engine.PARALLEL_FROM, 1
    engine.lint(paths[:8], maps=False)  # warm: the schema compiled, the rules imported
    lines, faster = [], []
    for n in SIZES:
        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(7):
            for jobs in times:
                start = time.perf_counter()
                engine.lint(paths[:n], jobs=jobs, maps=False)
                times[jobs].append(time.perf_counter() - start)
        one, two = (min(times[j]) for j in (1, 2))  # the least disturbed by other work
        lines.append(f"  {n:4d} files: jobs 1 {one * 1000:7.1f} ms, jobs 2 {two * 1000:7.1f} ms")
        faster.append(two < one)
    engine.PARALLEL_FROM = limit
    first = len(SIZES) - next((i for i, f in enumerate(reversed(faster)) if not f), len(SIZES))
    return (SIZES[first] if first < len(SIZES) else SIZES[-1] * 2), lines


def small_map_phases() -> None:
    """CPU of one small map's process, as what Python must do before validate's work."""
    steps = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import the libraries only": [
            sys.executable,
            "-c",
            "import typer, rich.console, rich.text, yaml, jsonschema_rs",
        ],
        "import the command line": [sys.executable, "-c", "import journeyctl.cli"],
        "… and what validate imports": [
            sys.executable,
            "-c",
            "import journeyctl.cli, journeyctl.lint.engine, journeyctl.lint.reporters.text, "
            "journeyctl.cli.output, jsonschema_rs, rich.console",
        ],
        "validate the map": [*JOURNEYCTL, "validate", SMALL],
    }
    runs = interleaved(steps, 15, cwd=ROOT, ok=(0, 1))
    print(f"one small map ({SMALL.name}), CPU of the whole process (median of 15):")
    for name in steps:
        print(f"  {name:<30} {median(runs[name]).cpu * 1000:5.0f} ms")


def big_map_phases() -> None:
    """CPU seconds of each phase of checking one map of 20,000 touchpoints, in process."""
    from journeyctl.lint import loader, schema, suppressions, workspace

    def cpu(label: str, work):
        start = time.process_time()
        result = work()
        print(f"  {label}: {time.process_time() - start:.2f} s CPU")
        return result

    text = big_map_text(20000)
    print("phases of a 20,000-touchpoint map:")
    doc = cpu(
        "YAML to data (loader)", lambda: loader.load_bytes(text.encode(), "big.yaml").document
    )
    cpu("schema check (jsonschema-rs verdict, number bounds)", lambda: schema.check(doc))
    cpu(
        "jsonschema, which a map that fails pays",
        lambda: list(schema._validator().iter_errors(doc.data)),
    )
    cpu("disable comments", lambda: suppressions.directives("big.yaml", text))
    checked = workspace.Checked(Path("big.yaml"), doc)
    cpu("data to model", lambda: workspace.build_map([checked]))


def main() -> None:
    compileall.compile_dir(ROOT / "journeyctl", quiet=1)
    folder = OUT / "validate-maps"
    paths = make_maps(folder)
    cores = usable_cores()
    runs = interleaved(
        {
            "default": [*JOURNEYCTL, "validate", folder],
            "one": [*JOURNEYCTL, "validate", folder, "--jobs", "1"],
        },
        3,
        cwd=OUT,
        ok=(0, 1),
    )
    many, one = median(runs["default"]).wall, median(runs["one"]).wall
    print(f"1,000 maps: --jobs {cores} {many:.2f} s, --jobs 1 {one:.2f} s (wall, median of 3)")
    even, lines = break_even(paths)
    print("in process, the pool (jobs 2) against one process:", *lines, sep="\n")
    small_map_phases()
    big_map_phases()
    rows = [
        Row(
            f"validate 1,000 maps, default --jobs ({cores} cores), whole process",
            COMMAND,
            f"{many:.2f} s wall",
            f"--jobs 1: {one:.2f} s wall",
            f"{one / many:.2f}× faster",
            "≥ 1.5× faster on 2 cores",
            one / many >= 1.5,
        ),
        Row(
            "validate: the worker pool's break-even (in process, jobs 2 against 1)",
            COMMAND,
            f"the pool is faster from {even} files",
            f"PARALLEL_FROM = {engine.PARALLEL_FROM}",
            f"threshold {engine.PARALLEL_FROM / even:.2f}× the break-even",
            "threshold within a factor 2 of the break-even",
            even / 2 <= engine.PARALLEL_FROM <= 2 * even,
        ),
    ]
    record("validate_jobs", rows)


if __name__ == "__main__":
    main()
