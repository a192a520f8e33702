"""Benchmark: `journeyctl simulate` as whole processes, wall and CPU seconds and peak RSS
(os.wait4), interleaved in one run (medians of `--repeat`, the largest peak).

One command per figure (both without `--only`):

    .venv/bin/python bench/bench_simulate.py --only events   # treadmill, 1,000,000 walks
    .venv/bin/python bench/bench_simulate.py --only big      # 2,000 touchpoints, 10,000 walks

`events`: `simulate maps/treadmill.yaml --runs 1000000 --persona enthusiast --seed 1` without
an event log (walks go on past the goal; goal of issue 12: at most 2 s), with `--events` CSV and
Parquet, and with the Python csv writer journeyctl had before issue 18 (kept here only, as the
anchor: `--old-writer`). The CSV must be byte for byte the old writer's. Goal: at most 3 s and
500 MiB with `--events`.
`big`: `simulate` of a generated 2,000-touchpoint map (`mapgen.big_map_text`, two personas,
10,000 walks each, no `--exact`). Goal: under 1 s, and memory far below walks × touchpoints.

Inputs and event logs go to bench/out/ (the logs are removed after). Rows of figures not run
are kept in the results file.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import measure
from mapgen import big_map_text
from measure import JOURNEYCTL, MIB, Run, median
from record import Row, record, recorded

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TREADMILL = ["simulate", ROOT / "maps" / "treadmill.yaml", "--runs", "1000000",
             "--persona", "enthusiast", "--seed", "1", "-f", "json", "-o", "/dev/null"]  # fmt: skip
BUDGET_S, BUDGET_B = 3.0, 500 * MIB
PLAIN_S = 2.0
"""Issue 12: the treadmill's 1,000,000 walks, past the goal, without an event log."""
BIG_S, BIG_TOUCHPOINTS, BIG_WALKS = 1.0, 2_000, 2 * 10_000
FIGURES = ("events", "big")
COMMAND = "python bench/bench_simulate.py --only {}"


def interleaved(commands: dict[str, list], repeat: int) -> dict[str, Run]:
    """The median run of each command, taking turns for `repeat` rounds."""
    return {name: median(runs) for name, runs in measure.interleaved(commands, repeat).items()}


def _text(run: Run) -> str:
    return f"{run.wall:.2f} s ({run.cpu:.2f} s CPU), peak {run.peak / MIB:.0f} MiB"


def events(repeat: int) -> list[Row]:
    """The treadmill's 1,000,000 walks: no log, CSV, Parquet, and the old writer's CSV."""
    logs = {kind: OUT / f"simulate-events{kind}" for kind in ("-old.csv", ".csv", ".parquet")}
    old = [sys.executable, __file__, "--old-writer"]
    runs = interleaved({
        "no log": [*JOURNEYCTL, *TREADMILL],
        "csv": [*JOURNEYCTL, *TREADMILL, "--events", logs[".csv"], "--force"],
        "parquet": [*JOURNEYCTL, *TREADMILL, "--events", logs[".parquet"], "--force"],
        "old csv": [*old, *TREADMILL, "--events", logs["-old.csv"], "--force"],
    }, repeat)  # fmt: skip
    same = filecmp.cmp(logs[".csv"], logs["-old.csv"], shallow=False)
    size = logs[".csv"].stat().st_size
    for log in logs.values():
        log.unlink()
    plain, csv, parquet, before = (runs[k] for k in ("no log", "csv", "parquet", "old csv"))
    budget = f"budget {BUDGET_S:.0f} s, {BUDGET_B // MIB} MiB"
    goal = f"≤ {BUDGET_S:.0f} s, ≤ {BUDGET_B // MIB} MiB"

    def within(run: Run) -> bool:
        return run.code == 0 and run.wall <= BUDGET_S and run.peak <= BUDGET_B

    def share(run: Run) -> str:
        return f"{run.wall / BUDGET_S:.2f} of the time, {run.peak / BUDGET_B:.2f} of the memory"

    what = "simulate maps/treadmill.yaml, 1,000,000 walks"
    return [
        Row(f"{what} past the goal, no event log", COMMAND.format("events"), _text(plain),
            f"budget {PLAIN_S:.0f} s; with --events CSV {csv.wall:.2f} s",
            f"{plain.wall / PLAIN_S:.2f} of the time budget", f"≤ {PLAIN_S:.0f} s",
            plain.code == 0 and plain.wall <= PLAIN_S),
        Row(f"{what} --events CSV ({size / 1e6:.0f} MB)", COMMAND.format("events"), _text(csv),
            f"old Python writer {_text(before)}; {budget}",
            f"{before.wall / csv.wall:.1f}× faster than the old writer; {share(csv)}",
            f"{goal}, same bytes as the old writer ({'same' if same else 'DIFFERENT'})",
            within(csv) and same),
        Row(f"{what} --events Parquet", COMMAND.format("events"), _text(parquet), budget,
            share(parquet), goal, within(parquet)),
    ]  # fmt: skip


def big(repeat: int) -> list[Row]:
    """A generated 2,000-touchpoint map, two personas of 10,000 walks, without --exact."""
    path = OUT / f"simulate-big-{BIG_TOUCHPOINTS}.yaml"
    path.write_text(big_map_text(BIG_TOUCHPOINTS), encoding="utf-8")
    run = interleaved({"big": [*JOURNEYCTL, "simulate", path, "-f", "json", "-o", "/dev/null"]},
                      repeat)["big"]  # fmt: skip
    dense = BIG_WALKS * BIG_TOUCHPOINTS * 8  # one int64 per walk and touchpoint
    return [
        Row(f"simulate, {BIG_TOUCHPOINTS:,}-touchpoint generated map, 2 personas × 10,000 walks",
            COMMAND.format("big"), _text(run), f"budget {BIG_S:.0f} s; walks × touchpoints "
            f"as int64: {dense / MIB:.0f} MiB", f"{run.wall / BIG_S:.2f} of the time; peak "
            f"{run.peak / dense:.2f} of walks × touchpoints", f"< {BIG_S:.0f} s, peak below "
            "walks × touchpoints", run.code == 0 and run.wall < BIG_S and run.peak < dense),
    ]  # fmt: skip


def old_writer(argv: list[str]) -> int:
    """`journeyctl ARGV` with the event-log writer of issue 17 (Python csv, np.char), swapped in
    here only: the anchor of the `events` figure."""
    import csv
    from contextlib import contextmanager

    import numpy as np

    import journeyctl.markov.events as events_module
    from journeyctl.cli import run
    from journeyctl.core.files import atomic_writer

    epoch = np.datetime64("2026-01-01T00:00:00", "s")

    class Log:
        def __init__(self, out, jmap):
            tps = jmap.touchpoints
            self.out, self.rows = out, 0
            self.tp_ids = np.array([t.id for t in tps] or [""])
            self.stages = np.array([t.stage for t in tps] or [""])
            self.channels = np.array([t.channel for t in tps] or [""])
            self.screens = np.array([s.id for s in jmap.screens] + [""])

        def sink(self, persona, runs):
            return lambda visits: self._write(visits, persona or "", len(str(runs)))

        def _write(self, ev, who, width):
            for at in range(0, len(ev.walk), 1 << 15):
                part = slice(at, at + (1 << 15))
                walk, tp = ev.walk[part], ev.touchpoint[part]
                cases = np.char.add(
                    f"{who or 'walk'}-", np.char.zfill((walk + 1).astype(str), width)
                )
                seconds = np.round(ev.hours[part] * 3600).astype("timedelta64[s]")
                stamps = np.char.add(np.datetime_as_string(epoch + seconds, unit="s"), "Z")
                arrays = (self.tp_ids[tp], self.stages[tp], self.channels[tp],
                          self.screens[ev.screen[part]], stamps)  # fmt: skip
                tp_ids, stages, channels, screens, times = (a.tolist() for a in arrays)
                self.out.writerows(zip(cases.tolist(), [who] * len(walk), tp_ids, stages,
                                       channels, screens, times, strict=True))  # fmt: skip
                self.rows += len(walk)

    @contextmanager
    def event_log(path, jmap, force):
        with atomic_writer(path, owned=True, force=force, inputs=jmap.files) as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(("case_id", "persona", "touchpoint", "stage", "channel", "screen",
                          "timestamp"))  # fmt: skip
            yield Log(out, jmap)

    events_module.event_log = event_log
    return run(argv)


def main() -> None:
    if sys.argv[1:2] == ["--old-writer"]:
        sys.exit(old_writer(sys.argv[2:]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=FIGURES, action="append")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (medians)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    make = {"events": events, "big": big}
    rows = {name: make[name](args.repeat) for name in args.only or FIGURES}
    every = [*recorded("simulate", set(rows)), *(r for measured in rows.values() for r in measured)]
    record("simulate", sorted(every, key=lambda r: FIGURES.index(r.command.rsplit(" ", 1)[-1])))


if __name__ == "__main__":
    main()
