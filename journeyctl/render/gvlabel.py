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


def titled_legend(title: str, rows: Iterable[str], size: int = 18) -> str:
    """A graph label: `title` in bold above a borderless legend of `rows` (from `legend_row`)."""
    head = f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{size}"><B>{esc(title)}</B></FONT></TD></TR>'
    body = "".join(f'<TR><TD ALIGN="LEFT">{row}</TD></TR>' for row in rows)
    return f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="0">{head}{body}</TABLE>>'


def legend_row(heading: str, *lines: Iterable[str]) -> str:
    """A legend entry: a bold heading beside `lines` of cells (from `swatch`, `sample`,
    `note`), the cells of all lines in one grid."""
    rows = [f"<TR>{''.join(cells)}</TR>" for cells in lines]
    first = (
        f'<TD ROWSPAN="{len(rows)}" ALIGN="LEFT" VALIGN="TOP" WIDTH="64">'
        f'<FONT POINT-SIZE="10"><B>{esc(heading)}</B></FONT></TD>'
    )
    rows[0] = rows[0].replace("<TR>", f"<TR>{first}", 1)
    return f'<TABLE BORDER="0" CELLSPACING="3" CELLPADDING="2">{"".join(rows)}</TABLE>'


def swatch(name: str, fill: str) -> str:
    """A colour square and its name."""
    return (
        f'<TD BGCOLOR="{fill}" BORDER="1" COLOR="#888888" WIDTH="14"> </TD>'
        f'<TD ALIGN="LEFT"><FONT POINT-SIZE="10">{esc(name)}</FONT></TD>'
    )


def sample(
    text: str, width: int = 1, dashed: bool = False, colour: str = "#000000", double: bool = False
) -> str:
    """`text` in a box drawn as a node border: `width` points, dashed, coloured or double."""
    body = f'<FONT POINT-SIZE="10">{esc(text)}</FONT>'
    if double:
        body = f'<TABLE BORDER="1" CELLBORDER="0" CELLPADDING="2"><TR><TD>{body}</TD></TR></TABLE>'
    style = ' STYLE="dashed"' if dashed else ""
    return f'<TD BORDER="{width}" COLOR="{colour}" CELLPADDING="3"{style}>{body}</TD>'


def note(text: str, colour: str = "#000000") -> str:
    """Plain legend text."""
    return f'<TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="{colour}">{esc(text)}</FONT></TD>'


EM_WIDTH = {False: 0.58, True: 0.65}
"""A generous average character width in ems, regular and bold: Graphviz lays Helvetica out
in the font Pango finds for it (here DejaVu Sans: 0.51–0.55 em regular, 0.58–0.62 bold on
English text), so lines wrapped by this count stay inside their width."""


def fitted(text: str, points: float, size: float, bold: bool = False, hyphens: bool = False) -> str:
    """`text` wrapped to lines about `points` wide at `size` points (by `EM_WIDTH`; a word
    longer than a line stays whole unless `hyphens` lets it break after a hyphen), escaped,
    lines joined with left-aligned <BR/>."""
    chars = max(1, int(points / (size * EM_WIDTH[bold])))
    wrapped = textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=hyphens)
    wrapped = wrapped or [""]
    return '<BR ALIGN="LEFT"/>'.join(esc(line) for line in wrapped)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """About how wide `text` is at `size` points (by `EM_WIDTH`)."""
    return len(text) * size * EM_WIDTH[bold]


def ported_label(
    body: str,
    north: Iterable[tuple[str, str]] = (),
    west: Iterable[tuple[str, str]] = (),
    east: Iterable[tuple[str, str]] = (),
    south: Iterable[tuple[str, str]] = (),
) -> str:
    """A node label: `body` (HTML-like, escaped) with cells in a row above it (`north`),
    stacked on its left (`west`) and right (`east`), and in a row under it (`south`). A cell
    is (port name, HTML-like content): a port an edge can leave from, none for ""."""
    middle = [t for t in (_cells(west, False), body, _cells(east, False)) if t]
    above, below = (_cells(cells, True) for cells in (north, south))
    rows = [f'<TD COLSPAN="{len(middle)}">{t}</TD>' for t in (above,) if t]
    rows.append("".join(f"<TD>{t}</TD>" for t in middle))
    rows += [f'<TD COLSPAN="{len(middle)}">{t}</TD>' for t in (below,) if t]
    body_rows = "".join(f"<TR>{row}</TR>" for row in rows)
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{body_rows}</TABLE>>'


def _cells(cells: Iterable[tuple[str, str]], across: bool) -> str:
    """A borderless table of (port name, content) cells in a row or a column; "" for none."""
    tds = [f'<TD PORT="{port}">{text}</TD>' if port else f"<TD>{text}</TD>" for port, text in cells]
    if not tds:
        return ""
    rows = [f"<TR>{''.join(tds)}</TR>"] if across else [f"<TR>{td}</TR>" for td in tds]
    return f'<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>'
