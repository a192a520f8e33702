"""Big maps load and validate fast, and the fast path gives exactly what the slow one gave:
the disable-comment scan looks only at lines that hold a directive, held here to the plain
definition (every comment between the YAML scanner's tokens) on many texts."""

from __future__ import annotations

import sys

import yaml
from conftest import ROOT, run_limited
from hypothesis import given, settings
from hypothesis import strategies as st

from journeyctl.lint import suppressions

sys.path.insert(0, str(ROOT / "bench"))
from mapgen import big_map_text, map_text


def test_a_20000_touchpoint_map_validates_in_a_few_cpu_seconds(tmp_path):
    """Was 5.3 s of CPU (about 2.5 s now): the loader, jsonschema over every touchpoint, and a
    token scan of the whole file for the comment at its end."""
    text = big_map_text(20000).replace(
        "t19990, stage: s7, channel: c4, engagement: mini",
        "t19990, stage: s7, channel: c4, engagement: mnii",
    )
    path = tmp_path / "big.yaml"
    path.write_text(text + "# journeyctl: disable-line=JM010\n", encoding="utf-8")
    r = run_limited("validate", path, cwd=tmp_path, cpu=8)
    assert r.code == 1, r.err
    assert (
        "20018:54" in r.out and "`engagement` of touchpoint `t19990`: `mnii` is not one of" in r.out
    )
    assert "did you mean `mini`?" in r.out
    assert (
        f"{len(text.splitlines()) + 1}:1 " in r.out
        and "`disable-line=JM010` suppresses nothing" in r.out
    )


def _every_comment(text: str) -> list[tuple[int, int]]:
    """The plain definition: the first `#` of each line's part of every gap between tokens."""
    lines = suppressions._BREAKS.split(text)
    found, end = [], (0, 0)
    try:
        for token in yaml.scan(text, Loader=yaml.CSafeLoader):
            start = (token.start_mark.line, token.start_mark.column)
            for number in range(end[0], min(start[0], len(lines) - 1) + 1):
                first = end[1] if number == end[0] else 0
                last = start[1] if number == start[0] else len(lines[number])
                if (hash_at := lines[number].find("#", first, last)) >= 0:
                    found.append((number + 1, hash_at))
            end = max(end, (token.end_mark.line, token.end_mark.column))
    except yaml.YAMLError:
        pass
    return found


_SNIPPETS = [
    "# journeyctl: disable-line=JM101",
    " # journeyctl: disable",
    "#journeyctl:enable=JM010",
    '"a\n# journeyctl: disable\n b"',
    "'x # journeyctl: disable-line'",
    "|\n  # journeyctl: disable\n",
    "[a,# journeyctl: disable\n b]",
    "a#b # journeyctl: disable-file",
    "\r\n",
    "\u2028",
    '"',
    "{",
    "\t",
    "\n---\n",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([map_text(1), big_map_text(60), big_map_text(40, cyclical=True)]),
    st.lists(st.tuples(st.floats(0, 1), st.sampled_from(_SNIPPETS)), min_size=1, max_size=6),
)
def test_the_directive_scan_finds_what_a_whole_scan_finds(base, inserts):
    text = base
    for where, snippet in inserts:
        at = int(where * len(text))
        text = text[:at] + snippet + text[at:]
    lines = suppressions._BREAKS.split(text)
    marked = [n for n, line in enumerate(lines) if suppressions._MARK.search(line)]
    expected = [(n, c) for n, c in _every_comment(text) if n - 1 in marked]
    assert list(suppressions._comments(text, lines, marked) if marked else []) == expected
