"""Inline disable comments in map files, applied once to the findings of a lint run.

Forms (codes are comma-separated; leaving `=CODES` out means every rule):

- `# journeyctl: disable-line=JM101` — the line it ends; on a line of its own, the next line.
- `# journeyctl: disable=JM101` … `# journeyctl: enable=JM101` — the lines between (to the end
  of the file when there is no `enable`).
- `# journeyctl: disable-file` — the whole file.

A comment that suppresses nothing is reported as JM030 unused-disable. YAML parsers drop
comments, so they are found between the scanner's tokens: text inside a value (a block
scalar, a quoted string) is never a directive.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import yaml

from journeyctl.core.findings import Finding
from journeyctl.core.span import Span
from journeyctl.lint.loader import LOADER
from journeyctl.lint.rules.jm030_unused_disable import RULE as UNUSED_DISABLE

_MARK = re.compile(r"#\s*journeyctl:\s*(?:disable|enable)")
_DIRECTIVE = re.compile(
    r"#\s*journeyctl:\s*(?P<kind>disable-line|disable-file|disable|enable)\b"
    r"(?:\s*=\s*(?P<codes>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*))?"
)
_END = 1 << 30


@dataclass(frozen=True, slots=True)
class Directive:
    """One disable or enable comment: its `kind`, the `codes` it names (empty: every rule)."""

    kind: str
    codes: tuple[str, ...]
    span: Span
    text: str

    @property
    def own_line(self) -> bool:
        """Whether the comment stands alone on its line."""
        return self.span.col == 1 or self.text[: self.span.col - 1].strip() == ""


@dataclass(slots=True)
class Suppression:
    """Lines `first`..`last` of a file where `code` (None: every rule) is silenced."""

    directive: Directive
    code: str | None
    first: int
    last: int
    used: bool = False

    def covers(self, finding: Finding) -> bool:
        return self.first <= finding.span.line <= self.last and self.code in (None, finding.code)


@dataclass(slots=True)
class FileSuppressions:
    """The suppressions of one file, and the `enable` comments that closed nothing."""

    file: str
    entries: list[Suppression] = field(default_factory=list)
    stray_enables: list[Directive] = field(default_factory=list)


def directives(file: str, text: str) -> list[Directive]:
    """Every disable/enable comment in `text`, in order."""
    if not _MARK.search(text):
        return []
    found: list[Directive] = []
    lines = _BREAKS.split(text)
    marked = [number for number, line in enumerate(lines) if _MARK.search(line)]
    if not marked:
        return found
    for number, start in _comments(text, lines, marked):
        line = lines[number - 1]
        match = _DIRECTIVE.match(line, start)
        if match is None:
            continue
        codes = match["codes"] or ""
        span = Span(file, number, start + 1, number, match.end() + 1)
        found.append(
            Directive(
                match["kind"],
                tuple(c.strip().upper() for c in codes.split(",") if c.strip()),
                span,
                line,
            )
        )
    return found


_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""Line breaks as YAML (and libyaml's line numbers) count them."""


def _comments(text: str, lines: list[str], marked: list[int]) -> Iterator[tuple[int, int]]:
    """(line, column), 1-based line and 0-based column, of the comment's `#` on each of the
    `marked` lines (0-based, ascending) that has one.

    Comments are what lies between YAML tokens (so never text inside a scalar): the scanner
    gives each token's start and end, and a `#` in a gap starts a comment. Whether a `#` is in a
    gap depends on every token before it (a quoted scalar may span lines), so the scan starts
    at the top, but it stops after the last marked line, and looks only at gaps that reach a
    marked line. A file that does not scan has its comments up to the error.
    """
    pending = iter(marked)
    due = next(pending)  # the first marked line the gaps have not passed
    end_line = end_col = 0  # the furthest end of a token so far
    try:
        for token in yaml.scan(text, Loader=LOADER):
            start = token.start_mark
            if start.line >= due:
                yield from _gap_comments(
                    lines, marked, (end_line, end_col), (start.line, start.column)
                )
            end = token.end_mark
            if end.line > end_line or (end.line == end_line and end.column > end_col):
                end_line, end_col = end.line, end.column
            while due < end_line:  # no later gap reaches this line
                due = next(pending)
    except StopIteration:
        return
    except yaml.YAMLError:
        return


def _gap_comments(
    lines: list[str], marked: list[int], start: tuple[int, int], end: tuple[int, int]
) -> Iterator[tuple[int, int]]:
    """The comments on `marked` lines between `start` and `end`, (0-based line, column)."""
    for number in marked[bisect_left(marked, start[0]) : bisect_right(marked, end[0])]:
        first = start[1] if number == start[0] else 0
        last = end[1] if number == end[0] else len(lines[number])
        hash_at = lines[number].find("#", first, last)
        if hash_at >= 0:
            yield number + 1, hash_at


def suppressions(file: str, text: str) -> FileSuppressions:
    """The lines and rules each comment in `text` silences."""
    result = FileSuppressions(file)
    open_ranges: list[Suppression] = []
    for d in directives(file, text):
        codes: tuple[str | None, ...] = d.codes or (None,)
        if d.kind == "disable-file":
            result.entries += [Suppression(d, c, 1, _END) for c in codes]
        elif d.kind == "disable-line":
            line = d.span.line + 1 if d.own_line else d.span.line
            result.entries += [Suppression(d, c, line, line) for c in codes]
        elif d.kind == "disable":
            opened = [Suppression(d, c, d.span.line, _END) for c in codes]
            result.entries += opened
            open_ranges += opened
        else:  # enable
            closing = [s for s in open_ranges if not d.codes or s.code in d.codes]
            for s in closing:
                s.last = d.span.line
                open_ranges.remove(s)
            if not closing:
                result.stray_enables.append(d)
    return result


def apply(
    findings: Iterable[Finding],
    texts: Mapping[str, str],
    known_codes: Collection[str],
    partial: Collection[str] = (),
) -> list[Finding]:
    """`findings` less the ones disable comments silence, plus JM030 for comments that silence
    nothing.

    `texts` maps each file name (as findings name it) to its text. In `partial` files only
    some rules ran (the map had errors that stop the logic rules), so a comment naming a
    rule that did not run is not reported as unused.
    """
    by_file: dict[str, FileSuppressions] = {}
    for file, text in texts.items():
        found = suppressions(file, text)
        if found.entries or found.stray_enables:
            by_file[file] = found
    if not by_file:
        return list(findings)
    kept = []
    for f in findings:
        found = by_file.get(f.span.file)
        covering = [s for s in found.entries if s.covers(f)] if found else []
        for s in covering:
            s.used = True
        if not covering:
            kept.append(f)
    for file, found in sorted(by_file.items()):
        kept += _unused(found, known_codes, file in partial)
    return kept


def _unused(found: FileSuppressions, known_codes: Collection[str], partial: bool) -> list[Finding]:
    out = []
    for s in found.entries:
        d = s.directive
        named = f"{d.kind}={s.code}" if s.code else d.kind
        if s.code is not None and s.code not in known_codes:
            out.append(
                UNUSED_DISABLE.at(
                    d.span,
                    f"`{named}` names no journeyctl rule",
                    "`journeyctl rules` lists the codes",
                )
            )
        elif not s.used and not (partial and (s.code is None or not s.code.startswith("JM0"))):
            out.append(
                UNUSED_DISABLE.at(
                    d.span,
                    f"`{named}` suppresses nothing",
                    "remove it, or the code, from the comment",
                )
            )
    for d in found.stray_enables:
        out.append(
            UNUSED_DISABLE.at(
                d.span,
                f"`{d.kind}{'=' + ','.join(d.codes) if d.codes else ''}` closes no `disable`",
                "remove it, or add the matching `# journeyctl: disable=…` above",
            )
        )
    return out
