"""Time `journeyctl validate` as whole processes (one small map, 1,000 generated maps, one map of
20,000 touchpoints), and the phases of loading that big map in process.

Run: .venv/bin/python bench/bench_validate.py

2 cores, CPU seconds (user + system; medians), before → after the load speed-ups (event loop
with lazy spans, directive scan of marked lines only; measured 2026-12-03, other jobs running):

| what                                                  | before       | after        |
|-------------------------------------------------------|--------------|--------------|
| validate one small map (linear-purchase.yaml)         | 0.20 s       | 0.18 s       |
| validate 1,000 generated maps                         | 7.9 s, 126/s | 6.3 s, 156/s |
| validate 20,000 touchpoints (2.0 MiB)                 | 4.1 s        | 3.4 s        |
| … with a `# journeyctl:` comment on its last line     | 5.3 s        | 3.9 s        |
| phase: YAML to data (loader)                          | 1.53 s       | 0.62 s       |
| phase: JSON Schema check (jsonschema)                 | 1.68 s       | 1.65 s       |
| phase: disable comments, one on the last line         | 1.15 s       | 0.54 s       |
| phase: disable comments, one near the top             | 1.21 s       | 0.02 s       |
| phase: data to model (spans now made here, on demand) | 0.47 s       | 0.70 s       |

The JSON Schema check stays jsonschema's own: compiling the schema by hand into Python tests
made it 7× faster, but that is a second JSON Schema validator to keep right, so it was dropped.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from mapgen import big_map_text, write_maps

ROOT = Path(__file__).resolve().parent.parent
JOURNEYCTL = [sys.executable, "-m", "journeyctl"]
COMMENT = "# journeyctl: disable-line=JM101\n"


def timed(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (user + system) of `cmd` over `repeat` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            raise SystemExit(proc.stderr.decode())
    return statistics.median(walls), statistics.median(cpus)


def phases(text: str) -> None:
    """CPU seconds of each phase of checking one big map, in this process."""
    from journeyctl.lint import loader, schema, suppressions, workspace

    def cpu(label: str, work):
        start = time.process_time()
        result = work()
        print(f"  {label}: {time.process_time() - start:.2f} s CPU")
        return result

    doc = cpu("YAML to data", lambda: loader.load_bytes(text.encode(), "big.yaml").document)
    cpu("JSON Schema check", lambda: schema.check(doc))
    cpu("comment on the last line", lambda: suppressions.directives("big.yaml", text + COMMENT))
    top = text.replace("touchpoints:\n", "touchpoints:\n  " + COMMENT, 1)
    cpu("comment near the top", lambda: suppressions.directives("big.yaml", top))
    checked = workspace.Checked(Path("big.yaml"), doc)
    cpu("data to model", lambda: workspace.build_map([checked]))


def main() -> None:
    small = ROOT / "templates" / "linear-purchase.yaml"
    wall, cpu = timed([*JOURNEYCTL, "validate", str(small)], repeat=15)
    print(f"one small map ({small.name}): {wall:.3f} s wall, {cpu:.3f} s CPU (median of 15)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "maps"
        paths = write_maps(folder, 1000)
        size = sum(p.stat().st_size for p in paths) / len(paths)
        wall, cpu = timed([*JOURNEYCTL, "validate", str(folder)], repeat=3)
        print(
            f"1,000 generated maps (~{size / 1024:.1f} KiB, 21 touchpoints each): "
            f"{wall:.2f} s wall, {cpu:.2f} s CPU (median of 3), {1000 / wall:,.0f} maps/s"
        )
        text = big_map_text(20000)
        big = Path(tmp) / "big.yaml"
        for label, content in (("", text), (", a comment on its last line", text + COMMENT)):
            big.write_text(content, encoding="utf-8")
            wall, cpu = timed([*JOURNEYCTL, "validate", str(big)], repeat=3)
            print(
                f"20,000 touchpoints ({len(content) / 2**20:.1f} MiB){label}: "
                f"{wall:.2f} s wall, {cpu:.2f} s CPU (median of 3)"
            )
    print("phases of the 20,000-touchpoint map:")
    phases(text)


if __name__ == "__main__":
    main()
