"""Making untrusted text safe for where it is written: a terminal, an XML file, a spreadsheet.

Names and ids in a map are the user's text, and a map may come from anyone. These functions
keep that text what it is (text) wherever an output format could read it as something else.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """`text` with control characters (ESC and the like; not newline or tab) shown as `\\xNN`,
    so a name cannot move the cursor, clear the screen or retitle the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (shown as `\\xNN` instead)."""
    return _XML_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def csv_cell(text: str) -> str:
    """`text` made inert for spreadsheets: a cell that would start a formula (=, +, -, @, tab,
    carriage return) gets a leading apostrophe, as OWASP's CSV-injection advice says.
    Numbers are not text and are left alone by the callers."""
    return "'" + text if text.startswith(_FORMULA_START) else text
