"""Rules the loader, the schema check and the include resolver report (JM0xx).

These findings come from reading files rather than from journey logic, so they have no
`check()` function; each rule's documentation still carries a failing and a passing example.
"""

from __future__ import annotations

from journeyctl.core.codes import Rule
from journeyctl.core.findings import Severity

_OK = """
    Passing example::

        journeyctl: 1
        channels:
          - id: web
            name: Website
"""

YAML_SYNTAX = Rule(
    "JM001",
    "yaml-syntax",
    Severity.ERROR,
    """The file is not valid YAML.

    Indentation, an unclosed bracket or quote, a tab used for indentation: the parser stops
    at the first such problem and reports where.

    Failing example::

        journeyctl: 1
        channels: [{id: web
"""
    + _OK,
)

DUPLICATE_KEY = Rule(
    "JM002",
    "duplicate-key",
    Severity.ERROR,
    """A mapping has the same key twice.

    YAML parsers silently keep the last value, so the first one is lost without a word.

    Failing example::

        journeyctl: 1
        channels:
          - id: web
            name: Website
            name: Web shop
"""
    + _OK,
)

YAML11_SURPRISE = Rule(
    "JM003",
    "yaml11-surprise",
    Severity.ERROR,
    """An unquoted value that should be text is read as a boolean, number, date or null.

    YAML 1.1 reads `no`, `yes`, `on`, `off` as booleans, `1.10` as the number 1.1 and
    `2024-01-01` as a date. Where the map expects text, quote the value.

    Failing example::

        journeyctl: 1
        channels:
          - id: no
            name: Norway shop
"""
    + _OK,
)

FORBIDDEN_TAG = Rule(
    "JM004",
    "forbidden-tag",
    Severity.ERROR,
    """The file uses a YAML tag that journeyctl never constructs.

    Tags such as `!!python/object` can run code in unsafe loaders; journeyctl refuses every
    tag but the core scalar, list and mapping tags.

    Failing example::

        journeyctl: 1
        channels: !!python/object:os.system [echo]
"""
    + _OK,
)

RESOURCE_LIMIT = Rule(
    "JM005",
    "resource-limit",
    Severity.ERROR,
    """The file is too large, too deeply nested, or its aliases expand too far.

    Limits: 2 MiB per file, 64 levels of nesting, 200,000 values after expanding aliases.
    Maps stay far below them; hostile files (alias bombs) do not.

    Failing example::

        journeyctl: 1
        a: &a [x, x, x, x, x, x, x, x, x, x]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
"""
    + _OK,
)

ENCODING = Rule(
    "JM006",
    "encoding",
    Severity.ERROR,
    """The file is not UTF-8.

    Map files are UTF-8 text (a byte-order mark is fine). Re-save the file as UTF-8.

    Failing example::

        (any file with a byte such as 0xff that is not valid UTF-8)
"""
    + _OK,
)

NOT_A_MAP = Rule(
    "JM007",
    "not-a-map",
    Severity.ERROR,
    """The file is empty, holds more than one document, or is not a mapping at the top.

    A map file is one YAML mapping that starts with `journeyctl: 1`.

    Failing example::

        - journeyctl: 1
"""
    + _OK,
)

UNKNOWN_KEY = Rule(
    "JM010",
    "unknown-key",
    Severity.ERROR,
    """A key that the map format does not define.

    Usually a typo; `journeyctl schema` lists every key, and editors with the schema
    autocomplete them.

    Failing example::

        journeyctl: 1
        channels:
          - id: web
            nmae: Website
"""
    + _OK,
)

MISSING_KEY = Rule(
    "JM011",
    "missing-key",
    Severity.ERROR,
    """A required key is missing.

    Failing example::

        journeyctl: 1
        channels:
          - name: Website
"""
    + _OK,
)

WRONG_TYPE = Rule(
    "JM012",
    "wrong-type",
    Severity.ERROR,
    """A value has the wrong type: a list where text is expected, text where a number is.

    Failing example::

        journeyctl: 1
        channels:
          - id: [web]
"""
    + _OK,
)

INVALID_VALUE = Rule(
    "JM013",
    "invalid-value",
    Severity.ERROR,
    """A value is of the right type but not allowed: not one of the listed choices, out of range,
    or not a valid id.

    Failing example::

        journeyctl: 1
        channels:
          - id: web
            type: rented
"""
    + _OK,
)

UNSUPPORTED_VERSION = Rule(
    "JM014",
    "unsupported-version",
    Severity.ERROR,
    """The file declares a format version this journeyctl does not read.

    This release reads `journeyctl: 1`.

    Failing example::

        journeyctl: 7
        channels: []
"""
    + _OK,
)

INCLUDE_NOT_FOUND = Rule(
    "JM020",
    "include-not-found",
    Severity.ERROR,
    """An `include` names a file that does not exist or cannot be read.

    Paths are relative to the including file.

    Failing example::

        journeyctl: 1
        include: [no-such-catalogue.yaml]
"""
    + _OK,
)

INCLUDE_CYCLE = Rule(
    "JM021",
    "include-cycle",
    Severity.ERROR,
    """Files include each other in a circle.

    Failing example::

        journeyctl: 1
        include: [example.yaml]   # this very file, saved as example.yaml
"""
    + _OK,
)

SOURCE_RULES = (
    YAML_SYNTAX,
    DUPLICATE_KEY,
    YAML11_SURPRISE,
    FORBIDDEN_TAG,
    RESOURCE_LIMIT,
    ENCODING,
    NOT_A_MAP,
    UNKNOWN_KEY,
    MISSING_KEY,
    WRONG_TYPE,
    INVALID_VALUE,
    UNSUPPORTED_VERSION,
    INCLUDE_NOT_FOUND,
    INCLUDE_CYCLE,
)
