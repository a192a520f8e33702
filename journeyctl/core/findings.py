"""A finding: one problem found in a map, with its rule, severity and location; and the one-line
form `path:line:col: CODE [severity] message` that validate and gaps print as `concise`."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace

from journeyctl.core.escape import visible
from journeyctl.core.span import Span


class Severity(enum.IntEnum):
    """How serious a finding is; higher is worse."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        """The severity named `text` (case-insensitive)."""
        try:
            return cls[text.upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}; use one of {names}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: rule `code` and `slug`, `severity`, `message`, where, and how to fix it."""

    code: str
    slug: str
    severity: Severity
    message: str
    span: Span
    hint: str = ""

    def sort_key(self) -> tuple:
        s = self.span
        return (s.file, s.line, s.col, self.code, self.message)

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    def as_dict(self) -> dict:
        s = self.span
        return {
            "code": self.code,
            "slug": self.slug,
            "severity": self.severity.label,
            "message": self.message,
            "file": s.file,
            "line": s.line,
            "column": s.col,
            "end_line": s.end_line,
            "end_column": s.end_col,
            "hint": self.hint,
        }


_BREAKS = re.compile(r"\r\n|[\t\n\v\f\r\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` on one line: line breaks and tabs as spaces, other control characters visible."""
    return visible(_BREAKS.sub(" ", text))


def concise(code: str, severity: Severity, message: str, span: Span) -> str:
    """`path:line:col: CODE [severity] message`, on one line."""
    return one_line(f"{span}: {code} [{severity.label}] {message}")
