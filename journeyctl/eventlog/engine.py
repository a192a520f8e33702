"""The SQL engine an event log is aggregated on: embedded DuckDB (the default) or Apache Spark.

The queries (see queries, readers) are written once, in DuckDB's SQL; an engine runs them as
they are (DuckDB) or translated (Spark, see dialect). Where the engines must differ in the
plan rather than the meaning (a file row's number and its integer type, how a log is read), the
engine gives the SQL fragment, so each query still has one definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from journeyctl.core.escape import sql_literal

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class LogSource:
    """Where a log is read and by which engine: a file or folder (or, for Spark, a URI such as
    `s3a://bucket/events/`), or with `table` a table of the engine's catalogue (`db.events`)."""

    location: Path | str
    table: bool = False
    engine: str = "duckdb"
    spark_master: str | None = None

    def __str__(self) -> str:
        return str(self.location)

    @property
    def local(self) -> Path | None:
        """The log's local path, if it is a file or folder of this machine."""
        return self.location if isinstance(self.location, Path) else None


class Engine(Protocol):
    """What the queries need of an engine; each engine fills in the parts that differ."""

    name: str
    codes: bool
    """Whether text may be held as codes (ENUM) and traces packed into integers."""
    errors: tuple[type[BaseException], ...]
    """What the engine raises for a query that fails (an unreadable log, say)."""

    def rows(self, sql: str) -> list[tuple]: ...

    def one(self, sql: str) -> tuple: ...

    def run(self, sql: str) -> None: ...

    def create(self, name: str, sql: str) -> None:
        """Make `name` the (materialised) result of the query `sql`."""

    def view(self, name: str, sql: str) -> None:
        """Make `name` the query `sql`, evaluated where it is read."""

    def drop(self, name: str) -> None: ...

    def exists(self, name: str) -> bool:
        """Whether `create` made a table `name` that is still there."""

    def values(self, name: str, columns: Sequence[tuple[str, str]], rows: Iterable) -> None:
        """Make `name` a small table of `columns` ((name, SQL type) pairs) holding `rows`."""

    def columns(self, source: str) -> dict[str, str]:
        """The columns of the relation `source` with their types, as DuckDB names them
        (`VARCHAR`, `TIMESTAMP`, `TIMESTAMP WITH TIME ZONE`, `DATE`, ...)."""

    def row(self, alias: str = "") -> str:
        """SQL for the 1-based file row of a row of `events` (or of a table copied from it)."""

    def int_type(self, table: str) -> str:
        """The SQL type of row numbers and positions in a copy of `table`."""

    def source(self, path: Path | str, kind: str, folder: bool = False) -> str:
        """A relation over the log at `path` of `kind` (csv, parquet, table), in file order;
        a `folder`: its `*.{kind}` files at any depth, in path order."""

    def timed_source(
        self, path: Path | str, kind: str, folder: bool, column: str, form: str
    ) -> str | None:
        """`source`, with the reader parsing `column` as a TIMESTAMP of exactly the strptime
        format `form` and failing on any other text; None if the engine's reader cannot."""

    def source_value(self, source: str, column: str, index: int) -> object:
        """`column` of the row of `source` at 0-based file position `index`."""

    def source_index(self) -> str:
        """SQL for the 0-based file position of a row of a `source` relation."""


class DuckDBEngine:
    """Embedded DuckDB, every core, memory bounded (see bounded.connect); the SQL as written."""

    name = "duckdb"
    codes = True

    def __init__(self, con=None):
        import duckdb

        if con is None:
            from journeyctl.eventlog.bounded import connect

            con = connect()
        self.con = con
        self.errors = (duckdb.Error,)
        con.execute("SET TimeZone = 'UTC'")

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def one(self, sql: str) -> tuple:
        return self.con.execute(sql).fetchone()

    def run(self, sql: str) -> None:
        self.con.execute(sql)

    def create(self, name: str, sql: str) -> None:
        if self._kind(name) == "VIEW":
            self.run(f"DROP VIEW {name}")
        self.run(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        if self._kind(name) == "TABLE":
            self.run(f"DROP TABLE {name}")
        self.run(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def drop(self, name: str) -> None:
        if kind := self._kind(name):
            self.run(f"DROP {kind} {name}")

    def exists(self, name: str) -> bool:
        return self._kind(name) == "TABLE"

    def _kind(self, name: str) -> str | None:
        """TABLE or VIEW for a temporary one called `name`, else None."""
        row = self.con.execute(
            """SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = $1 AND temporary
            UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE view_name = $1 AND temporary""",
            [name],
        ).fetchone()
        return row[0] if row else None

    def values(self, name: str, columns: Sequence[tuple[str, str]], rows: Iterable) -> None:
        self.drop(name)
        self.run(f"CREATE TEMP TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns)})")
        rows = list(rows)
        if rows:
            marks = ", ".join("?" for _ in columns)
            self.con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)

    def columns(self, source: str) -> dict[str, str]:
        return dict(r[:2] for r in self.rows(f"DESCRIBE SELECT * FROM {source}"))

    def row(self, alias: str = "") -> str:
        return f"{alias}.rowid + 1" if alias else "rowid + 1"

    def int_type(self, table: str) -> str:
        """4-byte integers unless `table` has 2**32 rows or more."""
        (rows,) = self.one(f"SELECT count(*) FROM {table}")
        return "UINTEGER" if rows < 1 << 32 else "UBIGINT"

    def source(self, path: Path | str, kind: str, folder: bool = False) -> str:
        return self._source(path, kind, folder)

    def timed_source(
        self, path: Path | str, kind: str, folder: bool, column: str, form: str
    ) -> str | None:
        if kind != "csv":
            return None
        types = f"{{{sql_literal(column)}: 'TIMESTAMP'}}"
        return self._source(
            path, kind, folder, f", types = {types}, timestampformat = {sql_literal(form)}"
        )

    @staticmethod
    def _source(path: Path | str, kind: str, folder: bool, options: str = "") -> str:
        """DuckDB's reader of `kind` over `path` (a `folder`), CSV with more `options`."""
        files = sql_literal(str(Path(path) / "**" / f"*.{kind}" if folder else path))
        if kind == "parquet":
            return f"read_parquet({files})"
        if kind == "csv":
            return f"read_csv({files}, header = true, all_varchar = true{options})"
        raise ValueError(kind)

    def source_value(self, source: str, column: str, index: int) -> object:
        (value,) = self.one(f"SELECT {column} FROM {source} LIMIT 1 OFFSET {int(index)}")
        return value

    def source_index(self) -> str:
        return "row_number() OVER () - 1"


def open_engine(name: str = "duckdb", spark_master: str | None = None) -> Engine:
    """The engine called `name` (one of ENGINES); Spark on `spark_master`, else SPARK_REMOTE,
    else the cluster of `spark-submit`, else local[*]."""
    if name == "spark":
        from journeyctl.eventlog.spark import SparkEngine

        return SparkEngine(spark_master)
    return DuckDBEngine()
