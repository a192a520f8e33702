"""What a log shows (directly-follows counts, starts, ends, variants) and the draft map from it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from journeyctl.core.errors import RequestError
from journeyctl.core.model import EXIT, SCREEN_CLASSES
from journeyctl.eventlog import queries as q
from journeyctl.eventlog.readers import EventLog

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
UNASSIGNED = "unassigned"
UNKNOWN_CHANNEL = "unknown"

TODO = """\
# TODO: this is a DRAFT discovered from an event log by `journeyctl discover`; finish it by hand.
# - Stages: every touchpoint is in the stage `unassigned`. Add your stages in journey order
#   (e.g. awareness, consideration, purchase), set each touchpoint's `stage`, then delete
#   `unassigned`.
# - Weights are observed counts: `entry` = cases starting there, `next` = directly-follows
#   counts, `exit` = cases ending there. The goal has no `next`: walks end at the goal.
# - Check `engagement` (the goal is `active`, the rest `passive`), channel types and teams.
"""


@dataclass(frozen=True)
class LogFacts:
    """The aggregates of one log that discovery, its report and its JSON share."""

    summary: q.Summary
    dfg: list[tuple[str, str, int]]
    starts: list[tuple[str, int]]
    ends: list[tuple[str, int]]
    variants: list[tuple[tuple, int]]
    variant_count: int


def facts(log: EventLog, variants: int | None = None) -> LogFacts:
    """Aggregate `log` (all variants, or the `variants` most frequent)."""
    con = log.con
    return LogFacts(
        summary=q.summary(con),
        dfg=q.directly_follows(con),
        starts=q.start_counts(con),
        ends=q.end_counts(con),
        variants=sorted(q.variants(con, limit=variants), key=lambda v: (-v[1], v[0])),
        variant_count=q.variant_count(con),
    )


def to_json(log: EventLog, f: LogFacts) -> dict:
    """The machine report: counts and every variant, sorted; no paths or clocks."""
    s = f.summary
    return {
        "log": {
            "cases": s.cases,
            "events": s.events,
            "activities": s.activities,
            "variants": f.variant_count,
            "first": s.first,
            "last": s.last,
            "channels": dict(s.channels),
        },
        "columns": {k: v for k, v in vars(log.columns).items() if v is not None},
        "dfg": [{"source": a, "target": b, "count": n} for a, b, n in f.dfg],
        "start": dict(f.starts),
        "end": dict(f.ends),
        "variants": [{"activities": list(v), "count": n} for v, n in f.variants],
        "warnings": list(log.warnings),
    }


def slugify(text: str) -> str:
    """A map id for `text`: kept when it already is a valid id, else lower-case-with-dashes."""
    if _ID.match(text) and text != EXIT:
        return text
    return slug_key(text) or "x"


def slug_key(text: str) -> str:
    """`text` lower-case ASCII with dashes: how names and ids are matched loosely."""
    ascii_text = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def assign_ids(names: Iterable[str]) -> dict[str, str]:
    """Name to a unique id (slugified; clashes and `exit` get -2, -3, ...), by sorted name."""
    taken = {EXIT}
    ids = {}
    for name in sorted(set(names)):
        base = slugify(name)
        new, k = base, 2
        while new in taken:
            new, k = f"{base}-{k}", k + 1
        taken.add(new)
        ids[name] = new
    return ids


@dataclass(frozen=True)
class Draft:
    """A discovered map as YAML text, with what the user should know about it."""

    text: str
    goal: str
    dropped_after_goal: int


def draft_map(log: EventLog, f: LogFacts, goal: str | None = None, name: str = "") -> Draft:
    """Write the draft map for `log`: touchpoints from activities, weights from counts.

    `goal` (an activity, or its id) defaults to the most frequent end activity.
    """
    import yaml

    con = log.con
    profile = q.activity_profile(con)
    ids = assign_ids(a for a, _, _ in profile)
    goal = _goal(goal, f.ends, ids)
    channels = q.values_by_activity(con, "channel") if log.columns.channel else {}
    screens = q.values_by_activity(con, "screen") if log.columns.screen else {}
    personas = q.distinct_values(con, "persona") if log.columns.persona else []
    channel_ids = assign_ids(vs[0] for vs in channels.values())  # each activity's most frequent
    screen_ids = assign_ids(v for vs in screens.values() for v in vs)
    persona_ids = assign_ids(p for p, _ in personas)
    moves = _moves(profile, f, ids)
    tp_channel = {a: channel_ids[channels[a][0]] if a in channels else UNKNOWN_CHANNEL for a in ids}
    doc = {
        "journeyctl": 1,
        "journey": _journey(log, f, ids, goal, name),
        "stages": [
            {
                "id": UNASSIGNED,
                "name": "Unassigned",
                "description": "TODO: split into real stages (see the comment at the top).",
            }
        ],
        "channels": _channels(channel_ids, tp_channel),
    }
    if screen_ids:
        doc["screens"] = [_screen(screen_ids[v], v) for v in sorted(screen_ids)]
    if persona_ids:
        doc["personas"] = [{"id": persona_ids[p], "name": p} for p in sorted(persona_ids)]
    doc["touchpoints"] = [
        _touchpoint(
            a,
            ids[a],
            tp_channel[a],
            [screen_ids[v] for v in screens.get(a, [])],
            {} if a == goal else dict(_by_count(moves[a].items())),
            active=a == goal,
        )
        for a, _, _ in profile
    ]
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    dropped = sum(moves[goal].values()) - moves[goal].get(EXIT, 0)
    return Draft(TODO + _channel_note(f.summary) + body, goal, dropped)


def _moves(profile, f: LogFacts, ids: dict[str, str]) -> dict[str, dict[str, int]]:
    """Activity to {next touchpoint id or `exit`: observed count}."""
    moves: dict[str, dict[str, int]] = {a: {} for a, _, _ in profile}
    for a, b, n in f.dfg:
        moves[a][ids[b]] = n
    for a, n in f.ends:
        moves[a][EXIT] = n
    return moves


def _journey(log: EventLog, f: LogFacts, ids: dict[str, str], goal: str, name: str) -> dict:
    """The draft's `journey`: named after `name` or the log file, entries weighted by starts."""
    s = f.summary
    stem = log.path.name.split(".")[0]
    return {
        "id": slugify(name or stem),
        "name": name or f"{stem} (discovered)",
        "description": (
            f"Discovered from {log.path.name}: {s.cases} cases, {s.events} events, "
            f"{s.first} to {s.last}."
        ),
        "kind": "linear",
        "goal": {
            "touchpoints": [ids[goal]],
            "description": f"Reaching {goal!r}.",
        },
        "entry": {ids[a]: n for a, n in _by_count(f.starts)},
    }


def _channels(channel_ids: dict[str, str], tp_channel: dict[str, str]) -> list[dict]:
    """The log's channels, plus `unknown` when some touchpoint's events name none."""
    out = [{"id": channel_ids[c], "name": c} for c in sorted(channel_ids)]
    if UNKNOWN_CHANNEL in tp_channel.values() and UNKNOWN_CHANNEL not in channel_ids.values():
        out.append(
            {
                "id": UNKNOWN_CHANNEL,
                "name": "Unknown",
                "description": "The log names no channel for these events.",
            }
        )
    return out


def _channel_note(s: q.Summary) -> str:
    """The header comment on how channels were picked (empty when the log has none)."""
    if not s.channels:
        return ""
    import textwrap

    listed = ", ".join(f"{c} ({n:,})" for c, n in s.channels)
    lines = textwrap.wrap(
        "Channels: each touchpoint got its most frequent channel. The log's channels, "
        f"by events: {listed}.",
        width=96,
        initial_indent="# - ",
        subsequent_indent="#   ",
    )
    return "\n".join(lines) + "\n"


def _by_count(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(items, key=lambda kv: (-kv[1], kv[0]))


def _goal(goal: str | None, ends: list[tuple[str, int]], ids: dict[str, str]) -> str:
    if goal is None:
        return _by_count(ends)[0][0]
    by_id = {v: k for k, v in ids.items()}
    if goal in ids:
        return goal
    if goal in by_id:
        return by_id[goal]
    raise RequestError(
        f"--goal {goal!r} is no activity of the log; activities: {', '.join(sorted(ids))}"
    )


def _screen(sid: str, name: str) -> dict:
    item = {"id": sid, "name": name}
    if sid in SCREEN_CLASSES:
        item["class"] = sid
    return item


def _touchpoint(activity, tid, channel, screens, nxt, active) -> dict:
    tp = {"id": tid}
    if activity != tid:
        tp["name"] = activity
    tp |= {"stage": UNASSIGNED, "channel": channel}
    if screens:
        tp["screens"] = screens
    tp["engagement"] = "active" if active else "passive"
    if nxt:
        tp["next"] = nxt
    return tp
