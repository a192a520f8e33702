"""What-if scenarios: a small YAML overlay that changes a map without copying it.

A scenario (`journeyctl-scenario: 1`, docs/scenarios.md) names the map's entities by id and
says what changes. Its mappings are merged into the map's data (each file as loaded, includes
resolved) recursively; any other value replaces the map's; null deletes a key, a move or a whole
entity; an id the map does not have adds a whole entity to the journey's own file. The merged
data is checked exactly as map files are (schema, then the logic rules). Every value and key the
scenario wrote is located in the scenario, so a change that breaks the map is reported where it
was made.
"""

from __future__ import annotations

import difflib
import json
import pkgutil
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from journeyctl.core.errors import InputError, JourneyctlError
from journeyctl.core.findings import Finding, Severity, concise
from journeyctl.core.limits import DEFAULT_LIMITS, Limits
from journeyctl.core.model import JourneyMap
from journeyctl.core.span import Span
from journeyctl.diff.compare import KIND_NAMES, KINDS, Side, named_side, side_from_paths
from journeyctl.lint import config as configuration
from journeyctl.lint import schema
from journeyctl.lint import suppressions as disables
from journeyctl.lint.document import Document, at
from journeyctl.lint.load import check_replaced, load_valid
from journeyctl.lint.loader import load_bytes, read_limited, unreadable
from journeyctl.lint.project import include_roots
from journeyctl.lint.rules import all_rules
from journeyctl.lint.rules.jm007_not_a_map import RULE as NOT_A_MAP
from journeyctl.lint.rules.jm008_no_journeyctl_key import RULE as NOT_JOURNEYCTL
from journeyctl.lint.rules.jm010_unknown_key import RULE as UNKNOWN_KEY
from journeyctl.lint.rules.jm014_unsupported_version import RULE as UNSUPPORTED_VERSION
from journeyctl.lint.rules.jm101_unknown_stage import RULE as UNKNOWN_STAGE
from journeyctl.lint.rules.jm102_unknown_channel import RULE as UNKNOWN_CHANNEL
from journeyctl.lint.rules.jm103_unknown_screen import RULE as UNKNOWN_SCREEN
from journeyctl.lint.rules.jm104_unknown_persona import RULE as UNKNOWN_PERSONA
from journeyctl.lint.rules.jm105_unknown_touchpoint import RULE as UNKNOWN_TOUCHPOINT
from journeyctl.lint.schema import explain as explain_schema_error
from journeyctl.lint.workspace import Checked, Workspace, display_path

SCHEMA_FILE = "schema/scenario-v1.schema.json"
"""Where the scenario format's JSON Schema lies in the package, beside the map schema."""
VERSION_KEY = "journeyctl-scenario"
"""The top-level key that makes a YAML file a scenario (and not a map: validate skips it)."""

ENTITIES = KINDS[1:]
"""The map's lists of entities with ids, by the key both formats give them."""
_UNKNOWN = dict(
    zip(
        ENTITIES,
        (UNKNOWN_STAGE, UNKNOWN_CHANNEL, UNKNOWN_SCREEN, UNKNOWN_PERSONA, UNKNOWN_TOUCHPOINT),
        strict=True,
    )
)
"""The rule that reports an unknown id of each kind."""


@dataclass(frozen=True, slots=True)
class Patched:
    """A map with a scenario applied: the map `jmap`; the diff sides of the map before (`old`)
    and after (`new`), files named relative to the map's folder; the scenario's name
    `label`."""

    jmap: JourneyMap
    old: Side
    new: Side
    label: str


class InvalidScenarioError(JourneyctlError):
    """A scenario that is not valid, or that makes the map invalid. Carries every finding; the
    message lists the errors, one line each with how to fix it."""

    def __init__(self, file: str, findings: list[Finding], what: str):
        self.findings = findings
        errors = [f for f in findings if f.severity >= Severity.ERROR]
        lines = [f"{file}: {what} ({len(errors)} error(s)):"]
        for f in errors:
            lines.append(f"  {concise(f.code, f.severity, f.message, f.span)}")
            if f.hint:
                lines.append(f"      hint: {f.hint}")
        super().__init__("\n".join(lines))


def apply_scenario(map_path: Path, scenario_path: Path, limits: Limits = DEFAULT_LIMITS) -> Patched:
    """The map rooted at `map_path` with the scenario at `scenario_path` applied.

    Raises InputError when a file cannot be read, InvalidMapError when the map itself has
    errors, and InvalidScenarioError when the scenario is invalid or makes the map invalid.
    """
    workspace = Workspace(limits, include_roots(configuration.load()))
    _, closure = load_valid(workspace, map_path)
    scenario = read_scenario(scenario_path, limits)
    overlay = _Overlay(scenario, closure)
    documents = overlay.documents()
    if _errors(overlay.findings):
        raise InvalidScenarioError(scenario.file, overlay.findings, "the scenario does not fit")
    jmap, findings = check_replaced(workspace, map_path, documents)
    if jmap is None or _errors(findings):
        located = sorted({overlay.located(f) for f in findings}, key=Finding.sort_key)
        raise InvalidScenarioError(scenario.file, located, "the scenario makes the map invalid")
    root = map_path.parent
    old = side_from_paths(str(map_path), root, [map_path], walked=False)
    after = [documents.get(c.path, c.document) for c in closure]
    return Patched(
        jmap, old, _side(str(scenario_path), root, after, findings), scenario.data["name"]
    )


def read_scenario(path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """The scenario file at `path`, loaded safely and checked against the scenario schema.

    Raises InputError when it cannot be read and InvalidScenarioError when it is invalid.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file")
    try:
        data = read_limited(path, limits.max_bytes)
    except OSError as exc:
        raise InputError(f"{path}: {unreadable(exc)}") from None
    file = display_path(path)
    loaded = load_bytes(data, file, limits)
    findings = list(loaded.findings)
    if loaded.document is not None:
        findings += _check(loaded.document)
    if loaded.document is None or _errors(findings):
        raise InvalidScenarioError(
            file, sorted(set(findings), key=Finding.sort_key), "not a valid scenario"
        )
    return loaded.document


def scenario_schema_text() -> str:
    """The scenario format's JSON Schema, exactly as shipped."""
    return pkgutil.get_data("journeyctl", SCHEMA_FILE).decode("utf-8")


@cache
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(scenario_schema_text()))


def _check(doc: Document) -> list[Finding]:
    """What is wrong with the scenario `doc` on its own: its top level, then the schema."""
    data = doc.data
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        return [NOT_A_MAP.at(doc.span(()), f"the top level is {kind}, not a mapping", _START)]
    if VERSION_KEY not in data:
        message = f"no top-level `{VERSION_KEY}:` key: not a scenario"
        return [NOT_JOURNEYCTL.at(Span.point(doc.file, 1, 1), message, _START)]
    version = data[VERSION_KEY]
    if version != 1 or isinstance(version, bool):
        return [
            UNSUPPORTED_VERSION.at(
                doc.span((VERSION_KEY,)),
                f"scenario format version {version!r} is not supported",
                f"this release reads `{VERSION_KEY}: 1`",
            )
        ]
    found = [
        f for error in _validator().iter_errors(data) for f in explain_schema_error(doc, error)
    ]
    return found + _ids_kept(doc)


_START = f"a scenario is a mapping that starts with `{VERSION_KEY}: 1` (see docs/scenarios.md)"


def _ids_kept(doc: Document) -> list[Finding]:
    """An `id` inside a change: a scenario names entities by their keys and never renames."""
    return [
        UNKNOWN_KEY.at(
            doc.key_span((kind, key, "id")),
            f"`id` in the change to {KIND_NAMES[kind]} `{key}`: the key `{key}` is its id",
            f"remove `id:`; to rename, delete it (`{key}: null`) and add it under the new id",
        )
        for kind in ENTITIES
        if isinstance(changes := doc.data.get(kind), dict)
        for key, change in changes.items()
        if isinstance(change, dict) and "id" in change
    ]


def _errors(findings: list[Finding]) -> bool:
    return any(f.severity >= Severity.ERROR for f in findings)


@dataclass(slots=True)
class _Overlaid(Document):
    """A map file's data with a scenario merged in: values at the paths in `written`, and keys
    at those in `written_keys`, stand in the `scenario` file; the rest in the map file."""

    scenario: str = ""
    written: set = field(default_factory=set)
    written_keys: set = field(default_factory=set)

    def span(self, path: tuple) -> Span:
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        marks = self.marks.get(path)
        if marks is None:
            return Span.point(self.file, 1, 1)
        return at(self.scenario if path in self.written else self.file, marks)

    def key_span(self, path: tuple) -> Span:
        path = tuple(path)
        marks = self.key_marks.get(path)
        if marks is None:
            return self.span(path)
        return at(self.scenario if path in self.written_keys else self.file, marks)


class _Writer:
    """Writes one map file's merged data, keeping where each value and key came from."""

    def __init__(self, base: Document, scenario: Document, findings: list[Finding]):
        self.base = base
        self.scenario = scenario
        self.findings = findings
        self.doc = _Overlaid(base.file, None, base.text, scenario=scenario.file)

    def place(self, src: Document, src_path: tuple, path: tuple) -> None:
        """The value at `src_path` of `src`, and its key, stand for the value at `path`."""
        doc, mine = self.doc, src is self.scenario
        if (marks := src.marks.get(src_path)) is not None:
            doc.marks[path] = marks
            if mine:
                doc.written.add(path)
        if (marks := src.key_marks.get(src_path)) is not None:
            doc.key_marks[path] = marks
            if mine:
                doc.written_keys.add(path)
        if src_path in src.plain:
            doc.plain[path] = src.plain[src_path]

    def copy(self, value: Any, src: Document, src_path: tuple, path: tuple) -> Any:
        """`value`, which stands at `src_path` of `src`, placed at `path`."""
        self.place(src, src_path, path)
        if isinstance(value, dict):
            return {k: self.copy(v, src, (*src_path, k), (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.copy(v, src, (*src_path, i), (*path, i)) for i, v in enumerate(value)]
        return value

    def merge(self, value: Any, base_path: tuple, change: Any, path_in: tuple, path: tuple) -> Any:
        """The map's `value` (at `base_path`) with the scenario's `change` (at `path_in`) merged
        in, placed at `path`: two mappings merge key by key, null deleting; otherwise the change
        replaces the value."""
        if not (isinstance(value, dict) and isinstance(change, dict)):
            return self.copy(change, self.scenario, path_in, path)
        self.place(self.scenario, path_in, path)
        out = {}
        for k, v in value.items():
            if k not in change:
                out[k] = self.copy(v, self.base, (*base_path, k), (*path, k))
            elif change[k] is not None:
                out[k] = self.merge(v, (*base_path, k), change[k], (*path_in, k), (*path, k))
        for k, v in change.items():
            if k in value:
                continue
            if v is None:
                self.findings.append(_nothing_to_delete(self.scenario, (*path_in, k), value))
            else:
                out[k] = self.copy(v, self.scenario, (*path_in, k), (*path, k))
        return out


def _nothing_to_delete(scenario: Document, path: tuple, there: dict) -> Finding:
    """A null for a key the map does not have at that place."""
    head = 2 if path[0] in ENTITIES else 1
    owner = f"{KIND_NAMES[path[0]]} `{path[1]}`" if head == 2 else "the journey"
    dotted = ".".join(map(str, path[head:]))
    close = difflib.get_close_matches(str(path[-1]), [str(k) for k in there], n=1)
    return UNKNOWN_KEY.at(
        scenario.key_span(path),
        f"the map's {owner} has no `{dotted}` to delete",
        f"did you mean `{close[0]}`?" if close else f"it has: {_listed(there)}",
    )


def _listed(names) -> str:
    names = [f"`{n}`" for n in names]
    return ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")


class _Overlay:
    """A scenario merged into the files of a valid map: a document for each file it changes,
    the findings met on the way, and the entities it deletes."""

    def __init__(self, scenario: Document, closure: list[Checked]):
        self.scenario = scenario
        self.closure = closure
        self.findings: list[Finding] = []
        self.deleted: dict[str, tuple[str, Span]] = {}
        """Each id the scenario deletes: its kind, and where the scenario deletes it."""
        self.changed: dict[tuple[str, str, int], Span] = {}
        """Each entity the scenario changes, by its file, kind and index there: the change's
        place in the scenario."""
        self.changes = {kind: scenario.data.get(kind) or {} for kind in ENTITIES}
        self.home: dict[str, dict[str, int]] = {kind: {} for kind in ENTITIES}
        """The file (its index in `closure`) that defines each entity, by kind and id."""
        for i, checked in enumerate(closure):
            for kind in ENTITIES:
                for item in checked.document.data.get(kind, []):
                    self.home[kind][item["id"]] = i

    def documents(self) -> dict[Path, Document]:
        """The merged document of each file the scenario changes, by path."""
        added: dict[str, list[str]] = {kind: [] for kind in ENTITIES}
        touched = {0} if "journey" in self.scenario.data else set()
        for kind, changes in self.changes.items():
            for key, change in changes.items():
                if key in self.home[kind]:
                    touched.add(self.home[kind][key])
                elif self._addable(kind, key, change):
                    added[kind].append(key)
                    touched.add(0)
        return {
            self.closure[i].path: self._file(i, added if i == 0 else {}) for i in sorted(touched)
        }

    def _addable(self, kind: str, key: str, change: dict | None) -> bool:
        """Whether `change` to the unknown id `key` is a whole new entity; a finding if not."""
        name = KIND_NAMES[kind]
        needed = [k for k in schema.schema()["$defs"][name]["required"] if k != "id"]
        if change is not None and all(k in change for k in needed):
            return True
        close = difflib.get_close_matches(key, list(self.home[kind]), n=1)
        hint = (
            f"did you mean `{close[0]}`?"
            if close
            else f"the map's {kind}: {_listed(self.home[kind])}"
        )
        message = f"the map has no {name} `{key}`"
        if change is None:
            message += " to delete"
        else:
            message += f", and a new {name} needs {', '.join(f'`{k}`' for k in needed)}"
        span = self.scenario.key_span((kind, key))
        self.findings.append(_UNKNOWN[kind].at(span, message, hint))
        return False

    def _file(self, index: int, added: dict[str, list[str]]) -> Document:
        """File `index` of the closure with the scenario merged in; `added`: the new entities
        it gets (the journey's own file gets them all)."""
        base = self.closure[index].document
        writer = _Writer(base, self.scenario, self.findings)
        out: dict[str, Any] = {}
        for key, value in base.data.items():
            if key in ENTITIES:
                out[key] = self._entities(writer, key, value)
            elif key == "journey" and "journey" in self.scenario.data:
                change = self.scenario.data["journey"]
                out[key] = writer.merge(value, (key,), change, (key,), (key,))
            else:
                out[key] = writer.copy(value, base, (key,), (key,))
        for kind, keys in added.items():
            items = out.setdefault(kind, [])
            for key in keys:
                path_in, path = (kind, key), (kind, len(items))
                entity = writer.copy(self.changes[kind][key], self.scenario, path_in, path)
                writer.doc.marks[(*path, "id")] = self.scenario.key_marks[path_in]
                writer.doc.written.add((*path, "id"))
                items.append({"id": key, **entity})
        writer.doc.data = out
        return writer.doc

    def _entities(self, writer: _Writer, kind: str, items: list[dict]) -> list[dict]:
        """One file's `items` of `kind` with the scenario's changes and deletions."""
        out: list[dict] = []
        for i, item in enumerate(items):
            key = item["id"]
            path = (kind, len(out))
            if key not in self.changes[kind]:
                out.append(writer.copy(item, writer.base, (kind, i), path))
            elif (change := self.changes[kind][key]) is None:
                self.deleted[key] = (kind, self.scenario.key_span((kind, key)))
            else:
                out.append(writer.merge(item, (kind, i), change, (kind, key), path))
                there = self.scenario.key_span((kind, key))
                self.changed[(writer.base.file, kind, i)] = there
        return out

    def located(self, f: Finding) -> Finding:
        """`f` where the scenario caused it. A finding in the map that names an entity the
        scenario deletes is moved to the deletion; one inside an entity the scenario changes,
        to the change; each saying where in the map it stands."""
        if f.span.file == self.scenario.file:
            return f
        for key, (kind, span) in self.deleted.items():
            if f"`{key}`" in f.message:
                return replace(
                    f,
                    span=span,
                    message=f"{f.message} ({f.span}), which this scenario deletes",
                    hint="change that in this scenario too (`null` deletes a move or key), "
                    f"or keep the {KIND_NAMES[kind]}",
                )
        owner = self._owners.get((f.span.file, f.span.line - 1, f.span.col - 1))
        if owner in self.changed:
            return replace(f, span=self.changed[owner], message=f"{f.message} ({f.span})")
        return f

    @cached_property
    def _owners(self) -> dict[tuple[str, int, int], tuple[str, str, int]]:
        """The entity (file, kind, index) of each value and key of the map, by where it starts:
        the places findings point at."""
        owners = {}
        for checked in self.closure:
            doc = checked.document
            for marks in (doc.marks, doc.key_marks):
                for path, (line, col, _, _) in marks.items():
                    if len(path) >= 2 and path[0] in ENTITIES:
                        owners[(doc.file, line, col)] = (doc.file, path[0], path[1])
        return owners


def _side(label: str, root: Path, documents: list[Document], findings: list[Finding]) -> Side:
    """The diff side of the merged map, as `side_from_paths` makes one of files: data per
    file and validate's findings (less what disable comments silence), named relative to
    `root`."""
    texts = {doc.file: doc.text for doc in documents}
    kept = sorted(disables.apply(findings, texts, all_rules()), key=Finding.sort_key)
    return named_side(label, root, {doc.file: doc.data for doc in documents}, kept)
