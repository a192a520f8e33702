"""Fuzzing: the bundled maps, mutated, never crash a command.

Hypothesis parses the example maps (`maps/`, with their catalogue), the starter templates and
the minimal acceptance case, mutates the data (a value of another type; NaN, infinities, -0.0,
huge, tiny and negative numbers; strings of YAML, format and terminal metacharacters, control
characters, non-BMP and right-to-left text; deleted and renamed keys, duplicated list items,
swapped and repeated ids), dumps it to YAML and sometimes mutates the bytes too (inserted,
deleted and duplicated lines, NUL, invalid UTF-8, directives, anchors). Then it runs the
commands in-process and checks, whatever the input: no exception escapes `journeyctl.cli.run`,
no traceback or internal error reaches stderr, numpy warns of no overflow or invalid value, the
exit code is 0, 1 or 2; and a map `validate` accepts (exit 0) is simulated (Monte Carlo and
exact), checked for gaps and rendered as DOT and Mermaid with exit 0.

`derandomize=True` and no example database: every run, here or in CI, tries the same examples,
so a failure reproduces and CI is not flaky; new examples come only with a change to the
strategies, the test or Hypothesis. `EXAMPLES` keeps the file under 60 s on a 2-core runner.
"""

from __future__ import annotations

import copy
import math
import tempfile
import warnings
from pathlib import Path

import yaml
from conftest import ROOT
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from journeyctl.cli import run

MAIN = "map.yaml"
BASES = [
    ROOT / "tests" / "cases" / "valid" / "minimal.yaml",
    *sorted((ROOT / "maps").glob("*.yaml")),
    *sorted((ROOT / "journeyctl" / "templates").glob("*.yaml")),
]
"""The maps mutated: the smallest first, which a failing example shrinks towards."""
EXAMPLES = 300
"""Examples per run: the file takes 32 s on this 2-core machine, a third of it to spare."""


def _files(base: Path) -> dict[str, object]:
    """The base map and the catalogue files it includes, parsed, by path relative to the map."""
    files = {MAIN: yaml.safe_load(base.read_text(encoding="utf-8"))}
    for include in files[MAIN].get("include", []):
        files[include] = yaml.safe_load((base.parent / include).read_text(encoding="utf-8"))
    return files


PARSED = {base.name: _files(base) for base in BASES}

# Values

HOSTILE_CHARS = (
    "%:#\\\"'{}[]&*!|>@`,?-=+~ \t\n\r"
    + "".join(map(chr, range(0x20)))
    + "\x7f\x85\xa0\u2028\u2029\ufeff\u200b\u200e\u200f\u202e\u2066"
    + "é\u0301\U0001f600\U00010348\U000e0001"
)
TOKENS = [
    "\x1b[31m", "\x1b[2J", "\x1b]8;;http://x\x1b\\", "\x1b]0;title\x07", "%s", "%(x)s", "%n",
    "{0}", "{}", "{x!r}", "[bold]", "[/]", "=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1",
    "yes", "no", "on", "off", "~", "null", ".nan", ".inf", "0x1F", "0o17", "1e400", "08", "1_000",
    "12:30:00", "2026-01-01", "<<", "*a", "&a", "!!python/object:os.system", "exit", "",
    " ", "../../etc/passwd", "/dev/zero", "a" * 300, "<script>", "]]>", "&amp;", "\\u0000",
    "# not a comment", "- item", "key: value", "\"quoted\"", "'single'",
]  # fmt: skip
strings = st.lists(
    st.one_of(
        st.sampled_from(TOKENS),
        st.text(st.sampled_from(HOSTILE_CHARS), max_size=4),
        st.text(st.characters(codec="utf-8"), max_size=3),
    ),
    max_size=4,
).map("".join)

SPECIAL_NUMBERS = [
    math.nan, math.inf, -math.inf, -0.0, 0, 0.0, -1, -0.5, 1e-300, 5e-324, 1e300, 1.7e308,
    10**30, -(10**30), 2**63, 2**64 + 1, 10**400, 9_999_999, 0.1, 1e-9,
]  # fmt: skip
numbers = st.one_of(
    st.sampled_from(SPECIAL_NUMBERS),
    st.sampled_from(SPECIAL_NUMBERS),  # twice: half the numbers are the special ones
    st.integers(-1000, 1000),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, strings)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(strings, inner, max_size=3)
    ),
    max_leaves=6,
)

# Mutations of the parsed data


def _paths(node, path=()):
    """Every path to a value inside `node` (keys and list indices), `node` itself first."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _get(node, path):
    for step in path:
        node = node[step]
    return node


def _set(doc, path, value):
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ids(doc) -> list[str]:
    return sorted({str(_get(doc, p)) for p in _paths(doc) if p and p[-1] == "id"})


OPS = [
    *["number"] * 4,
    *["text"] * 2,
    "replace",
    "retype",
    "delete",
    "duplicate",
    "id",
    "rename",
    "reference",
]
"""Mutations, the likeliest first: numbers and text keep a map valid more often than the
others, and a valid map is what reaches the solver, the walks, the gaps and the diagrams."""


def _where(op: str, doc, path) -> bool:
    """Whether mutation `op` applies at `path` in `doc`."""
    if op in ("replace", "retype", "reference"):
        return True
    if not path:
        return False
    value, parent = _get(doc, path), _get(doc, path[:-1])
    return {
        "number": path[-1] != "id" and _is_number(value),
        "text": path[-1] != "id" and isinstance(value, str),
        "id": path[-1] == "id",
        "delete": True,
        "duplicate": isinstance(parent, list),
        "rename": isinstance(parent, dict),
    }[op]


@st.composite
def mutated(draw, doc, name):
    """`doc` (the file `name`) after one mutation, which the failing example's notes show."""
    doc = copy.deepcopy(doc)
    op = draw(st.sampled_from(OPS))
    where = [p for p in _paths(doc) if _where(op, doc, p)]
    if len(where) < (2 if op == "id" else 1):
        op, where = "replace", list(_paths(doc))
    path = draw(st.sampled_from(where))
    if op in ("number", "text"):
        new = draw(numbers if op == "number" else strings)
    elif op == "replace":
        new = draw(values)
    elif op == "retype":
        old = _get(doc, path)
        new = draw(st.sampled_from([str(old), [old], {"value": old}, None, len(str(old))]))
    elif op == "id":  # swap two ids, or give one another's
        other = draw(st.sampled_from([p for p in where if p != path]))
        new, old = _get(doc, other), _get(doc, path)
        _set(doc, other, draw(st.sampled_from([new, old])))
        note(f"{name}: {op} {list(other)} = {_get(doc, other)!r}")
    elif op == "reference":  # a value becomes one of the ids that other parts refer to
        new = draw(st.sampled_from([*_ids(doc), "exit"]))
    else:
        parent, step = _get(doc, path[:-1]), path[-1]
        if op == "delete":
            del parent[step]
        elif op == "duplicate":
            parent.insert(step, copy.deepcopy(parent[step]))
        else:
            key = draw(st.one_of(strings, st.sampled_from([*_ids(doc), *map(str, parent)])))
            parent[key] = parent.pop(step)
            path = (*path[:-1], key)
        note(f"{name}: {op} {list(path)}")
        return doc
    note(f"{name}: {op} {list(path)} = {new!r}")
    return _set(doc, path, new)


# Mutations of the text

RAW = [
    b"\x00", b"\xff", b"\xc3(", b"\xef\xbb\xbf", b"\t", b"\r", b"\r\n", b"\x1b[31m", b"\x85",
    b"&a ", b"*a", b"<<: *a\n", b"!!binary ", b"!!python/name:os.system ", b"%YAML 1.1\n",
    b"---\n", b"...\n", b": ", b"#", b"\\", b"? ", b"- ", b"{", b"[", b"'", b'"', b"|\n", b">-\n",
    b"  ", b"\n", b"journeyctl: 1\n", b"include: [map.yaml]\n", b"id: exit\n",
]  # fmt: skip


@st.composite
def raw_mutated(draw, text: bytes) -> bytes:
    """`text` after one byte-level mutation."""
    op = draw(st.sampled_from(["insert", "delete", "line"]))
    at = draw(st.integers(0, len(text)))
    if op == "insert":
        return text[:at] + draw(st.sampled_from(RAW)) + text[at:]
    if op == "delete":
        return text[:at] + text[at + draw(st.integers(1, 40)) :]
    lines = text.splitlines(keepends=True)
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    return b"".join([*lines[: i + 1], *lines[i:]])  # a line twice: duplicate keys, ids


@st.composite
def mutated_maps(draw) -> dict[str, bytes]:
    """A bundled map and its catalogue after one to three mutations, as file contents."""
    files = copy.deepcopy(PARSED[draw(st.sampled_from(list(PARSED)))])
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        name = draw(st.sampled_from(sorted(files)))
        files[name] = draw(mutated(files[name], name))
    unicode = draw(st.booleans())
    texts = {}
    for name, doc in files.items():
        dumped = yaml.safe_dump(doc, allow_unicode=unicode, sort_keys=False, width=10**6)
        texts[name] = dumped.encode("utf-8")
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        name = draw(st.sampled_from(sorted(texts)))
        texts[name] = draw(raw_mutated(texts[name]))
    return texts


# Running the commands


def _run(capsys, *args: str) -> tuple[int, str]:
    """Run journeyctl in-process and return its exit code and stderr; fail on anything that
    escapes, a traceback, a numeric RuntimeWarning (numpy's overflow or invalid value, which a
    user sees on stderr) or an exit code other than 0, 1 and 2."""
    capsys.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        try:
            code = run(list(args))
        except Exception as exc:
            raise AssertionError(f"journeyctl {' '.join(args)}: {exc!r} escaped `run`") from exc
    err = capsys.readouterr().err
    numeric = [
        f"{w.filename}:{w.lineno}: {w.message}" for w in caught if w.category is RuntimeWarning
    ]
    assert not numeric, f"journeyctl {' '.join(args)} warned (NaN or overflow): {numeric}"
    assert "traceback" not in err.lower() and "internal error" not in err.lower(), err
    assert code in (0, 1, 2), f"journeyctl {' '.join(args)} exited {code}: {err}"
    return code, err


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=mutated_maps(),
    validate_format=st.sampled_from(
        ["text", "json", "sarif", "github", "junit", "concise", "gitlab"]
    ),
    gaps_format=st.sampled_from(["text", "json", "csv", "markdown", "html", "concise"]),
    simulate_format=st.sampled_from(["text", "json", "csv"]),
)
def test_mutated_maps_never_crash_a_command(
    capsys, monkeypatch, texts, validate_format, gaps_format, simulate_format
):
    monkeypatch.setenv("COLUMNS", "200")
    for name, text in texts.items():
        note(f"--- {name}\n{text.decode('utf-8', 'backslashreplace')}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in texts.items():
            (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / name).write_bytes(text)
        path = str(Path(tmp) / MAIN)
        valid = _run(capsys, "validate", path, "-f", validate_format)[0] == 0
        event(f"validate exits {'0' if valid else 'non-zero'}")
        runs = {
            "simulate": _run(capsys, "simulate", path, "-n", "50", "-f", simulate_format),
            "simulate --exact": _run(
                capsys, "simulate", path, "-n", "50", "--exact", "-f", simulate_format
            ),
            "gaps": _run(capsys, "gaps", path, "-f", gaps_format),
            "render -f dot": _run(capsys, "render", path, "-f", "dot"),
            "render -f mermaid": _run(capsys, "render", path, "-f", "mermaid"),
        }
    if valid and _is_journey(texts[MAIN]):
        failed = {command: err for command, (code, err) in runs.items() if code}
        assert not failed, f"validate exits 0, yet these fail: {failed}"


def _is_journey(text: bytes) -> bool:
    """Whether `text` may be a journey map: not a YAML mapping without `journey:` (a valid
    catalogue, which the other commands refuse with exit 2)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return True
    return not isinstance(doc, dict) or "journey" in doc
