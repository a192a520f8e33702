"""Options several commands take, and every option with a fixed list of values, declared once.

A `Choice` takes its values from the library when they are first needed (start-up imports
nothing heavy): `--help` lists them, shell completion offers them, and any other value fails
with "unknown <noun> 'x'; use one of ..." (exit 2).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

import typer

from journeyctl.core.findings import Severity

try:  # recent typer vendors click as typer._click
    from typer._click.exceptions import UsageError
    from typer._click.shell_completion import CompletionItem
    from typer._click.types import INT, ParamType
except ImportError:  # older typer depends on click itself
    from click.exceptions import UsageError
    from click.shell_completion import CompletionItem
    from click.types import INT, ParamType


class Choice(ParamType):
    """One of the values that `values()` returns (called once, when first needed)."""

    name = "choice"

    def __init__(self, noun: str, values: Callable[[], Iterable[str]], ignore_case: bool = False):
        self.noun, self._values, self.ignore_case = noun, values, ignore_case

    @cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(self._values())

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return f"<{'|'.join(self.values)}>"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        wanted = value.lower() if self.ignore_case else value
        if wanted not in self.values:
            self.fail(
                f"unknown {self.noun} {value!r}; use one of {', '.join(self.values)}", param, ctx
            )
        return wanted

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list:
        return [CompletionItem(v) for v in self.values if v.startswith(incomplete)]


class Count(ParamType):
    """A whole number, 1 or more; any other fails with "--name must be 1 or more, not N"."""

    name = "integer"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        number = INT.convert(value, param, ctx)
        if number < 1:
            flag = max(param.opts, key=len) if param is not None else "the value"
            raise UsageError(f"{flag} must be 1 or more, not {number}", ctx)
        return number


MAX_SEED = 2**63 - 1


class Seed(ParamType):
    """A random seed from 0 to 2**63-1; any other fails with a usage error naming the range."""

    name = "integer"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        number = INT.convert(value, param, ctx)
        if not 0 <= number <= MAX_SEED:
            raise UsageError(f"--seed must be from 0 to {MAX_SEED} (2**63-1), not {number}", ctx)
        return number


SEED = typer.Option(
    0,
    "--seed",
    click_type=Seed(),
    help="Random seed, 0 to 2**63-1; the same seed gives the same output.",
)


def count(default: int, *names: str, help: str) -> Any:
    """An option that takes a count (walks, cycles, steps, rows shown): 1 or more."""
    return typer.Option(default, *names, click_type=Count(), help=help)


def _library(ref: str) -> tuple[str, ...]:
    """The names in the library constant `ref` ("module:NAME" below journeyctl), or in what
    it returns when it is a function."""
    module, _, name = ref.partition(":")
    found = getattr(importlib.import_module(f"journeyctl.{module}"), name)
    return tuple(found() if callable(found) else found)


def _format(default: str, values: Callable[[], Iterable[str]], help: str) -> Any:
    return typer.Option(default, "--format", "-f", click_type=Choice("format", values), help=help)


VALIDATE_FORMAT = _format(
    "text",
    lambda: (*_library("lint.reporters:REPORTERS"), "auto"),
    "Output format; auto is github inside GitHub Actions, else text.",
)
SIMULATE_FORMAT = _format("text", lambda: ("text", "json", "csv"), "Output format.")
RENDER_FORMAT = _format(
    "svg", lambda: _library("render.formats:FORMATS"), "html is the whole workshop report."
)
GAPS_FORMAT = _format("text", lambda: ("text", *_library("gaps.formats:WRITERS")), "Output format.")
DIFF_FORMAT = _format("text", lambda: _library("diff.report:FORMATS"), "Output format.")
COMPARE_FORMAT = _format(
    "text",
    lambda: _library("whatif.report:FORMATS"),
    "text for people, json for programs, markdown for a pull-request comment.",
)
LEVERS_FORMAT = _format(
    "text",
    lambda: _library("whatif.levers:FORMATS"),
    "text for people, json for programs, markdown for a pull-request comment.",
)
TEXT_OR_JSON = _format("text", lambda: ("text", "json"), "Text for people or JSON for programs.")

VIEW = typer.Option(
    "flow",
    "--view",
    click_type=Choice("view", lambda: _library("render.formats:VIEWS")),
    help="What to draw.",
)
PAGE = typer.Option(
    None,
    "--page",
    click_type=Choice("page", lambda: _library("render.paper:ISO_216_MM")),
    help="ISO paper size (default: a3, or larger when text would print under 9 pt).",
)
ORIENTATION = typer.Option(
    None,
    "--orientation",
    click_type=Choice("orientation", lambda: _library("render.paper:ORIENTATIONS")),
    help="How the page is held (default: auto, the way that prints the text larger).",
)
DPI = typer.Option(
    None,
    "--dpi",
    click_type=Count(),
    help="png: pixels per inch (default: 300; lower on A1 and A0).",
)
TEMPLATE = typer.Option(
    "linear-purchase",
    "--template",
    "-t",
    click_type=Choice("template", lambda: _library("templates:templates")),
    help="The starter map (`journeyctl templates` describes them).",
)

SEVERITY = Choice("severity", lambda: (s.label for s in reversed(Severity)), ignore_case=True)
FAIL_LEVEL = typer.Option(
    None,
    "--fail-level",
    click_type=SEVERITY,
    help="Exit 1 on findings this severe or worse (default: error).",
)
FAIL_ON = typer.Option(
    None, "--fail-on", click_type=SEVERITY, help="Exit 1 when a gap is this severe or worse."
)

OUTPUT = typer.Option(
    None, "--output", "-o", help="Write to this file instead (replaced if it exists)."
)
PERSONAS = typer.Option(
    None, "--persona", "-p", help="Only this persona (repeatable; default: every persona)."
)
# The report's options, as `render` and `serve` take them.
DRAW_PERSONA = typer.Option(
    None, "--persona", "-p", help="Draw for this persona (flow: expected-flow overlay)."
)
SIMULATE_FUNNEL = typer.Option(
    False, "--simulate", help="Add each persona's simulated funnel to the HTML report."
)


def force(what: str) -> Any:
    """`--force`: let the command replace a file the user owns (docs/outputs.md)."""
    return typer.Option(False, "--force", help=f"Replace {what} if it exists.")


# Reading an event log (discover LOG, gaps --observed); a column None is found by its name.
MAPPING = typer.Option(
    None, "--mapping", help="YAML {activity: touchpoint id} to read the log's activities."
)
CASE = typer.Option(None, "--case", help="Case id column (default: case_id, case:concept:name).")
ACTIVITY = typer.Option(
    None, "--activity", help="Activity column (default: touchpoint, concept:name)."
)
TIMESTAMP = typer.Option(
    None, "--timestamp", help="Timestamp column (default: timestamp, time:timestamp)."
)
CHANNEL = typer.Option(None, "--channel", help="Channel column (default: channel, case:channel).")
SCREEN = typer.Option(None, "--screen", help="Screen column (default: screen).")
SEGMENT = typer.Option(
    None,
    "--segment",
    help="Persona or segment column (default: persona, case:persona, segment, case:segment).",
)
CONFIG = typer.Option(
    None,
    "--config",
    help="Configuration file (default: the nearest .journeyctl.yaml or "
    "pyproject.toml with [tool.journeyctl]).",
)


# Where an event log is aggregated (discover, gaps --observed, calibrate); see log_source.
ENGINE = typer.Option(
    "duckdb",
    "--engine",
    click_type=Choice("engine", lambda: _library("eventlog.engine:ENGINES")),
    help="Aggregate the log on duckdb (this machine, the default) or spark "
    "(pip install 'journeyctl[spark]').",
)
SPARK_MASTER = typer.Option(
    None,
    "--spark-master",
    help="Spark's master: local[N], spark://host:7077, yarn, or sc://host:15002 for Spark "
    "Connect (default: SPARK_REMOTE, else spark-submit's, else local[*]).",
)
TABLE = typer.Option(
    None, "--table", help="Read the log from this table of Spark's catalogue (e.g. db.events)."
)


LOG_HELP = (
    "Event log: .csv, .parquet, .xes, .xes.gz or a folder of .parquet or .csv files "
    "(hive-partitioned or not; with --engine spark also a URI such as s3a://bucket/events/)."
)


def log_source(
    log: str | None,
    engine: str,
    spark_master: str | None,
    table: str | None,
    name: str = "LOG",
    required: bool = False,
):
    """The LogSource of a command's log options: a file or folder (a URI for Spark) named by
    `log` (the option or argument `name`), or `--table`; None when neither is given and the
    log is not `required`. Refuses what cannot go together."""
    from journeyctl.cli.errors import UsageError as Refused
    from journeyctl.eventlog.engine import LogSource

    if engine != "spark":
        for given, option in ((spark_master, "--spark-master"), (table, "--table")):
            if given is not None:
                raise Refused(f"{option} needs --engine spark")
    if table is not None:
        if log is not None:
            raise Refused(f"give {name} or --table, not both")
        return LogSource(table, table=True, engine=engine, spark_master=spark_master)
    if log is None:
        if required:
            raise Refused(f"give the event log: {name}, or --table with --engine spark")
        if engine != "duckdb" or spark_master is not None:
            raise Refused(f"--engine {engine} reads an event log: give {name} or --table")
        return None
    from pathlib import Path

    location = log if "://" in log else Path(log)
    return LogSource(location, engine=engine, spark_master=spark_master)
