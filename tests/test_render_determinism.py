"""Same map, same bytes: every view in every format (with and without `--persona`, html also
with `--simulate`) of two example maps, rendered by two processes with different hash seeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAPS = {p: ROOT / "maps" / f"{p}.yaml" for p in ("treadmill", "mobile-network")}
PERSONA = {"treadmill": "rehab-walker", "mobile-network": "switcher"}
VIEWS = {
    "flow": ("svg", "png", "pdf", "dot", "mermaid", "html"),
    "swimlane": ("svg", "png", "pdf", "dot", "mermaid"),  # html is the same report as flow's
    "emotion": ("svg", "mermaid"),
}
SEEDS = ("1", "2")

DRIVER = """
import json, sys
from journeyctl.cli import run
for name, args in json.loads(sys.argv[1]).items():
    code = run([*args, "-o", f"{sys.argv[2]}/{name}"])
    if code:
        sys.exit(f"{name}: exit {code}")
"""


def _cases() -> dict[str, list[str]]:
    cases = {}
    for stem, path in MAPS.items():
        for view, formats in VIEWS.items():
            for fmt in formats:
                for persona in (None, PERSONA[stem]):
                    if persona and view == "flow" and fmt == "mermaid":
                        continue  # refused: the overlay needs Graphviz
                    for simulate in (False, True) if fmt == "html" else (False,):
                        args = [str(path), "--view", view, "-f", fmt]
                        args += ["--persona", persona] if persona else []
                        args += ["--simulate"] if simulate else []
                        name = "-".join([stem, view, persona or "all", *(["sim"] * simulate)])
                        cases[f"{name}.{fmt}"] = ["render", *args]
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    """A folder of every case's output per hash seed, each written by its own process."""
    folders = {}
    for seed in SEEDS:
        folders[seed] = tmp_path_factory.mktemp(f"seed{seed}")
        r = subprocess.run(
            [sys.executable, "-c", DRIVER, json.dumps(CASES), str(folders[seed])],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert r.returncode == 0, r.stderr
    return folders


def test_the_cases_cover_every_format_persona_and_simulate():
    assert {name.rsplit(".", 1)[1] for name in CASES} == {
        "svg", "png", "pdf", "dot", "mermaid", "html"
    }  # fmt: skip
    assert any("--persona" in a and "--simulate" in a for a in CASES.values())
    assert len(CASES) == 2 * (9 + 4 + 10 + 4)


@pytest.mark.parametrize("name", CASES)
def test_same_bytes_across_processes_and_hash_seeds(outputs, name):
    first, second = ((outputs[seed] / name).read_bytes() for seed in SEEDS)
    assert first, name
    assert first == second, f"{name} differs between PYTHONHASHSEED {' and '.join(SEEDS)}"
