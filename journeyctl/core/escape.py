"""Making untrusted text safe for where it is written: a terminal, an XML file, a spreadsheet.

Names and ids in a map or a log are the user's text, and may come from anyone. These functions
keep that text what it is (text) wherever an output format could read it as something else,
and keep a message short however many names it lists.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Control characters, lone surrogates and the non-characters U+FFFE and U+FFFF."""
_TERMINAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def visible(text: str, unsafe: re.Pattern[str] = _CONTROLS) -> str:
    """`text` with each character `unsafe` matches written as a `\\xNN` or `\\uNNNN` escape."""
    return unsafe.sub(lambda m: _escape(ord(m[0])), text)


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with control characters (ESC and the like; not newline or tab) made visible,
    so a name cannot move the cursor, clear the screen or retitle the terminal."""
    return visible(text, _TERMINAL)


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (control characters but tab, LF and
    CR; lone surrogates; U+FFFE/F), made visible instead."""
    return visible(text, _NOT_XML)


def md_cell(text: str) -> str:
    """`text` made safe inside a Markdown table cell: printable, pipes and backslashes escaped,
    on one line, no HTML tags."""
    return (
        printable(text)
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("\n", " ")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def csv_cell(text: str) -> str:
    """`text` made inert for spreadsheets: a cell that would start a formula (=, +, -, @, tab,
    carriage return) gets a leading apostrophe, as OWASP's CSV-injection advice says.
    Numbers are not text and are left alone by the callers."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def listing(names: list[str], shown: int = 20) -> str:
    """`names` in one line for people: the first `shown`, printable, and how many more (a log
    may have a million activities, and any name ESC characters)."""
    text = ", ".join(printable(n) for n in names[:shown])
    return text + (f" and {len(names) - shown:,} more" if len(names) > shown else "")


def sql_literal(text: str) -> str:
    """`text` as an SQL string literal (a file path in a query, say)."""
    return "'" + text.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    """`name` as an SQL identifier (a column named by a log, say)."""
    return '"' + name.replace('"', '""') + '"'
