"""A small writer of standalone SVG documents with every piece of text escaped."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from journeyctl.core.escape import xml_text
from journeyctl.render.style import FONT_STACK


def _chars(text: str) -> str:
    """`text` as XML character data: markup escaped, what XML cannot hold as `\\xNN`."""
    return escape(xml_text(text))


_RIM = ' stroke="#FFFFFF" stroke-width="1"'
SYMBOL_FONT = "DejaVu Sans"
"""A font that holds ★ (Helvetica's metric twins do not, and cairo's simple text drawing,
which cairosvg uses, takes no fallback font)."""


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class Svg:
    """SVG elements appended in drawing order; `document()` returns the whole file."""

    def __init__(self, width: float, height: float, size: tuple, title: str):
        self.width, self.height, self.size, self.title = width, height, size, title
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        self.parts.append(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" '
            f'fill="{fill}"/>'
        )

    def line(self, x1, y1, x2, y2, stroke: str, width: float = 1) -> None:
        self.parts.append(
            f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
            f'stroke="{stroke}" stroke-width="{_num(width)}"/>'
        )

    def polyline(
        self, points: list[tuple[float, float]], stroke: str, width: float = 3, dash: str = ""
    ) -> None:
        if len(points) < 2:
            return
        coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{stroke}" '
            f'stroke-width="{_num(width)}"{dashes} stroke-linejoin="round"/>'
        )

    def marker(self, shape: str, x: float, y: float, fill: str, title: str, r: float = 6) -> None:
        """A filled point of `shape` (circle, square, diamond, triangle) of radius `r`, with
        a white rim so that it stands out from the lines it sits on."""
        tip = f"<title>{_chars(title)}</title>"
        if shape == "circle":
            body = (
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" fill="{fill}"{_RIM}>'
                f"{tip}</circle>"
            )
        elif shape == "square":
            body = (
                f'<rect x="{_num(x - r)}" y="{_num(y - r)}" width="{_num(2 * r)}" '
                f'height="{_num(2 * r)}" '
                f'fill="{fill}"{_RIM}>{tip}</rect>'
            )
        else:
            pts = (
                [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
                if shape == "diamond"
                else [(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)]
            )
            coords = " ".join(f"{_num(px)},{_num(py)}" for px, py in pts)
            body = f'<polygon points="{coords}" fill="{fill}"{_RIM}>{tip}</polygon>'
        self.parts.append(body)

    def text(
        self,
        x,
        y,
        text: str,
        size: float = 12,
        weight: str = "normal",
        anchor: str = "start",
        rotate: float = 0,
        family: str = "",
    ) -> None:
        """`text` at (x, y); in `family` when given, else the document's fonts."""
        font = f' font-family="{family}"' if family else ""
        turn = f' transform="rotate({_num(rotate)} {_num(x)} {_num(y)})"' if rotate else ""
        self.parts.append(
            f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" font-weight="{weight}" '
            f'text-anchor="{anchor}"{font}{turn}>{_chars(text)}</text>'
        )

    def document(self) -> str:
        """A standalone SVG file."""
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + self.element()

    def element(self) -> str:
        """The <svg> element alone, to embed in HTML."""
        w, h = self.size
        dims = f"width={quoteattr(str(w))} height={quoteattr(str(h))}"
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" {dims} '
            f'viewBox="0 0 {_num(self.width)} {_num(self.height)}" '
            f'font-family="{FONT_STACK}">\n'
            f"<title>{_chars(self.title)}</title>\n" + "\n".join(self.parts) + "\n</svg>\n"
        )
