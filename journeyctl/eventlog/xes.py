"""XES event logs streamed into DuckDB: parsed by defusedxml with DTDs forbidden, bounded in
depth, width and bytes, with no temporary file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from journeyctl.core.errors import InputError
from journeyctl.core.escape import sql_ident
from journeyctl.eventlog.bounded import Bounded, open_log

MAX_XML_DEPTH = 64
"""XES nests a few levels (log, trace, event, attribute, list attributes)."""
MAX_XML_CHILDREN = 10_000
"""The most children of an element inside an event (a list attribute's items, say)."""
XES_TABLE = "xes_events"
"""The table the XES reader fills, one text column per wanted attribute."""
_BATCH = 50_000
_SEEN_SHOWN = 100
"""Attribute keys remembered beside the wanted ones, to list in messages."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xes_events(source: Bounded, wanted: set[str], seen: set[str]) -> Iterator[dict[str, str]]:
    """Events of an XES log as {attribute: value}; trace attributes prefixed `case:`.

    Parsed by defusedxml with DTDs forbidden (so no entities, no external references). Memory
    stays flat: an element of the log or of a trace is dropped once read, and the depth, the
    children of any other element and the bytes between two tags are bounded.
    """
    from defusedxml.ElementTree import iterparse

    trace: dict[str, str] = {}
    stack: list = []  # the open elements, the log first
    for event, elem in iterparse(source, events=("start", "end"), forbid_dtd=True):
        source.mark = source.count
        if event == "start":
            stack.append(elem)
            if len(stack) > MAX_XML_DEPTH:
                raise _xml_bound(source, f"XML nested deeper than {MAX_XML_DEPTH} levels")
            if _local(elem.tag) == "trace":
                trace = {}
            continue
        stack.pop()
        if not stack:
            continue
        parent = stack[-1]
        if _local(elem.tag) == "event":
            row = dict(trace)
            for child in elem:
                key, value = child.get("key"), child.get("value")
                if key is not None and value is not None:
                    _remember(seen, wanted, key)
                    if key in wanted:
                        row[key] = value
            yield row
        elif _local(parent.tag) == "trace" and elem.get("key") is not None:
            key = "case:" + elem.get("key")
            _remember(seen, wanted, key)
            if key in wanted and elem.get("value") is not None:
                trace[key] = elem.get("value")
        if len(stack) <= 2:
            parent.remove(elem)  # read: a trace, an event or an attribute of either
        elif len(parent) > MAX_XML_CHILDREN:
            raise _xml_bound(source, f"an element with more than {MAX_XML_CHILDREN:,} children")


def _remember(seen: set[str], wanted: set[str], key: str) -> None:
    """Note an attribute key: every wanted one, and the first others for messages."""
    if key in wanted or len(seen) < _SEEN_SHOWN:
        seen.add(key)


def _xml_bound(source: Bounded, what: str) -> InputError:
    return InputError(f"{source.path}: byte {source.count:,}: {what}; this is no XES event log")


def xes_to_table(con, path: Path, wanted: set[str], limit: int) -> list[str]:
    """Stream the XES log at `path` into the DuckDB table `xes_events` (the `wanted` attributes
    as text, in file order), in batches: no temporary file. Returns the keys seen."""
    import numpy as np
    from defusedxml import DefusedXmlException

    seen: set[str] = set()
    keys = sorted(wanted)
    columns = ", ".join(f"{sql_ident(k)} VARCHAR" for k in keys)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {XES_TABLE} ({columns})")

    def flush(rows: list[dict[str, str]]) -> None:
        batch = {f"c{i}": np.array([r.get(k) for r in rows], dtype=object)
                 for i, k in enumerate(keys)}  # fmt: skip
        con.register("xes_batch", batch)
        con.execute(f"INSERT INTO {XES_TABLE} SELECT {', '.join(batch)} FROM xes_batch")
        con.unregister("xes_batch")
        rows.clear()

    try:
        with Bounded(open_log(path), path, limit) as source:
            source.mark = 0
            rows: list[dict[str, str]] = []
            for row in _xes_events(source, wanted, seen):
                rows.append(row)
                if len(rows) == _BATCH:
                    flush(rows)
            if rows:
                flush(rows)
    except DefusedXmlException:
        raise InputError(
            f"{path}: XES with a DOCTYPE is refused (entities and DTDs are unsafe); "
            "export the log without one"
        ) from None
    except ParseError as exc:
        raise InputError(f"{path}: not well-formed XES: {exc}") from None
    return sorted(seen)
