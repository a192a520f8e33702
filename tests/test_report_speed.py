"""Text reports stay quick on a map of 20,000 touchpoints (issue 17): long tables show their
first rows and say how many more there are, instead of drawing tens of thousands of rows."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_limited

sys.path.insert(0, str(ROOT / "bench"))
from mapgen import big_map_text

MORE = re.compile(r"^… and [\d,]+ more \(use -f json for all\)$", re.MULTILINE)


@pytest.fixture(scope="module")
def big_20k(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report-speed") / "big-20000.yaml"
    path.write_text(big_map_text(20000), encoding="utf-8")
    return path


def test_gaps_text_on_20000_touchpoints_is_cut_short(big_20k):
    r = run_limited("gaps", big_20k, cwd=big_20k.parent, cpu=15)
    assert r.code == 0, r.err
    assert len(MORE.findall(r.out)) == 1  # the shared section: tens of thousands of gaps
    assert len(r.out.splitlines()) < 500
    assert re.search(r"^\d+ gaps: ", r.out, re.MULTILINE)  # the tally still counts them all


def test_exact_simulation_text_on_20000_touchpoints_is_cut_short(big_20k):
    r = run_limited("simulate", big_20k, "--exact", cwd=big_20k.parent, cpu=15)
    assert r.code == 0, r.err
    assert MORE.findall(r.out) == ["… and 19,980 more (use -f json for all)"] * 2  # per persona
    assert len(r.out.splitlines()) < 500
