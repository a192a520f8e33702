"""From files to maps: finding YAML files, loading each once, following includes, building
the model."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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
from journeyctl.lint.loader import load_file
from journeyctl.lint.rules.jm007_not_a_map import RULE as NOT_A_MAP
from journeyctl.lint.rules.jm008_no_journeyctl_key import RULE as NOT_JOURNEYCTL
from journeyctl.lint.rules.jm020_include_not_found import RULE as INCLUDE_NOT_FOUND
from journeyctl.lint.rules.jm021_include_cycle import RULE as INCLUDE_CYCLE

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


def _has_key_line(path: Path, limits: Limits) -> bool:
    """Whether a line in the file's first `limits.max_bytes` starts with `journeyctl:`."""
    with path.open("rb") as f:
        return _KEY_LINE.search(f.read(limits.max_bytes)) is not None


def _kind(data: object) -> str:
    return "a list" if isinstance(data, list) else "a single value"


@dataclass
class Checked:
    """One file, loaded and checked against the schema.

    `foreign`: not a journeyctl file. It has no top-level `journeyctl` key, or, when it does
    not load, no line that starts with `journeyctl:`.
    """

    path: Path
    document: Document | None
    findings: list[Finding] = field(default_factory=list)
    foreign: bool = False

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.findings

    @property
    def is_journey(self) -> bool:
        data = self.document.data if self.document else None
        return isinstance(data, dict) and "journey" in data


class Workspace:
    """Loads and schema-checks each file once, however many maps include it."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS):
        self.limits = limits
        self.files: dict[Path, Checked] = {}

    def checked(self, path: Path) -> Checked:
        """The file at `path` (resolved), loaded and schema-checked. Raises OSError."""
        path = path.resolve()
        if path not in self.files:
            result = load_file(path, display_path(path), self.limits)
            findings = list(result.findings)
            doc = result.document
            foreign = doc is None and not _has_key_line(path, self.limits)
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
                findings += schema.check(doc)
            self.files[path] = Checked(path, doc, findings, foreign)
        return self.files[path]

    def closure(self, root: Path) -> tuple[list[Checked], list[Finding]]:
        """`root` and every file it includes, transitively, with include problems found."""
        order: list[Checked] = []
        findings: list[Finding] = []
        seen: set[Path] = set()

        def visit(path: Path, stack: tuple[Path, ...]) -> None:
            checked = self.checked(path)
            seen.add(checked.path)
            order.append(checked)
            doc = checked.document
            includes = doc.data.get("include", []) if doc is not None else []
            if not isinstance(includes, list):
                return
            for i, name in enumerate(includes):
                if not isinstance(name, str):
                    continue
                target = (checked.path.parent / name).resolve()
                span = doc.span(("include", i))
                if target in stack or target == checked.path:
                    chain = " → ".join(display_path(p) for p in (*stack, checked.path, target))
                    findings.append(
                        INCLUDE_CYCLE.at(span, f"include cycle: {chain}", "remove one include")
                    )
                    continue
                if not target.is_file():
                    findings.append(
                        INCLUDE_NOT_FOUND.at(
                            span,
                            f"included file `{name}` does not exist",
                            "paths are relative to the including file",
                        )
                    )
                    continue
                if target in seen:
                    continue
                try:
                    visit(target, (*stack, checked.path))
                except OSError as exc:
                    findings.append(
                        INCLUDE_NOT_FOUND.at(span, f"cannot read `{name}`: {exc.strerror}")
                    )

        visit(root, ())
        return order, findings


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

    def spans(self) -> dict[str, Span]:
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
        return {"id": self.data["id"], "span": self.doc.span(self.path), "spans": self.spans()}

    def text(self, key: str) -> str:
        return self.data.get(key, "") or ""

    def strings(self, key: str) -> tuple[str, ...]:
        return tuple(self.data.get(key, ()) or ())

    def transitions(self, key: str) -> tuple[Transition, ...]:
        out = []
        for target, spec in (self.data.get(key) or {}).items():
            span = self.doc.key_span((*self.path, key, target))
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
    spans = item.spans()
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
