"""The validate pipeline: find map files, load them, check schema and logic, collect findings.

A YAML file is a map or catalogue when it has the top-level `journeyctl` key; a named file
without it is a finding (JM007, JM008). The project's dependents of a named catalogue are found
by journeyctl/lint/project.py.

Then, once and in this order: inline disable comments (journeyctl/lint/suppressions.py) and the
project configuration (journeyctl/lint/config.py: rule selection, per-file ignores, severities).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from journeyctl.core.errors import InputError
from journeyctl.core.findings import Finding, Severity
from journeyctl.core.limits import DEFAULT_LIMITS, Limits
from journeyctl.core.model import JourneyMap
from journeyctl.lint import project
from journeyctl.lint import suppressions as disables
from journeyctl.lint.config import Config
from journeyctl.lint.loader import unreadable
from journeyctl.lint.rules import all_rules, logic_rules
from journeyctl.lint.workspace import (
    MAP_SUFFIXES,
    Checked,
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


def lint(
    paths: Sequence[Path],
    limits: Limits = DEFAULT_LIMITS,
    config: Config | None = None,
    *,
    skip_non_maps: bool = False,
    dependents: bool = False,
) -> LintReport:
    """Validate the map files under `paths` (less those `config` excludes).

    Other YAML files in folders are skipped, named ones too with `skip_non_maps`; with
    `dependents`, the project's files that include a named catalogue are checked as well.
    Raises InputError for unreadable input.
    """
    config = config or Config()
    files = expand_paths(paths)
    if not files:
        suffixes = " or ".join(f"*{s}" for s in MAP_SUFFIXES)
        raise InputError(f"no {suffixes} files in {', '.join(map(str, paths))}")
    workspace = Workspace(limits, project.include_roots(config))
    named = {p.resolve() for p in paths if not p.is_dir()}
    run: list[Checked] = []
    others: list[Checked] = []
    for path in files:
        if not config.excluded(path):
            item = _checked(workspace, path)
            skip = item.foreign and (skip_non_maps or item.path not in named)
            (others if skip else run).append(item)
    report = LintReport()
    if dependents:
        added = _add_dependents(workspace, run, named, config)
        report.dependents = {display_path(t): [display_path(p) for p in ps] for t, ps in added}
    report.maps, findings, spanned, logic_ran = _check(workspace, run)
    names = {path: display_path(path) for path in spanned}
    report.files = sorted(names.values())
    report.texts = {names[path]: workspace.files[path].text for path in spanned}
    report.skipped = sorted(display_path(c.path) for c in others if c.path not in spanned)
    kept = disables.apply(
        findings,
        report.texts,
        all_rules(),
        partial={name for path, name in names.items() if path not in logic_ran},
    )
    report.findings = sorted(config.apply(kept), key=Finding.sort_key)
    return report


def _checked(workspace: Workspace, path: Path) -> Checked:
    try:
        return workspace.checked(path)
    except OSError as exc:
        raise InputError(f"{path}: {unreadable(exc)}") from None


def _add_dependents(
    workspace: Workspace, run: list[Checked], named: set[Path], config: Config
) -> list[tuple[Path, list[Path]]]:
    """Add to `run` the project's files that include a named catalogue; (catalogue, added)."""
    targets = {
        c.path for c in run if c.path in named and c.document is not None and not c.is_journey
    }
    if not targets:
        return []
    known = {c.path for c in run}
    found = project.dependents(workspace, targets, config, known)
    for path in dict.fromkeys(p for paths in found.values() for p in paths):
        run.append(workspace.files[path])
    return sorted(found.items())


def _check(
    workspace: Workspace, run: list[Checked]
) -> tuple[list[JourneyMap], set[Finding], set[Path], set[Path]]:
    """Check the maps of `run`: journeys, and catalogues no journey includes. Returns the maps
    built, the findings, the files spanned and those the logic rules saw."""
    maps: list[JourneyMap] = []
    findings: set[Finding] = set()
    included: set[Path] = set()
    spanned: set[Path] = set()
    logic_ran: set[Path] = set()
    for item in run:
        findings.update(item.findings)
        if item.is_journey:
            jmap, map_findings, closure = check_map(workspace, item.path)
            findings.update(map_findings)
            included.update(c.path for c in closure[1:])
            spanned.update(c.path for c in closure)
            if jmap is not None:
                maps.append(jmap)
                logic_ran.update(c.path for c in closure)
    for item in run:  # catalogues that no journey includes: checked on their own
        if not item.is_journey and item.path not in included:
            jmap, map_findings, closure = check_map(workspace, item.path)
            findings.update(map_findings)
            spanned.update(c.path for c in closure)
            if jmap is not None:
                logic_ran.update(c.path for c in closure)
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
