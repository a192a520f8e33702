"""`journeyctl validate` against check-jsonschema, as whole processes, interleaved in one run.

Figures (issue 18), both from one command:

    .venv/bin/python bench/bench_validate_vs_check_jsonschema.py

- 1,000 generated maps (~5 KiB, 21 touchpoints each), one in ten with an error, the folder
  validated with the default `--jobs` (every usable core): median wall seconds of 3 runs each.
  Goal: at least 10× faster than check-jsonschema on the same files.
- One small map (the linear-purchase template): median CPU seconds (user + system) of 15 runs
  each. Goal: at most half check-jsonschema's.

journeyctl does more (YAML safety checks, schema and 20 journey-logic rules); check-jsonschema
only checks the schema `journeyctl schema` prints (`--schemafile`). It is installed from PyPI
into its own venv (bench/out/venv-cjs) on first use. journeyctl's bytecode is compiled first, as
an installed package's is (an editable install under PYTHONDONTWRITEBYTECODE has none). The
maps are written to bench/out/validate-maps/.
"""

from __future__ import annotations

import compileall
import random
import subprocess
import sys
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from mapgen import write_maps
from measure import JOURNEYCTL, MIB, Run, interleaved, median
from record import Row, record

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV = OUT / "venv-cjs"
SMALL = ROOT / "journeyctl" / "templates" / "linear-purchase.yaml"
COMMAND = ".venv/bin/python bench/bench_validate_vs_check_jsonschema.py"
ERRORS = (  # (replace this, with that) in one map in ten: schema and logic errors
    ("    engagement: active\n", "    engagement: activ\n"),
    ("    stage: s1\n", "    stage: s9\n"),
    ("    kpis: [reach]\n", "    kpis: reach\n"),
)


def check_jsonschema() -> Path:
    """The check-jsonschema executable in its own venv, installed on first use."""
    exe = VENV / "bin" / "check-jsonschema"
    if not exe.exists():
        venv.create(VENV, with_pip=True)
        subprocess.run(
            [VENV / "bin" / "python", "-m", "pip", "install", "-q", "check-jsonschema"], check=True
        )
    return exe


def make_maps(folder: Path) -> list[Path]:
    """1,000 generated maps (~21 touchpoints each); one in ten with an error."""
    for old in folder.glob("*.yaml"):
        old.unlink()
    paths = write_maps(folder, 1000)
    rng = random.Random(7)
    for path in paths[::10]:
        old, new = rng.choice(ERRORS)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return paths


def main() -> None:
    cjs = check_jsonschema()
    version = subprocess.run([cjs, "--version"], capture_output=True, text=True).stdout.strip()
    compileall.compile_dir(ROOT / "journeyctl", quiet=1)
    folder = OUT / "validate-maps"
    paths = make_maps(folder)
    schema = OUT / "journeyctl.schema.json"
    subprocess.run([*JOURNEYCTL, "schema", "-o", schema], check=True)
    names = [p.relative_to(OUT) for p in paths]
    many = interleaved(
        {
            "journeyctl": [*JOURNEYCTL, "validate", folder],
            "cjs": [cjs, "--schemafile", schema, *names],
        },
        3,
        cwd=OUT,
        ok=(0, 1),
    )
    small = interleaved(
        {
            "journeyctl": [*JOURNEYCTL, "validate", SMALL],
            "cjs": [cjs, "--schemafile", schema, SMALL],
        },
        15,
        cwd=OUT,
        ok=(0, 1),
    )
    ours, theirs = median(many["journeyctl"]).wall, median(many["cjs"]).wall
    our_cpu, their_cpu = median(small["journeyctl"]).cpu, median(small["cjs"]).cpu

    def peak(runs: list[Run]) -> str:
        return f"peak {median(runs).peak / MIB:.0f} MiB"

    rows = [
        Row(
            "validate 1,000 maps (1 in 10 with an error), whole process, default --jobs",
            COMMAND,
            f"{ours:.2f} s wall, {median(many['journeyctl']).cpu:.1f} s CPU, "
            f"{peak(many['journeyctl'])}",
            f"{version}: {theirs:.1f} s wall, {median(many['cjs']).cpu:.1f} s CPU, "
            f"{peak(many['cjs'])}",
            f"{theirs / ours:.1f}× faster",
            "≥ 10× faster (wall)",
            theirs / ours >= 10,
        ),
        Row(
            f"validate one small map ({SMALL.name}), whole process",
            COMMAND,
            f"{our_cpu * 1000:.0f} ms CPU, {peak(small['journeyctl'])}",
            f"{version}: {their_cpu * 1000:.0f} ms CPU, {peak(small['cjs'])}",
            f"{our_cpu / their_cpu:.2f} of its CPU time",
            "≤ 0.50 of check-jsonschema's CPU time",
            our_cpu <= their_cpu / 2,
        ),
    ]
    record("validate", rows)


if __name__ == "__main__":
    main()
