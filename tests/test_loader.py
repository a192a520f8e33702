"""The safe loader: spans, duplicate keys, YAML 1.1 surprises, tags, aliases and limits."""

from __future__ import annotations

from journeyctl.core.limits import Limits
from journeyctl.lint.loader import load_bytes


def _load(text: str, **limits):
    return load_bytes(text.encode(), "m.yaml", Limits(**limits) if limits else Limits())


def test_every_value_and_key_keeps_its_span():
    result = _load("journeyctl: 1\nchannels:\n  - id: web\n    name: Website\n")
    doc = result.document
    assert doc.data == {"journeyctl": 1, "channels": [{"id": "web", "name": "Website"}]}
    value = doc.span(("channels", 0, "name"))
    assert (value.line, value.col, value.end_col) == (4, 11, 18)
    key = doc.key_span(("channels", 0, "name"))
    assert (key.line, key.col) == (4, 5)


def test_bom_is_accepted():
    assert _load("\ufeffjourneyctl: 1\n").document.data == {"journeyctl": 1}


def test_duplicate_key_is_reported_at_the_second_key():
    result = _load("a: 1\nb: 2\na: 3\n")
    assert [(f.code, f.span.line) for f in result.findings] == [("JM002", 3)]
    assert "first at line 1" in result.findings[0].message
    assert result.document.data["a"] == 3


def test_unquoted_yaml11_values_remember_their_text():
    doc = _load("a: no\nb: 1.10\nc: 2024-01-01\nd: 'no'\n").document
    assert doc.data["a"] is False and doc.plain[("a",)] == "no"
    assert doc.plain[("b",)] == "1.10" and doc.plain[("c",)] == "2024-01-01"
    assert doc.data["d"] == "no" and ("d",) not in doc.plain


def test_boolean_looking_key_is_flagged():
    result = _load("on: 1\n")
    assert [f.code for f in result.findings] == ["JM003"]
    assert result.document.data == {"on": 1}


def test_core_tags_are_read_and_others_refused():
    assert _load("a: !!str 123\n").document.data == {"a": "123"}
    refused = _load("a: !!python/name:os.system\n")
    assert refused.document is None and refused.findings[0].code == "JM004"
    assert _load("a: !custom x\n").findings[0].code == "JM004"


def test_aliases_are_shared_not_copied_and_merge_keys_work():
    doc = _load("base: &b {x: 1, y: 2}\nuse: *b\nmerged:\n  <<: *b\n  y: 3\n").document
    assert doc.data["use"] is doc.data["base"]
    assert doc.data["merged"] == {"x": 1, "y": 3}


def test_limits_are_enforced_before_work_explodes():
    assert _load("a: [[[[1]]]]\n", max_depth=3).findings[0].code == "JM005"
    assert _load("a: &a [1, 2, 3]\nb: [*a, *a, *a]\n", max_nodes=10).findings[0].code == "JM005"
    assert _load("a: 1\n", max_bytes=3).findings[0].code == "JM005"


def test_undefined_alias_and_second_document_are_errors():
    assert _load("a: *nothing\n").findings[0].code == "JM001"
    assert _load("a: 1\n---\nb: 2\n").findings[0].code == "JM007"
