"""The `--mapping` file of `discover --compare` and `gaps --observed`: which touchpoint each
activity of an event log is, read by the same safe loader as a map.

An activity maps to a touchpoint id, to null (left out), or to a list of routes by channel
(and screen), the first that matches an event winning:

    Video ad: ad
    newsletter: null
    Confirmation of receipt:
      - {channel: Desk, touchpoint: confirm-desk}
      - {channel: Internet, screen: phone, touchpoint: confirm-app}
      - {touchpoint: confirm-web}    # any other channel; without it, they are left out
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from journeyctl.core.errors import InputError
from journeyctl.core.escape import listing, printable
from journeyctl.core.limits import DEFAULT_LIMITS
from journeyctl.core.model import JourneyMap
from journeyctl.lint.loader import load_bytes, read_limited, unreadable

ROUTE_KEYS = ("channel", "screen", "touchpoint")


class Route(NamedTuple):
    """Events of an activity on `channel` (None: any) and `screen` (None: any) go to
    `touchpoint` (None: left out)."""

    channel: str | None
    screen: str | None
    touchpoint: str | None


Mapping = dict[str, "str | tuple[Route, ...] | None"]
"""Activity to a touchpoint id, None (left out), or its routes by channel and screen."""


def load_mapping(path: Path, jmap: JourneyMap) -> Mapping:
    """The `--mapping` file {activity name: touchpoint id of `jmap`, null to leave the activity
    out, or a list of routes by channel and screen}, read by the safe YAML loader; InputError
    at file:line:col otherwise."""
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
            f"one line per activity (or a list of {{channel, screen, touchpoint}} routes)"
        )
    out: Mapping = {}
    for activity, value in doc.data.items():
        name = printable(str(activity))
        if isinstance(value, list):
            if not value:
                raise InputError(f"{doc.span((activity,))}: {name!r} has an empty list of routes")
            out[activity] = tuple(
                _route(doc, jmap, (activity, i), name, item) for i, item in enumerate(value)
            )
            continue
        _touchpoint(doc, jmap, (activity,), name, value)
        out[activity] = value
    return out


def _route(doc, jmap: JourneyMap, path: tuple, name: str, item) -> Route:
    """One route of a list, checked: known keys only, a touchpoint, text channel and screen."""
    if not isinstance(item, dict):
        raise InputError(
            f"{doc.span(path)}: a route of {name!r} is {{channel: C, screen: S, touchpoint: "
            "id}, not a single value"
        )
    unknown = [k for k in item if k not in ROUTE_KEYS]
    if unknown:
        raise InputError(
            f"{doc.key_span((*path, unknown[0]))}: unknown key {printable(str(unknown[0]))!r} in "
            f"a route of {name!r}; a route has {', '.join(ROUTE_KEYS)}"
        )
    if "touchpoint" not in item:
        raise InputError(
            f"{doc.span(path)}: a route of {name!r} needs `touchpoint` (an id, or null to leave "
            "its events out)"
        )
    for key in ("channel", "screen"):
        if key in item and not isinstance(item[key], str):
            raise InputError(
                f"{doc.span((*path, key))}: the {key} of a route of {name!r} is "
                f"{item[key]!r}; write it as text, as the log has it"
            )
    _touchpoint(doc, jmap, (*path, "touchpoint"), name, item["touchpoint"])
    return Route(item.get("channel"), item.get("screen"), item["touchpoint"])


def _touchpoint(doc, jmap: JourneyMap, path: tuple, name: str, tp) -> None:
    """`tp` is null or a touchpoint id of `jmap`; InputError at `path` otherwise."""
    where = doc.span(path)
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
