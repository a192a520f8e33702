"""Graphviz HTML-like labels: escaped text, wrapped lines, node labels, tables and legends.

Every string from a map goes through `esc` (in an HTML-like label) or `plain` (in any other
attribute), so names with `<`, `&`, quotes, backslashes or control characters draw as written
and the DOT always parses.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from journeyctl.core.escape import xml_text


def esc(text: str) -> str:
    """Text escaped for a Graphviz HTML-like label (XML: characters XML cannot hold as `\\xNN`)."""
    return (
        xml_text(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def plain(text: str) -> str:
    """Text for a plain string attribute such as `tooltip`: backslashes literal (Graphviz reads
    `\\N`, `\\l` and a final `\\` as escapes), never taken for an HTML-like label, and
    nothing an SVG (XML) file cannot hold."""
    import graphviz

    return graphviz.escape(xml_text(text))


def lines(text: str, width: int, left: bool = True) -> str:
    """`text` wrapped at `width` characters, escaped, lines joined with <BR/> (left-aligned)."""
    br = '<BR ALIGN="LEFT"/>' if left else "<BR/>"
    wrapped = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    return br.join(esc(line) for line in wrapped)


def text_label(text: str, bold: bool = False, size: int = 11) -> str:
    body = f"<B>{esc(text)}</B>" if bold else esc(text)
    return f'<<FONT POINT-SIZE="{size}">{body}</FONT>>'


def node_label(title: str, detail: str, tag: str = "", width: int = 24) -> str:
    """A touchpoint label: wrapped bold title, a small detail line and an optional tag."""
    parts = [f"<B>{lines(title, width, left=False)}</B>"]
    if detail:
        parts.append(f'<FONT POINT-SIZE="9">{lines(detail, width + 8, left=False)}</FONT>')
    if tag:
        parts.append(f'<FONT POINT-SIZE="9"><B>{esc(tag)}</B></FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def legend_swatch(name: str, fill: str) -> str:
    return f'<TR><TD BGCOLOR="{fill}" WIDTH="18"> </TD><TD ALIGN="LEFT">{esc(name)}</TD></TR>'


def legend_note(text: str) -> str:
    return f'<TR><TD COLSPAN="2" ALIGN="LEFT">{lines(text, 48)}</TD></TR>'


def legend_table(title: str, rows: Iterable[str]) -> str:
    head = f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>{esc(title)}</B></TD></TR>'
    return (
        '<<FONT POINT-SIZE="10">'
        '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3" COLOR="#888888">'
        f"{head}{''.join(rows)}</TABLE></FONT>>"
    )
