"""The validate pipeline: find map files, load them, check schema and logic, collect findings.

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
from journeyctl.lint import suppressions as disables
from journeyctl.lint.config import Config
from journeyctl.lint.rules import all_rules, logic_rules
from journeyctl.lint.workspace import Checked, Workspace, build_map, display_path

MAP_SUFFIXES = (".yaml", ".yml")
_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__"}


@dataclass
class LintReport:
    """What `validate` found: the files it read, the maps it built and the findings, sorted.

    `texts` holds each file's text by the name findings use.
    """

    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    maps: list[JourneyMap] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict, repr=False)

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
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix in MAP_SUFFIXES
                and p.is_file()
                and not _SKIP_DIRS.intersection(p.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return list(dict.fromkeys(found))


def lint(
    paths: Sequence[Path], limits: Limits = DEFAULT_LIMITS, config: Config | None = None
) -> LintReport:
    """Validate the map files under `paths` (less those `config` excludes).

    Raises InputError for unreadable input.
    """
    config = config or Config()
    files = expand_paths(paths)
    if not files:
        raise InputError(f"no *.yaml or *.yml files in {', '.join(map(str, paths))}")
    files = [f for f in files if not config.excluded(f)]
    workspace = Workspace(limits)
    report = LintReport()
    checked: list[Checked] = []
    for path in files:
        try:
            checked.append(workspace.checked(path))
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    findings: set[Finding] = set()
    included: set[Path] = set()
    logic_ran: set[Path] = set()
    for item in checked:
        findings.update(item.findings)
        if item.is_journey:
            jmap, map_findings, closure = check_map(workspace, item.path)
            findings.update(map_findings)
            included.update(c.path for c in closure[1:])
            if jmap is not None:
                report.maps.append(jmap)
                logic_ran.update(c.path for c in closure)
    for item in checked:  # catalogues that no journey includes: checked on their own
        if not item.is_journey and item.path not in included:
            jmap, map_findings, closure = check_map(workspace, item.path)
            findings.update(map_findings)
            if jmap is not None:
                logic_ran.update(c.path for c in closure)
    names = {c.path: display_path(c.path) for c in workspace.files.values()}
    report.files = sorted(names.values())
    report.texts = {names[c.path]: _text(c) for c in workspace.files.values()}
    kept = disables.apply(
        findings,
        report.texts,
        all_rules(),
        partial={name for path, name in names.items() if path not in logic_ran},
    )
    report.findings = sorted(config.apply(kept), key=Finding.sort_key)
    return report


def _text(item: Checked) -> str:
    """The text of a checked file (read again, leniently, when it did not load)."""
    if item.document is not None:
        return item.document.text
    try:
        return item.path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return ""


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
