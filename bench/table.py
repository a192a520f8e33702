"""Regenerate the benchmark table in README.md and docs/benchmarks.md from bench/results/.

Run: .venv/bin/python bench/table.py [--check]
The table lies between the markers BEGIN and END in each file; it is made only from the JSON
that the bench scripts record (`record.py`), so the figures shown are the ones last measured.
With --check nothing is written: exit 1 when a file's table differs from the results.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from record import RESULTS

ROOT = Path(__file__).resolve().parent.parent
FILES = (ROOT / "README.md", ROOT / "docs" / "benchmarks.md")
BEGIN = "<!-- bench-table: begin (made by bench/table.py from bench/results/) -->"
END = "<!-- bench-table: end -->"
ORDER = ("validate", "simulate", "eventlog", "exact", "gaps", "render")
"""Results in this order; any other result after them, by name."""


def table(results: Path = RESULTS) -> str:
    """The markdown table of every recorded row, with the date and machine of each run."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in results.glob("*.json")]
    docs.sort(
        key=lambda d: (ORDER.index(d["name"]) if d["name"] in ORDER else len(ORDER), d["name"])
    )
    lines = [
        "| benchmark | journeyctl | anchor, same run | ratio | goal | command |",
        "|---|---|---|---|---|---|",
    ]
    for doc in docs:
        for r in doc["rows"]:
            goal = f"{r['goal']} {'✓' if r['met'] else '✗ not met'}"
            cells = (
                r["benchmark"],
                r["figure"],
                r["anchor"],
                r["ratio"],
                goal,
                f"`{r['command']}`",
            )
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    runs = sorted({(d["date"], d["machine"]) for d in docs})
    lines.append("")
    lines += [f"Measured {date} on {machine}." for date, machine in runs]
    return "\n".join(lines)


def replaced(text: str, new_table: str, path: Path) -> str:
    """`text` with the part between BEGIN and END replaced by `new_table`."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: no {BEGIN!r} … {END!r} markers")
    return text[: start + len(BEGIN)] + "\n" + new_table + "\n" + text[end:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Only check; exit 1 if stale.")
    check = parser.parse_args().check
    new_table = table()
    stale = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        new = replaced(text, new_table, path)
        if new != text:
            stale.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"{path.relative_to(ROOT)}: {'stale' if check else 'updated'}", file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
