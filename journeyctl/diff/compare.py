"""Semantic diff of journey maps for review: what was added, removed or changed, and which
validation findings a change brings or resolves.

Two sides are compared file by file (names relative to each side's root): the journey, stages,
channels, screens, personas and touchpoints by id, field by field. Transition weights, emotion
scores and affinities are compared as numbers (`next.buy.weight: 3 → 2`). Findings are matched
by rule, file and message, never by line, so moving text around changes nothing.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from journeyctl.core.errors import InputError
from journeyctl.core.findings import Finding

KINDS = ("journey", "stages", "channels", "screens", "personas", "touchpoints")
KIND_NAMES = {
    "journey": "journey",
    "stages": "stage",
    "channels": "channel",
    "screens": "screen",
    "personas": "persona",
    "touchpoints": "touchpoint",
}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an entity: `old` and `new` values (None where absent), at dotted `path`."""

    path: str
    old: Any
    new: Any

    @property
    def category(self) -> str:
        """`weight`, `emotion`, `affinity` (numbers worth a delta) or `field`."""
        head = self.path.split(".", 1)[0]
        if head in ("next", "entry") and self.path.endswith(".weight"):
            return "weight"
        if head == "emotion":
            return "emotion"
        if head.endswith("_affinity"):
            return "affinity"
        return "field"

    @property
    def delta(self) -> float | None:
        """new − old for two numbers, as a float; None for other values or integers too large."""
        numbers = all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in (self.old, self.new)
        )
        if not numbers:
            return None
        delta = self.new - self.old
        return float(delta) if isinstance(delta, float) or abs(delta) < 2**53 else None

    def as_dict(self) -> dict:
        return {"path": self.path, "old": self.old, "new": self.new, "category": self.category}


@dataclass(frozen=True, slots=True)
class EntityChange:
    """An entity of `kind` (`stage`, `touchpoint`, …) with `id` in `file`: added, removed or
    changed (with its field changes)."""

    file: str
    kind: str
    id: str
    status: str
    fields: tuple[FieldChange, ...] = ()

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "kind": self.kind,
            "id": self.id,
            "status": self.status,
            "fields": [f.as_dict() for f in self.fields],
        }


@dataclass(frozen=True, slots=True)
class FindingChange:
    """A finding only one side has: `new` (the change brings it) or `resolved`."""

    status: str
    finding: Finding

    def as_dict(self) -> dict:
        return {"status": self.status, **self.finding.as_dict()}


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a diff: parsed data of each file (None: not readable as YAML) and findings,
    all named relative to the side's root."""

    label: str
    data: dict[str, Any]
    findings: tuple[Finding, ...]


@dataclass
class MapDiff:
    """Everything that differs between `old` and `new`."""

    old: str
    new: str
    files_added: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    entities: list[EntityChange] = field(default_factory=list)
    findings: list[FindingChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.files_added or self.files_removed or self.entities or self.findings)

    def numeric(self) -> Iterator[tuple[EntityChange, FieldChange]]:
        """Weight, emotion and affinity changes, with the entity each belongs to."""
        for e in self.entities:
            for f in e.fields:
                if f.category != "field":
                    yield e, f

    def as_dict(self) -> dict:
        return {
            "version": 1,
            "old": self.old,
            "new": self.new,
            "files": {
                "added": self.files_added,
                "removed": self.files_removed,
                "unreadable": self.unreadable,
            },
            "entities": [e.as_dict() for e in self.entities],
            "findings": [f.as_dict() for f in self.findings],
        }


def compare(old: Side, new: Side) -> MapDiff:
    """The semantic difference from `old` to `new`."""
    result = MapDiff(old.label, new.label)
    result.files_added = sorted(set(new.data) - set(old.data))
    result.files_removed = sorted(set(old.data) - set(new.data))
    for file in sorted(set(old.data) & set(new.data)):  # whole files added or removed: listed
        before, after = old.data[file], new.data[file]
        if before is None or after is None:
            result.unreadable.append(file)
            continue
        result.entities += _entity_changes(file, before, after)
    result.findings = _finding_changes(old.findings, new.findings)
    return result


def _entity_changes(file: str, before: Any, after: Any) -> list[EntityChange]:
    out = []
    for kind in KINDS:
        old_items, new_items = _entities(before, kind), _entities(after, kind)
        for key in sorted(old_items.keys() | new_items.keys()):
            name = KIND_NAMES[kind]
            if key not in old_items:
                out.append(EntityChange(file, name, key, "added"))
            elif key not in new_items:
                out.append(EntityChange(file, name, key, "removed"))
            else:
                fields = _field_changes(_flatten(old_items[key]), _flatten(new_items[key]))
                if fields:
                    out.append(EntityChange(file, name, key, "changed", fields))
    return out


def _entities(data: Any, kind: str) -> dict[str, dict]:
    """The entities of `kind` in a file's data, by id (`#n` for one without a usable id)."""
    if not isinstance(data, dict):
        return {}
    value = data.get(kind)
    if kind == "journey":
        if not isinstance(value, dict):
            return {}
        return {str(value.get("id", "journey")): value}
    if not isinstance(value, list):
        return {}
    found = {}
    for i, item in enumerate(value):
        if isinstance(item, dict):
            key = item.get("id")
            found[key if isinstance(key, str) else f"#{i + 1}"] = item
    return found


def _flatten(item: dict) -> dict[str, Any]:
    """Dotted paths to leaf values; lists stay whole. A bare weight or emotion is spelled out
    (`next: {buy: 2}` as `next.buy.weight`, `emotion: 1` as `emotion.default`) so that both
    spellings compare alike."""
    flat: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        else:
            flat[prefix] = value

    for key, value in item.items():
        if key in ("next", "entry") and isinstance(value, dict):
            value = {
                t: spec if isinstance(spec, dict) else {"weight": spec} for t, spec in value.items()
            }
        elif key == "emotion" and not isinstance(value, dict):
            value = {"default": value}
        walk(key, value)
    return flat


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(path, old.get(path), new.get(path))
        for path in sorted(old.keys() | new.keys())
        if path not in old or path not in new or not _same(old[path], new[path])
    )


def _same(a: Any, b: Any) -> bool:
    """Equal values; 1 and 1.0 are the same number (compared exactly, huge integers too), but
    true is not 1."""
    if isinstance(a, int | float) and isinstance(b, int | float):
        return isinstance(a, bool) == isinstance(b, bool) and a == b
    return a == b


def _finding_changes(old: Iterable[Finding], new: Iterable[Finding]) -> list[FindingChange]:
    def key(f: Finding) -> tuple:
        return (f.code, f.span.file, f.message)

    old_keys, new_keys = {key(f) for f in old}, {key(f) for f in new}
    out = [FindingChange("new", f) for f in new if key(f) not in old_keys]
    out += [FindingChange("resolved", f) for f in old if key(f) not in new_keys]
    out.sort(
        key=lambda c: (c.status != "new", c.finding.span.file, c.finding.code, c.finding.message)
    )
    unique: dict[tuple, FindingChange] = {}
    for c in out:
        unique.setdefault((c.status, key(c.finding)), c)
    return list(unique.values())


# --- reading sides -------------------------------------------------------------------------


def side_from_paths(
    label: str,
    root: Path,
    files: Sequence[Path],
    rename: dict[str, str] | None = None,
    walked: bool = True,
) -> Side:
    """Lint `files` and read them (and what they include), naming files relative to `root`;
    `rename` maps such names to the names the other side uses. Files `walked` from a folder
    or a revision that are not maps (no `journeyctl:` key) are left out, as validate does."""
    from journeyctl.lint.engine import lint
    from journeyctl.lint.loader import load_bytes

    if not files:
        return Side(label, {}, ())
    report = lint(files, skip_non_maps=walked)
    checked = set(report.files)
    data = {}
    for display, text in report.texts.items():
        if display not in checked:
            continue
        doc = load_bytes(text.encode("utf-8"), display).document
        data[display] = doc.data if doc is not None else None
    return named_side(label, root, data, report.findings, rename)


def named_side(
    label: str,
    root: Path,
    data: dict[str, Any],
    findings: Iterable[Finding],
    rename: dict[str, str] | None = None,
) -> Side:
    """A side of `data` and `findings` given by file as shown, the files named relative to
    `root`; `rename` maps such names to the names the other side uses."""
    rename = rename or {}

    def name(display: str) -> str:
        rel = Path(os.path.relpath(Path(display).resolve(), root.resolve())).as_posix()
        return rename.get(rel, rel)

    named = {name(display): value for display, value in data.items()}
    return Side(
        label,
        named,
        tuple(replace(f, span=replace(f.span, file=name(f.span.file))) for f in findings),
    )


def compare_paths(old: Path, new: Path) -> MapDiff:
    """Two map files, or two folders of maps."""
    from journeyctl.lint.engine import expand_paths

    for path in (old, new):
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
    if old.is_dir() != new.is_dir():
        raise InputError("compare two files or two folders, not one of each")
    if old.is_dir():
        return compare(
            side_from_paths(str(old), old, expand_paths([old])),
            side_from_paths(str(new), new, expand_paths([new])),
        )
    rename = {old.name: new.name} if old.name != new.name else {}
    return compare(
        side_from_paths(str(old), old.parent, [old], rename, walked=False),
        side_from_paths(str(new), new.parent, [new], walked=False),
    )


def compare_git(rev: str, paths: Sequence[Path] = ()) -> MapDiff:
    """The maps under `paths` (default: the working directory) in the working tree against
    revision `rev`, read with `git ls-tree` and `git cat-file`. Files git ignores are left
    out; a path deleted from the working tree still shows what it held at `rev`."""
    from journeyctl.lint.engine import expand_paths

    paths = list(paths) or [Path.cwd()]
    top = Path(run_git("rev-parse", "--show-toplevel").strip()).resolve()
    try:
        run_git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except InputError:
        raise InputError(f"--git {rev}: no such revision") from None
    wanted = [Path(os.path.relpath(p.resolve(), top)).as_posix() for p in paths]
    if any(w.startswith("../") or w == ".." for w in wanted):
        raise InputError(f"{', '.join(map(str, paths))}: outside the git working tree {top}")

    def selected(name: str) -> bool:
        return any(w == "." or name == w or name.startswith(w + "/") for w in wanted)

    now = _maps("ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name", ":/")
    visible = {n for n in now if selected(n)}
    present = expand_paths([p for p in paths if p.exists()])
    new_files = [p for p in present if p.resolve().relative_to(top).as_posix() in visible]
    new_side = side_from_paths("working tree", top, new_files)
    with checkout(rev) as (root, every):
        old_side = side_from_paths(rev, root, [root / n for n in every if selected(n)])
    return compare(old_side, new_side)


@contextmanager
def checkout(rev: str) -> Iterator[tuple[Path, list[str]]]:
    """Every map file of revision `rev` (names from the repository's top), written into a
    temporary folder (removed after the block): the folder and the names. Includes reach
    out of any folder, so the whole revision is there."""
    every = _maps("ls-tree", "-r", "-z", "--name-only", "--full-tree", rev)
    with tempfile.TemporaryDirectory(prefix="journeyctl-rev-") as tmp:
        root = Path(tmp)
        for name, blob in zip(every, cat_files(rev, every), strict=True):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(blob)
        yield root, every


def _maps(*args: str) -> list[str]:
    """The map files a git listing command names."""
    from journeyctl.lint.engine import MAP_SUFFIXES

    return [n for n in run_git(*args).split("\0") if n.endswith(MAP_SUFFIXES)]


def run_git(*args: str) -> str:
    """What `git args…` prints; InputError when git cannot run or fails."""
    try:
        done = subprocess.run(["git", *args], capture_output=True, check=False)
    except OSError as exc:
        raise InputError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise InputError(f"git {' '.join(args[:2])}: {message}")
    return done.stdout.decode("utf-8", "surrogateescape")


def cat_files(rev: str, names: list[str]) -> list[bytes]:
    """The contents of `names` at `rev`, read by one `git cat-file --batch`."""
    if not names:
        return []
    request = "".join(f"{rev}:{n}\n" for n in names).encode("utf-8", "surrogateescape")
    try:
        out = subprocess.run(
            ["git", "cat-file", "--batch"], input=request, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise InputError(f"git cat-file: {exc}") from None
    blobs, pos = [], 0
    for _ in names:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        size = int(header[2])
        blobs.append(out[end + 1 : end + 1 + size])
        pos = end + 1 + size + 1
    return blobs
