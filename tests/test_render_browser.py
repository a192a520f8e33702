"""`journeyctl render` output in a real browser: the HTML report loads in headless Chromium
with no errors and no requests (the Mermaid diagrams: tests/test_render_mermaid.py).

Needs what scripts/setup.d/render.sh installs: Chromium, Node and tests/js/node_modules.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "tests" / "js"
MAPS = [*sorted((ROOT / "maps").glob("*.yaml")), ROOT / "tests" / "data" / "render" / "tricky.yaml"]


@pytest.fixture(scope="module")
def browser():
    """Run tests/js/browser_check.mjs; fails (not skips) when the setup has not been run."""
    missing = [
        what
        for what, ok in (
            ("chromium", Path("/usr/bin/chromium").exists()),
            ("node", shutil.which("node") is not None),
            ("mermaid", (JS / "node_modules/mermaid/dist/mermaid.min.js").exists()),
            ("playwright-core", (JS / "node_modules/playwright-core").exists()),
        )
        if not ok
    ]
    assert not missing, f"missing {', '.join(missing)}: run scripts/setup.d/render.sh"

    def run(*args: str | Path):
        r = subprocess.run(
            ["node", str(JS / "browser_check.mjs"), *map(str, args)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

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
