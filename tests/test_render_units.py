"""The render library: sanitising for Mermaid, score mapping, probabilities and the overlay."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from graphviz.quoting import quote
from hypothesis import given
from hypothesis import strategies as st

from journeyctl.core.escape import printable
from journeyctl.core.model import EXIT
from journeyctl.lint.load import load_map
from journeyctl.render import style
from journeyctl.render.emotion import emotions
from journeyctl.render.flow import START, persona_overlay, probabilities
from journeyctl.render.gvlabel import esc, plain
from journeyctl.render.mermaid import journey_text, label_text, mermaid_score
from journeyctl.render.swimlane import swimlane

ROOT = Path(__file__).resolve().parent.parent
TREADMILL = ROOT / "maps" / "treadmill.yaml"
TRICKY = ROOT / "tests" / "data" / "render" / "tricky.yaml"


@pytest.mark.parametrize(
    "score,expected",
    [(-2, 1), (-1.6, 1), (-1.4, 2), (-1, 2), (0, 3), (0.5, 4), (1, 4), (2, 5), (9, 5), (None, 3)],
)
def test_mermaid_score(score, expected):
    assert mermaid_score(score) == expected


def _parsed(text: str) -> str:
    """What Mermaid's parser reads of `text`: entity codes (`#35;`) become placeholders first."""
    return re.sub(r"#\w+;", "\ufffd", text)


def _drawn(text: str) -> str:
    """What Mermaid draws for `text`: each numeric entity code as its character."""
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), text)


@given(st.text())
def test_journey_text_has_no_separators_or_comments(text):
    clean = journey_text(text)
    assert clean and not set(":;#%,\n\r") & set(_parsed(clean))


@given(st.text())
def test_label_text_cannot_close_the_quotes_or_start_a_directive(text):
    assert not set('"#%:;<>`\n\r') & set(_parsed(label_text(text)))


@given(st.text())
def test_mermaid_text_draws_as_written(text):
    one_line = printable(" ".join(text.split()))
    assert _drawn(journey_text(text)) == (one_line or "-")
    assert _drawn(label_text(text)) == one_line


def test_mermaid_text_of_hostile_names():
    assert journey_text("Student, app: first") == "Student#44; app#58; first"
    assert journey_text("%%% launch") == "#37;#37;#37; launch"
    assert journey_text("a\x1b[2J\nb") == "a\\x1b[2J b"


def test_graphviz_escape():
    assert esc('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    assert esc("a\x1bb\x0c") == "a\\x1bb\\x0c"  # XML 1.0 cannot hold them


def test_graphviz_plain_attribute():
    assert plain("ends in \\") == "ends in \\\\"
    assert plain("<b>not html</b>").startswith("<b>")
    assert quote(plain("<b>")) == '"<b>"' and quote(plain('say "hi" \\')) == '"say \\"hi\\" \\\\"'


def test_score_format():
    assert [style.score(v) for v in (2, 1.5, 0, -0.0, -1)] == ["+2", "+1.5", "0", "0", "-1"]


def test_probabilities_sum_to_one_per_source():
    jmap = load_map(TREADMILL)
    totals = defaultdict(float)
    for (src, _), p in probabilities(jmap, None).items():
        totals[src] += p
    assert set(totals) == {START} | {t.id for t in jmap.touchpoints if t.next}
    assert all(abs(total - 1) < 1e-9 for total in totals.values())


def test_probabilities_follow_the_weights():
    probs = probabilities(load_map(TRICKY), None)
    assert probs[(START, "look")] == 0.75
    assert probs[("look", "pay")] == 0.5 and probs[("look", EXIT)] == 0.25


def test_persona_overlay_is_consistent():
    jmap = load_map(TREADMILL)
    for persona in jmap.personas:
        ov = persona_overlay(jmap, persona.id)
        into_goal = sum(f for (_, dst), f in ov.flow.items() if dst in jmap.journey.goal)
        assert into_goal == pytest.approx(ov.conversion)
        # Every walk leaves somewhere, converted or not (walks go on past the goal).
        assert sum(ov.exit_share.values()) == pytest.approx(1)
        assert sum(f for (src, _), f in ov.flow.items() if src == START) == pytest.approx(1)


def test_persona_changes_probabilities():
    jmap = load_map(TREADMILL)
    a, b = (probabilities(jmap, p.id) for p in jmap.personas[:2])
    assert a != b


def test_channel_fills_follow_the_catalogue_and_only_used_channels():
    jmap = load_map(TREADMILL)
    fills = style.channel_fills(jmap)
    used = {t.channel for t in jmap.touchpoints}
    assert set(fills) == used
    assert list(fills) == [c.id for c in jmap.channels if c.id in used]
    assert len(set(fills.values())) == len(fills)  # colours from the ids, none shared


def test_emotions_choose_the_curves():
    jmap = load_map(TREADMILL)
    assert [c.name for c in emotions(jmap).curves] == [p.name for p in jmap.personas]
    one = emotions(jmap, jmap.personas[1].id)
    assert [c.persona for c in one.curves] == [jmap.personas[1].id]
    tricky = emotions(load_map(TRICKY))
    assert [c.name for c in tricky.curves] == ["Default"]
    assert tricky.curves[0].scores == (1.5, -2, None)


def test_swimlane_places_cards_by_stage_and_channel():
    jmap = load_map(TRICKY)
    sw = swimlane(jmap, emotions(jmap))
    assert [lane.title for lane in sw.lanes] == ['Web & "app"', "Shop #5"]
    web = sw.lanes[0]
    assert [[c.tp.id for c in cell] for cell in web.cells] == [["look"], ["pay"]]
    assert web.cells[1][0].team == "payments" and web.cells[1][0].goal
    assert sw.emotions[0].cells == (((1, 1.5), (2, -2)), ((3, None),))
    assert [n.title for n in sw.notes] == ["Pain points", "Opportunities", "Teams"]
    assert sw.notes[0].cells[0] == ("1. Slow: 10s & more <sigh>",)
