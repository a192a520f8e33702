"""Checking documents against the map format's JSON Schema, with located findings.

The schema itself is published as `journeyctl/schema/map-v1.schema.json`. The verdict comes
from jsonschema-rs (native) when it is installed; only a document it does not pass is checked
again by jsonschema, whose errors carry what the findings explain.
"""

from __future__ import annotations

import difflib
import json
import pkgutil
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from journeyctl.core.findings import Finding
from journeyctl.core.limits import DEFAULT_LIMITS, Limits
from journeyctl.lint.document import Document
from journeyctl.lint.loader import describe_plain
from journeyctl.lint.rules.jm003_yaml11_surprise import RULE as YAML11_SURPRISE
from journeyctl.lint.rules.jm010_unknown_key import RULE as UNKNOWN_KEY
from journeyctl.lint.rules.jm011_missing_key import RULE as MISSING_KEY
from journeyctl.lint.rules.jm012_wrong_type import RULE as WRONG_TYPE
from journeyctl.lint.rules.jm013_invalid_value import RULE as INVALID_VALUE
from journeyctl.lint.rules.jm014_unsupported_version import RULE as UNSUPPORTED_VERSION

SCHEMA_FILE = "schema/map-v1.schema.json"
"""Where the published schema lies in the package: a stable path that editors' modelines name."""


def schema_text() -> str:
    """The published JSON Schema, exactly as shipped."""
    return pkgutil.get_data("journeyctl", SCHEMA_FILE).decode("utf-8")


@cache
def schema() -> dict:
    return json.loads(schema_text())


@cache
def _inlined() -> dict:
    return _inline_refs(schema(), schema()["$defs"])


@cache
def _validator():
    """jsonschema's validator: every error, with the path, keyword and values findings need."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_inlined())


@cache
def _native():
    """jsonschema-rs's validator of the same schema, or None when it is not installed."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    return jsonschema_rs.Draft202012Validator(_inlined())


def _passes(data: Any) -> bool:
    """Whether jsonschema-rs finds `data` valid. False when it cannot say: not installed, or data
    it does not take (keys that are not text). It is stricter than jsonschema on a few values
    (NaN, a `$` pattern before a final line break), never more lenient."""
    native = _native()
    try:
        return native is not None and native.is_valid(data)
    except ValueError:
        return False


def _inline_refs(node, defs: dict):
    """`node` with every local `$ref` replaced by its definition (the schema is not recursive).

    Validating against the inlined copy gives the same verdicts without resolving references at
    every value, which is most of jsonschema's time on a map.
    """
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    node = {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    ref = node.pop("$ref", None)
    if ref is None:
        return node
    target = _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
    return {**target, **{k: v for k, v in node.items() if k not in target}}


def check(doc: Document, limits: Limits = DEFAULT_LIMITS) -> list[Finding]:
    """Schema findings for `doc`, each pointed at the offending key or value, and a finding for
    each number of the right type that is not finite or beyond `limits.max_number`."""
    errors = [] if _passes(doc.data) else list(_validator().iter_errors(doc.data))
    findings = [f for error in errors for f in explain(doc, error)]
    flagged = {tuple(error.absolute_path) for error in errors}
    findings += _unusable_numbers(doc, flagged, limits.max_number)
    return sorted(set(findings), key=Finding.sort_key)


def _unusable_numbers(doc: Document, flagged: set[tuple], bound: int) -> Iterator[Finding]:
    """NaN, infinities and numbers beyond ±`bound` at paths the schema did not flag."""
    stack: list[tuple[tuple, Any]] = [((), doc.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack += (((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack += (((*path, i), v) for i, v in enumerate(value))
        elif _is_number(value) and not (-bound <= value <= bound) and path not in flagged:
            yield INVALID_VALUE.at(
                doc.span(path),
                f"{_field(path, _where(doc, path))} must be a finite number from "
                f"-{bound:,} to {bound:,}, not {_shown(doc.plain.get(path), value)}",
                "write an ordinary number such as 1 or 0.5",
            )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(raw: str | None, value: int | float) -> str:
    """The number as written (`.nan`, `1e999`), shortened when it is long."""
    text = raw if raw is not None else repr(value)
    return text if len(text) <= 24 else f"{text[:12]}… ({len(text)} characters)"


_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _where(doc: Document, path: tuple) -> str:
    """A readable name for the thing at `path`, e.g. "touchpoint `see-ad`"."""
    if len(path) >= 2 and isinstance(path[1], int) and isinstance(doc.data, dict):
        items = doc.data.get(path[0])
        item = items[path[1]] if isinstance(items, list) and path[1] < len(items) else None
        label = path[0][:-1] if str(path[0]).endswith("s") else path[0]
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            return f"{label} `{item['id']}`"
        return f"{label} #{path[1] + 1}"
    return f"`{path[0]}`" if path else "the top level"


def explain(doc: Document, error) -> Iterator[Finding]:
    """The findings that explain one jsonschema error, by the keyword that failed."""
    path = tuple(error.absolute_path)
    where = _where(doc, path)
    if path == ("journeyctl",) and error.validator not in ("additionalProperties", "required"):
        yield UNSUPPORTED_VERSION.at(
            doc.span(path),
            f"format version {error.instance!r} is not supported",
            "this release reads `journeyctl: 1`",
        )
        return
    explain = _EXPLAIN.get(error.validator, _invalid_value)
    yield from explain(doc, error, path, where)


def _unknown_keys(doc: Document, error, path, where) -> Iterator[Finding]:
    if not isinstance(error.instance, dict):
        yield from _invalid_value(doc, error, path, where)
        return
    allowed = list(error.schema.get("properties", {}))
    for key in error.instance:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean `{close[0]}`?" if close else f"allowed keys: {', '.join(allowed)}"
            yield UNKNOWN_KEY.at(
                doc.key_span((*path, key)), f"unknown key `{key}` in {where}", hint
            )


def _missing_key(doc: Document, error, path, where) -> Iterator[Finding]:
    missing = error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
    yield MISSING_KEY.at(
        doc.span(path),
        f"{where} is missing the required key `{missing}`",
        f"add `{missing}:` to this mapping",
    )


def _invalid_ids(doc: Document, error, path, where) -> Iterator[Finding]:
    for sub in error.context or [error]:
        key = sub.instance
        yield INVALID_VALUE.at(
            doc.key_span((*path, key)),
            f"`{key}` in {where} is not a valid id",
            "ids use letters, digits, `_`, `.` and `-`, and start with a letter or digit",
        )


def _any_of(doc: Document, error, path, where) -> Iterator[Finding]:
    if not error.context:
        yield from _invalid_value(doc, error, path, where)
        return
    mismatches = [e for e in error.context if e.validator == "type" and not e.path]
    if len(mismatches) < len(error.context):  # the value had a fitting type: explain that branch
        deepest = max(error.context, key=lambda e: (len(e.path), e.validator != "type"))
        yield from explain(doc, deepest)
        return
    types = {t for e in mismatches for t in _types(e.validator_value)}
    expected = " or ".join(_TYPE_NAMES.get(t, t) for t in sorted(types))
    yield from _type_error(doc, path, where, expected, error.instance)


def _types(value) -> list[str]:
    """The type names of a `type` keyword: one, or a list of them."""
    return value if isinstance(value, list) else [value]


def _wrong_type(doc: Document, error, path, where) -> Iterator[Finding]:
    types = _types(error.validator_value)
    expected = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
    yield from _type_error(doc, path, where, expected, error.instance, "string" in types)


def _invalid_value(doc: Document, error, path, where) -> Iterator[Finding]:
    yield INVALID_VALUE.at(doc.span(path), _value_message(error, where), _value_hint(error))


_EXPLAIN = {
    "additionalProperties": _unknown_keys,
    "required": _missing_key,
    "propertyNames": _invalid_ids,
    "anyOf": _any_of,
    "type": _wrong_type,
}
"""The explanation of each jsonschema keyword; any other keyword is an invalid value."""


def _field(path: tuple, where: str) -> str:
    """The key at `path` within `where`, e.g. "`weight` of touchpoint `see-ad`"."""
    return f"`{path[-1]}` of {where}" if path and not isinstance(path[-1], int) else where


def _type_error(doc, path, where, expected, instance, wants_text=False) -> Iterator[Finding]:
    field = _field(path, where)
    raw = doc.plain.get(path)
    if raw == "":
        yield WRONG_TYPE.at(doc.span(path), f"{field} has no value", f"write {expected} here")
        return
    if wants_text and raw is not None:
        yield YAML11_SURPRISE.at(
            doc.span(path),
            f"{field}: `{raw}` is read by YAML as {describe_plain(instance)}, not as text",
            f'quote it: "{raw}"',
        )
        return
    if "number" in expected and isinstance(instance, str) and (m := _EXPONENT.fullmatch(instance)):
        mantissa, sign, exponent = m.groups()
        yield YAML11_SURPRISE.at(
            doc.span(path),
            f"{field}: `{instance}` is read by YAML as text, not as a number: YAML 1.1 "
            "wants a dot and a signed exponent",
            f"write {mantissa}{'' if '.' in mantissa else '.0'}e{sign or '+'}{exponent}",
        )
        return
    yield WRONG_TYPE.at(
        doc.span(path),
        f"{field} should be {expected}, not {_kind(instance)}",
        f"write {expected} here",
    )


_EXPONENT = re.compile(r"([-+]?[0-9]+(?:\.[0-9]*)?)[eE]([-+]?)([0-9]+)")
"""A number with an exponent that YAML 1.1 reads as text: no dot (`1e12`) or no sign
(`1.0e12`); a float needs both (`1.0e+12`)."""


_COLOUR = "^#[0-9A-Fa-f]{6}$"
"""The schema's pattern for a colour (a channel's `color`)."""


def _value_message(error, where: str) -> str:
    field = _field(tuple(error.absolute_path), where)
    v, inst = error.validator, error.instance
    if v == "enum":
        return f"{field}: `{inst}` is not one of {', '.join(map(str, error.validator_value))}"
    if v == "pattern" and error.validator_value == _COLOUR:
        return f"{field}: `{inst}` is not a colour"
    if v == "pattern" and inst == "exit":
        return f"{field}: `exit` is reserved for leaving the journey"
    if v == "pattern":
        return f"{field}: `{inst}` is not a valid id"
    if v in ("minimum", "exclusiveMinimum", "maximum"):
        rel = {"minimum": "at least", "exclusiveMinimum": "more than"}.get(v, "at most")
        return f"{field} must be {rel} {error.validator_value}, not {inst}"
    if v == "minItems":
        return f"{field} needs at least {error.validator_value} item(s)"
    return f"{field}: {error.message}"


def _value_hint(error) -> str:
    v = error.validator
    if v == "enum":
        options = [str(o) for o in error.validator_value]
        close = difflib.get_close_matches(str(error.instance), options, n=1)
        return f"did you mean `{close[0]}`?" if close else f"use one of {', '.join(options)}"
    if v == "pattern" and error.validator_value == _COLOUR:
        return 'write `#` and six hex digits, in quotes: `"#77AADD"`'
    if v == "pattern" and error.instance == "exit":
        return "choose another id"
    if v == "pattern":
        return "ids use letters, digits, `_`, `.` and `-`, and start with a letter or digit"
    return ""
