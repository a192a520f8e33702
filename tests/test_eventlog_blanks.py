"""Logs with blank cells in the optional columns, and the UTC offsets found by the readers'
first pass (the one that also lists each column's values): what `discover` reports of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HEADER = "case_id,persona,touchpoint,stage,channel,screen,timestamp\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_channel_screen_and_persona_cells_are_no_values(cli, tmp_path, blank):
    """A blank cell (read as NULL) or one of spaces (kept as text) is no channel, screen or
    persona: the log is read, the channels counted are those named (counted by hand below),
    and the draft's touchpoint whose events name no channel gets `unknown`."""
    log = write(
        tmp_path / "blanks.csv",
        HEADER
        + f"1,{blank},a,s,{blank},{blank},2026-01-01T10:00:00Z\n"
        + "1,p,b,s,web,pc,2026-01-01T11:00:00Z\n"
        + f"2,p,a,s,{blank},pc,2026-01-02T10:00:00Z\n"
        + f"2,{blank},b,s,web,{blank},2026-01-02T11:00:00Z\n",
    )
    draft = tmp_path / "draft.yaml"
    r = cli("discover", log, "-f", "json", "-o", draft, "--goal", "b")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["log"]["channels"] == {"web": 2}
    assert report["dfg"] == [{"source": "a", "target": "b", "count": 2}]
    text = draft.read_text(encoding="utf-8")
    assert "channel: unknown" in text and "channel: web" in text
    assert "'   '" not in text


def test_offsets_are_listed_and_the_first_naive_row_named(cli, tmp_path):
    """The offsets of every form, sorted as text, in the text report; with some rows naive,
    the warning names the first of them in file order (row 3 here, written by hand)."""
    log = write(
        tmp_path / "tz.csv",
        HEADER
        + "1,p,a,s,web,pc,2026-01-01T10:00:00+0200\n"
        + "1,p,b,s,web,pc,2026-01-01T09:00:00Z\n"
        + "2,p,a,s,web,pc,2026-01-01T09:30:00\n"
        + "2,p,b,s,web,pc,2026-01-01T03:30:00-05:00\n"
        + "3,p,a,s,web,pc,2026-01-01\n",
    )
    r = cli("discover", log)
    assert r.code == 0, r.err
    assert "timestamp UTC offsets none, +0200, -05:00, Z: normalised to UTC" in r.out
    assert "first at row 3" in r.err
