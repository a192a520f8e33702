"""Paper: ISO 216 pages, a drawing fitted and centred on one, and its SVG, PDF and PNG.

A view is drawn at its natural size (an SVG in points); the page is chosen so that its
smallest text prints at `MIN_TEXT_PT` or more (from the default page up to A0, unless the
caller names the page), and the drawing is scaled to fit inside the margins and centred.
The PDF is exactly the page (its MediaBox in points), the PNG the page at `dpi` with its
resolution recorded; neither carries a date, so the same drawing gives the same bytes.
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeyctl.core.errors import RequestError

if TYPE_CHECKING:
    from PIL import Image

ISO_216_MM = {
    "a4": (210, 297),
    "a3": (297, 420),
    "a2": (420, 594),
    "a1": (594, 841),
    "a0": (841, 1189),
}
"""ISO 216 A sizes, short side by long side, in millimetres."""

DEFAULT_PAGE = "a3"
ORIENTATIONS = ("auto", "landscape", "portrait")
MARGIN_MM = 10
MIN_TEXT_PT = 9.0
DEFAULT_DPI = 300
MAX_PIXELS = 36_000_000
"""The largest PNG drawn (A2 at 300 dpi is 34.8 million pixels): larger pages get a lower
default resolution, and a `--dpi` beyond it is refused (a bitmap that size needs GiBs)."""

PT_PER_MM = 72 / 25.4
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_UNIT_PT = {"pt": 1.0, "px": 0.75, "": 0.75, "in": 72.0, "mm": PT_PER_MM, "cm": 10 * PT_PER_MM}


@dataclass(frozen=True)
class Page:
    """A sheet of paper as it is held: its name and size in millimetres."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def orientation(self) -> str:
        return "landscape" if self.width_mm >= self.height_mm else "portrait"

    @property
    def width(self) -> float:
        """Width in inches."""
        return self.width_mm / 25.4

    @property
    def height(self) -> float:
        """Height in inches."""
        return self.height_mm / 25.4

    @property
    def graphviz_size(self) -> str:
        """Graphviz `size` that scales a drawing to fill the page."""
        return f"{self.width:.2f},{self.height:.2f}!"

    @property
    def label(self) -> str:
        """`A3 landscape`: for people, and a CSS `@page` size."""
        return f"{self.name.upper()} {self.orientation}"

    @property
    def area(self) -> tuple[float, float]:
        """Width and height inside the margins, in points."""
        return (
            (self.width_mm - 2 * MARGIN_MM) * PT_PER_MM,
            (self.height_mm - 2 * MARGIN_MM) * PT_PER_MM,
        )


def sheet(name: str, orientation: str = "landscape") -> Page:
    """The page `name` (a4 … a0) held `landscape` or `portrait`."""
    short, long = ISO_216_MM[name]
    return Page(name, long, short) if orientation == "landscape" else Page(name, short, long)


PAGES = {name: sheet(name) for name in ISO_216_MM}
"""Every page by name, landscape."""


@dataclass(frozen=True)
class Drawing:
    """An SVG drawing at its natural size: width, height and smallest text in points."""

    root: ET.Element
    width: float
    height: float
    smallest_text: float


def measure(svg: str | bytes) -> Drawing:
    """The drawing in `svg`: its size, and its smallest font size after every transform."""
    root = ET.fromstring(svg.encode("utf-8") if isinstance(svg, str) else svg)
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = root.get("viewBox")
    scale = width / float(re.split(r"[\s,]+", box.strip())[2]) if box else 0.75
    sizes = list(_text_sizes(root, scale, 16.0))
    return Drawing(root, width, height, min(sizes, default=math.inf))


def _length(value: str | None) -> float:
    found = re.fullmatch(r"\s*([\d.]+)\s*([a-z]*)\s*", value or "")
    if not found or found[2] not in _UNIT_PT:
        raise ValueError(f"an SVG length this module cannot read: {value!r}")
    return float(found[1]) * _UNIT_PT[found[2]]


def _text_sizes(node: ET.Element, scale: float, size: float):
    """The printed size (points) of every piece of text below `node`."""
    scale *= _transform_scale(node.get("transform", ""))
    if node.get("font-size"):
        size = float(re.match(r"[\d.]+", node.get("font-size"))[0])
    if node.tag in (f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}tspan") and (node.text or "").strip():
        yield size * scale
    for child in node:
        if child.tag != f"{{{SVG_NS}}}title":
            yield from _text_sizes(child, scale, size)


def _transform_scale(transform: str) -> float:
    """How much an SVG `transform` enlarges lengths (rotations and moves do not)."""
    factor = 1.0
    for name, args in re.findall(r"(\w+)\s*\(([^)]*)\)", transform):
        v = [float(a) for a in re.split(r"[\s,]+", args.strip()) if a]
        if name == "scale":
            factor *= math.sqrt(abs(v[0] * (v[1] if len(v) > 1 else v[0])))
        elif name == "matrix":
            factor *= math.sqrt(abs(v[0] * v[3] - v[1] * v[2]))
    return factor


@dataclass(frozen=True)
class Placed:
    """A drawing fitted on a page: scaled by `scale` and centred inside the margins."""

    drawing: Drawing
    page: Page
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def scale(self) -> float:
        w, h = self.page.area
        return min(w / self.drawing.width, h / self.drawing.height)

    @property
    def smallest_text(self) -> float:
        return self.drawing.smallest_text * self.scale

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Where the drawing lands: left, top, width, height in points from the page's
        top-left corner."""
        w, h = self.drawing.width * self.scale, self.drawing.height * self.scale
        return (
            (self.page.width_mm * PT_PER_MM - w) / 2,
            (self.page.height_mm * PT_PER_MM - h) / 2,
            w,
            h,
        )

    def svg(self) -> str:
        """The page as an SVG document sized in millimetres, its viewBox in points."""
        width, height = self.page.width_mm * PT_PER_MM, self.page.height_mm * PT_PER_MM
        inner = self.drawing.root
        box = inner.get("viewBox")
        vx, vy, vw, _ = (
            (float(v) for v in re.split(r"[\s,]+", box.strip())) if box else (0, 0, 0, 0)
        )
        unit = self.drawing.width / vw if box else 0.75  # drawing points per user unit
        x, y, _, _ = self.box
        k = self.scale * unit
        page = ET.Element(
            "svg",
            {
                "xmlns": SVG_NS,
                "xmlns:xlink": XLINK_NS,
                "width": f"{_num(self.page.width_mm)}mm",
                "height": f"{_num(self.page.height_mm)}mm",
                "viewBox": f"0 0 {_num(width)} {_num(height)}",
            },
        )
        ET.SubElement(
            page,
            "rect",
            {"width": _num(width), "height": _num(height), "fill": "#FFFFFF"},
        )
        attrs = {"transform": f"translate({_num(x)} {_num(y)}) scale({_num(k)})"}
        if vx or vy:
            attrs["transform"] += f" translate({_num(-vx)} {_num(-vy)})"
        attrs.update({a: v for a, v in inner.attrib.items() if a.startswith("font")})
        group = ET.SubElement(page, "g", attrs)
        group.extend(_unqualified(child) for child in inner)
        body = ET.tostring(page, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"

    def pdf(self, drawing_pdf: bytes) -> bytes:
        """`drawing_pdf` (one page, the drawing at any size) scaled and centred on the page."""
        from pypdf import PdfWriter, Transformation
        from pypdf.generic import RectangleObject

        writer = PdfWriter(clone_from=io.BytesIO(drawing_pdf))
        page = writer.pages[0]
        x, y, w, h = self.box
        width, height = self.page.width_mm * PT_PER_MM, self.page.height_mm * PT_PER_MM
        k = w / float(page.mediabox.width)
        page.add_transformation(Transformation().scale(k, k).translate(x, height - y - h))
        page.mediabox = RectangleObject([0, 0, width, height])
        page.compress_content_streams()
        writer.metadata = {"/Producer": "journeyctl"}  # no dates: same drawing, same bytes
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    def png(self, drawing: bytes | Image.Image, dpi: int) -> bytes:
        """`drawing` (a PNG or an image, drawn at `scale` and `dpi`) centred on the page at
        `dpi`, the resolution recorded in the PNG."""
        from PIL import Image

        size = tuple(round(mm / 25.4 * dpi) for mm in (self.page.width_mm, self.page.height_mm))
        canvas = Image.new("RGB", size, "#FFFFFF")
        drawn = Image.open(io.BytesIO(drawing)) if isinstance(drawing, bytes) else drawing
        x, y, w, h = (v / 72 * dpi for v in self.box)
        left = round(x + (w - drawn.width) / 2)
        top = round(y + (h - drawn.height) / 2)
        canvas.paste(drawn, (left, top), drawn.convert("RGBA") if drawn.mode != "RGB" else None)
        out = io.BytesIO()
        canvas.save(out, format="PNG", dpi=(dpi, dpi))
        return out.getvalue()


def place(
    draw: Callable[[Page], Drawing], page: str | None = None, orientation: str | None = None
) -> Placed:
    """The drawing on its page: `page` as asked (warned when its text prints under
    `MIN_TEXT_PT`), else the default page or, when the text would print smaller there, the
    first larger page where it does not (up to A0). `draw(page)` draws for a page (a
    drawing that does not depend on the page may ignore it). Orientation `auto` (the
    default) takes whichever way round prints the text larger, landscape on a tie."""
    names = list(ISO_216_MM)[::-1]  # a0 … a4
    tried = [page] if page else names[names.index(DEFAULT_PAGE) :: -1]
    turns = [orientation] if orientation and orientation != "auto" else ["landscape", "portrait"]
    first: Placed | None = None
    for name in tried:
        best = max(
            (Placed(draw(sheet(name, t)), sheet(name, t)) for t in turns),
            key=lambda p: round(p.smallest_text, 2),  # a tie (to 0.01 pt) stays landscape
        )
        first = first or best
        if best.smallest_text >= MIN_TEXT_PT:
            break
    small = f"{first.smallest_text:.1f} pt, under the {MIN_TEXT_PT:g} pt minimum"
    if page and first.smallest_text < MIN_TEXT_PT:
        return Placed(
            first.drawing,
            first.page,
            warnings=(
                f"the smallest text on {first.page.label} prints at {small}; "
                + _larger_page_hint(draw, page, turns),
            ),
        )
    if best is first:
        return best
    if best.smallest_text < MIN_TEXT_PT:
        too = f"{best.smallest_text:.1f} pt on A0"
        return Placed(
            best.drawing,
            best.page,
            warnings=(f"the map is too large for 9 pt text on any page ({too}); split it",),
        )
    return Placed(
        best.drawing,
        best.page,
        notes=(
            f"drawn on {best.page.label}: on {first.page.label} the smallest text would print "
            f"at {small} (--page {first.page.name} keeps {first.page.name.upper()})",
        ),
    )


def _larger_page_hint(draw: Callable[[Page], Drawing], page: str, turns: list[str]) -> str:
    names = list(ISO_216_MM)[::-1]
    for name in names[names.index(page) - 1 :: -1] if page != "a0" else ():
        if (
            max(Placed(draw(sheet(name, t)), sheet(name, t)).smallest_text for t in turns)
            >= MIN_TEXT_PT
        ):
            return f"--page {name} prints it at {MIN_TEXT_PT:g} pt or more"
    return "no page up to A0 prints it at 9 pt"


def png_dpi(page: Page, dpi: int | None) -> tuple[int, tuple[str, ...]]:
    """The PNG's resolution: `dpi` as asked (refused when the page would pass
    `MAX_PIXELS`), else `DEFAULT_DPI`, lowered for pages that large (with a note)."""
    most = math.floor(math.sqrt(MAX_PIXELS / (page.width * page.height)))
    if dpi is not None:
        if dpi > most:
            raise RequestError(
                f"--dpi {dpi} on {page.label} makes a PNG of "
                f"{round(page.width * dpi) * round(page.height * dpi) / 1e6:.0f} million pixels; "
                f"use at most --dpi {most} there, a smaller --page, or pdf"
            )
        return dpi, ()
    if most >= DEFAULT_DPI:
        return DEFAULT_DPI, ()
    return most, (f"PNG at {most} dpi on {page.label} (--dpi sets it, up to {most})",)


def svg_pdf(svg: str) -> bytes:
    """A PDF of an SVG document at its own size (cairosvg)."""
    import cairosvg

    return cairosvg.svg2pdf(bytestring=svg.encode("utf-8"))


def svg_image(svg: str, dpi: float) -> Image.Image:
    """An SVG document drawn at its own size and `dpi` on white (cairosvg), as an image
    (cairo's pixels handed over as they are: no PNG written and read back)."""
    from cairosvg.parser import Tree
    from cairosvg.surface import PNGSurface
    from PIL import Image

    drawn = PNGSurface(Tree(bytestring=svg.encode("utf-8")), None, dpi, background_color="white")
    pixels = drawn.cairo
    pixels.flush()
    size = (pixels.get_width(), pixels.get_height())
    return Image.frombuffer(
        "RGB", size, bytes(pixels.get_data()), "raw", "BGRX", pixels.get_stride()
    )


def _unqualified(node: ET.Element) -> ET.Element:
    """A copy of `node` with its names written as the page's root declares them: SVG's as
    the default namespace, XLink's with the `xlink:` prefix."""
    attrs = {k.replace(f"{{{XLINK_NS}}}", "xlink:"): v for k, v in node.attrib.items()}
    copy = ET.Element(node.tag.replace(f"{{{SVG_NS}}}", ""), attrs)
    copy.text, copy.tail = node.text, node.tail
    copy.extend(_unqualified(child) for child in node)
    return copy


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
