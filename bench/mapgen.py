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
