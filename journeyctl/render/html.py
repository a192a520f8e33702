"""Self-contained HTML: the page chrome other reports (e.g. gaps) share.

Pages load nothing: the CSS is inline, diagrams are inline SVG, no external fonts. The workshop
report (`journeyctl.report`) builds on `base_css` and `inline_svg`.
"""

from __future__ import annotations

from html import escape

from journeyctl.render import style
from journeyctl.render.paper import Page

CSS = """
:root { --ink: #222; --muted: #666; --line: #bbb; }
* { box-sizing: border-box; }
body { margin: 0; font-family: %(font)s; color: var(--ink); background: #fff; line-height: 1.4; }
main { max-width: 1600px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 16px 0 4px; }
p.lead { color: var(--muted); max-width: 70em; }
.note { background: #FFF4D6; border-left: 4px solid #E69F00; padding: 8px 12px; }
dl.counts { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 12px 0; }
dl.counts div { min-width: 8em; }
dl.counts dt { color: var(--muted); font-size: 13px; }
dl.counts dd { margin: 0; font-size: 22px; font-weight: bold; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%%; height: auto; }
table { border-collapse: collapse; }
table.data th, table.data td {
  border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } }
"""


def base_css(paper: Page | None = None) -> str:
    """The shared style sheet, with an `@page` size for printing on `paper` when given."""
    css = CSS % {"font": style.FONT_STACK}
    if paper is not None:
        css += f"@page {{ size: {paper.name.upper()} landscape; margin: 10mm; }}\n"
    return css


def page(title: str, body_html: str, paper: Page | None = None) -> str:
    """A complete, self-contained HTML document around `body_html` (already HTML)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{base_css(paper)}</style>\n</head>\n<body>\n"
        f"<main>\n{body_html}\n</main>\n<footer>Made with journeyctl</footer>\n</body>\n</html>\n"
    )


def inline_svg(svg: str) -> str:
    """A standalone SVG file (e.g. from Graphviz) as an element to put in HTML."""
    return svg[svg.index("<svg") :]
