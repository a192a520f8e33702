"""Large maps are solved within bounds, and past the documented model size refused (exit 2)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from tests.conftest import GIB, ROOT, run_limited

sys.path.insert(0, str(ROOT / "bench"))
from mapgen import big_map_text


@pytest.fixture(scope="module")
def cyclical_2000(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "cyclical-2000.yaml"
    path.write_text(big_map_text(2000, cyclical=True), encoding="utf-8")
    return path


def test_exact_on_2000_touchpoints_within_bounds(cyclical_2000):
    r = run_limited(
        "simulate", cyclical_2000, "--exact", "--runs", "100", "-f", "json",
        cwd=cyclical_2000.parent, cpu=20, memory=GIB,
    )  # fmt: skip
    assert r.code == 0, r.err
    assert '"exact": {' in r.out


def test_gaps_on_2000_touchpoints_within_bounds(cyclical_2000):
    r = run_limited("gaps", cyclical_2000, "-f", "json", cwd=cyclical_2000.parent, cpu=20)
    assert r.code in (0, 1), r.err
    assert '"G601"' in r.out or '"G501"' in r.out


def _map(touchpoints: list[str], goals: list[str], renewal: str) -> str:
    return (
        "\n".join(
            [
                "journeyctl: 1",
                "journey:",
                "  id: hostile",
                "  name: Hostile",
                "  kind: cyclical",
                f"  goal: {{touchpoints: [{', '.join(goals)}]}}",
                "  entry: {t0: 1}",
                f"  renewal: {{touchpoint: {renewal}}}",
                "stages: [{id: s, name: S}]",
                "channels: [{id: web, name: Web}]",
                "touchpoints:",
                *touchpoints,
            ]
        )
        + "\n"
    )


def test_too_many_goals_for_the_exact_solver_is_refused(tmp_path):
    n = 300
    tps = [
        f"  - {{id: t{i}, stage: s, channel: web, engagement: active, "
        f"next: {{t{(i + 1) % n}: 1, exit: 1}}}}"
        for i in range(n)
    ]
    path = tmp_path / "goals.yaml"
    path.write_text(_map(tps, [f"t{i}" for i in range(1, n)], "t0"))
    r = run_limited("simulate", path, "--exact", "--runs", "10", cwd=tmp_path)
    assert r.code == 2
    assert (
        "goals.yaml:6:9: the journey has 299 goal touchpoints" in r.err
        and "at most 200" in r.err
        and "leave out --exact" in r.err
    )
    assert run_limited("simulate", path, "--runs", "10", cwd=tmp_path).code == 0


def test_a_tangle_too_large_to_split_is_refused(tmp_path):
    rng = random.Random(0)
    n = 3000
    tps = []
    for i in range(n):
        to = {f"t{rng.randrange(n)}" for _ in range(3)} - {f"t{i}"}
        moves = ", ".join(f"{t}: 1" for t in sorted(to))
        tps.append(
            f"  - {{id: t{i}, stage: s, channel: web, engagement: active, "
            f"next: {{{moves}, exit: 1}}}}"
        )
    path = tmp_path / "tangle.yaml"
    path.write_text(_map(tps, ["t1"], "t2"))
    r = run_limited("gaps", path, cwd=tmp_path, cpu=20)
    assert r.code == 2
    assert "more than 500 touchpoints that all lead back to one another" in r.err
    assert "Limits" in r.err


def test_gaps_with_every_touchpoint_brand_initiated_stays_linear(tmp_path):
    text = big_map_text(6000).replace("engagement: ", "initiated_by: brand, engagement: ")
    path = tmp_path / "brand.yaml"
    path.write_text(text, encoding="utf-8")
    r = run_limited("gaps", path, "-f", "json", cwd=tmp_path, cpu=20)
    assert r.code in (0, 1), r.err
