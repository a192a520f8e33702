"""Apache Spark as the engine of an event log: the same queries, translated (see dialect).

Logs are read where they live (Parquet files or hive-partitioned folders, CSV, a table of the
session's catalogue); only aggregates come back to Python. A log's rows are numbered in file
order (path, then position in the file) without a global sort: each (file, partition) slice
of a scan is contiguous and in order, so its rows are the slice's offset plus their index.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from journeyctl.core.errors import RequestError, first_line
from journeyctl.core.escape import sql_literal
from journeyctl.eventlog.dialect import to_spark

INSTALL = "pip install 'journeyctl[spark]'"
ROW = "_journeyctl_row"
"""The column holding a row's 1-based file position, in a source and in `events`."""
_INDEX_BITS = 33
"""monotonically_increasing_id() is (partition << 33) + the row's index in its partition."""
_TYPES = {
    "string": "VARCHAR",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "timestamp_ntz": "TIMESTAMP",
    "date": "DATE",
}
"""Spark's type names as DuckDB's, for the readers (an instant, a naive time, a day)."""


class SparkEngine:
    """A Spark session: `master` (`local[4]`, `spark://…`, `yarn`, `sc://…` for Spark
    Connect), else SPARK_REMOTE, else the cluster of `spark-submit`, else local[*]."""

    name = "spark"
    codes = False

    def __init__(self, master: str | None = None):
        try:
            from pyspark.errors import PySparkException
            from pyspark.sql import SparkSession
        except ImportError:
            raise RequestError(f"--engine spark needs pyspark: {INSTALL}") from None
        builder = SparkSession.builder.appName("journeyctl")
        local = False
        if master and master.startswith("sc://"):
            builder = builder.remote(master)
        elif master:
            builder, local = builder.master(master), master.startswith("local")
        elif not os.environ.get("SPARK_REMOTE") and not os.environ.get("PYSPARK_GATEWAY_PORT"):
            builder, local = builder.master("local[*]"), True
        if local:
            builder = (
                builder.config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "8")
                .config("spark.pyspark.python", sys.executable)  # should a worker be needed
            )
        builder = builder.config("spark.sql.session.timeZone", "UTC")
        try:
            self.spark = _launch(builder) if local else builder.getOrCreate()
        except Exception as exc:  # pyspark raises its own runtime errors for a JVM not started
            hint = "Spark's own message says why"
            if not _java():
                hint = (
                    "it needs a Java runtime 17 or newer (e.g. apt-get install "
                    "openjdk-17-jre-headless, or set JAVA_HOME)"
                )
            raise RequestError(f"Spark did not start ({first_line(exc)}); {hint}") from None
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._cached: dict[str, object] = {}
        self.errors = (PySparkException,)

    def rows(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(to_spark(sql)).collect()]

    def one(self, sql: str) -> tuple:
        rows = self.rows(sql)
        return rows[0] if rows else ()

    def run(self, sql: str) -> None:
        self.spark.sql(to_spark(sql))

    def create(self, name: str, sql: str) -> None:
        self._register(name, self.spark.sql(to_spark(sql)).persist())

    def view(self, name: str, sql: str) -> None:
        self._register(name, self.spark.sql(to_spark(sql)))

    def _register(self, name: str, frame) -> None:
        old = self._cached.pop(name, None)
        if old is not None and frame.is_cached:
            frame.count()  # made from `old`, perhaps (`events` from `events`): keep it first
        frame.createOrReplaceTempView(name)
        self._cached[name] = frame
        if old is not None:
            old.unpersist()

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        old = self._cached.pop(name, None)
        if old is not None:
            old.unpersist()

    def exists(self, name: str) -> bool:
        return name in self._cached

    def values(self, name: str, columns: Sequence[tuple[str, str]], rows: Iterable) -> None:
        """As SQL VALUES (no Python objects shipped: no Python workers, nor Arrow for Spark
        Connect)."""
        names = ", ".join(c for c, _ in columns)
        typed = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in columns)
        body = ", ".join(f"({', '.join(map(_literal, r))})" for r in rows)
        if body:
            self.create(name, f"SELECT {typed} FROM (VALUES {body}) AS t({names})")
        else:
            nulls = ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in columns)
            self.create(name, f"SELECT {nulls} FROM (VALUES (1)) AS t(x) WHERE FALSE")

    def columns(self, source: str) -> dict[str, str]:
        types = self.spark.table(source).dtypes
        return {c: _TYPES.get(t, t.upper()) for c, t in types if c != ROW}

    def row(self, alias: str = "") -> str:
        return f"{alias}.{ROW}" if alias else ROW

    def int_type(self, table: str) -> str:
        return "BIGINT"

    def source(self, path: Path | str, kind: str, folder: bool = False) -> str:
        """Register the log as the view `log_source` with its rows' file positions (ROW)."""
        from pyspark.sql import functions as F

        read = self.spark.read
        if isinstance(path, Path):  # the session may run elsewhere (Spark Connect)
            path = path.resolve()
        if kind == "table":
            frame = self.spark.table(str(path))
        else:
            if folder:  # the files DuckDB's glob takes
                read = read.option("pathGlobFilter", f"*.{kind}")
            if kind == "parquet":
                frame = read.parquet(str(path))
            else:
                options = {"header": True, "escape": '"', **_csv_dialect(path, folder)}
                frame = read.options(**options).csv(str(path))
        if kind != "table" or _has_file_paths(frame):
            file = F.col("_metadata.file_path")
        else:
            file = F.lit("")
        mask = (1 << _INDEX_BITS) - 1
        tagged = frame.select(
            "*", file.alias("_f"), F.monotonically_increasing_id().alias("_m")
        ).withColumn("_p", F.shiftright("_m", _INDEX_BITS))
        slices = sorted(
            tagged.groupBy("_f", "_p")
            .agg(F.count("*").alias("n"), F.min(F.col("_m").bitwiseAND(mask)).alias("lo"))
            .collect()
        )
        offsets, start = [], 1
        for f, p, n, lo in slices:
            offsets.append((f, p, start - lo))
            start += n
        self.values(
            "log_slices", [("_f", "VARCHAR"), ("_p", "BIGINT"), ("_base", "BIGINT")], offsets
        )
        base = self.spark.table("log_slices")
        numbered = tagged.join(F.broadcast(base), ["_f", "_p"]).select(
            *[F.col(f"`{c}`") for c in frame.columns],
            (F.col("_base") + F.col("_m").bitwiseAND(mask)).alias(ROW),
        )
        self._register("log_source", numbered)
        return "log_source"

    def timed_source(
        self, path: Path | str, kind: str, folder: bool, column: str, form: str
    ) -> str | None:
        return None  # Spark's CSV reader parses timestamps leniently: the queries parse them

    def source_value(self, source: str, column: str, index: int) -> object:
        row = self.one(f"SELECT {column} FROM {source} WHERE {ROW} = {int(index) + 1}")
        return row[0] if row else None

    def source_index(self) -> str:
        return f"{ROW} - 1"


def _java() -> bool:
    """Whether Spark finds a `java` to start: JAVA_HOME's, else one on PATH."""
    home = os.environ.get("JAVA_HOME")
    return Path(home, "bin", "java").exists() if home else shutil.which("java") is not None


def _launch(builder):
    """Start Spark in local mode with the JVM's own output (start-up notices, its log) in a
    temporary file rather than on stderr, which holds journeyctl's messages; a JVM that does
    not start shows its last lines."""
    fd, log = tempfile.mkstemp(prefix="journeyctl-spark-", suffix=".log")
    atexit.register(os.unlink, log)
    saved = os.dup(2)
    os.dup2(fd, 2)
    try:
        return builder.getOrCreate()
    except Exception as exc:
        lines = Path(log).read_text(errors="replace").strip().splitlines()[-5:]
        raise RuntimeError(f"{first_line(exc)}: {' / '.join(lines)}") from None
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)


def _literal(value) -> str:
    """`value` as a literal of DuckDB's SQL (translated with the query)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return sql_literal(str(value))


def _has_file_paths(frame) -> bool:
    """Whether the rows of `frame` (a table of the catalogue) know the file they come from."""
    try:
        frame.select("_metadata.file_path")
    except Exception:
        return False
    return True


def _csv_dialect(path: Path | str, folder: bool) -> dict[str, str]:
    """The separator and quote of a local CSV file (a `folder`'s first in path order), as
    DuckDB's sniffer finds them (Spark has no sniffer); a comma and a double quote elsewhere."""
    if not isinstance(path, Path):
        return {}
    local = min(path.rglob("*.csv")) if folder else path
    import duckdb

    with duckdb.connect() as con:
        sep, quote = con.execute(
            f"SELECT Delimiter, Quote FROM sniff_csv({sql_literal(str(local))})"
        ).fetchone()
    return {"sep": sep, "quote": quote if len(quote) == 1 else '"'}  # else '(empty)'
