"""`journeyctl render` output in a real browser: the HTML report loads in headless Chromium
with no errors and no requests (the Mermaid diagrams: tests/test_render_mermaid.py).

Needs what scripts/setup.d/render.sh installs: Chromium, Node and tests/js/node_modules.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import in_chromium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
MAPS = [*sorted((ROOT / "maps").glob("*.yaml")), ROOT / "tests" / "data" / "render" / "tricky.yaml"]


@pytest.fixture(scope="module")
def browser():
    """Run tests/js/browser_check.mjs (mermaid FILE... or html FILE PNG)."""

    def run(*args: str | Path):
        return in_chromium("browser_check.mjs", *args, mermaid=True)

    return run


@pytest.mark.parametrize("path", MAPS, ids=[p.stem for p in MAPS])
def test_html_report_loads_cleanly(cli, browser, tmp_path, path):
    page = tmp_path / "report.html"
    shot = tmp_path / "report.png"
    r = cli("render", path, "-f", "html", "--simulate", "-o", page)
    assert r.code == 0, r.err
    result = browser("html", page, shot)
    assert result["requests"] == []
    assert result["pageErrors"] == []
    assert [m for m in result["console"] if m["type"] in ("error", "warning")] == []
    with Image.open(shot) as im:
        assert im.height > 1000
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50  # None: more colours than counted


def test_html_check_catches_a_request(browser, tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text('<img src="http://127.0.0.1:9/x.png"><script>console.error("x")</script>')
    result = browser("html", page, tmp_path / "leaky.png")
    assert result["requests"] == ["http://127.0.0.1:9/x.png"]
    assert any(m["type"] == "error" for m in result["console"])
