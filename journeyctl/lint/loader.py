"""Safe YAML loading with spans, bounds and YAML 1.1 surprise detection.

The loader walks libyaml's event stream (PyYAML's C parser when present) and builds plain data
itself, so it never composes an unbounded node tree and never constructs a tag: only the core
scalar types and collections exist. Size, nesting depth and alias expansion are bounded before
any work that could explode.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml import events as ev

from journeyctl.core.files import irregular
from journeyctl.core.findings import Finding
from journeyctl.core.limits import DEFAULT_LIMITS, Limits
from journeyctl.core.span import Span
from journeyctl.lint.document import Document, Marks, Path, at
from journeyctl.lint.rules.jm001_yaml_syntax import RULE as YAML_SYNTAX
from journeyctl.lint.rules.jm002_duplicate_key import RULE as DUPLICATE_KEY
from journeyctl.lint.rules.jm003_yaml11_surprise import RULE as YAML11_SURPRISE
from journeyctl.lint.rules.jm004_forbidden_tag import RULE as FORBIDDEN_TAG
from journeyctl.lint.rules.jm005_resource_limit import RULE as RESOURCE_LIMIT
from journeyctl.lint.rules.jm006_encoding import RULE as ENCODING
from journeyctl.lint.rules.jm007_not_a_map import RULE as NOT_A_MAP
from journeyctl.lint.rules.jm012_wrong_type import RULE as WRONG_TYPE

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's loader on libyaml (C) when installed with it, else the pure-Python one."""
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()

_CORE = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE = _CORE + "str", _CORE + "map", _CORE + "seq", _CORE + "merge"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_ALLOWED_TAGS = _SCALAR_TAGS | {_MAP, _SEQ}
_UNSEEN = object()


@dataclass(slots=True)
class LoadResult:
    """The document (None when the file could not be read as one) and the findings on the way."""

    document: Document | None
    findings: list[Finding] = field(default_factory=list)


class _Abort(Exception):
    def __init__(self, finding: Finding):
        self.finding = finding


class NotRegularFile(OSError):
    """A path that exists but is no regular file; `strerror` says what it is."""


def read_limited(path: FsPath, limit: int) -> bytes:
    """At most `limit` + 1 bytes of the regular file at `path`, never waiting on a pipe.

    Raises NotRegularFile for a folder, pipe, device or socket, and OSError when unreadable.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        problem = irregular(os.fstat(fd).st_mode)
        if problem is not None:
            raise NotRegularFile(errno.EINVAL, problem, str(path))
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def unreadable(exc: OSError) -> str:
    """Why a file could not be read, after its name: "is a named pipe, …", "cannot read: …"."""
    if isinstance(exc, NotRegularFile):
        return exc.strerror
    return f"cannot read: {exc.strerror or exc}"


def load_bytes(data: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> LoadResult:
    """Load one YAML document from `data` (a file's first `limits.max_bytes` + 1 bytes, see
    `read_limited`), reporting problems as findings located in `file`."""
    if len(data) > limits.max_bytes:
        return _too_large(file, limits)
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


def _too_large(file: str, limits: Limits) -> LoadResult:
    """No document: `file` is over the byte limit."""
    finding = RESOURCE_LIMIT.at(
        Span.point(file, 1, 1),
        f"the file is larger than the limit of {limits.max_bytes:,} bytes",
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


def _too_deep(span: Span, limits: Limits, alias: str = "") -> Finding:
    through = f" through alias *{alias}" if alias else ""
    return RESOURCE_LIMIT.at(
        span,
        f"nesting is deeper than {limits.max_depth} levels{through}",
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
    return at(file, _marks(event))


def _marks(event: ev.Event) -> Marks:
    s, e = event.start_mark, event.end_mark
    return (s.line, s.column, e.line, e.column)


class _Builder:
    """Builds plain data from parser events, recording where each value stands and enforcing
    limits. Events are compared by class (`is`), not `isinstance`: the parser makes exactly
    these classes, and this loop runs for every value of the file."""

    def __init__(self, file: str, text: str, limits: Limits):
        self.file = file
        self.limits = limits
        self.findings: list[Finding] = []
        self.document = Document(file, None, text)
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.nodes = 0
        self.reached = 0  # the deepest nesting met so far below the current anchor
        self.marks = self.document.marks
        self.plain_values: dict[str, Any] = {}  # each plain scalar's text, read
        self.parser = LOADER(text)
        self.next_event = self.parser.get_event

    def run(self) -> None:
        try:
            self.read()
        finally:
            self.parser.dispose()

    def read(self) -> None:
        documents = 0
        while (event := self.next_event()) is not None:
            if event.__class__ is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Abort(
                        NOT_A_MAP.at(
                            _span(self.file, event),
                            "a map file holds one YAML document; found a second `---`",
                            "move the second document into a file of its own",
                        )
                    )
                self.document.data = self.node(self.next_event(), (), 1)
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
            raise self.too_many(event)

    def too_many(self, event: ev.Event) -> _Abort:
        return _Abort(
            RESOURCE_LIMIT.at(
                _span(self.file, event),
                f"more than {self.limits.max_nodes:,} values after expanding aliases",
                "an alias multiplies what its anchor holds; use fewer or smaller aliases",
            )
        )

    def node(self, event: ev.Event, path: Path, depth: int) -> Any:
        cls = event.__class__
        if cls is ev.ScalarEvent:  # a scalar counts one value and nests nothing
            self.nodes += 1
            if self.nodes > self.limits.max_nodes:
                raise self.too_many(event)
            value = self.scalar(event)
            if event.tag is None and not isinstance(value, str):
                self.document.plain[path] = event.value
            if path not in self.marks:
                self.marks[path] = _marks(event)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1, -1)
            if depth - 1 > self.reached:
                self.reached = depth - 1
            return value
        if cls is ev.MappingStartEvent or cls is ev.SequenceStartEvent:
            if depth > self.limits.max_depth:
                raise _Abort(_too_deep(_span(self.file, event), self.limits))
            start, outer = self.nodes, self.reached
            self.count(1, event)
            self.reached = depth
            if cls is ev.SequenceStartEvent:
                self.check_tag(event, _SEQ)
                value = self.sequence(path, depth)
            else:
                self.check_tag(event, _MAP)
                value = self.mapping(path, depth)
            self.marks.setdefault(path, _marks(event))
            if event.anchor:
                self.anchors[event.anchor] = (value, self.nodes - start, self.reached - depth)
            self.reached = max(outer, self.reached)
            return value
        if cls is ev.AliasEvent:
            return self.alias(event, path, depth)
        raise _Abort(  # pragma: no cover - the parser closes what it opens, or raises
            YAML_SYNTAX.at(Span.point(self.file, 1, 1), "unterminated list")
        )

    def alias(self, event: ev.AliasEvent, path: Path, depth: int) -> Any:
        if event.anchor not in self.anchors:
            raise _Abort(
                YAML_SYNTAX.at(
                    _span(self.file, event),
                    f"alias *{event.anchor} names no anchor defined before it",
                    f"define `&{event.anchor}` earlier in the file",
                )
            )
        value, size, height = self.anchors[event.anchor]
        self.count(size, event)
        if depth + height > self.limits.max_depth:  # the alias nests what its anchor holds
            raise _Abort(_too_deep(_span(self.file, event), self.limits, event.anchor))
        self.reached = max(self.reached, depth + height)
        self.marks[path] = _marks(event)
        return value

    def check_tag(self, event: ev.NodeEvent, default: str) -> str | None:
        tag = event.tag
        if tag is None or tag == "!":
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

    def scalar(self, event: ev.ScalarEvent) -> Any:
        """The value of a scalar: text, or (unquoted, or tagged) a number, boolean, date or null;
        `_MERGE` for the merge key `<<`."""
        tag = self.check_tag(event, _STR)
        if tag is not None:
            return self.typed(tag, event)
        if event.style or not event.implicit[0]:  # quoted or block: text
            return event.value
        value = self.plain_values.get(event.value, _UNSEEN)
        if value is _UNSEEN:  # the same text reads the same way: resolve it once
            tag = _resolver.resolve(yaml.ScalarNode, event.value, (True, False))
            value = self.plain_values[event.value] = self.typed(tag, event)
        return value

    def typed(self, tag: str, event: ev.ScalarEvent) -> Any:
        if tag == _STR:
            return event.value
        if tag == _MERGE:
            return _MERGE
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
        try:
            return _constructor.yaml_constructors[tag](_constructor, node)
        except (ValueError, yaml.YAMLError) as exc:
            raise _Abort(
                WRONG_TYPE.at(_span(self.file, event), f"cannot read {event.value!r}: {exc}")
            ) from None

    def sequence(self, path: Path, depth: int) -> list:
        items: list = []
        while (event := self.next_event()).__class__ is not ev.SequenceEndEvent:
            items.append(self.node(event, (*path, len(items)), depth + 1))
        return items

    def mapping(self, path: Path, depth: int) -> dict:
        key_marks = self.document.key_marks
        result: dict = {}
        merges: list[dict] = []
        while (event := self.next_event()).__class__ is not ev.MappingEndEvent:
            if event.__class__ is not ev.ScalarEvent:
                raise _Abort(self.not_a_key(event))
            marks = _marks(event)
            key = self.scalar(event)
            if not isinstance(key, str):
                key = self.not_text(event, key, marks)
            if key == _MERGE:
                value = self.node(self.next_event(), (*path, "<<"), depth + 1)
                merges.extend(self.merge_sources(value, marks))
                continue
            child = (*path, key)
            if key in result:
                self.findings.append(
                    DUPLICATE_KEY.at(
                        at(self.file, marks),
                        f"key {key!r} appears twice in this mapping (first at line "
                        f"{key_marks[child][0] + 1}); YAML keeps only the last value",
                        "remove one of them, or merge their contents",
                    )
                )
            key_marks[child] = marks
            result[key] = self.node(self.next_event(), child, depth + 1)
        for merged in merges:
            for k, v in merged.items():
                result.setdefault(k, v)
        return result

    def merge_sources(self, value: Any, marks: Marks) -> list[dict]:
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, dict) for s in sources):
            raise _Abort(
                WRONG_TYPE.at(
                    at(self.file, marks), "`<<` merges a mapping or a list of mappings", ""
                )
            )
        return sources

    def not_a_key(self, event: ev.Event | None) -> Finding:
        if event is None:  # pragma: no cover - the parser closes what it opens, or raises
            return YAML_SYNTAX.at(Span.point(self.file, 1, 1), "unterminated mapping")
        return WRONG_TYPE.at(
            _span(self.file, event),
            "a mapping key must be plain text, not a list or mapping",
            "write the key as a plain word such as `name`",
        )

    def not_text(self, event: ev.ScalarEvent, value: Any, marks: Marks) -> str:
        """The text of a key YAML read as something else; a finding unless it is an integer
        written plainly (`404:`)."""
        if isinstance(value, int) and not isinstance(value, bool) and str(value) == event.value:
            return event.value
        self.findings.append(
            YAML11_SURPRISE.at(
                at(self.file, marks),
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
