"""`journeyctl levers` and `markov.gradient`: every derivative against a finite difference of
`exact.solve` on the map changed by that lever, a chain solved by hand, and the CLI."""

from __future__ import annotations

import dataclasses
import json
import random
import re
from pathlib import Path

import numpy as np
import pytest

from journeyctl.lint.load import load_map
from journeyctl.markov.exact import solve
from journeyctl.markov.gradient import Lever, gradient
from tests.conftest import DATA, MAPS

LEVERS = DATA / "levers"
TOLERANCE = 1e-6
"""Absolute on probabilities; relative where a derivative is larger than 1."""
CYCLES = 3


def changed(jmap, persona: str | None, lever: Lever, h: float):
    """`jmap` with `lever` raised by h (a touchpoint: every weight into it times 1 + h)."""

    def bump(moves, target: str, relative: bool = False):
        return tuple(
            dataclasses.replace(m, weight=m.weight * (1 + h) if relative else m.weight + h)
            if m.target == target
            else m
            for m in moves
        )

    journey, tps, personas = jmap.journey, jmap.touchpoints, jmap.personas
    if lever.kind == "move":
        tps = tuple(
            dataclasses.replace(t, next=bump(t.next, lever.target)) if t.id == lever.source else t
            for t in tps
        )
    elif lever.kind == "entry" and lever.source:
        personas = tuple(
            dataclasses.replace(p, entry=bump(p.entry, lever.target)) if p.id == lever.source else p
            for p in personas
        )
    elif lever.kind == "entry":
        journey = dataclasses.replace(journey, entry=bump(journey.entry, lever.target))
    elif lever.kind in ("channel", "screen"):
        field = f"{lever.kind}_affinity"

        def raised(p):
            return dataclasses.replace(
                p, **{field: {**getattr(p, field), lever.target: lever.value + h}}
            )

        personas = tuple(raised(p) if p.id == persona else p for p in personas)
    else:
        tps = tuple(dataclasses.replace(t, next=bump(t.next, lever.target, True)) for t in tps)
        journey = dataclasses.replace(journey, entry=bump(journey.entry, lever.target, True))
        personas = tuple(
            dataclasses.replace(p, entry=bump(p.entry, lever.target, True)) for p in personas
        )
    return dataclasses.replace(jmap, journey=journey, touchpoints=tps, personas=personas)


def figures(jmap, persona: str | None) -> np.ndarray:
    r = solve(jmap, persona, CYCLES)
    return np.array([r.conversion, *r.retention])


def finite_difference(jmap, persona: str | None, lever: Lever, h: float = 1e-6) -> np.ndarray:
    """Central difference; one-sided (second order, raising the lever) for a lever at 0 (an
    affinity can go no lower) and for screen affinities (a tie for the largest moves only up)."""
    if lever.kind == "screen" or lever.value == 0:
        f0, f1, f2 = (figures(changed(jmap, persona, lever, k * h), persona) for k in (0, 1, 2))
        return (-3 * f0 + 4 * f1 - f2) / (2 * h)
    up, down = (figures(changed(jmap, persona, lever, s * h), persona) for s in (1, -1))
    return (up - down) / (2 * h)


def check_against_finite_differences(jmap) -> int:
    """Every lever of every persona; returns how many derivatives were compared."""
    compared = 0
    for persona in [p.id for p in jmap.personas] or [None]:
        g = gradient(jmap, persona, CYCLES)
        exact = solve(jmap, persona, CYCLES)
        assert g.conversion == pytest.approx(exact.conversion, abs=1e-12)
        assert g.retention == pytest.approx(exact.retention, abs=1e-12)
        for i, lever in enumerate(g.levers):
            ours = [g.d_conversion[i], *(g.d_retention[i] if g.d_retention is not None else [])]
            if np.isnan(ours).any():
                continue  # no derivative: see test_edges
            fd = finite_difference(jmap, persona, lever)[: len(ours)]
            error = np.abs(np.array(ours) - fd) / np.maximum(1.0, np.abs(fd))
            assert error.max() <= TOLERANCE, (persona, lever, ours, fd.tolist())
            compared += len(ours)
    return compared


@pytest.mark.parametrize("path", sorted(MAPS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_derivative_of_the_example_maps(path: Path) -> None:
    assert check_against_finite_differences(load_map(path)) > 50


CUSTOMER = [
    "  - {id: c, name: C, starts_as: customer, entry: {g1: 1, t2: 2, r: 1}, "
    "channel_affinity: {c2: 3}}"
]


def random_map(seed: int, cyclical: bool) -> str:
    """A small valid map: loops, exits, screens, affinities (some 0), a declined invitation, a
    customer with an entry of its own (cyclical maps)."""
    rng = random.Random(seed)
    n = rng.randint(3, 7)
    ids = [f"t{i}" for i in range(n)]
    goals = ["g1", "g2"][: rng.randint(1, 2)]
    everything = ids + goals + (["r"] if cyclical else [])
    lines = [
        "journeyctl: 1",
        "journey:",
        f"  id: random-{seed}",
        f"  name: Random {seed}",
        f"  kind: {'cyclical' if cyclical else 'linear'}",
        f"  goal: {{touchpoints: [{', '.join(goals)}]}}",
        f"  entry: {{t0: {rng.randint(1, 4)}, t1: {rng.randint(1, 4)}}}",
        *(["  renewal: {touchpoint: r}"] if cyclical else []),
        "stages: [{id: s0, name: S0}, {id: s1, name: S1}]",
        "channels: [{id: c0, name: C0}, {id: c1, name: C1}, {id: c2, name: C2}]",
        "screens: [{id: phone, name: Phone, class: smartphone}, {id: laptop, name: Laptop, "
        "class: pc}, {id: shop, name: Shop, class: in-person}]",
        "personas:",
        f"  - {{id: p, name: P, channel_affinity: {{c0: {rng.choice([0.5, 2])}, c1: "
        f"{rng.choice([0, 1.5])}}}, screen_affinity: {{phone: {rng.choice([1, 3])}, laptop: "
        f"{rng.choice([0.5, 2])}}}, not_interested: [gadget]}}",
        "  - {id: q, name: Q}",
        *CUSTOMER * cyclical,
        "touchpoints:",
    ]

    def moves(me: str) -> str:
        targets = rng.sample([t for t in everything if t != me], rng.randint(1, 3))
        weights = {t: rng.randint(1, 5) for t in targets}
        if cyclical and me in goals:
            weights["r"] = rng.randint(1, 3)  # validate: the renewal is reached after the goal
        if rng.random() < 0.8:
            weights["exit"] = rng.randint(1, 3)
        return ", ".join(f"{t}: {w}" for t, w in weights.items())

    for tid in everything:
        screens = rng.sample(["phone", "laptop", "shop"], rng.randint(0, 2))
        invite = ", initiated_by: brand, invitation: true, offers: [gadget]" if tid == "t2" else ""
        ends = tid in goals and not cyclical and rng.random() < 0.3
        body = "" if ends else f"next: {{{moves(tid)}}}"
        lines.append(
            f"  - {{id: {tid}, stage: s{int(tid in goals)}, channel: c{rng.randrange(3)}, "
            f"screens: [{', '.join(screens)}], engagement: active{invite}"
            f"{', ' + body if body else ''}}}"
        )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("cyclical", [False, True], ids=["linear", "cyclical"])
def test_every_derivative_of_random_maps(tmp_path: Path, seed: int, cyclical: bool) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(random_map(seed, cyclical), encoding="utf-8")
    assert check_against_finite_differences(load_map(path)) > 0


def test_hand_solved_chain() -> None:
    """tests/data/levers/hand.yaml: entry a; a → b 2, g 1, exit 1; b → a 1, g 1, exit 2.

    x_t is P(convert) from touchpoint t; x_g = 1. Each derivative by eliminating x_b, changing
    one weight and keeping the others (the chain's rows normalised by their sums):
    - w = weight of a → b: x_b = (x_a + 1)/4, x_a = (w x_b + 1)/(w + 2), so
      x_a = (w + 4)/(3w + 8): 3/7 at w = 2, d/dw = −4/(3w + 8)² = −1/49.
    - u = weight of a → g: x_a = (2 x_b + u)/(3 + u) gives x_a = (1 + 2u)/(5 + 2u),
      d/du = 8/(5 + 2u)² = 8/49.
    - v = weight of b → g: x_b = (x_a + v)/(3 + v), x_a = (2 x_b + 1)/4 gives
      x_a = (3v + 3)/(4v + 10), d/dv = 18/(4v + 10)² = 9/98.
    - t = the persona's web affinity (b and g are on web): a → b 2t, a → g t, b → g t, so
      x_b = (x_a + t)/(t + 3), x_a = (2t x_b + t)/(3t + 1) and x_a = 3t(t + 1)/(3t² + 8t + 3),
      d/dt = ((6t + 3)(3t² + 8t + 3) − 3t(t + 1)(6t + 8))/(3t² + 8t + 3)² = 42/196 = 3/14.
    """
    g = gradient(load_map(LEVERS / "hand.yaml"), "reader")
    slope = {
        (lv.kind, lv.source, lv.target): d for lv, d in zip(g.levers, g.d_conversion, strict=True)
    }
    assert g.conversion == pytest.approx(3 / 7, abs=1e-12)
    assert slope["move", "a", "b"] == pytest.approx(-1 / 49, abs=1e-12)
    assert slope["move", "a", "g"] == pytest.approx(8 / 49, abs=1e-12)
    assert slope["move", "b", "g"] == pytest.approx(9 / 98, abs=1e-12)
    assert slope["channel", "", "web"] == pytest.approx(3 / 14, abs=1e-12)


def test_edges() -> None:
    """A loop with no way out and a touchpoint whose moves the persona all zeroes: raising the
    shop affinity from 0 opens a way out (no derivative, not nan in the report); a move the
    persona zeroes (the declined invitation m) has derivative 0; a persona that zeroes every
    entry has no smooth lever on its entries."""
    jmap = load_map(LEVERS / "edges.yaml")
    shopper = gradient(jmap, "shopper")
    slope = {
        (lv.kind, lv.source, lv.target): d
        for lv, d in zip(shopper.levers, shopper.d_conversion, strict=True)
    }
    assert np.isnan(slope["channel", "", "shop"])
    assert slope["move", "a", "m"] == 0.0 and slope["touchpoint", "", "m"] == 0.0
    assert slope["channel", "", "mail"] == 0.0
    assert np.isfinite([d for k, d in slope.items() if k != ("channel", "", "shop")]).all()
    nobody = gradient(jmap, "nobody")
    assert nobody.no_entry and nobody.conversion == 0.0
    jumps = [
        lv.target for lv, d in zip(nobody.levers, nobody.d_conversion, strict=True) if np.isnan(d)
    ]
    assert jumps == ["web"]


def test_customer_has_levers_on_retention_only() -> None:
    g = gradient(load_map(MAPS / "mobile-network.yaml"), "loyal-customer")
    assert g.customer and g.conversion == 1.0
    assert not g.d_conversion.any()
    assert g.d_retention is not None and np.abs(g.d_retention[:, -1]).max() > 0.01


def test_cli_ranked_text(cli) -> None:
    r = cli("levers", MAPS / "treadmill.yaml", "-p", "enthusiast", "--top", "5")
    assert r.code == 0, r.err
    rows = re.findall(r"^\s+\d+\. .*: ([+-]\d+\.\d\d) points of conversion$", r.out, re.M)
    assert len(rows) == 5
    sizes = [abs(float(x)) for x in rows]
    assert sizes == sorted(sizes, reverse=True)
    assert "Persona: Exercise enthusiast (enthusiast)" in r.out
    assert "conversion 9.95%" in r.out


def test_cli_json_is_stable_and_agrees_with_the_library(cli) -> None:
    first = cli("levers", MAPS / "treadmill.yaml", "-f", "json")
    second = cli("levers", MAPS / "treadmill.yaml", "-f", "json")
    assert first.code == 0 and first.out == second.out
    doc = json.loads(first.out)
    assert [p["persona"] for p in doc["personas"]] == ["enthusiast", "rehab-walker"]
    top = doc["personas"][0]["figures"][0]["levers"]
    assert len(top) == 10
    g = gradient(load_map(MAPS / "treadmill.yaml"), "enthusiast")
    best = int(
        np.argmax(np.abs([lv.value * d for lv, d in zip(g.levers, g.d_conversion, strict=True)]))
    )
    assert (top[0]["kind"], top[0]["target"]) == (g.levers[best].kind, g.levers[best].target)
    assert top[0]["derivative"] == round(float(g.d_conversion[best]), 6)


def test_cli_markdown(cli) -> None:
    r = cli("levers", MAPS / "mobile-network.yaml", "-f", "markdown", "--top", "3")
    assert r.code == 0
    tables = re.findall(
        r"\| # \| lever \| value \| derivative \| \+10% on it \|\n"
        r"\|---:\|---\|---:\|---:\|---:\|\n((?:\|.*\|\n){3})",
        r.out,
    )
    assert len(tables) == 3  # loyal customer: retention; switcher: conversion and retention
    for table in tables:
        assert all(row.count(" | ") == 4 for row in table.splitlines())
    assert "**retention (cycle 3)**" in r.out


def test_cli_unknown_persona_and_unreadable_map(cli, tmp_path: Path) -> None:
    r = cli("levers", MAPS / "treadmill.yaml", "-p", "nobody")
    assert r.code == 2 and "enthusiast, rehab-walker" in r.err
    r = cli("levers", tmp_path / "missing.yaml")
    assert r.code == 2 and "missing.yaml" in r.err
    bad = tmp_path / "bad.yaml"
    bad.write_text("journeyctl: 1\njourney: [\n", encoding="utf-8")
    r = cli("levers", bad)  # an invalid map is refused with validate's findings: exit 1
    assert r.code == 1 and "bad.yaml" in r.err and "3:1" in r.err and "Traceback" not in r.err
