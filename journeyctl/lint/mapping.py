"""The `--mapping` file of `discover --compare` and `gaps --observed`: which touchpoint each
activity of an event log is, read by the same safe loader as a map."""

from __future__ import annotations

from pathlib import Path

from journeyctl.core.errors import InputError
from journeyctl.core.escape import listing, printable
from journeyctl.core.limits import DEFAULT_LIMITS
from journeyctl.core.model import JourneyMap
from journeyctl.lint.loader import load_bytes, read_limited, unreadable


def load_mapping(path: Path, jmap: JourneyMap) -> dict[str, str | None]:
    """The `--mapping` file {activity name: touchpoint id of `jmap`, or null to leave the
    activity out}, read by the safe YAML loader; InputError at file:line:col otherwise."""
    try:  # bounded, and never waiting on a pipe
        loaded = load_bytes(read_limited(path, DEFAULT_LIMITS.max_bytes), str(path))
    except OSError as exc:
        raise InputError(f"{path}: {unreadable(exc)}") from None
    if loaded.findings:  # the loader's findings are all errors: no mapping to trust
        first = loaded.findings[0]
        raise InputError(f"{first.span}: {printable(first.message)}")
    doc = loaded.document
    if not isinstance(doc.data, dict):
        raise InputError(
            f"{doc.span(())}: a mapping file is YAML {{activity name: touchpoint id}}, "
            f"one line per activity"
        )
    for activity, tp in doc.data.items():
        where, name = doc.span((activity,)), printable(activity)
        if tp is not None and not isinstance(tp, str):
            raise InputError(
                f"{where}: {name!r} maps to {tp!r}, not a touchpoint id; "
                "quote the id, or write null to leave the activity out"
            )
        if tp is not None and tp not in jmap.touchpoint:
            raise InputError(
                f"{where}: {name!r} maps to {printable(tp)!r}, no touchpoint of the map; "
                f"its touchpoints: {listing([t.id for t in jmap.touchpoints])}"
            )
    return doc.data
