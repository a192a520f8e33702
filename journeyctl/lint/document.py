"""A loaded YAML document: plain data plus the span of every key and value in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeyctl.core.span import Span

Path = tuple  # keys and list indices from the document root


@dataclass(slots=True)
class Document:
    """Plain JSON-like `data` from one file, with spans addressed by path.

    `spans[path]` is where the value at `path` stands; `key_spans[path]` is where the key that
    leads to `path` stands. `plain[path]` keeps the source text of an unquoted scalar that YAML
    read as something other than text (a boolean, number, date or null).
    """

    file: str
    data: Any
    text: str
    spans: dict[Path, Span] = field(default_factory=dict)
    key_spans: dict[Path, Span] = field(default_factory=dict)
    plain: dict[Path, str] = field(default_factory=dict)

    def span(self, path: Path) -> Span:
        """Where the value at `path` stands, or its nearest recorded ancestor (inside aliases)."""
        path = tuple(path)
        while path not in self.spans and path:
            path = path[:-1]
        return self.spans.get(path) or Span.point(self.file, 1, 1)

    def key_span(self, path: Path) -> Span:
        """Where the key leading to `path` stands, falling back to the value's span."""
        return self.key_spans.get(tuple(path)) or self.span(path)
