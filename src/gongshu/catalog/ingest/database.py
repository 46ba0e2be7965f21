"""A table of a live database, by SQLAlchemy URL, streamed to Parquet in partitions."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, NoSuchTableError, SAWarning, SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlalchemy.sql import Executable

from gongshu.catalog.ingest import errors
from gongshu.catalog.ingest.fallback import Widen, with_fallback
from gongshu.catalog.ingest.names import check_names
from gongshu.catalog.ingest.result import Converted
from gongshu.catalog.ingest.sink import ParquetSink
from gongshu.catalog.ingest.values import to_array

CONNECT_TIMEOUT_SECONDS = 5
PARTITION_ROWS = 10_000
TIMEOUT_BACKENDS = ("postgresql", "mysql")
SECRET_WORDS = ("password", "passwd", "pwd", "secret", "token", "key")


class Source:
    """A database URL with what may be shown of it: never the password, in the URL or its query."""

    def __init__(self, url: str) -> None:
        try:
            self.url: URL = make_url(url)
        except ArgumentError:
            raise errors.bad_database_url() from None
        secret_keys = [k for k in self.url.query if any(w in k.lower() for w in SECRET_WORDS)]
        self.secrets = [str(v) for k in secret_keys for v in self.url.normalized_query[k] if v]
        self.secrets += [self.url.password] if self.url.password else []
        hidden = self.url.update_query_dict(dict.fromkeys(secret_keys, "***"))
        self.shown = hidden.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")

    def reason(self, e: BaseException) -> str:
        """The first line of the driver's message, with any secret blanked out."""
        orig = e.orig if isinstance(e, DBAPIError) and e.orig is not None else e
        text = (str(orig).strip().splitlines() or [type(orig).__name__])[0][:300]
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def cause(self, e: BaseException) -> BaseException | None:
        """``e`` to chain, or None when its text would show a secret."""
        return None if any(secret in str(e) for secret in self.secrets) else e


Processor = Callable[[object], object] | None


@dataclass(frozen=True)
class Reading:
    """The raw select of a table, its stored Arrow types and its columns' dialect types."""

    statement: Executable
    names: list[str]
    arrow_types: list[pa.DataType]
    column_types: list[sa.types.TypeEngine[Any]]


def read_database(url: str, table: str, schema: str | None, tmp: Path) -> Converted:
    """Copy ``table`` of the database at ``url`` into the Parquet file ``tmp``."""
    source = Source(url)
    engine = _engine(source)
    try:
        with _connect(engine, source) as conn:
            reading = _reading(conn, _reflect(conn, source, table, schema))
            rows, arrow_schema = with_fallback(lambda o: _convert(conn, reading, o, tmp), {}, len(reading.names))
    except SQLAlchemyError as e:
        err = errors.database_failed(source.shown, table, source.reason(e))
        raise err from source.cause(e)
    finally:
        engine.dispose()
    return Converted(rows, arrow_schema)


def _engine(source: Source) -> Engine:
    backend = source.url.get_backend_name()
    if backend == "sqlite":
        database = source.url.database or ""
        if database not in ("", ":memory:") and not Path(database).is_file():
            raise errors.database_file_missing(source.shown)
    args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS} if backend in TIMEOUT_BACKENDS else {}
    try:
        return sa.create_engine(source.url, connect_args=args, poolclass=NullPool)
    except (NoSuchModuleError, ImportError, ArgumentError) as e:
        raise errors.database_unsupported(source.shown, source.reason(e)) from source.cause(e)


def _connect(engine: Engine, source: Source) -> Connection:
    try:
        return engine.connect()
    except SQLAlchemyError as e:
        raise errors.database_unreachable(source.shown, source.reason(e)) from source.cause(e)


def _reflect(conn: Connection, source: Source, table: str, schema: str | None) -> sa.Table:
    try:
        with warnings.catch_warnings():
            # an unknown column type is reflected as NullType and stored as text
            warnings.simplefilter("ignore", SAWarning)
            return sa.Table(table, sa.MetaData(), autoload_with=conn, schema=schema)
    except NoSuchTableError:
        raise errors.table_missing(source.shown, f"{schema}.{table}" if schema else table) from None


def _arrow_type(t: sa.types.TypeEngine) -> pa.DataType:
    """The Arrow type a declared column type is stored as; text when unsure."""
    if isinstance(t, sa.Boolean):
        return pa.bool_()
    if isinstance(t, sa.Integer):
        return pa.int64()
    if isinstance(t, sa.Float):
        return pa.float64()
    if isinstance(t, sa.Numeric) and t.asdecimal and t.precision and t.precision <= 38:
        return pa.decimal128(t.precision, t.scale or 0)
    if isinstance(t, sa.DateTime):
        return pa.timestamp("us", tz="UTC" if t.timezone else None)
    if isinstance(t, sa.Date):
        return pa.date32()
    if isinstance(t, sa.LargeBinary | sa.BINARY | sa.VARBINARY):
        return pa.binary()
    return pa.string()


def _reading(conn: Connection, table: sa.Table) -> Reading:
    """Select driver values untouched: a value its declared type cannot read becomes text."""
    columns = list(table.columns)
    raw = [sa.type_coerce(c, sa.types.NullType()).label(f"c{i}") for i, c in enumerate(columns)]
    return Reading(
        statement=sa.select(*raw),
        names=check_names([c.name for c in columns]),
        arrow_types=[_arrow_type(c.type) for c in columns],
        column_types=[c.type.dialect_impl(conn.dialect) for c in columns],
    )


def _convert(conn: Connection, reading: Reading, overrides: dict[int, str], tmp: Path) -> tuple[int, pa.Schema]:
    types = [pa.string() if i in overrides else t for i, t in enumerate(reading.arrow_types)]
    schema = pa.schema([pa.field(n, t) for n, t in zip(reading.names, types, strict=True)])
    streaming = conn.execution_options(stream_results=True, yield_per=PARTITION_ROWS)
    result = streaming.execute(reading.statement)
    try:
        processors = _processors(conn, reading, result.cursor.description, overrides)
        with ParquetSink(tmp, schema) as sink:
            for partition in result.partitions():
                sink.write(_batch(partition, schema, processors))
    finally:
        result.close()
    return sink.rows, schema


def _processors(
    conn: Connection, reading: Reading, description: Sequence[Sequence[Any]], overrides: dict[int, str]
) -> list[Processor]:
    """Each column's own conversion of driver values (SQLite dates arrive as text), by type code."""
    return [
        None if i in overrides else t.result_processor(conn.dialect, description[i][1])
        for i, t in enumerate(reading.column_types)
    ]


def _batch(rows: Sequence[Sequence[object]], schema: pa.Schema, processors: list[Processor]) -> pa.RecordBatch:
    arrays = []
    columns = zip(*rows, strict=True)
    for i, (column, field, process) in enumerate(zip(columns, schema, processors, strict=True)):
        try:
            values = [process(v) for v in column] if process else column
            if pa.types.is_string(field.type):
                arrays.append(to_array(values, "string"))
            else:
                arrays.append(pa.array(values, field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, ArithmeticError):
            raise Widen(i, field.name, "string") from None
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
