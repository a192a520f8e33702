"""What a log shows (directly-follows counts, starts, ends, variants) and the draft map from it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from journeyctl.core.errors import RequestError
from journeyctl.core.escape import listing
from journeyctl.core.model import EXIT, SCREEN_CLASSES
from journeyctl.eventlog import queries as q
from journeyctl.eventlog.readers import EventLog

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
UNASSIGNED = "unassigned"
AFTER_GOAL = "after-goal"
UNKNOWN_CHANNEL = "unknown"
AFTER = "after the goal"
"""How a draft names the touchpoints of what cases did after the goal (`X (after the goal)`)."""
NO_CHANNEL = "no channel"
"""How a draft names the touchpoint of an activity's events naming no channel."""

TODO = """\
# TODO: this is a DRAFT discovered from an event log by `journeyctl discover`; finish it by hand.
# - Stages: the touchpoints before the goal, and the goal, are in the stage `unassigned`. Add
#   your stages in journey order (e.g. awareness, consideration, purchase), set each
#   touchpoint's `stage`, then delete `unassigned`.
# - Weights are observed counts, each case cut at its first goal arrival: `entry` = cases
#   starting there, `next` = directly-follows counts before the cut, `exit` = cases ending
#   there without reaching the goal; so the map's exact conversion is the share of cases that
#   reached the goal. What cases did after it is in the stage `after-goal`: touchpoints of
#   their own (id ending `-after`), reached by the goal's `next`, `exit` = cases ending there.
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
    db = log.db
    return LogFacts(
        summary=q.summary(db),
        dfg=q.directly_follows(db),
        starts=q.start_counts(db),
        ends=q.end_counts(db),
        variants=sorted(q.variants(db, limit=variants), key=lambda v: (-v[1], v[0])),
        variant_count=q.variant_count(db),
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
        "lifecycle": _lifecycle_json(log.lifecycle),
    }


def _lifecycle_json(lc) -> dict | None:
    """The lifecycle values of the log and which were kept; None when it holds one or none."""
    if lc is None:
        return None
    return {
        "column": lc.column,
        "values": dict(lc.values),
        "kept": lc.kept,
        "left_out": lc.left_out,
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
class State:
    """A touchpoint of the draft: an activity, on one channel when the activity is seen on
    several (None: not split), before or after the case's first goal arrival."""

    activity: str
    channel: str | None
    after: bool


@dataclass
class Tally:
    """What the log shows of one state: visits, the sum of their positions in their cases,
    cases starting there, and the moves out of it (to a state or `exit`)."""

    visits: int = 0
    positions: int = 0
    entry: int = 0
    moves: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Draft:
    """A discovered map as YAML text, with what the user should know about it."""

    text: str
    goals: tuple[str, ...]
    cases: int
    converted: int
    """Cases reaching a goal: the draft's exact conversion is converted / cases."""
    after: int
    """Touchpoints after the goal (stage `after-goal`)."""


def draft_map(log: EventLog, f: LogFacts, goals: Iterable[str] = (), name: str = "") -> Draft:
    """Write the draft map for `log`: touchpoints from activities, weights from counts.

    Each case is cut at its first arrival at one of `goals` (activities, or their ids; at
    least one, else RequestError listing the candidates): its moves before then weight the
    touchpoints before the goal, its moves after it those of touchpoints of their own, in the
    stage `after-goal`, reached by the goal's `next`. An activity seen on several channels has
    a touchpoint per channel. Why the exact conversion of the draft is the share of cases
    reaching a goal: each state's observed visits balance, in = out (the entries and moves into
    it equal the moves out of it and the exits), so the visits per case solve the chain's
    equation for expected visits v = e + vQ, whose solution is unique (every state can leave);
    the chain's conversion, the expected number of moves into a goal state (each case makes at
    most one before its cut), is then the observed count of such moves per case.
    """
    import yaml

    db = log.db
    ids = assign_ids(a for a, _, _ in q.activity_profile(db))
    goals = _goals(list(goals), ids, db)
    channels = q.values_by_activity(db, "channel") if log.columns.channel else {}
    split = {a for a, vs in channels.items() if len(vs) > 1}
    tallies = tally(q.phase_moves(db, list(goals), bool(split)), split)
    order = sorted(tallies, key=lambda s: _position(s, tallies[s]))
    tp_ids = _state_ids(order, ids, split)
    screens = q.values_by_activity(db, "screen") if log.columns.screen else {}
    personas = q.distinct_values(db, "persona") if log.columns.persona else []
    channel_ids = assign_ids(v for vs in channels.values() for v in vs)
    screen_ids = assign_ids(v for vs in screens.values() for v in vs)
    persona_ids = assign_ids(p for p, _ in personas)
    goal_states = [s for s in order if s.activity in goals and not s.after]
    after = [s for s in order if s.after]

    def channel_of(s: State) -> str:
        if s.activity in split:
            return channel_ids[s.channel] if s.channel else UNKNOWN_CHANNEL
        return channel_ids[channels[s.activity][0]] if s.activity in channels else UNKNOWN_CHANNEL

    tp_channel = {s: channel_of(s) for s in order}
    doc = {
        "journeyctl": 1,
        "journey": _journey(log, f, [tp_ids[s] for s in goal_states], goals, name),
        "stages": [
            {
                "id": UNASSIGNED,
                "name": "Unassigned",
                "description": "TODO: split into real stages (see the comment at the top).",
            }
        ],
        "channels": _channels(channel_ids, tp_channel.values()),
    }
    doc["journey"]["entry"] = dict(
        _by_count((tp_ids[s], tallies[s].entry) for s in order if tallies[s].entry)
    )
    if after:
        doc["stages"].append(
            {
                "id": AFTER_GOAL,
                "name": "After the goal",
                "description": "What cases did after their first goal arrival (see the top).",
            }
        )
    if screen_ids:
        doc["screens"] = [_screen(screen_ids[v], v) for v in sorted(screen_ids)]
    if persona_ids:
        doc["personas"] = [{"id": persona_ids[p], "name": p} for p in sorted(persona_ids)]
    doc["touchpoints"] = [
        _touchpoint(
            s,
            tp_ids,
            split,
            tp_channel[s],
            [screen_ids[v] for v in screens.get(s.activity, [])],
            tallies[s].moves,
            active=s.activity in goals,
        )
        for s in order
    ]
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    converted = sum(tallies[s].visits for s in goal_states)
    header = TODO + _channel_note(f.summary, split)
    return Draft(header + body, goals, f.summary.cases, converted, len(after))


def tally(rows, split: set[str]) -> dict[State, Tally]:
    """The rows of `queries.phase_moves` summed per state; channels kept for `split`
    activities only."""

    def state(activity: str, channel: str | None, after: bool) -> State:
        return State(activity, channel if activity in split else None, after)

    tallies: dict[State, Tally] = {}
    for phase, start, a, ch, b, next_ch, n, positions in rows:
        t = tallies.setdefault(state(a, ch, phase == 2), Tally())
        t.visits += n
        t.positions += positions
        t.entry += n if start else 0
        target = EXIT if b is None else state(b, next_ch, phase > 0)
        t.moves[target] = t.moves.get(target, 0) + n
    return tallies


def _position(s: State, t: Tally) -> tuple:
    """Touchpoints in order: those before the goal and the goal, then those after it, each
    part by mean position in the case."""
    return (s.after, t.positions / t.visits, s.activity, s.channel or "")


def _state_ids(order: list[State], ids: dict[str, str], split: set[str]) -> dict[State, str]:
    """Each state's touchpoint id: the activity's, then (a split activity) its channel's slug
    (`unknown` for events naming none) and (after the goal) `after`; a clash gets -2, -3."""
    taken = {EXIT, *ids.values()}
    out = {}
    for s in order:
        parts = [ids[s.activity]]
        if s.activity in split:
            parts.append(slug_key(s.channel) or "x" if s.channel else UNKNOWN_CHANNEL)
        if s.after:
            parts.append("after")
        base = new = "-".join(parts)
        k = 2
        while len(parts) > 1 and new in taken:
            new, k = f"{base}-{k}", k + 1
        taken.add(new)
        out[s] = new
    return out


def _journey(log: EventLog, f: LogFacts, goal_ids: list[str], goals, name: str) -> dict:
    """The draft's `journey`: named after `name` or the log file (entries added after)."""
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
            "touchpoints": goal_ids,
            "description": "Reaching " + " or ".join(repr(g) for g in goals) + ".",
        },
    }


def _channels(channel_ids: dict[str, str], used: Iterable[str]) -> list[dict]:
    """The log's channels, plus `unknown` when some touchpoint's events name none."""
    out = [{"id": channel_ids[c], "name": c} for c in sorted(channel_ids)]
    if UNKNOWN_CHANNEL in set(used) and UNKNOWN_CHANNEL not in channel_ids.values():
        out.append(
            {
                "id": UNKNOWN_CHANNEL,
                "name": "Unknown",
                "description": "The log names no channel for these events.",
            }
        )
    return out


def _channel_note(s: q.Summary, split: set[str]) -> str:
    """The header comment on channels (empty when the log has none)."""
    if not s.channels:
        return ""
    import textwrap

    listed = ", ".join(f"{c} ({n:,})" for c, n in s.channels)
    how = (
        f"{len(split)} activities seen on several channels have a touchpoint per channel (id "
        "and name end in the channel); merge them if the channel does not matter. "
        if split
        else ""
    )
    lines = textwrap.wrap(
        f"Channels: {how}The log's channels, by events: {listed}.",
        width=96,
        initial_indent="# - ",
        subsequent_indent="#   ",
    )
    return "\n".join(lines) + "\n"


def _by_count(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(items, key=lambda kv: (-kv[1], kv[0]))


def _goals(asked: list[str], ids: dict[str, str], db) -> tuple[str, ...]:
    """The goal activities named by `asked` (activities or their ids), in the order given."""
    if not asked:
        reach = q.reach_counts(db)
        raise RequestError(
            "a draft map needs its goal, what a customer's journey is for (the log cannot tell "
            "an order from an abandonment): name it with --goal ACTIVITY, one --goal per goal; "
            "activities by cases reaching them: " + listing([f"{a} ({n:,})" for a, n in reach])
        )
    by_id = {v: k for k, v in ids.items()}
    out: list[str] = []
    for goal in asked:
        activity = goal if goal in ids else by_id.get(goal)
        if activity is None:
            raise RequestError(
                f"--goal {goal!r} is no activity of the log; activities: {listing(sorted(ids))}"
            )
        if activity not in out:
            out.append(activity)
    return tuple(out)


def _screen(sid: str, name: str) -> dict:
    item = {"id": sid, "name": name}
    if sid in SCREEN_CLASSES:
        item["class"] = sid
    return item


def _touchpoint(s: State, tp_ids: dict[State, str], split, channel, screens, moves, active) -> dict:
    tid = tp_ids[s]
    name = s.activity
    where = [s.channel or NO_CHANNEL] if s.activity in split else []
    if s.after:
        where.append(AFTER)
    if where:
        name = f"{s.activity} ({', '.join(where)})"
    tp = {"id": tid}
    if name != tid:
        tp["name"] = name
    tp |= {"stage": AFTER_GOAL if s.after else UNASSIGNED, "channel": channel}
    if screens:
        tp["screens"] = screens
    tp["engagement"] = "active" if active else "passive"
    if moves:
        tp["next"] = dict(
            _by_count((EXIT if t == EXIT else tp_ids[t], n) for t, n in moves.items())
        )
    return tp
