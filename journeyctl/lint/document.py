"""A loaded YAML document: plain data plus the span of every key and value in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeyctl.core.span import Span

Path = tuple  # keys and list indices from the document root
Marks = tuple[int, int, int, int]  # 0-based start line and column, end line and column


@dataclass(slots=True)
class Document:
    """Plain JSON-like `data` from one file, with the place of every key and value by path.

    `marks[path]` is where the value at `path` stands; `key_marks[path]` is where the key that
    leads to `path` stands: the parser's 0-based marks, made into spans only when asked for.
    `plain[path]` keeps the source text of an unquoted scalar that YAML read as something other
    than text (a boolean, number, date or null).
    """

    file: str
    data: Any
    text: str
    marks: dict[Path, Marks] = field(default_factory=dict)
    key_marks: dict[Path, Marks] = field(default_factory=dict)
    plain: dict[Path, str] = field(default_factory=dict)

    def span(self, path: Path) -> Span:
        """Where the value at `path` stands, or its nearest recorded ancestor (inside aliases)."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        marks = self.marks.get(path)
        return at(self.file, marks) if marks else Span.point(self.file, 1, 1)

    def key_span(self, path: Path) -> Span:
        """Where the key leading to `path` stands, falling back to the value's span."""
        marks = self.key_marks.get(tuple(path))
        return at(self.file, marks) if marks else self.span(path)


def at(file: str, marks: Marks) -> Span:
    """The span in `file` of the parser's `marks`."""
    line, col, end_line, end_col = marks
    return Span(file, line + 1, col + 1, end_line + 1, end_col + 1)
