"""Shared test fixtures: run the CLI in-process the way a user would, on real files."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from journeyctl.cli import run

ROOT = Path(__file__).resolve().parent.parent
MAPS = ROOT / "maps"
DATA = ROOT / "tests" / "data"
"""Test data, all inside the repository: the suite reads nothing beside it."""
JS = ROOT / "tests" / "js"
"""The browser checks: Node scripts driving the system Chromium through playwright-core."""


def in_chromium(script: str, *args: str | Path, timeout: float = 300, mermaid: bool = False):
    """Run `tests/js/<script>` with `args` and return the JSON it prints; fails (never skips)
    when what scripts/setup.d/render.sh installs is missing (`mermaid`: the Mermaid library)."""
    needs = [
        ("chromium", Path("/usr/bin/chromium").exists()),
        ("node", shutil.which("node") is not None),
        ("playwright-core", (JS / "node_modules/playwright-core").exists()),
    ]
    if mermaid:
        needs.append(("mermaid", (JS / "node_modules/mermaid/dist/mermaid.min.js").exists()))
    missing = [what for what, ok in needs if not ok]
    assert not missing, f"missing {', '.join(missing)}: run scripts/setup.d/render.sh"
    r = subprocess.run(
        ["node", str(JS / script), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """`cli("validate", "maps/")` runs journeyctl and returns its exit code, stdout and stderr."""
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str | Path) -> Result:
        capsys.readouterr()
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


GIB = 1024**3


def run_limited(
    *args: str | Path, cwd: Path, cpu: int = 10, memory: int = GIB, stdin: bytes | None = None
) -> Result:
    """Run `journeyctl ARGS` as a real process under a CPU-seconds and address-space rlimit
    (hostile-input tests: what the limits cut off is a failure, not a pass), and check that
    whatever happened, no Python traceback or internal error reached the user."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    proc = subprocess.run(
        [sys.executable, "-m", "journeyctl", *map(str, args)],
        capture_output=True,
        input=stdin,
        preexec_fn=limit,
        cwd=cwd,
        timeout=max(60, 4 * cpu),
    )
    result = Result(
        proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
    )
    assert proc.returncode >= 0, f"killed by signal {-proc.returncode} (a limit was hit)"
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    return result
