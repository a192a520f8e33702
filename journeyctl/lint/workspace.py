"""From files to maps: finding YAML files, loading each once, following includes, building
the model."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from journeyctl.core.files import irregular
from journeyctl.core.findings import Finding
from journeyctl.core.limits import DEFAULT_LIMITS, Limits
from journeyctl.core.model import (
    Channel,
    Duration,
    Journey,
    JourneyMap,
    Persona,
    Screen,
    Stage,
    Touchpoint,
    Transition,
)
from journeyctl.core.span import Span
from journeyctl.lint import schema
from journeyctl.lint.document import Document
from journeyctl.lint.loader import load_bytes, read_limited, unreadable
from journeyctl.lint.rules.jm005_resource_limit import RULE as RESOURCE_LIMIT
from journeyctl.lint.rules.jm007_not_a_map import RULE as NOT_A_MAP
from journeyctl.lint.rules.jm008_no_journeyctl_key import RULE as NOT_JOURNEYCTL
from journeyctl.lint.rules.jm020_include_not_found import RULE as INCLUDE_NOT_FOUND
from journeyctl.lint.rules.jm021_include_cycle import RULE as INCLUDE_CYCLE
from journeyctl.lint.rules.jm022_include_outside_project import RULE as INCLUDE_OUTSIDE

MAP_SUFFIXES = (".yaml", ".yml")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules",
                       "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
                       ".hypothesis"})  # fmt: skip
_KEY_LINE = re.compile(rb"^(?:\xef\xbb\xbf)?journeyctl:", re.MULTILINE)


def yaml_files(folder: Path, excluded: Callable[[Path], bool] | None = None) -> list[Path]:
    """The *.yaml and *.yml files below `folder`, sorted. Symlinked folders are not followed;
    folders in SKIP_DIRS, virtual environments (with `pyvenv.cfg`) and those `excluded` says
    so of are not entered."""
    found: list[Path] = []
    for top, dirs, names in os.walk(folder):
        here = Path(top)
        dirs[:] = [d for d in dirs if not _skipped(here / d, excluded)]
        found += (here / n for n in names if n.endswith(MAP_SUFFIXES) and (here / n).is_file())
    return sorted(found)


def _skipped(folder: Path, excluded: Callable[[Path], bool] | None) -> bool:
    if folder.name in SKIP_DIRS or (folder / "pyvenv.cfg").is_file():
        return True
    return excluded is not None and excluded(folder)


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it lies below it, with `/` separators."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


@cache
def tree_root(folder: Path) -> Path:
    """The git working tree around `folder` (a resolved path), else `folder`."""
    for above in (folder, *folder.parents):
        if (above / ".git").exists():
            return above
    return folder


def _kind(data: object) -> str:
    return "a list" if isinstance(data, list) else "a single value"


@dataclass
class Checked:
    """One file, loaded and checked against the schema.

    `foreign`: not a journeyctl file. It has no top-level `journeyctl` key, or, when it does
    not load, no line that starts with `journeyctl:`. `text`: what findings quote, at most the
    size limit of it.
    """

    path: Path
    document: Document | None
    findings: list[Finding] = field(default_factory=list)
    foreign: bool = False
    text: str = ""

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.findings

    @property
    def is_journey(self) -> bool:
        data = self.document.data if self.document else None
        return isinstance(data, dict) and "journey" in data


@dataclass(frozen=True, slots=True)
class _Include:
    """One entry of an `include` list: the file it names, where, and the files that led to it
    (the root first, the including file last)."""

    name: str
    target: Path
    span: Span
    chain: tuple[Path, ...]


class Workspace:
    """Loads and schema-checks each file once, however many maps include it.

    An include is followed only below `roots` or the git working tree around the map (else the
    map's folder); any other is refused unread (JM022).
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS, roots: Iterable[Path] = ()):
        self.limits = limits
        self.roots = tuple(r.resolve() for r in roots)
        self.files: dict[Path, Checked] = {}

    def checked(self, path: Path) -> Checked:
        """The file at `path` (resolved), loaded and schema-checked. Raises OSError."""
        path = path.resolve()
        if path not in self.files:
            self.files[path] = self._check(path)
        return self.files[path]

    def _check(self, path: Path) -> Checked:
        data = read_limited(path, self.limits.max_bytes)
        result = load_bytes(data, display_path(path), self.limits)
        findings = list(result.findings)
        doc = result.document
        head = data[: self.limits.max_bytes]
        text = doc.text if doc is not None else head.decode("utf-8", errors="replace")
        foreign = doc is None and _KEY_LINE.search(head) is None
        if doc is not None and not isinstance(doc.data, dict):
            findings.append(
                NOT_A_MAP.at(
                    doc.span(()),
                    f"the top level is {_kind(doc.data)}, not a mapping",
                    "a map file is a mapping that starts with `journeyctl: 1`",
                )
            )
            doc, foreign = None, True
        elif doc is not None and "journeyctl" not in doc.data:
            findings = [
                NOT_JOURNEYCTL.at(
                    Span.point(doc.file, 1, 1),
                    "no top-level `journeyctl:` key: not a journey map or catalogue",
                    "add `journeyctl: 1` at the top, or leave this file out",
                )
            ]
            doc, foreign = None, True
        if doc is not None:
            findings += schema.check(doc, self.limits)
        return Checked(path, doc, findings, foreign, text)

    def closure(self, root: Path) -> tuple[list[Checked], list[Finding]]:
        """`root` and every file it includes, transitively, depth first in include order, with
        include problems found. Raises OSError when `root` cannot be read."""
        first = self.checked(root)
        order, findings, seen = [first], [], {first.path}
        roots = (tree_root(first.path.parent), *self.roots)
        pending = _includes(first, (first.path,))
        while pending:
            include = pending.pop()
            if include.target in include.chain:
                chain = " → ".join(display_path(p) for p in (*include.chain, include.target))
                findings.append(
                    INCLUDE_CYCLE.at(include.span, f"include cycle: {chain}", "remove one include")
                )
                continue
            problem = _refused(include, roots) or _missing(include)
            if problem is not None:
                findings.append(problem)
                continue
            if include.target in seen:
                continue
            if len(include.chain) > self.limits.max_include_depth:
                too_deep = f"includes nest more than {self.limits.max_include_depth} files deep"
                findings.append(RESOURCE_LIMIT.at(include.span, too_deep, _FLAT))
                continue
            if len(order) >= self.limits.max_files:
                too_many = f"the map spans more than {self.limits.max_files} files"
                findings.append(RESOURCE_LIMIT.at(include.span, too_many, _FLAT))
                break
            try:
                checked = self.checked(include.target)
            except OSError as exc:
                findings.append(
                    INCLUDE_NOT_FOUND.at(include.span, f"`{include.name}` {unreadable(exc)}")
                )
                continue
            seen.add(checked.path)
            order.append(checked)
            pending += _includes(checked, (*include.chain, checked.path))
        return order, findings


_FLAT = "include the catalogues from the map itself rather than through a chain"


def _includes(checked: Checked, chain: tuple[Path, ...]) -> list[_Include]:
    """The includes of `checked`, last first (a stack pops them in order)."""
    doc = checked.document
    names = doc.data.get("include", []) if doc is not None else []
    if not isinstance(names, list):
        return []
    found = [
        _Include(name, (checked.path.parent / name).resolve(), doc.span(("include", i)), chain)
        for i, name in enumerate(names)
        if isinstance(name, str)
    ]
    return found[::-1]


def _refused(include: _Include, roots: tuple[Path, ...]) -> Finding | None:
    """JM022 when the include lies outside every root: it is not read, or even looked at."""
    if any(include.target.is_relative_to(r) for r in roots):
        return None
    folder = posixpath.dirname(include.name) or display_path(include.target.parent)
    return INCLUDE_OUTSIDE.at(
        include.span,
        f"`{include.name}` is outside the project; includes there are not read",
        "to read it, add its folder to `include-roots` in [tool.journeyctl] or "
        f'.journeyctl.yaml: include-roots = ["{folder}"]',
    )


def _missing(include: _Include) -> Finding | None:
    """JM020 when the include names nothing, or no regular file."""
    try:
        problem = irregular(include.target.stat().st_mode)
    except FileNotFoundError:
        problem = "does not exist"
    except OSError as exc:
        problem = unreadable(exc)
    if problem is None:
        return None
    return INCLUDE_NOT_FOUND.at(
        include.span,
        f"included file `{include.name}` {problem}",
        "paths are relative to the including file",
    )


def build_map(files: list[Checked]) -> JourneyMap:
    """The model from schema-valid `files`, the root first. Duplicates are kept for the rules."""
    parts: dict[str, list] = {
        k: [] for k in ("stages", "channels", "screens", "personas", "touchpoints")
    }
    journey = None
    for checked in files:
        doc = checked.document
        assert doc is not None
        data = doc.data
        if journey is None and "journey" in data:
            journey = _journey(doc, data["journey"])
        for key, build in _BUILDERS.items():
            for i, item in enumerate(data.get(key, [])):
                parts[key].append(build(_Item(doc, (key, i), item)))
    return JourneyMap(
        journey=journey,
        files=tuple(c.document.file for c in files if c.document),
        **{k: tuple(v) for k, v in parts.items()},
    )


@dataclass(slots=True)
class _Item:
    doc: Document
    path: tuple
    data: dict
    spans: dict[str, Span] = field(init=False)
    """Where each key's value stands, and each member of a list or mapping (`next:goal`)."""

    def __post_init__(self) -> None:
        self.spans = self._spans()

    def _spans(self) -> dict[str, Span]:
        out: dict[str, Span] = {}
        for key, value in self.data.items():
            out[key] = self.doc.span((*self.path, key))
            if isinstance(value, list):
                for i in range(len(value)):
                    out[f"{key}:{i}"] = self.doc.span((*self.path, key, i))
            elif isinstance(value, dict):
                for sub in value:
                    out[f"{key}:{sub}"] = self.doc.key_span((*self.path, key, sub))
        return out

    def common(self) -> dict:
        return {"id": self.data["id"], "span": self.doc.span(self.path), "spans": self.spans}

    def text(self, key: str) -> str:
        return self.data.get(key, "") or ""

    def strings(self, key: str) -> tuple[str, ...]:
        return tuple(self.data.get(key, ()) or ())

    def transitions(self, key: str) -> tuple[Transition, ...]:
        out = []
        for target, spec in (self.data.get(key) or {}).items():
            span = self.spans[f"{key}:{target}"]
            if isinstance(spec, dict):
                out.append(
                    Transition(
                        target,
                        float(spec["weight"]),
                        span,
                        _duration(spec.get("duration")),
                        spec.get("handoff", False),
                        spec.get("note", ""),
                    )
                )
            else:
                out.append(Transition(target, float(spec), span))
        return tuple(out)


def _duration(spec: dict | None) -> Duration | None:
    if not spec:
        return None
    return Duration(
        spec.get("distribution", "fixed"), float(spec["hours"]), float(spec.get("sigma", 1.0))
    )


def _journey(doc: Document, data: dict) -> Journey:
    item = _Item(doc, ("journey",), data)
    goal = data.get("goal", {})
    renewal = data.get("renewal")
    spans = item.spans
    spans.update(
        {
            f"goal:{i}": doc.span(("journey", "goal", "touchpoints", i))
            for i in range(len(goal.get("touchpoints", [])))
        }
    )
    if renewal:
        spans["renewal"] = doc.span(("journey", "renewal", "touchpoint"))
    return Journey(
        id=data["id"],
        span=doc.span(("journey",)),
        spans=spans,
        name=item.text("name"),
        description=item.text("description"),
        kind=data.get("kind", "linear"),
        goal=tuple(goal.get("touchpoints", ())),
        goal_description=goal.get("description", ""),
        entry=item.transitions("entry"),
        renewal=renewal["touchpoint"] if renewal else None,
        owner=item.text("owner"),
    )


def _stage(item: _Item) -> Stage:
    return Stage(
        **item.common(),
        name=item.text("name"),
        description=item.text("description"),
        customer_goal=item.text("customer_goal"),
    )


def _channel(item: _Item) -> Channel:
    return Channel(
        **item.common(),
        name=item.text("name"),
        type=item.text("type"),
        team=item.text("team"),
        description=item.text("description"),
        color=item.text("color"),
    )


def _screen(item: _Item) -> Screen:
    return Screen(**item.common(), name=item.text("name"), cls=item.data.get("class", "other"))


def _persona(item: _Item) -> Persona:
    d = item.data
    return Persona(
        **item.common(),
        name=item.text("name"),
        description=item.text("description"),
        needs=item.strings("needs"),
        goals=item.strings("goals"),
        channel_affinity={k: float(v) for k, v in (d.get("channel_affinity") or {}).items()},
        screen_affinity={k: float(v) for k, v in (d.get("screen_affinity") or {}).items()},
        opted_out=item.strings("opted_out"),
        owns=item.strings("owns"),
        not_interested=item.strings("not_interested"),
        entry=item.transitions("entry"),
        starts_as=d.get("starts_as", "prospect"),
    )


def _touchpoint(item: _Item) -> Touchpoint:
    d = item.data
    emotion = d.get("emotion")
    by_persona = (
        {k: float(v) for k, v in emotion.items() if k != "default"}
        if isinstance(emotion, dict)
        else {}
    )
    default = emotion.get("default") if isinstance(emotion, dict) else emotion
    kpis = item.strings("kpis")
    return Touchpoint(
        **item.common(),
        name=item.text("name"),
        description=item.text("description"),
        stage=d["stage"],
        channel=d["channel"],
        screens=item.strings("screens"),
        engagement=d["engagement"],
        initiated_by=d.get("initiated_by", "customer"),
        invitation=bool(d.get("invitation", False)),
        two_way=bool(d.get("two_way", False)),
        measurable=bool(d.get("measurable", bool(kpis))),
        moment_of_truth=bool(d.get("moment_of_truth", False)),
        kpis=kpis,
        team=item.text("team"),
        emotion=None if default is None else float(default),
        emotion_by_persona=by_persona,
        value=item.strings("value"),
        offers=item.strings("offers"),
        next=item.transitions("next"),
        duration=_duration(d.get("duration")),
        pain_points=item.strings("pain_points"),
        opportunities=item.strings("opportunities"),
    )


_BUILDERS = {
    "stages": _stage,
    "channels": _channel,
    "screens": _screen,
    "personas": _persona,
    "touchpoints": _touchpoint,
}
