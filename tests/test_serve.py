"""`journeyctl serve`: the report on localhost, reloaded on save, findings while broken.

Each test runs `journeyctl serve` as a real process on a copy of an example map, talks HTTP
to it as a browser would (and, in the last test, drives a real browser through
tests/js/serve_check.mjs), edits the map file and looks at what is served. Expected pages come
from `journeyctl render -f html`, expected locations from the lines the tests edit.
"""

from __future__ import annotations

import http.client
import json
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import in_chromium

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "tests" / "js"
NAME = "name: Creator workout video"
"""A touchpoint's name line in maps/treadmill.yaml, edited by the tests."""
WAIT_S = 30.0
"""How long a test waits for a reload: generous, as the machine is shared (bench/bench_serve.py
measures the speed)."""


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    map: Path

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])

    def get(self, path: str = "/", host: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT_S)
        try:
            conn.putrequest("GET", path, skip_host=host is not None)  # the path as written
            if host is not None:
                conn.putheader("Host", host)
            conn.endheaders()
            answer = conn.getresponse()
            return answer.status, answer.read().decode("utf-8")
        finally:
            conn.close()

    def edit(self, old: str, new: str) -> None:
        text = self.map.read_text(encoding="utf-8")
        assert old in text
        self.map.write_text(text.replace(old, new, 1), encoding="utf-8")

    def page_after(self, old: str, new: str, expect: str) -> str:
        """The page once it holds `expect`, after replacing `old` with `new` in the map."""
        self.edit(old, new)
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            status, body = self.get()
            if status == 200 and expect in body:
                return body
            time.sleep(0.05)
        raise AssertionError(f"the page never showed {expect!r}: {body[:2000]}")

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a user stops it: the exit code and what it wrote on stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        _, err = self.proc.communicate(timeout=WAIT_S)
        return self.proc.returncode, err


def _copy_example(folder: Path) -> Path:
    shutil.copy(ROOT / "maps" / "treadmill.yaml", folder)
    shutil.copytree(ROOT / "maps" / "catalog", folder / "catalog")
    return folder / "treadmill.yaml"


def start(cwd: Path, *args: str | Path) -> Server:
    """`journeyctl serve ARGS --port 0` in `cwd`, once it prints its URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "journeyctl", "serve", *map(str, args), "--port", "0"],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + WAIT_S
    seen = ""
    while time.monotonic() < deadline and proc.poll() is None:
        if select.select([proc.stderr], [], [], 0.1)[0]:
            seen += proc.stderr.readline()
            if found := re.search(r"serving (http://127\.0\.0\.1:\d+/)", seen):
                return Server(proc, found[1], cwd / Path(args[0]).name)
    proc.kill()
    raise AssertionError(f"no URL on stderr: {seen}{proc.communicate()[1]}")


@pytest.fixture
def served(tmp_path) -> Iterator[Server]:
    """`journeyctl serve treadmill.yaml` on a copy of the example; it must stop cleanly."""
    server = start(tmp_path, _copy_example(tmp_path).name)
    yield server
    code, err = server.stop()
    assert code == 0, err
    assert "Traceback" not in err and "internal error" not in err, err


def _without_script(page: str) -> str:
    """The served page without the reload script injected before `</body>`."""
    script = re.compile(r"<script>\n\(\(\) => \{\n  const route = .*?</script>\n", re.S)
    assert len(script.findall(page)) == 1
    return script.sub("", page)


def test_serves_the_report_as_render_writes_it(served, cli, monkeypatch):
    status, page = served.get()
    assert status == 200
    monkeypatch.chdir(served.map.parent)  # where the server runs: the same paths in the page
    rendered = cli("render", served.map.name, "-f", "html")
    assert rendered.code == 0, rendered.err
    assert "EventSource" in page and "EventSource" not in rendered.out
    assert _without_script(page) == rendered.out


def test_a_save_reloads_breaks_show_findings_and_a_fix_recovers(served):
    stream = http.client.HTTPConnection("127.0.0.1", served.port, timeout=WAIT_S)
    stream.request("GET", "/events")
    events = stream.getresponse()
    assert events.getheader("Content-Type") == "text/event-stream"

    def next_versions() -> dict:
        while not (line := events.readline()).startswith(b"data: "):
            pass
        return json.loads(line[6:])

    assert next_versions() == {"/": 0}
    page = served.page_after(NAME, "name: Creator workout clip", "Creator workout clip")
    assert next_versions() == {"/": 1}
    assert "Creator workout video" not in page
    stream.close()

    # A YAML error: found at the second colon of the name line (counted by hand).
    lines = served.map.read_text(encoding="utf-8").splitlines()
    line = lines.index("    name: Creator workout clip") + 1
    page = served.page_after("name: Creator", "name: Creator:", "JM001")
    row = f"<tr><td>treadmill.yaml</td><td>{line}</td><td>18</td><td>JM001</td><td>error</td>"
    assert row in page, page

    # A schema error whose message quotes the map's text: shown escaped.
    hostile = "name: Creator workout clip\n    '<img src=x onerror=alert(1)>': 1"
    page = served.page_after("name: Creator: workout clip", hostile, "JM010")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page

    # A rule error: a move to a touchpoint that does not exist.
    served.edit("\n    '<img src=x onerror=alert(1)>': 1", "")
    page = served.page_after("product-research: {weight: 2", "nowhere: {weight: 2", "nowhere")
    assert re.search(r"<td>JM\d{3}</td><td>error</td><td>[^<]*`nowhere`", page), page

    served.page_after("nowhere: {weight: 2", "product-research: {weight: 2", "Creator workout clip")


def test_an_include_that_appears_is_read(tmp_path):
    map_path = _copy_example(tmp_path)
    screens = tmp_path / "catalog" / "screens.yaml"
    kept = screens.read_text(encoding="utf-8")
    screens.unlink()
    server = start(tmp_path, map_path.name)
    try:
        status, page = server.get()
        assert status == 200 and "JM020" in page and "catalog/screens.yaml" in page
        screens.write_text(kept, encoding="utf-8")
        deadline = time.monotonic() + WAIT_S
        while "JM020" in page and time.monotonic() < deadline:
            time.sleep(0.05)
            page = server.get()[1]
        assert "JM020" not in page and "Creator workout video" in page
    finally:
        assert server.stop()[0] == 0


def test_serves_nothing_but_its_pages(served):
    for path in (
        "/treadmill.yaml",
        "/catalog/",
        "/catalog/screens.yaml",
        "/../treadmill.yaml",
        "/%2e%2e/treadmill.yaml",
        "/..%2ftreadmill.yaml",
        "/events/../treadmill.yaml",
        "//etc/passwd",
        "/index.html",
        "/map/1",
    ):
        status, body = served.get(path)
        assert (status, body) == (404, "not found\n"), path
    # a page elsewhere that renamed itself to this address (DNS rebinding) gets nothing
    status, body = served.get("/", host=f"attacker.example:{served.port}")
    assert status == 403 and "journey" not in body.lower()
    assert served.get("/", host=f"localhost:{served.port}")[0] == 200


def test_several_maps_get_an_index(tmp_path):
    first = _copy_example(tmp_path)
    second = tmp_path / "mobile-network.yaml"
    shutil.copy(ROOT / "maps" / "mobile-network.yaml", second)
    server = start(tmp_path, first.name, second.name)
    try:
        index = server.get("/")[1]
        assert re.search(r'<a href="/map/1">Home treadmill purchase</a>', index), index
        assert re.search(r'<a href="/map/2">[^<]+</a>', index)
        assert "Creator workout video" in server.get("/map/1")[1]
        assert "Creator workout video" not in server.get("/map/2")[1]
    finally:
        assert server.stop()[0] == 0


def test_unusable_start_is_a_clear_error(cli, tmp_path):
    map_path = _copy_example(tmp_path)
    missing = cli("serve", tmp_path / "nope.yaml", "--port", "0")
    assert missing.code == 2 and "nope.yaml: no such file" in missing.err
    persona = cli("serve", map_path, "--persona", "nobody", "--port", "0")
    assert persona.code == 2 and "unknown persona 'nobody'" in persona.err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = cli("serve", map_path, "--port", str(port))
    assert busy.code == 2 and f"cannot serve on 127.0.0.1:{port}" in busy.err
    assert "--port" in busy.err and "Traceback" not in busy.err


def test_ctrl_c_stops_cleanly_with_a_page_open(served):
    stream = http.client.HTTPConnection("127.0.0.1", served.port, timeout=WAIT_S)
    stream.request("GET", "/events")
    stream.getresponse().readline()
    code, err = served.stop()
    stream.close()
    assert code == 0 and "stopped" in err and "Traceback" not in err


def test_the_browser_shows_each_save(served, tmp_path):
    """Headless Chromium: the page follows an edit, a break and a fix by itself."""
    missing = [w for w, ok in (("chromium", Path("/usr/bin/chromium").exists()),
                               ("node", shutil.which("node") is not None),
                               ("playwright-core", (JS / "node_modules/playwright-core").exists()))
               if not ok]  # fmt: skip
    assert not missing, f"missing {', '.join(missing)}: run scripts/setup.d/render.sh"
    hostile = "name: Creator workout clip\n    '<img src=x>': 1"
    steps = [
        (NAME, "name: Creator workout clip", "Creator workout clip", None),
        ("name: Creator workout clip", "name: Creator: workout clip", "JM001", None),
        ("name: Creator: workout clip", hostile, "<img src=x>", "main img"),
        ("\n    '<img src=x>': 1", "", "Creator workout clip", None),
    ]
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "url": served.url,
                "file": str(served.map),
                "steps": [
                    {"find": f, "replace": r, "expect": e, "selector": s} for f, r, e, s in steps
                ],
            }
        ),
        encoding="utf-8",
    )
    result = in_chromium("serve_check.mjs", plan)
    assert [s["ok"] for s in result["steps"]] == [True] * len(steps), result
    assert all(s["loads"] >= 1 for s in result["steps"]), result  # it reloaded by itself
    assert result["steps"][2]["selectorCount"] == 0  # the quoted tag is text, not an element
    assert result["pageErrors"] == [] and result["consoleErrors"] == []
    assert result["requests"] == []
