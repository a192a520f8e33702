"""The documentation shows real output: every `$ journeyctl …` session in it is run and compared.

A session is a fenced block whose lines start with `$ journeyctl`; the lines after a command,
up to the next command or the end of the block, are what it prints (stdout and stderr as a
terminal shows them, piped here: no colour, no wrapping). `...` on a line of its own stands
for any number of lines, `(exit N)` for the exit code (0 when absent). The commands of a page
run in order in a scratch folder of its own that holds copies of `maps/`, `tests/`,
`scenarios/` and `.journeyctl.yaml` (the maps' budgets), so a page can create files and use
them later. Python blocks in docs/library.md are run too.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT

PAGES = ("README.md", "docs/tour.md", "docs/whatif.md")
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.S | re.M)
EXIT = re.compile(r"^\(exit (\d+)\)$")


@dataclass
class Command:
    line: int
    argv: list[str]
    expected: list[str] = field(default_factory=list)
    code: int = 0


def sessions(page: Path) -> list[Command]:
    """Every `$ journeyctl` command of `page`, with the output it shows."""
    text = page.read_text(encoding="utf-8")
    commands: list[Command] = []
    for block in FENCE.finditer(text):
        first = text.count("\n", 0, block.start(1)) + 1
        current = None
        for i, raw in enumerate(block.group(1).splitlines()):
            if raw.startswith("$ journeyctl"):
                current = Command(first + i, shlex.split(raw[2:]))
                commands.append(current)
            elif current is not None and (m := EXIT.match(raw)):
                current.code = int(m.group(1))
            elif current is not None:
                current.expected.append(raw.rstrip())
    return commands


def matches(expected: list[str], actual: list[str]) -> bool:
    """`actual` equals `expected`, where a `...` line stands for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


@pytest.fixture
def scratch(tmp_path) -> Path:
    root = tmp_path
    shutil.copytree(ROOT / "maps", root / "maps")
    shutil.copytree(
        ROOT / "tests", root / "tests", ignore=shutil.ignore_patterns("js", "__pycache__")
    )
    shutil.copytree(ROOT / "scenarios", root / "scenarios")
    shutil.copy(ROOT / ".journeyctl.yaml", root)  # the bundled maps' budgets
    return root


def _run(command: Command, cwd: Path) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    proc = subprocess.run(
        [sys.executable, "-m", "journeyctl", *command.argv[1:]],
        cwd=cwd,
        env={**env, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    return proc.returncode, [line.rstrip() for line in proc.stdout.splitlines()]


@pytest.mark.parametrize("page", PAGES)
def test_sessions_show_real_output(page: str, scratch: Path):
    commands = sessions(ROOT / page)
    assert commands, f"{page} shows no `$ journeyctl` session"
    for command in commands:
        code, lines = _run(command, scratch)
        where = f"{page}:{command.line}: {shlex.join(command.argv)}"
        assert code == command.code, f"{where}: exit {code}\n" + "\n".join(lines)
        assert matches(command.expected, lines), f"{where} printed:\n" + "\n".join(lines)


def test_the_library_example_runs(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    for block in re.findall(r"```python\n(.*?)```", (ROOT / "docs/library.md").read_text(), re.S):
        exec(compile(block, "docs/library.md", "exec"), {})
    assert "exact conversion" in capsys.readouterr().out


def test_matching_rules():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "..."], ["a"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert not matches(["a"], ["a", "extra"])
