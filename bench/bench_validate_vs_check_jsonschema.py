"""`journeyctl validate` against `check-jsonschema` on the same 1,000 maps, as whole processes.

journeyctl does more (YAML safety checks, schema and 20 journey-logic rules); check-jsonschema
only checks the schema that `journeyctl schema` prints. Goal: journeyctl in at most half the
time. check-jsonschema is installed from PyPI into its own venv (bench/out/venv-cjs).

Run: .venv/bin/python bench/bench_validate_vs_check_jsonschema.py
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from mapgen import write_maps

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "bench" / "out" / "venv-cjs"
JOURNEYCTL = [sys.executable, "-m", "journeyctl"]
REPEAT = 3
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
    paths = write_maps(folder, 1000)
    rng = random.Random(7)
    for path in paths[::10]:
        old, new = rng.choice(ERRORS)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return paths


def timed(cmd: list, cwd: Path) -> tuple[float, int]:
    """Median wall seconds of `cmd` over REPEAT runs, and its exit code."""
    walls, code = [], 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        proc = subprocess.run([str(c) for c in cmd], capture_output=True, cwd=cwd)
        walls.append(time.perf_counter() - start)
        code = proc.returncode
        if code not in (0, 1):
            raise SystemExit(f"{cmd[0]} failed ({code}): {proc.stderr.decode()[-2000:]}")
    return statistics.median(walls), code


def main() -> None:
    cjs = check_jsonschema()
    version = subprocess.run([cjs, "--version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "maps"
        paths = make_maps(folder)
        schema = Path(tmp) / "journeyctl.schema.json"
        subprocess.run([*JOURNEYCTL, "schema", "-o", schema], check=True)
        ours, our_code = timed([*JOURNEYCTL, "validate", folder], cwd=Path(tmp))
        theirs, their_code = timed(
            [cjs, "--schemafile", schema, *(p.relative_to(tmp) for p in paths)], cwd=Path(tmp)
        )
    print(f"1,000 maps, 1 in 10 with an error; median of {REPEAT} whole-process runs")
    print(f"  journeyctl validate DIR           {ours:6.2f} s  (exit {our_code})")
    print(f"  {version:<33} {theirs:6.2f} s  (exit {their_code})")
    print(f"  ratio journeyctl / check-jsonschema: {ours / theirs:.2f} (goal ≤ 0.50)")


if __name__ == "__main__":
    main()
