"""Benchmark: reading XES, `journeyctl discover LOG.xes -f json` as whole processes, against the
reader before issue 13 (defusedxml's iterparse), journeyctl's reader kept to one process, two
lxml candidates swapped in here only (iterparse with element clearing; whole traces turned into
text by a compiled XSLT) and pm4py's `read_xes`, interleaved in one run (medians of `--repeat`,
the largest peak).

    .venv/bin/python bench/bench_xes.py --only bpic

`bpic`: a log of BPIC 2012's shape drawn by `write_logs` (13,087 traces, 262,200 events; per
event a string name, resource and lifecycle, an int and a date with an offset; per trace a
name, a date and an amount), with the same events as CSV for reference. Goal of issue 13: at
least 3× faster than the old reader. The XES and the CSV must give the same `discover` JSON.
Logs are kept in bench/out/. pm4py runs in `.venv-oracle` (scripts/setup.d/eventlog.sh).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from measure import JOURNEYCTL, MIB, Run, interleaved, median
from record import Row, record, recorded

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ORACLE = ROOT / ".venv-oracle" / "bin" / "python"
OLD_READER = "40cbfc909bea6e27ae43572a454a18cdea22dc5f"
"""The commit whose journeyctl/eventlog/xes.py is the reader before issue 13 (defusedxml)."""
TRACES, EVENTS = 13_087, 262_200
GOAL = 3.0
FIGURES = ("bpic",)
COMMAND = "python bench/bench_xes.py --only {}"
ACTIVITIES = (
    "A_SUBMITTED",
    "A_PARTLYSUBMITTED",
    "A_PREACCEPTED",
    "A_ACCEPTED",
    "A_FINALIZED",
    "A_CANCELLED",
    "A_DECLINED",
    "A_APPROVED",
    "A_REGISTERED",
    "A_ACTIVATED",
    "O_SELECTED",
    "O_CREATED",
    "O_SENT",
    "O_SENT_BACK",
    "O_CANCELLED",
    "O_ACCEPTED",
    "O_DECLINED",
    "W_Completeren_aanvraag",
    "W_Nabellen_offertes",
    "W_Valideren_aanvraag",
    "W_Afhandelen_leads",
    "W_Beoordelen_fraude",
    "W_Nabellen_incomplete_dossiers",
    "W_Wijzigen_contractgegevens",
)
"""BPIC 2012's 24 activity names (spaces as underscores); `W_` ones have lifecycles."""
CSV_HEADER = ("case:concept:name", "case:REG_DATE", "case:AMOUNT_REQ", "concept:name",
              "lifecycle:transition", "org:resource", "amount", "time:timestamp")  # fmt: skip


def write_logs(xes: Path, csv_path: Path, traces: int, events: int, *, seed: int = 7,
               lifecycles: bool = True, attributes_last: bool = False) -> None:  # fmt: skip
    """The same random log as XES at `xes` and CSV at `csv_path`: `traces` traces, `events`
    events, drawn from a chain over ACTIVITIES (3 successors each). With `lifecycles`, `W_`
    events are `schedule`, `start` or `complete` (else all `complete`); with `attributes_last`,
    each trace gives its attributes after its events."""
    rng = np.random.default_rng(seed)
    n = len(ACTIVITIES)
    successors = np.array([rng.choice(n, 3, replace=False) for _ in range(n)])
    lengths = rng.multinomial(events - traces, np.full(traces, 1 / traces)) + 1
    trace_of = np.repeat(np.arange(traces), lengths)
    act = np.empty(events, dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    act[first] = rng.integers(0, 3, traces)  # a few start activities
    step = rng.integers(0, 3, events)
    for i in range(1, lengths.max()):  # every trace's i-th event at once
        at = first[lengths > i] + i
        act[at] = successors[act[at - 1], step[at]]
    start = np.datetime64("2011-10-01T00:00:00.000") + rng.integers(0, 150 * 86_400_000, traces)
    gaps = rng.exponential(3_600_000, events).astype(np.int64) + 1
    gaps[first] = 0
    clock = np.cumsum(gaps)
    clock -= np.repeat(clock[first], lengths)
    stamps = np.char.add(np.datetime_as_string(start[trace_of] + clock, unit="ms"), "+02:00")
    regs = np.char.add(np.datetime_as_string(start, unit="ms"), "+02:00")
    kinds = np.array(["schedule", "start", "complete"])
    life = np.where(
        np.char.startswith(np.array(ACTIVITIES)[act], "W_") & lifecycles,
        kinds[rng.integers(0, 3, events)],
        "complete",
    )
    resource = rng.integers(10_000, 10_100, events).astype(str)
    amount = rng.integers(0, 50_000, events).astype(str)
    names = np.array(ACTIVITIES)[act]
    cases = [f"{200_000 + t}" for t in range(traces)]
    asked = rng.integers(1, 100, traces) * 500
    with xes.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0" '
                  'xmlns="http://www.xes-standard.org/">\n'
                  '  <string key="concept:name" value="bpic-2012-shaped"/>\n')  # fmt: skip
        for t in range(traces):
            head = (f'    <string key="concept:name" value="{cases[t]}"/>\n'
                    f'    <date key="REG_DATE" value="{regs[t]}"/>\n'
                    f'    <string key="AMOUNT_REQ" value="{asked[t]}"/>\n')  # fmt: skip
            body = "".join(
                f'    <event>\n      <string key="org:resource" value="{resource[e]}"/>\n'
                f'      <string key="lifecycle:transition" value="{life[e]}"/>\n'
                f'      <string key="concept:name" value="{names[e]}"/>\n'
                f'      <int key="amount" value="{amount[e]}"/>\n'
                f'      <date key="time:timestamp" value="{stamps[e]}"/>\n    </event>\n'
                for e in range(first[t], first[t] + lengths[t])
            )
            out.write(f"  <trace>\n{body + head if attributes_last else head + body}  </trace>\n")
        out.write("</log>\n")
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(
            (cases[t], regs[t], asked[t], names[e], life[e], resource[e], amount[e], stamps[e])
            for e, t in enumerate(trace_of.tolist())
        )


def with_reader(reader: str, argv: list[str]) -> int:
    """`journeyctl ARGV` with another XES reader swapped in (here only): `old`, the reader of
    commit OLD_READER, `one`, journeyctl's reader never splitting a file in halves, `lxml`,
    lxml's iterparse with element clearing, or `xslt`, lxml handing whole traces to a compiled
    XSLT."""
    import types

    import journeyctl.eventlog.readers as readers
    from journeyctl.cli import run
    from journeyctl.eventlog import xes

    if reader == "one":
        xes._halves = lambda path, limit: None
        return run(argv)
    if reader == "old":
        source = subprocess.run(
            ["git", "show", f"{OLD_READER}:journeyctl/eventlog/xes.py"],
            cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout  # fmt: skip
        old = types.ModuleType("old_xes")
        exec(compile(source, "old_xes.py", "exec"), old.__dict__)
        to_table = old.xes_to_table
    else:
        to_table = {"lxml": lxml_to_table, "xslt": xslt_to_table}[reader]
    readers.start_worker = lambda path, wanted, limit: None
    readers.xes_to_table = lambda con, path, wanted, limit, worker: to_table(
        con, path, wanted, limit
    )
    return run(argv)


def lxml_to_table(con, path: Path, wanted: set[str], limit: int) -> list[str]:
    """The candidate not taken: lxml's iterparse (DTDs not loaded, entities not resolved, no
    network), each event read and removed, filling journeyctl's tables the same way."""
    from types import SimpleNamespace

    from lxml import etree

    from journeyctl.eventlog import xes
    from journeyctl.eventlog.bounded import Bounded, open_log

    keys = xes._create(con, wanted)
    index = {k: i for i, k in enumerate(keys)}
    got = SimpleNamespace(keys=keys, codes=[], values=[], ends=[], trace_of=[], event_of=[],
                          traces=[], trace_ids=[], taken=0)  # fmt: skip

    def flush() -> None:
        xes._insert(con, xes._Collector.take(got), keys)

    trace_no = event_no = 0
    with Bounded(open_log(path), path, limit) as source:
        source.mark = 0
        parse = etree.iterparse(
            source, events=("start", "end"), tag=("{*}trace", "{*}event"),
            resolve_entities=False, load_dtd=False, no_network=True,
        )  # fmt: skip
        for kind, elem in parse:
            if kind == "start":
                if elem.tag.endswith("trace"):
                    trace_no, event_no = trace_no + 1, 0
                continue
            if elem.tag.endswith("event"):
                event_no += 1
                for child in elem:
                    code, value = index.get(child.get("key")), child.get("value")
                    if code is not None and value is not None:
                        got.codes.append(code)
                        got.values.append(value)
                got.ends.append(len(got.values))
                got.trace_of.append(trace_no)
                got.event_of.append(event_no)
                elem.getparent().remove(elem)
            else:
                got.traces.append(
                    {"case:" + c.get("key"): c.get("value") for c in elem
                     if "case:" + str(c.get("key")) in wanted and c.get("value") is not None}
                )  # fmt: skip
                got.trace_ids.append(trace_no)
                elem.clear()
            if len(got.ends) >= xes._BATCH:
                flush()
        flush()
    return xes._join(con, keys, [], None)


_XSLT = """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/><xsl:param name="t"/>
<xsl:template match="/*"><xsl:for-each select="*[local-name()='event']">e{tab}<xsl:value-of
select="$t"/>{tab}<xsl:value-of select="position()"/>{{events}}{nl}</xsl:for-each>
<xsl:text>t</xsl:text>{tab}<xsl:value-of select="$t"/>{{trace}}{nl}
</xsl:template></xsl:stylesheet>""".format(
    tab="<xsl:text>&#9;</xsl:text>", nl="<xsl:text>&#10;</xsl:text>"
)
"""A trace as tab-separated lines: `e`, trace, event and each wanted key's value per event; one
`t` line of the trace's own attributes. A value is written after `=`; nothing when missing."""
_VALUE = ("<xsl:text>&#9;</xsl:text><xsl:for-each select=\"{among}[@key='{key}'][@value][last()]\">"
          "=<xsl:value-of select='@value'/></xsl:for-each>")  # fmt: skip


def xslt_to_table(con, path: Path, wanted: set[str], limit: int) -> list[str]:
    """The candidate issue 13's first XES engineer proposed: lxml's iterparse hands over whole
    traces (each cleared, and the ones before it removed), a compiled XSLT turns each into
    tab-separated lines (_XSLT), and DuckDB splits them into columns, 1,000 traces at a time.
    A candidate only: keys are assumed free of quotes, values of tabs and newlines, and no
    depth or width bound is checked."""
    from lxml import etree

    from journeyctl.core.escape import sql_ident
    from journeyctl.eventlog import xes
    from journeyctl.eventlog.bounded import Bounded, open_log

    keys = xes._create(con, wanted)
    cases = [k for k in keys if k.startswith("case:")]
    transform = etree.XSLT(etree.XML(_XSLT.format(
        events="".join(_VALUE.format(among="*", key=k) for k in keys),
        trace="".join(_VALUE.format(among="*[local-name()!='event']", key=k[5:]) for k in cases),
    )))  # fmt: skip

    def value(i: int, key: str) -> str:
        return f"nullif(l[{i}], '')[2:] AS {sql_ident(key)}"

    def insert(table: str, kind: str, named: list[str], text: str) -> None:
        first = 3 if kind == "e" else 2
        columns = ", ".join(value(first + 1 + i, k) for i, k in enumerate(named))
        place = "l[2]::INTEGER AS xes_trace" + (
            ", l[3]::INTEGER AS xes_event" if kind == "e" else ""
        )
        con.execute(
            f"INSERT INTO {table} BY NAME SELECT {place}{', ' if columns else ''}{columns} FROM "
            "(SELECT string_split(line, chr(9)) AS l FROM (SELECT unnest(string_split($1, chr(10)))"
            f" AS line)) WHERE l[1] = '{kind}'",
            [text],
        )

    def flush(lines: list[str]) -> None:
        text = "".join(lines)
        insert(xes._EVENTS, "e", keys, text)
        insert(xes._TRACES, "t", cases, text)
        lines.clear()

    lines: list[str] = []
    with Bounded(open_log(path), path, limit) as source:
        source.mark = 0
        parse = etree.iterparse(
            source, events=("end",), tag="{*}trace",
            resolve_entities=False, load_dtd=False, no_network=True,
        )  # fmt: skip
        for number, (_, trace) in enumerate(parse, 1):
            lines.append(str(transform(trace, t=str(number))))
            trace.clear()
            while trace.getprevious() is not None:
                del trace.getparent()[0]
            if len(lines) == 1000:
                flush(lines)
        flush(lines)
    return xes._join(con, keys, [], None)


def _text(run: Run) -> str:
    return f"{run.wall:.2f} s ({run.cpu:.2f} s CPU), peak {run.peak / MIB:.0f} MiB"


def bpic(repeat: int) -> list[Row]:
    """The BPIC-2012-shaped log: the new reader, the old one, the new one in one process, lxml
    twice, pm4py; the CSV for scale."""
    xes, csv_path = OUT / "xes-bpic2012-shaped.xes", OUT / "xes-bpic2012-shaped.csv"
    if not xes.exists() or not csv_path.exists():
        write_logs(xes, csv_path, TRACES, EVENTS)
    me = [sys.executable, __file__]
    discover = ["discover", xes, "-f", "json"]
    runs = interleaved({
        "journeyctl": [*JOURNEYCTL, *discover],
        "old reader": [*me, "--reader", "old", *discover],
        "one process": [*me, "--reader", "one", *discover],
        "lxml iterparse": [*me, "--reader", "lxml", *discover],
        "lxml XSLT": [*me, "--reader", "xslt", *discover],
        "pm4py read_xes": [ORACLE, "-c", "import sys, pm4py; pm4py.read_xes(sys.argv[1])", xes],
        "journeyctl CSV": [*JOURNEYCTL, "discover", csv_path, "-f", "json"],
    }, repeat)  # fmt: skip
    new, old, one, lxml, xslt, pm4py, as_csv = (median(r) for r in runs.values())
    same = _report(xes) == _report(csv_path)
    what = f"discover -f json, BPIC-2012-shaped XES ({EVENTS:,} events, {TRACES:,} traces)"
    return [
        Row(what, COMMAND.format("bpic"), _text(new),
            f"reader before issue 13 (defusedxml) {_text(old)}; journeyctl in one process "
            f"{_text(one)}; lxml iterparse {_text(lxml)}; "
            f"lxml XSLT per trace {_text(xslt)}; "
            f"the same events as CSV {_text(as_csv)}",
            f"{old.wall / new.wall:.1f}× faster than the old reader, "
            f"{min(lxml.wall, xslt.wall) / new.wall:.1f}× than lxml's best",
            f"≥ {GOAL:g}× faster than the old reader, same JSON as the CSV "
            f"({'same' if same else 'DIFFERENT'})",
            old.wall / new.wall >= GOAL and same),
        Row(f"{what}, against pm4py", COMMAND.format("bpic"), _text(new),
            f"pm4py read_xes alone {_text(pm4py)}", f"{pm4py.wall / new.wall:.1f}× faster",
            "faster than pm4py's reader", pm4py.wall > new.wall),
    ]  # fmt: skip


def _report(log: Path) -> dict:
    out = OUT / f"{log.name}.json"
    code = subprocess.run([*JOURNEYCTL, "discover", log, "-f", "json"], stdout=out.open("wb"),
                          check=False).returncode  # fmt: skip
    if code:
        raise SystemExit(f"discover {log} failed ({code})")
    return json.loads(out.read_text(encoding="utf-8"))


def main() -> None:
    if sys.argv[1:2] == ["--reader"]:
        sys.exit(with_reader(sys.argv[2], sys.argv[3:]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=FIGURES, action="append")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (medians)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    rows = {name: bpic(args.repeat) for name in args.only or FIGURES}
    every = [*recorded("xes", set(rows)), *(r for measured in rows.values() for r in measured)]
    record("xes", every)


if __name__ == "__main__":
    main()
