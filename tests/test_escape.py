"""The escaping helpers, against what each output format's spec forbids."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from journeyctl.core.escape import csv_cell, printable, xml_text


def test_printable_shows_escape_sequences_instead_of_sending_them():
    assert printable("a\x1b[2Jb\x1b]0;x\x07") == "a\\x1b[2Jb\\x1b]0;x\\x07"
    assert printable("line\nnext\tcol é ✓") == "line\nnext\tcol é ✓"
    assert printable("c1\x9bz") == "c1\\x9bz"


def test_xml_text_keeps_only_what_xml_1_0_can_hold():
    bad = "a\x00b\x1bc\x0cd\ufffe"
    ET.fromstring(f"<r>{xml_text(bad)}</r>")  # parses: nothing illegal is left
    assert xml_text("tab\tnl\ncr\r é") == "tab\tnl\ncr\r é"


def test_csv_cell_defuses_formula_starts_as_owasp_advises():
    for cell in ('=HYPERLINK("x")', "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(cell) == "'" + cell
    assert csv_cell("Awareness") == "Awareness"
    assert csv_cell("a=b") == "a=b"
