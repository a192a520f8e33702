"""The validate pipeline: find map files, load them, check schema and logic, collect findings.

A YAML file is a map or catalogue when it has the top-level `journeyctl` key; a named file
without it is a finding (JM007, JM008). The project's dependents of a named catalogue are found
by journeyctl/lint/project.py.

Each file is examined on its own (loaded, schema-checked, its map checked), in this process or,
with `jobs`, spread over worker processes that each keep their own workspace; what they send
back is joined as one process would. Then, once and in this order: inline disable comments
(journeyctl/lint/suppressions.py) and the project configuration (journeyctl/lint/config.py:
rule selection, per-file ignores, severities).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from journeyctl.core.errors import InputError
from journeyctl.core.findings import Finding, Severity
from journeyctl.core.limits import DEFAULT_LIMITS, Limits
from journeyctl.core.model import JourneyMap
from journeyctl.lint import parallel, project
from journeyctl.lint import suppressions as disables
from journeyctl.lint.config import Config
from journeyctl.lint.loader import unreadable
from journeyctl.lint.rules import all_rules, logic_rules
from journeyctl.lint.workspace import (
    MAP_SUFFIXES,
    Workspace,
    build_map,
    display_path,
    yaml_files,
)


@dataclass
class LintReport:
    """What `validate` found: the files it read, the maps it built and the findings, sorted.

    `texts` holds each file's text by the name findings use; `skipped` names the other YAML
    files met in folders; `dependents` names, by named catalogue, the files that include it and
    were checked for that reason.
    """

    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    maps: list[JourneyMap] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    skipped: list[str] = field(default_factory=list)
    dependents: dict[str, list[str]] = field(default_factory=dict)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Map files named by `paths`: files as given, directories searched for *.yaml / *.yml."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += yaml_files(path)
        elif path.exists():  # a pipe or device too: reading it says what it is
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return list(dict.fromkeys(found))


PARALLEL_FROM = 16
"""Fewer files than this are checked in process: starting worker processes would cost more than
it saves (bench/bench_validate.py measures the break-even)."""


def lint(
    paths: Sequence[Path],
    limits: Limits = DEFAULT_LIMITS,
    config: Config | None = None,
    *,
    skip_non_maps: bool = False,
    dependents: bool = False,
    jobs: int = 1,
    maps: bool = True,
) -> LintReport:
    """Validate the map files under `paths` (less those `config` excludes).

    Other YAML files in folders are skipped, named ones too with `skip_non_maps`; with
    `dependents`, the project's files that include a named catalogue are checked as well.
    With `jobs` > 1, the files are checked in that many worker processes (the report is the
    same); `maps=False` leaves `LintReport.maps` empty, which spares sending every map back
    from the workers. Raises InputError for unreadable input.
    """
    config = config or Config()
    files = expand_paths(paths)
    if not files:
        suffixes = " or ".join(f"*{s}" for s in MAP_SUFFIXES)
        raise InputError(f"no {suffixes} files in {', '.join(map(str, paths))}")
    workspace = Workspace(limits, project.include_roots(config))
    named = {p.resolve() for p in paths if not p.is_dir()}
    wanted = [path for path in files if not config.excluded(path)]
    if jobs > 1 and len(wanted) >= PARALLEL_FROM:
        outcomes, texts = _in_workers(workspace, wanted, jobs, maps)
    else:
        outcomes, texts = _examine_all(workspace, wanted, maps)
    run: list[_Outcome] = []
    others: list[_Outcome] = []
    for item in outcomes:
        skip = item.foreign and (skip_non_maps or item.path not in named)
        (others if skip else run).append(item)
    report = LintReport()
    if dependents:
        added = _add_dependents(workspace, run, texts, named, config, maps)
        report.dependents = {display_path(t): [display_path(p) for p in ps] for t, ps in added}
    report.maps, findings, spanned, logic_ran = _check(run)
    names = {path: display_path(path) for path in spanned}
    report.files = sorted(names.values())
    report.texts = {names[path]: texts[path] for path in spanned}
    report.skipped = sorted(display_path(c.path) for c in others if c.path not in spanned)
    kept = disables.apply(
        findings,
        report.texts,
        all_rules(),
        partial={name for path, name in names.items() if path not in logic_ran},
    )
    report.findings = sorted(config.apply(kept), key=Finding.sort_key)
    return report


@dataclass
class _Outcome:
    """One file checked, and the map rooted at it: what the report needs of them, small
    enough to send back from a worker process.

    `findings` are the file's own (load and schema); `catalogue`: it loaded, without a journey;
    `map_findings`, `closure` (the files the map spans, this one first) and `jmap` (None when
    the map has errors, or when maps are not kept) are `check_map`'s; `valid`: the map was
    built.
    """

    path: Path
    findings: list[Finding]
    foreign: bool
    journey: bool
    catalogue: bool
    map_findings: list[Finding]
    closure: list[Path]
    valid: bool
    jmap: JourneyMap | None


def _examine(workspace: Workspace, path: Path, maps: bool) -> _Outcome:
    """`path` checked, and the map rooted at it. Raises InputError when it cannot be read."""
    try:
        item = workspace.checked(path)
    except OSError as exc:
        raise InputError(f"{path}: {unreadable(exc)}") from None
    jmap, map_findings, closure = check_map(workspace, item.path)
    return _Outcome(
        item.path,
        item.findings,
        item.foreign,
        item.is_journey,
        item.document is not None and not item.is_journey,
        map_findings,
        [c.path for c in closure],
        jmap is not None,
        jmap if maps else None,
    )


def _examine_all(
    workspace: Workspace, paths: Iterable[Path], maps: bool
) -> tuple[list[_Outcome], dict[Path, str]]:
    """Every file of `paths` examined, with the text of every file their maps span."""
    outcomes = [_examine(workspace, path, maps) for path in paths]
    texts = {p: workspace.files[p].text for item in outcomes for p in item.closure}
    return outcomes, texts


_worker: tuple[Workspace, bool] | None = None
"""In a worker process: its workspace (each file loaded once per process) and `maps`."""


def _start_worker(limits: Limits, roots: tuple[Path, ...], maps: bool) -> None:
    global _worker
    parallel.ignore_interrupts()
    _worker = (Workspace(limits, roots), maps)


def _examine_chunk(paths: list[Path]) -> tuple[list[_Outcome], dict[Path, str]]:
    """`_examine_all` in a worker process."""
    assert _worker is not None
    workspace, maps = _worker
    return _examine_all(workspace, paths, maps)


def _in_workers(
    workspace: Workspace, paths: list[Path], jobs: int, maps: bool
) -> tuple[list[_Outcome], dict[Path, str]]:
    """`_examine_all` spread over `jobs` worker processes, results in file order."""
    outcomes: list[_Outcome] = []
    texts: dict[Path, str] = {}
    setup = (workspace.limits, workspace.roots, maps)
    for part, part_texts in parallel.in_chunks(
        _examine_chunk, paths, jobs, _start_worker, setup, "validate"
    ):
        outcomes += part
        texts.update(part_texts)
    return outcomes, texts


def _add_dependents(
    workspace: Workspace,
    run: list[_Outcome],
    texts: dict[Path, str],
    named: set[Path],
    config: Config,
    maps: bool,
) -> list[tuple[Path, list[Path]]]:
    """Add to `run` the project's files that include a named catalogue; (catalogue, added)."""
    targets = {c.path for c in run if c.path in named and c.catalogue}
    if not targets:
        return []
    known = {c.path for c in run}
    found = project.dependents(workspace, targets, config, known)
    added, added_texts = _examine_all(
        workspace, dict.fromkeys(p for paths in found.values() for p in paths), maps
    )
    run += added
    texts.update(added_texts)
    return sorted(found.items())


def _check(run: list[_Outcome]) -> tuple[list[JourneyMap], set[Finding], set[Path], set[Path]]:
    """The findings of `run`'s maps: journeys, and catalogues no journey includes. Returns the
    maps built, the findings, the files spanned and those the logic rules saw."""
    maps: list[JourneyMap] = []
    findings: set[Finding] = set()
    included: set[Path] = set()
    spanned: set[Path] = set()
    logic_ran: set[Path] = set()
    for item in run:
        findings.update(item.findings)
        if item.journey:
            included.update(item.closure[1:])
    for item in run:  # catalogues that a journey includes are checked within it
        if item.journey or item.path not in included:
            findings.update(item.map_findings)
            spanned.update(item.closure)
            if item.valid:
                logic_ran.update(item.closure)
            if item.journey and item.jmap is not None:
                maps.append(item.jmap)
    return maps, findings, spanned, logic_ran


def check_map(workspace: Workspace, root: Path):
    """The map rooted at `root`, its findings (all its files'), and the files it spans."""
    closure, findings = workspace.closure(root)
    for c in closure:
        findings += c.findings
    if findings or not all(c.ok for c in closure):
        return None, findings, closure
    jmap = build_map(closure)
    for rule in logic_rules():
        findings += rule.check(jmap)
    return jmap, findings, closure
