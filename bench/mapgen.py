"""Generate valid, realistic-shaped journey maps of any size, for benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

SCREENS = [
    ("phone", "smartphone"),
    ("laptop", "pc"),
    ("tablet", "tablet"),
    ("tv", "tv"),
    ("shop", "in-person"),
]


def map_text(seed: int, stages: int = 5, channels: int = 6, touchpoints: int = 20) -> str:
    """YAML for one valid linear journey with `touchpoints` touchpoints spread over stages."""
    rng = random.Random(seed)
    per_stage = max(1, touchpoints // stages)
    out = [
        "journeyctl: 1",
        "journey:",
        f"  id: journey-{seed}",
        f"  name: Generated journey {seed}",
        "  goal: {touchpoints: [goal]}",
        "  entry: {tp-0-0: 3, tp-0-1: 1}" if per_stage > 1 else "  entry: {tp-0-0: 1}",
        "stages:",
        *(f"  - {{id: s{i}, name: Stage {i}, customer_goal: Goal {i}}}" for i in range(stages)),
        "channels:",
        *(
            f"  - {{id: ch{i}, name: Channel {i}, type: owned, team: team{i % 3}}}"
            for i in range(channels)
        ),
        "screens:",
        *(f"  - {{id: {sid}, name: {sid.title()}, class: {cls}}}" for sid, cls in SCREENS),
        "personas:",
        "  - id: p1",
        "    name: Persona one",
        f"    channel_affinity: {{ch0: 2, ch{channels - 1}: 0.5}}",
        "    screen_affinity: {phone: 3}",
        "  - {id: p2, name: Persona two}",
        "touchpoints:",
    ]
    ids = [[f"tp-{s}-{k}" for k in range(per_stage)] for s in range(stages)]
    for s in range(stages):
        for k, tid in enumerate(ids[s]):
            following = ids[s + 1] if s + 1 < stages else ["goal"]
            targets = {t: rng.randint(1, 5) for t in rng.sample(following, min(2, len(following)))}
            if k + 1 < per_stage:
                targets[ids[s][k + 1]] = 1
            targets["exit"] = rng.randint(1, 4)
            moves = ", ".join(f"{t}: {w}" for t, w in targets.items())
            screens = ", ".join(sorted(rng.sample([sid for sid, _ in SCREENS], 2)))
            out += [
                f"  - id: {tid}",
                f"    name: Touchpoint {s}.{k}",
                f"    stage: s{s}",
                f"    channel: ch{rng.randrange(channels)}",
                f"    screens: [{screens}]",
                f"    engagement: {rng.choice(['passive', 'active', 'mini'])}",
                f"    emotion: {rng.choice([-2, -1, 0, 1, 2])}",
                "    kpis: [reach]",
                f"    next: {{{moves}}}",
            ]
    out += [
        "  - id: goal",
        "    name: Converts",
        f"    stage: s{stages - 1}",
        "    channel: ch0",
        "    screens: [phone]",
        "    engagement: active",
        "    moment_of_truth: true",
        "    kpis: [conversion rate]",
    ]
    return "\n".join(out) + "\n"


def write_maps(folder: Path, count: int, **size: int) -> list[Path]:
    """Write `count` generated maps into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"map-{i:04d}.yaml"
        path.write_text(map_text(i, **size), encoding="utf-8")
        paths.append(path)
    return paths


def big_map_text(touchpoints: int, *, cyclical: bool = False, seed: int = 0) -> str:
    """YAML for one valid journey with `touchpoints` touchpoints, one flow-style line each so
    that 20,000 fit under the 2 MiB file limit.

    Walks move forward a few places (now and then back one, a small loop) and may leave; goals
    sit 60% of the way along a cyclical journey, whose last touchpoint is the renewal that leads
    back to the goals and the touchpoints before them; a linear journey ends at its goals.
    """
    rng = random.Random(seed)
    n, stages = touchpoints, 8
    goal_at = int(n * 0.6) if cyclical else n - 2
    goals = [f"t{goal_at}", f"t{goal_at + 1}"]
    out = [
        "journeyctl: 1",
        "journey:",
        f"  id: big-{n}",
        f"  name: Generated {n}",
        f"  kind: {'cyclical' if cyclical else 'linear'}",
        f"  goal: {{touchpoints: [{', '.join(goals)}]}}",
        "  entry: {t0: 3, t1: 1, t2: 1}",
        *([f"  renewal: {{touchpoint: t{n - 1}}}"] if cyclical else []),
        "stages:",
        *(f"  - {{id: s{i}, name: S{i}}}" for i in range(stages)),
        "channels:",
        *(f"  - {{id: c{i}, name: C{i}, type: owned, team: x{i % 3}}}" for i in range(6)),
        "personas:",
        "  - {id: p1, name: P1, channel_affinity: {c0: 2, c5: 0.5}}",
        "  - {id: p2, name: P2}",
        "touchpoints:",
    ]
    for i in range(n):
        moves: dict[str, int] = {}
        if i == n - 1 and cyclical:
            moves = {goals[0]: 3, f"t{goal_at - 1}": 1, f"t{goal_at - 5}": 1}
        elif i in (goal_at, goal_at + 1) and not cyclical:
            moves = {}
        else:
            span = 3 if i < goal_at - 3 or i > goal_at + 1 else 1
            for _ in range(2):
                j = min(n - 1, i + rng.randint(1, span + 1))
                moves[f"t{j}"] = rng.randint(1, 5)
            if i < goal_at - 1 and i + 2 < n:
                moves.setdefault(goals[0] if i >= goal_at - 4 else f"t{i + 1}", 1)
            if i > 0 and rng.random() < 0.1 and i not in (goal_at, goal_at + 1):
                moves[f"t{i - 1}"] = 1
        if not (i in (goal_at, goal_at + 1) and not cyclical):
            moves["exit"] = rng.randint(1, 3)
        body = ", ".join(f"{t}: {w}" for t, w in moves.items())
        stage = min(stages - 1, i * stages // n)
        out.append(
            f"  - {{id: t{i}, stage: s{stage}, channel: c{rng.randrange(6)}, "
            f"engagement: {rng.choice(ENGAGEMENT)}{', next: {' + body + '}' if body else ''}}}"
        )
    return "\n".join(out) + "\n"


ENGAGEMENT = ("active", "passive", "mini")
