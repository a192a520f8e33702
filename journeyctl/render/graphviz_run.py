"""Running Graphviz's `dot` to turn a graph into SVG, PNG or PDF, or explaining its absence."""

from __future__ import annotations

import shutil

from journeyctl.core.errors import InputError, RequestError

INSTALL_HINT = (
    "Graphviz's `dot` program is not installed (needed for svg, png and pdf); install it with "
    "`apt-get install graphviz` (Debian, Ubuntu) or `brew install graphviz` (macOS). "
    "The dot, mermaid and html formats work without it."
)


def have_dot() -> bool:
    return shutil.which("dot") is not None


def run_dot(graph, fmt: str, dpi: float | None = None) -> bytes:
    """`graph` (a graphviz.Digraph) laid out by `dot` as `fmt` (svg, png or pdf); a png at
    `dpi` pixels per inch (Graphviz's own scale included)."""
    import graphviz

    if not have_dot():
        raise RequestError(INSTALL_HINT)
    if dpi is not None:
        graph = graph.copy()
        graph.attr(dpi=f"{dpi:.4f}")
    try:
        return graph.pipe(format=fmt, quiet=True)
    except graphviz.ExecutableNotFound:
        raise RequestError(INSTALL_HINT) from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip()
        raise InputError(f"Graphviz failed to draw the map: {detail or exc}") from None
