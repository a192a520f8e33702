"""Inline disable comments in map files, applied once to the findings of a lint run.

Forms (codes are comma-separated; leaving `=CODES` out means every rule):

- `# journeyctl: disable-line=JM101` — the line it ends; on a line of its own, the next line.
- `# journeyctl: disable=JM101` … `# journeyctl: enable=JM101` — the lines between (to the end
  of the file when there is no `enable`).
- `# journeyctl: disable-file` — the whole file.

A comment that suppresses nothing is reported as JM030 unused-disable. YAML parsers drop
comments, so they are read from the file's text: a `#` at the start of a line or after a
space, outside quotes, starts one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from journeyctl.core.findings import Finding
from journeyctl.core.span import Span
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
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        start = _comment_start(line)
        if start is None:
            continue
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


def _comment_start(line: str) -> int | None:
    """The index of the `#` that starts a comment on `line`, outside quotes, or None."""
    if "#" not in line:
        return None
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
    return None


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
