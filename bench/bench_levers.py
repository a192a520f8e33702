"""Speed of `journeyctl levers`: a 300-touchpoint generated map with 3 personas, whole process.

Run: .venv/bin/python bench/bench_levers.py
The map is bench/mapgen.py's `big_map_text` (linear and cyclical) with a third persona added,
written under bench/out/. Each of `journeyctl levers MAP -f json` (linear, cyclical) is run 3
times, taking turns; the medians are recorded against the issue's budget of 1 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from mapgen import big_map_text  # noqa: E402
from measure import JOURNEYCTL, interleaved, median  # noqa: E402
from record import budget_row, record  # noqa: E402

TOUCHPOINTS = 300
BUDGET_S = 1.0
THIRD = "  - {id: p3, name: P3, channel_affinity: {c1: 1.5, c3: 0.7}}\n"


def three_personas(text: str) -> str:
    """`big_map_text`'s map (personas p1, p2) with a third persona after p2."""
    p2 = "  - {id: p2, name: P2}\n"
    assert p2 in text
    return text.replace(p2, p2 + THIRD)


def main() -> None:
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    commands = {}
    for kind in ("linear", "cyclical"):
        path = out / f"levers-{kind}-{TOUCHPOINTS}.yaml"
        text = big_map_text(TOUCHPOINTS, cyclical=kind == "cyclical")
        path.write_text(three_personas(text), encoding="utf-8")
        commands[kind] = [*JOURNEYCTL, "levers", path, "-f", "json"]
    runs = interleaved(commands, 3, cwd=ROOT)
    rows = [
        budget_row(
            f"levers, {TOUCHPOINTS}-touchpoint {kind} map, 3 personas (-f json), whole process",
            "python bench/bench_levers.py",
            median(runs[kind]),
            BUDGET_S,
        )
        for kind in commands
    ]
    record("levers", rows)


if __name__ == "__main__":
    main()
