"""Big maps load and validate fast, and the fast paths give exactly what the slow ones gave:
the disable-comment scan looks only at lines that hold a directive, held here to the plain
definition (every comment between the YAML scanner's tokens) on many texts; the native schema
verdict (jsonschema-rs) is jsonschema's on many mutated maps."""

from __future__ import annotations

import copy
import functools
import math
import operator
import sys

import yaml
from conftest import ROOT, run_limited
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeyctl.lint import loader, schema, suppressions

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


def _paths(node, at: tuple = ()):
    """The path of every value in `node` below its top."""
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        yield (*at, key)
        yield from _paths(value, (*at, key))


_BASES = [
    loader.load_bytes(text.encode(), "base.yaml").document.data
    for text in (
        *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "maps").rglob("*.yaml"))),
        big_map_text(12, cyclical=True),
    )
]
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, 1, -1, 10, 2**63, 2**64, -(2**63) - 1, 2**80, 1e12, 1.0, -0.0, 1e308]),
    st.floats(),
    st.text(max_size=8),
    st.sampled_from(["exit", "exit2", "a", "a\n", "é", "١", "tp-0-0", "linear", "lognormal"]),
    st.sampled_from(["smartphone", "owned", "active", "brand", "passive", "s1", ""]),
)
_ALIKE = {  # values of the kind a map holds at a place: these keep a map valid more often
    "number": st.integers() | st.floats() | st.sampled_from([0, -0.0, 1e-300, 10, 10.0, 2**64]),
    "text": st.text(max_size=8) | st.sampled_from(["exit", "a\n", "x.y_z-1", "-x", "١", ""]),
}
_KEYS = st.text(max_size=6) | st.sampled_from(["id", "name", "weight", "hours", "next", "stage"])
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(_KEYS | st.integers(0, 3), inner, max_size=3)
    ),
    max_leaves=6,
)


def _differ_only_as_known(data) -> bool:
    """Whether `data` holds what jsonschema-rs refuses and jsonschema takes: a NaN or infinite
    number, or a text ending in a line break (Python's `$` matches before it)."""
    if isinstance(data, dict):
        return any(_differ_only_as_known(k) or _differ_only_as_known(v) for k, v in data.items())
    if isinstance(data, list):
        return any(_differ_only_as_known(v) for v in data)
    if isinstance(data, float):
        return not math.isfinite(data)
    return isinstance(data, str) and data.endswith("\n")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(_BASES))), st.data())
def test_jsonschema_rs_judges_mutated_maps_as_jsonschema_does(base, draw):
    """The native verdict is the one jsonschema gives on the same (inlined) schema; where they
    differ, only on known values, jsonschema-rs is the stricter (its refusals are checked
    again by jsonschema), so no document it passes has a jsonschema error."""
    data = copy.deepcopy(_BASES[base])
    for _ in range(draw.draw(st.integers(1, 3))):
        paths = list(_paths(data))
        if not paths:
            break
        *above, key = draw.draw(st.sampled_from(paths))
        parent = functools.reduce(operator.getitem, above, data)
        action = draw.draw(st.sampled_from(["alike", "replace", "delete", "add"]))
        kind = "text" if isinstance(parent[key], str) else "number"
        if action == "alike" and not isinstance(parent[key], bool | list | dict):
            parent[key] = draw.draw(_ALIKE[kind])
        elif action in ("alike", "replace"):
            parent[key] = draw.draw(_VALUES)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, dict):
            parent[draw.draw(_KEYS)] = draw.draw(_VALUES)
        else:
            parent.insert(key, draw.draw(_VALUES))
    native = schema._passes(data)
    valid = next(schema._validator().iter_errors(data), None) is None
    assert native == valid or (valid and _differ_only_as_known(data)), data
