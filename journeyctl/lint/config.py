"""Project configuration: `[tool.journeyctl]` in pyproject.toml or `.journeyctl.yaml`.

Found by walking up from the working directory; the nearest directory with either file wins,
and in one directory `.journeyctl.yaml` wins over pyproject.toml (a pyproject.toml without a
`[tool.journeyctl]` table does not count). Globs in `exclude` and `per-file-ignores` are
relative to the configuration file's directory.

Rule selection works like ruff's: `select` and `ignore` take codes or prefixes (`JM1`), and
for each rule the most specific matching entry wins (an `ignore` wins a tie). The `budgets`
section is kept as written, with the `Reader` that locates its values, for `journeyctl.budgets`
to parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from journeyctl.core.errors import RequestError
from journeyctl.core.findings import Finding, Severity

CONFIG_FILES = (".journeyctl.yaml", ".journeyctl.yml", "pyproject.toml")
KEYS = (
    "select",
    "ignore",
    "severity",
    "per-file-ignores",
    "exclude",
    "fail-level",
    "include-roots",
    "budgets",
)

Locate = Callable[[tuple], "tuple[int, int] | None"]


class ConfigError(RequestError):
    """A configuration file that cannot be used, located as `file:line:col` where possible."""


@dataclass(frozen=True)
class Config:
    """Which rules run, at which severity, on which files, and when validate fails."""

    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    fail_level: Severity = Severity.ERROR
    include_roots: tuple[Path, ...] = ()
    """Folders outside the project that maps may include (resolved)."""
    budgets: Any = None
    """The `budgets` section as written (None when absent), parsed by `journeyctl.budgets`."""
    reader: Reader | None = field(default=None, repr=False, compare=False)
    """Reads and locates this file's values, for the sections other parts parse."""
    _ignores: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def enabled(self, code: str) -> bool:
        """Whether rule `code` runs: the longest matching `select`/`ignore` entry decides."""
        chosen = max((len(p) for p in self.select or ("",) if code.startswith(p)), default=-1)
        dropped = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return chosen > dropped

    def excluded(self, path: Path) -> bool:
        """Whether `path` (or a folder above it, below the root) matches an `exclude` glob."""
        if self.path is not None and path.resolve() == self.path.resolve():
            return True
        if not self.exclude:
            return False
        rel = self._relative(str(path))
        parts = rel.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(_matches(g, p) for g in self.exclude for p in prefixes)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """`findings` of enabled rules not ignored for their file, at their configured severity."""
        out = []
        for f in findings:
            if not self.enabled(f.code) or f.code in self._file_ignores(f.span.file):
                continue
            override = _longest(self.severity, f.code)
            out.append(f if override is None else f.with_severity(override))
        return out

    def _file_ignores(self, file: str) -> frozenset[str]:
        """The codes `per-file-ignores` silences in `file` (cached per file)."""
        if not self.per_file_ignores:
            return frozenset()
        if file not in self._ignores:
            rel = self._relative(file)
            prefixes = {c for glob, cs in self.per_file_ignores if _matches(glob, rel) for c in cs}
            from journeyctl.lint.rules import all_rules

            self._ignores[file] = frozenset(
                code for code in all_rules() if any(code.startswith(p) for p in prefixes)
            )
        return self._ignores[file]

    def _relative(self, file: str) -> str:
        path = Path(file)
        path = path if path.is_absolute() else Path.cwd() / path
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def with_overrides(
        self,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        fail_level: str | None = None,
    ) -> Config:
        """This configuration with command-line options on top: `--select` replaces `select`,
        `--ignore` adds to `ignore`, `--fail-level` replaces `fail-level`."""
        changes: dict[str, Any] = {}
        if select:
            changes["select"] = tuple(_cli_codes(select, "--select"))
        if ignore:
            changes["ignore"] = self.ignore + tuple(_cli_codes(ignore, "--ignore"))
        if fail_level is not None:
            try:
                changes["fail_level"] = Severity.parse(fail_level)
            except ValueError as exc:
                raise RequestError(f"--fail-level: {exc}") from None
        return replace(self, **changes) if changes else self


def _longest(table: Mapping[str, Severity], code: str) -> Severity | None:
    best = max((p for p in table if code.startswith(p)), key=len, default=None)
    return None if best is None else table[best]


@cache
def _glob_regex(glob: str) -> re.Pattern:
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            ch = glob[i]
            out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _matches(glob: str, rel: str) -> bool:
    """Whether the `/`-separated relative path `rel` matches `glob`; a glob without `/` also
    matches the last part of the path, as in .gitignore."""
    glob = glob.removeprefix("./").rstrip("/")
    if _glob_regex(glob).match(rel):
        return True
    return "/" not in glob and bool(_glob_regex(glob).match(rel.rsplit("/", 1)[-1]))


def _cli_codes(values: list[str], option: str) -> list[str]:
    codes = [c.strip().upper() for v in values for c in v.split(",") if c.strip()]
    for code in codes:
        if not _known_prefix(code):
            raise RequestError(f"{option}: {code!r} is not a rule code or prefix of one")
    return codes


def _known_prefix(code: str) -> bool:
    from journeyctl.lint.rules import all_rules

    return any(c.startswith(code) for c in all_rules())


def discover(start: Path | None = None) -> Path | None:
    """The configuration file nearest to `start` (default: the working directory), or None."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\s*tool\s*\.\s*journeyctl\s*[\].]", text, re.MULTILINE) is not None


def load(path: Path | None = None) -> Config:
    """The configuration in `path`, or the discovered one, or the defaults when there is none.

    Raises ConfigError (exit 2) for a file that cannot be read or holds a mistake.
    """
    if path is None:
        path = discover()
        if path is None:
            return Config()
    from journeyctl.lint.workspace import display_path

    name = display_path(path.absolute())
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if path.suffix == ".toml":
        table, locate = _read_toml(name, data)
    else:
        table, locate = _read_yaml(name, data)
    return _parse(path, name, table, locate)


def _read_toml(name: str, data: bytes) -> tuple[dict, Locate]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        text = data.decode("utf-8")
        doc = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ConfigError(f"{name}:1:1: not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+), column (\d+)", str(exc))
        lines = text.splitlines() or [""]
        loc = f"{where[1]}:{where[2]}" if where else f"{len(lines)}:{len(lines[-1]) + 1}"
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise ConfigError(f"{name}:{loc}: invalid TOML: {message}") from None
    table = doc.get("tool", {}).get("journeyctl", {}) if isinstance(doc.get("tool"), dict) else {}
    return table, lambda key_path: _toml_position(text, key_path)


_TOML_KEY = re.compile(r"\s*(?:\"([^\"]*)\"|'([^']*)'|([^.\"']+))\s*(?:\.|$)")
"""One part of a dotted TOML key: double-quoted, single-quoted (dots kept) or bare."""


def _toml_position(text: str, key_path: tuple) -> tuple[int, int] | None:
    """Where the key at `key_path` (below `[tool.journeyctl]`) is written, best effort: in a
    `[tool.journeyctl…]` table header's lines, or inside an inline table."""
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    table: tuple = ()
    for number, line in enumerate(text.splitlines(), start=1):
        m = header.match(line)
        if m:
            table = tuple(a or b or c.strip() for a, b, c in _TOML_KEY.findall(m[1]))
            if table == ("tool", "journeyctl", *key_path):  # the key is this table's header
                return number, line.find(str(key_path[-1])) + 1
            continue
        inner = table[2:]
        if table[:2] != ("tool", "journeyctl") or inner != key_path[: len(inner)]:
            continue
        rest = key_path[len(inner) :]
        if not rest:
            continue
        m = re.match(rf"\s*[\"']?{re.escape(str(rest[0]))}[\"']?\s*=", line)
        if m:
            col = line.find(str(rest[-1]), m.end()) if len(rest) > 1 else -1
            return number, (col if col >= 0 else len(line) - len(line.lstrip())) + 1
    return None


def _read_yaml(name: str, data: bytes) -> tuple[dict, Locate]:
    from journeyctl.lint.loader import load_bytes

    if all(not line.strip() or line.lstrip().startswith(b"#") for line in data.splitlines()):
        return {}, lambda _: None  # empty, or only comments: the defaults
    result = load_bytes(data, name)
    if result.findings or result.document is None:
        f = result.findings[0]
        raise ConfigError(f"{f.span}: {f.message}")
    doc = result.document
    if not isinstance(doc.data, dict):
        raise ConfigError(f"{doc.span(())}: the configuration must be a mapping")
    return doc.data, lambda key_path: _yaml_position(doc, key_path)


def _yaml_position(doc, key_path: tuple) -> tuple[int, int]:
    span = doc.key_span(key_path)
    return span.line, span.col


def _parse(path: Path, name: str, table: Any, locate: Locate) -> Config:
    read = Reader(name, table, locate)
    if not isinstance(table, dict):
        raise read.fail((), "[tool.journeyctl] must be a table")
    for key in table:
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(KEYS)}"
            raise read.fail((key,), f"unknown key `{key}`{hint}")
    severity = {}
    for code, value in read.table_of("severity").items():
        read.codes(code, ("severity", code))
        severity[code.upper()] = read.level(value, ("severity", code))
    pfi = tuple(
        (glob, read.codes(value, ("per-file-ignores", glob)))
        for glob, value in read.table_of("per-file-ignores").items()
    )
    return Config(
        path=path.resolve(),
        root=path.resolve().parent,
        select=read.codes(table.get("select", []), ("select",)),
        ignore=read.codes(table.get("ignore", []), ("ignore",)),
        severity=severity,
        per_file_ignores=pfi,
        exclude=read.strings(table.get("exclude", []), ("exclude",), "globs"),
        fail_level=read.level(table.get("fail-level", "error"), ("fail-level",)),
        include_roots=tuple(
            (path.resolve().parent / folder).resolve()
            for folder in read.strings(
                table.get("include-roots", []), ("include-roots",), "folders"
            )
        ),
        budgets=table.get("budgets"),
        reader=read,
    )


@dataclass(frozen=True)
class Reader:
    """Reads the values of a configuration `table`; a bad one is a ConfigError at its key."""

    name: str
    table: Any
    locate: Locate

    def where(self, key_path: tuple) -> str:
        """`file:line:col` of the key at `key_path`, or `file` when it cannot be located."""
        where = self.locate(key_path) if key_path else None
        return f"{self.name}:{where[0]}:{where[1]}" if where else self.name

    def fail(self, key_path: tuple, message: str) -> ConfigError:
        return ConfigError(f"{self.where(key_path)}: {message}")

    def codes(self, value: Any, key_path: tuple) -> tuple[str, ...]:
        """Rule codes or prefixes (one, or a list), upper-cased."""
        codes = self.strings(value, key_path, "rule codes")
        for code in codes:
            if not _known_prefix(code.upper()):
                raise self.fail(key_path, f"`{code}` is not a rule code or prefix of one")
        return tuple(v.upper() for v in codes)

    def strings(self, value: Any, key_path: tuple, what: str) -> tuple[str, ...]:
        """One string or a list of them (`what` they are, for the error)."""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key_path, f"`{'.'.join(map(str, key_path))}` must be a list of {what}")
        return tuple(value)

    def level(self, value: Any, key_path: tuple) -> Severity:
        """A severity: error, warning or info."""
        try:
            if not isinstance(value, str):
                raise ValueError("must be error, warning or info")
            return Severity.parse(value)
        except ValueError as exc:
            raise self.fail(key_path, f"`{'.'.join(map(str, key_path))}`: {exc}") from None

    def table_of(self, key: str) -> dict:
        """The sub-table `key` ({} when absent)."""
        value = self.table.get(key, {})
        if not isinstance(value, dict):
            raise self.fail((key,), f"`{key}` must be a table (a mapping)")
        return value
