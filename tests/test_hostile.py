"""Hostile inputs: each gives a located error and exit 1 or 2, never a traceback, within bounded
CPU time and memory (enforced with resource limits on a real `journeyctl` process)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from conftest import run_limited

CPU_SECONDS = 2


def _alias_bomb() -> bytes:
    lines = ["journeyctl: 1", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return ("\n".join(lines) + "\n").encode()


def _big_mapping() -> bytes:
    return b"journeyctl: 1\n" + b"".join(b"key%d: value %d\n" % (i, i) for i in range(400_000))


HOSTILE = {
    "alias-bomb": (_alias_bomb(), "JM005"),
    "deep-nesting": (b"[" * 10_000 + b"]" * 10_000 + b"\n", "JM005"),
    "deep-nesting-100": (b"[" * 100 + b"]" * 100 + b"\n", "JM005"),
    "python-tag": (b"journeyctl: 1\nx: !!python/object/apply:os.system ['echo pwned']\n", "JM004"),
    "invalid-utf8": (b"journeyctl: 1\nname: caf\xe9\n", "JM006"),
    "random-bytes": (random.Random(7).randbytes(4096), "JM00"),
    "7mb-mapping": (_big_mapping(), "JM005"),
    "empty": (b"", "JM007"),
    "top-level-list": (b"- journeyctl: 1\n- b\n", "JM007"),
    "top-level-scalar": (b"just a sentence\n", "JM007"),
    "tabs": (b"journeyctl: 1\nchannels:\n\t- id: web\n", "JM001"),
    "unclosed-flow-mapping": (b"journeyctl: 1\nchannels: [{id: web, name: Web\n", "JM001"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_a_located_error(tmp_path: Path, name: str):
    data, code = HOSTILE[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(data)
    if name == "7mb-mapping":
        assert len(data) > 7_000_000
    proc = run_limited("validate", path, "--format", "json", cwd=tmp_path, cpu=CPU_SECONDS)
    assert proc.code in (1, 2), proc.err
    assert f'"code": "{code}' in proc.out  # random bytes: any source rule (JM00x)
    assert re.search(r'"line": \d+', proc.out) and f'"file": "{name}.yaml"' in proc.out


def test_alias_bomb_message_names_the_limit(cli, tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_bytes(HOSTILE["alias-bomb"][0])
    result = cli("validate", path)
    assert result.code == 1
    assert re.search(
        r"bomb\.yaml\n\s+\d+:\d+\s+error\s+JM005 resource-limit\s+more than", result.out
    )


def test_tab_error_points_at_the_tab_with_a_hint(cli, tmp_path):
    path = tmp_path / "tabs.yaml"
    path.write_bytes(HOSTILE["tabs"][0])
    result = cli("validate", path)
    assert "3:1" in result.out and "indent with spaces" in result.out
