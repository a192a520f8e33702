"""Safe YAML loading with spans, bounds and YAML 1.1 surprise detection.

The loader walks libyaml's event stream (PyYAML's C parser when present) and builds plain data
itself, so it never composes an unbounded node tree and never constructs a tag: only the core
scalar types and collections exist. Size, nesting depth and alias expansion are bounded before
any work that could explode.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml import events as ev

from journeyctl.core.findings import Finding
from journeyctl.core.limits import DEFAULT_LIMITS, Limits
from journeyctl.core.span import Span
from journeyctl.lint.document import Document, Path
from journeyctl.lint.rules.jm001_yaml_syntax import RULE as YAML_SYNTAX
from journeyctl.lint.rules.jm002_duplicate_key import RULE as DUPLICATE_KEY
from journeyctl.lint.rules.jm003_yaml11_surprise import RULE as YAML11_SURPRISE
from journeyctl.lint.rules.jm004_forbidden_tag import RULE as FORBIDDEN_TAG
from journeyctl.lint.rules.jm005_resource_limit import RULE as RESOURCE_LIMIT
from journeyctl.lint.rules.jm006_encoding import RULE as ENCODING
from journeyctl.lint.rules.jm007_not_a_map import RULE as NOT_A_MAP
from journeyctl.lint.rules.jm012_wrong_type import RULE as WRONG_TYPE

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()

_CORE = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE = _CORE + "str", _CORE + "map", _CORE + "seq", _CORE + "merge"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_ALLOWED_TAGS = _SCALAR_TAGS | {_MAP, _SEQ}


@dataclass(slots=True)
class LoadResult:
    """The document (None when the file could not be read as one) and the findings on the way."""

    document: Document | None
    findings: list[Finding] = field(default_factory=list)


class _Abort(Exception):
    def __init__(self, finding: Finding):
        self.finding = finding


def load_file(
    path: FsPath, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> LoadResult:
    """Load the map file at `path`; `display` is the name findings use. Raises OSError."""
    display = display or str(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        return _too_large(display, f"file is {size:,} bytes", limits)
    return load_bytes(path.read_bytes(), display, limits)


def load_bytes(data: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> LoadResult:
    """Load one YAML document from `data`, reporting problems as findings located in `file`."""
    if len(data) > limits.max_bytes:
        return _too_large(file, f"input is {len(data):,} bytes", limits)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return LoadResult(None, [_encoding_finding(data, exc.start, file)])
    builder = _Builder(file, text, limits)
    try:
        builder.run()
    except _Abort as abort:
        return LoadResult(None, [*builder.findings, abort.finding])
    except yaml.MarkedYAMLError as exc:
        if _LIBYAML_DEPTH in (exc.problem or ""):  # libyaml ≥ 0.2.5 stops at depth 1000
            return LoadResult(None, [*builder.findings, _depth_finding(exc, file, limits)])
        return LoadResult(None, [*builder.findings, _syntax_finding(exc, text, file)])
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        return LoadResult(None, [*builder.findings, _reader_finding(exc, text, file)])
    return LoadResult(builder.document, builder.findings)


def _too_large(file: str, size: str, limits: Limits) -> LoadResult:
    """No document: `file` is over the byte limit (`size`: "file is N bytes")."""
    finding = RESOURCE_LIMIT.at(
        Span.point(file, 1, 1),
        f"{size}; the limit is {limits.max_bytes:,}",
        "split the map into several files joined with `include`",
    )
    return LoadResult(None, [finding])


def _encoding_finding(data: bytes, pos: int, file: str) -> Finding:
    line = data.count(b"\n", 0, pos) + 1
    col = pos - (data.rfind(b"\n", 0, pos) + 1) + 1
    return ENCODING.at(
        Span.point(file, line, col),
        f"byte 0x{data[pos]:02x} is not valid UTF-8",
        "save the file as UTF-8 (your editor's 'save with encoding' option)",
    )


_LIBYAML_DEPTH = "exceeded maximum nesting depth"


def _depth_finding(exc: yaml.MarkedYAMLError, file: str, limits: Limits) -> Finding:
    mark = exc.problem_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return _too_deep(Span.point(file, line, col), limits)


def _too_deep(span: Span, limits: Limits) -> Finding:
    return RESOURCE_LIMIT.at(
        span,
        f"nesting is deeper than {limits.max_depth} levels",
        "a journey map needs only a few levels; flatten this structure",
    )


def _syntax_finding(exc: yaml.MarkedYAMLError, text: str, file: str) -> Finding:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if exc.context:
        problem = f"{exc.context}: {problem}"
    hint = "check indentation, quotes and brackets around this point"
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        problem = "a tab character where YAML expects indentation or a value"
        hint = "YAML does not allow tabs for indentation; indent with spaces"
    return YAML_SYNTAX.at(Span.point(file, line, col), problem, hint)


def _reader_finding(exc: yaml.YAMLError, text: str, file: str) -> Finding:
    pos = getattr(exc, "position", 0) or 0
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return YAML_SYNTAX.at(
        Span.point(file, line, col),
        str(getattr(exc, "reason", None) or exc).split("\n")[0],
        "remove control characters; a map file is plain text",
    )


def _span(file: str, event: ev.Event) -> Span:
    s, e = event.start_mark, event.end_mark
    return Span(file, s.line + 1, s.column + 1, e.line + 1, e.column + 1)


class _Builder:
    """Builds plain data from parser events, recording spans and enforcing limits."""

    def __init__(self, file: str, text: str, limits: Limits):
        self.file = file
        self.limits = limits
        self.findings: list[Finding] = []
        self.document = Document(file, None, text)
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.events: Iterator[ev.Event] = yaml.parse(text, Loader=_Loader)

    def run(self) -> None:
        documents = 0
        for event in self.events:
            if isinstance(event, ev.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Abort(
                        NOT_A_MAP.at(
                            _span(self.file, event),
                            "a map file holds one YAML document; found a second `---`",
                            "move the second document into a file of its own",
                        )
                    )
                self.document.data = self.node(next(self.events), (), 1)
        if documents == 0:
            raise _Abort(
                NOT_A_MAP.at(
                    Span.point(self.file, 1, 1),
                    "the file is empty",
                    "start a map with `journeyctl: 1`, or run `journeyctl init`",
                )
            )

    def count(self, n: int, event: ev.Event) -> None:
        self.nodes += n
        if self.nodes > self.limits.max_nodes:
            raise _Abort(
                RESOURCE_LIMIT.at(
                    _span(self.file, event),
                    f"more than {self.limits.max_nodes:,} values after expanding aliases",
                    "an alias multiplies what its anchor holds; use fewer or smaller aliases",
                )
            )

    def node(self, event: ev.Event, path: Path, depth: int) -> Any:
        doc = self.document
        if isinstance(event, ev.AliasEvent):
            if event.anchor not in self.anchors:
                raise _Abort(
                    YAML_SYNTAX.at(
                        _span(self.file, event),
                        f"alias *{event.anchor} names no anchor defined before it",
                        f"define `&{event.anchor}` earlier in the file",
                    )
                )
            value, size = self.anchors[event.anchor]
            self.count(size, event)
            doc.spans[path] = _span(self.file, event)
            return value
        start = self.nodes
        if isinstance(event, ev.ScalarEvent):
            self.count(1, event)
            value = self.scalar(event, path)
        elif isinstance(event, ev.SequenceStartEvent | ev.MappingStartEvent):
            if depth > self.limits.max_depth:
                raise _Abort(_too_deep(_span(self.file, event), self.limits))
            self.count(1, event)
            self.check_tag(event, _SEQ if isinstance(event, ev.SequenceStartEvent) else _MAP)
            if isinstance(event, ev.SequenceStartEvent):
                value = self.sequence(path, depth)
            else:
                value = self.mapping(path, depth)
        else:  # pragma: no cover - the parser guarantees a node here
            raise _Abort(YAML_SYNTAX.at(_span(self.file, event), "unexpected YAML event"))
        span = _span(self.file, event)
        if path not in doc.spans:
            doc.spans[path] = span
        if event.anchor:
            self.anchors[event.anchor] = (value, self.nodes - start)
        return value

    def check_tag(self, event: ev.NodeEvent, default: str) -> str | None:
        tag = getattr(event, "tag", None)
        if tag in (None, "!"):
            return None
        if tag not in _ALLOWED_TAGS or (tag in _SCALAR_TAGS) != (default == _STR):
            raise _Abort(
                FORBIDDEN_TAG.at(
                    _span(self.file, event),
                    f"tag {tag.replace(_CORE, '!!')} is not allowed in a map file",
                    "remove the tag; journeyctl reads only plain text, numbers, lists and mappings",
                )
            )
        return tag

    def scalar(self, event: ev.ScalarEvent, path: Path) -> Any:
        tag = self.check_tag(event, _STR)
        if tag is None:
            if event.style or not event.implicit[0]:  # quoted or block: text
                return event.value
            tag = _resolver.resolve(yaml.ScalarNode, event.value, (True, False))
        if tag == _STR:
            return event.value
        if tag == _MERGE:
            return _MERGE
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
        try:
            value = _constructor.yaml_constructors[tag](_constructor, node)
        except (ValueError, yaml.YAMLError) as exc:
            raise _Abort(
                WRONG_TYPE.at(_span(self.file, event), f"cannot read {event.value!r}: {exc}")
            ) from None
        if event.tag is None:
            self.document.plain[path] = event.value
        return value

    def sequence(self, path: Path, depth: int) -> list:
        items: list = []
        for event in self.events:
            if isinstance(event, ev.SequenceEndEvent):
                return items
            items.append(self.node(event, (*path, len(items)), depth + 1))
        raise _Abort(YAML_SYNTAX.at(Span.point(self.file, 1, 1), "unterminated list"))

    def mapping(self, path: Path, depth: int) -> dict:
        doc = self.document
        result: dict = {}
        first_seen: dict[str, Span] = {}
        merges: list[dict] = []
        for event in self.events:
            if isinstance(event, ev.MappingEndEvent):
                for merged in merges:
                    for k, v in merged.items():
                        result.setdefault(k, v)
                return result
            key_span = _span(self.file, event)
            key = self.key(event, path, key_span)
            child = (*path, key)
            if key == _MERGE:
                value = self.node(next(self.events), (*path, "<<"), depth + 1)
                merges.extend(self.merge_sources(value, key_span))
                continue
            if key in first_seen:
                first = first_seen[key]
                self.findings.append(
                    DUPLICATE_KEY.at(
                        key_span,
                        f"key {key!r} appears twice in this mapping (first at line {first.line}); "
                        "YAML keeps only the last value",
                        "remove one of them, or merge their contents",
                    )
                )
            first_seen[key] = key_span
            doc.key_spans[child] = key_span
            result[key] = self.node(next(self.events), child, depth + 1)
        raise _Abort(YAML_SYNTAX.at(Span.point(self.file, 1, 1), "unterminated mapping"))

    def merge_sources(self, value: Any, span: Span) -> list[dict]:
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, dict) for s in sources):
            raise _Abort(WRONG_TYPE.at(span, "`<<` merges a mapping or a list of mappings", ""))
        return sources

    def key(self, event: ev.Event, path: Path, span: Span) -> str:
        if not isinstance(event, ev.ScalarEvent):
            raise _Abort(
                WRONG_TYPE.at(
                    span,
                    "a mapping key must be plain text, not a list or mapping",
                    "write the key as a plain word such as `name`",
                )
            )
        value = self.scalar(event, (*path, "\0key"))
        self.document.plain.pop((*path, "\0key"), None)
        if value == _MERGE or isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and str(value) == event.value:
            return event.value
        self.findings.append(
            YAML11_SURPRISE.at(
                span,
                f"key {event.value} is read by YAML as {_describe(value)}, not as text",
                f'quote it: "{event.value}"',
            )
        )
        return event.value


def _describe(value: Any) -> str:
    """How YAML read an unquoted scalar, for messages."""
    if value is None:
        return "null (nothing)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    return f"the date {value.isoformat()}" if hasattr(value, "isoformat") else type(value).__name__


describe_plain = _describe
