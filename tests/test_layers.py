"""The package layering stays true: every import runs downwards (read from the source, by ast).

Each part of journeyctl may import only the parts listed for it in `ALLOWED`; a part not
listed there is an error, so a new subpackage has to take its place in the layering.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "journeyctl"

ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "lint": {"core"},
    "markov": {"core"},
    "eventlog": {"core", "markov"},
    "render": {"core", "markov"},
    "gaps": {"core", "markov", "eventlog", "render"},
    "diff": {"core", "lint"},
    "whatif": {"core", "lint", "markov", "gaps", "diff"},
    "budgets": {"core", "lint", "markov", "gaps"},
    "templates": {"core", "lint"},
    "registry": {"core", "lint", "gaps", "budgets"},
    "report": {"core", "markov", "render", "gaps"},
    "live": {"core", "lint", "render", "gaps", "report"},
    "cli": {
        "core",
        "lint",
        "markov",
        "eventlog",
        "render",
        "gaps",
        "diff",
        "whatif",
        "budgets",
        "report",
        "live",
        "templates",
        "registry",
    },
    "__main__": {"cli"},
}
"""Part → the parts it may import (besides itself and the root package's `__version__`)."""

INNER: dict[str, set[str]] = {
    "lint.rules": {"lint.rules"},
}
"""Sub-parts held to a narrower rule inside their part: the rules see only the core."""


def _part(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    return rel.parts[0]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of a journeyctl module in `path`, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
            found += [
                (node.lineno, n) for n in (names if node.module == "journeyctl" else [node.module])
            ]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, m) for line, m in found if m.startswith("journeyctl.")]


def _modules() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE
    )


def test_every_part_is_placed_in_the_layering():
    parts = {_part(p) for p in _modules()}
    assert parts <= set(ALLOWED), f"place these parts in ALLOWED: {sorted(parts - set(ALLOWED))}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_downwards(path: Path):
    part = _part(path)
    dotted = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    inner = next((k for k in INNER if dotted.startswith(k + ".")), None)
    wrong = []
    for line, module in _imports(path):
        target = module.split(".")[1]
        if module == "journeyctl.__version__" or (target == part and inner is None):
            continue
        if inner is not None and target == part:
            sub = ".".join(module.split(".")[1:3])
            if sub not in INNER[inner]:
                wrong.append(
                    f"line {line}: {module} (inside {part}, {inner} may import {INNER[inner]})"
                )
            continue
        if target not in ALLOWED.get(part, set()):
            wrong.append(f"line {line}: {module}")
    assert not wrong, f"{path.relative_to(PACKAGE)} ({part}) imports upwards: {wrong}"


def test_the_layering_has_no_cycle():
    order: list[str] = []
    todo = dict(ALLOWED)
    while todo:
        ready = [p for p, deps in todo.items() if deps <= set(order)]
        assert ready, f"cycle among {sorted(todo)}"
        order += sorted(ready)
        for p in ready:
            del todo[p]


def _documented_modules() -> set[str]:
    """The module paths the tree in docs/architecture.md names, relative to journeyctl/."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    tree = text[text.index("## Every module") :].split("```")[1]
    folders: list[str] = []
    named = set()
    for line in tree.splitlines()[2:]:  # below `journeyctl/`
        depth = (len(line) - len(line.lstrip())) // 2 - 1
        first = line.split()[0] if line.strip() else ""
        if first.endswith("/"):
            folders[depth:] = [first.rstrip("/")]
            continue
        here = "/".join(folders[:depth])
        named |= {f"{here}/{w}".lstrip("/") for w in line.split() if w.endswith(".py")}
    return named


def test_architecture_doc_names_every_module():
    """docs/architecture.md's tree lists every module (rule modules as `jm*.py`)."""
    named = _documented_modules()
    missing = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        name = rel.with_name("jm*.py") if rel.name.startswith("jm") else rel
        if rel.name == "__init__.py" and rel.parent.name not in ("templates", "cli"):
            continue
        if name.as_posix() not in named:
            missing.append(rel.as_posix())
    assert not missing, f"add to the tree in docs/architecture.md: {missing}"
    assert "core/span.py" in named and "lint/rules/jm*.py" in named  # the parser reads the tree
