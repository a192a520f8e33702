"""The real CLI in a subprocess: reports on stdout, plain when piped and rich on a terminal;
`--version`; shell completion; the progress indicator only on a terminal."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MAPS, ROOT

from journeyctl import __version__
from journeyctl.templates import templates

TREADMILL = MAPS / "treadmill.yaml"
RECEIPT = ROOT / "tests" / "data" / "eventlog" / "receipt.csv"
MINIMAL = ROOT / "tests" / "cases" / "valid" / "minimal.yaml"
ANSI = re.compile(r"\x1b\[[\d;?]*[A-Za-z]")
COLOUR = re.compile(r"\x1b\[(?:\d+;)*3[0-8][;m]")  # a foreground colour
PTY = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals")
LONG_STAGE = "a-stage-that-nobody-declared-anywhere-in-this-map-so-the-message-is-long"


def _env(**extra: str) -> dict[str, str]:
    """The environment of a user with a colour terminal, whatever the test runner's is."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    return {**env, "TERM": "xterm-256color", **extra}


def piped(*args: str | Path, **env: str) -> subprocess.CompletedProcess:
    """journeyctl with stdout and stderr piped."""
    argv = [sys.executable, "-m", "journeyctl", *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, env=_env(**env), cwd=ROOT)


def in_terminal(*args: str | Path, code: str | None = None, **env: str) -> str:
    """What journeyctl (or the Python `code`) shows on a 60-column pseudo-terminal."""
    argv = [sys.executable, *(["-c", code] if code else ["-m", "journeyctl"]), *map(str, args)]
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        argv, stdin=follower, stdout=follower, stderr=follower, cwd=ROOT,
        env=_env(COLUMNS="60", **env),
    )  # fmt: skip
    os.close(follower)
    chunks, deadline = [], time.monotonic() + 60
    while time.monotonic() < deadline:
        if select.select([leader], [], [], 1)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=10) in (0, 1)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.fixture(scope="module")
def long_finding(tmp_path_factory) -> Path:
    """A map whose one finding has a message well over 80 characters."""
    path = tmp_path_factory.mktemp("long") / "long.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    path.write_text(text.replace("{id: buy, stage: purchase", "{id: buy, stage: " + LONG_STAGE))
    return path


def _assert_plain(out: str) -> list[str]:
    """`out` is plain text: no escape codes, no line ending in a space; its lines."""
    assert "\x1b" not in out
    lines = out.splitlines()
    assert lines and not [line for line in lines if line.endswith(" ")]
    return lines


def _on_one_line(text: str, lines: list[str]) -> bool:
    return any(text in line for line in lines)


# --- piped: the report on stdout, plain ------------------------------------------------------


def test_validate_text_is_plain_on_stdout(long_finding):
    r = piped("validate", long_finding)
    assert r.returncode == 1 and r.stderr == ""
    lines = _assert_plain(r.stdout)
    [finding] = json.loads(piped("validate", long_finding, "-f", "json").stdout)["findings"]
    assert len(finding["message"]) > 80 and _on_one_line(finding["message"], lines)
    assert _on_one_line(finding["hint"], lines)


def test_gaps_text_is_plain_on_stdout_with_whole_headers():
    r = piped("gaps", TREADMILL)
    assert r.returncode == 0 and r.stderr == ""
    lines = _assert_plain(r.stdout)
    header = next(line for line in lines if line.startswith("persona"))
    assert header.split()[-2:] == ["silos", "dropoff"] and " measurement " in header
    assert "…" not in r.stdout
    gaps = json.loads(piped("gaps", TREADMILL, "-f", "json").stdout)["gaps"]
    assert max(len(g["message"]) for g in gaps) > 80
    for g in gaps:
        assert _on_one_line(g["message"], lines), g["message"]
        assert _on_one_line(f"do: {g['recommendation']}", lines)


def test_simulate_text_is_plain_on_stdout():
    args = ("simulate", TREADMILL, "-n", "2000", "--seed", "3", "--top", "25")
    r = piped(*args)
    assert r.returncode == 0 and r.stderr == ""
    lines = _assert_plain(r.stdout)
    personas = json.loads(piped(*args, "-f", "json").stdout)["personas"]
    paths = [" → ".join([*p["path"], p["outcome"]]) for s in personas for p in s["top_paths"]]
    assert max(map(len, paths)) > 60
    for path in paths:
        assert _on_one_line(path, lines), path


def test_discover_text_is_plain_on_stdout():
    r = piped("discover", RECEIPT, "--top", "5")
    assert r.returncode == 0 and r.stderr == ""
    lines = _assert_plain(r.stdout)
    [summary] = [line for line in lines if line.startswith(str(RECEIPT))]
    assert len(summary) > 80 and summary.endswith("Z")


def test_rules_and_templates_are_plain_on_stdout():
    r = piped("rules")
    assert r.returncode == 0 and r.stderr == ""
    lines = _assert_plain(r.stdout)
    summaries = [c["summary"] for c in json.loads(piped("rules", "-f", "json").stdout)]
    assert max(map(len, summaries)) > 80
    for summary in summaries:
        assert _on_one_line(summary, lines), summary
    r = piped("templates")
    assert r.returncode == 0 and r.stderr == ""
    lines = _assert_plain(r.stdout)
    for t in templates().values():
        assert _on_one_line(t.summary, lines), t.summary


def test_diff_text_is_plain_on_stdout(tmp_path):
    name = "A minimal journey with a name long enough to run past eighty columns when diffed"
    new = tmp_path / "new.yaml"
    new.write_text(MINIMAL.read_text().replace("Minimal journey", name), encoding="utf-8")
    r = piped("diff", MINIMAL, new)
    assert r.returncode == 0 and r.stderr == ""
    lines = _assert_plain(r.stdout)
    assert _on_one_line(f'name: "Minimal journey" → "{name}"', lines)


def test_force_color_colours_a_pipe_without_wrapping_it():
    r = piped("gaps", TREADMILL, FORCE_COLOR="1")
    assert "\x1b[" in r.stdout
    lines = ANSI.sub("", r.stdout).splitlines()
    assert not [line for line in lines if line.endswith(" ")]
    assert _on_one_line("review-article (Third-party treadmill review) is not measured", lines)


def test_a_report_written_with_o_is_plain(tmp_path):
    out = tmp_path / "gaps.txt"
    assert piped("gaps", TREADMILL, "-o", out, FORCE_COLOR="1").returncode == 0
    text = out.read_text(encoding="utf-8")
    _assert_plain(text)
    assert text == piped("gaps", TREADMILL).stdout


# --- on a terminal: rich ---------------------------------------------------------------------


@PTY
def test_a_terminal_gets_colour_and_wrapping():
    shown = in_terminal("gaps", TREADMILL)
    assert "\x1b[33m" in shown  # warnings in yellow
    lines = ANSI.sub("", shown).splitlines()
    assert max(map(len, lines)) <= 60
    assert not _on_one_line("review-article (Third-party treadmill review) is not measured", lines)


@PTY
def test_no_color_is_honoured_on_a_terminal(long_finding):
    assert COLOUR.search(in_terminal("validate", long_finding))
    assert not COLOUR.search(in_terminal("validate", long_finding, NO_COLOR="1"))


PROGRESS_NOW = "import journeyctl.cli.progress as p; p.DELAY = 0; from journeyctl.cli import main; "


@PTY
def test_progress_shows_on_a_terminal_and_leaves_the_report():
    code = PROGRESS_NOW + f"main(['simulate', {str(TREADMILL)!r}, '-n', '200000'])"
    shown = in_terminal(code=code)
    assert "simulating" in shown and "Outcome" in shown


def test_progress_never_shows_on_a_pipe():
    code = PROGRESS_NOW + f"main(['simulate', {str(TREADMILL)!r}, '-n', '200000', '-f', 'json'])"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env())
    assert r.returncode == 0 and r.stderr == ""
    assert json.loads(r.stdout)["personas"]


# --- --version and shell completion ----------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag):
    r = piped(flag)
    assert r.returncode == 0 and r.stdout == f"journeyctl {__version__}\n" and r.stderr == ""


def test_the_version_is_the_installed_package_version():
    from importlib.metadata import version

    assert version("journeyctl") == __version__  # one source: pyproject reads __version__


def complete(shell: str, line: str) -> list[str]:
    """What journeyctl offers `shell` for the command `line` (the last word being completed)."""
    env = {"_JOURNEYCTL_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        words = line.split() + ([""] if line.endswith(" ") else [])
        env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        env |= {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    r = piped(**env)
    assert r.returncode == 0, r.stderr
    return re.findall(r'"([^"]*)"', r.stdout) if shell == "zsh" else r.stdout.split()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_offers_the_formats_and_views(shell):
    formats = complete(shell, "journeyctl render x.yaml --format ")
    assert {"svg", "png", "pdf", "dot", "mermaid", "html"} <= set(formats)
    assert complete(shell, "journeyctl render x.yaml --view ") == ["flow", "swimlane", "emotion"]
    assert complete(shell, "journeyctl render x.yaml --format me") == ["mermaid"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell):
    r = piped(_JOURNEYCTL_COMPLETE=f"source_{shell}")
    assert r.returncode == 0 and "_JOURNEYCTL_COMPLETE" in r.stdout
