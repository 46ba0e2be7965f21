"""Logical column types and the Arrow types each source type is stored as."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from gongshu.catalog.ingest import errors

LOGICAL_TYPES = ("string", "int64", "float64", "bool", "date", "timestamp", "decimal", "binary")

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "binary": pa.binary(),
}


def logical_type(t: pa.DataType) -> str | None:
    """The logical name of a stored Arrow type, or None when gongshu does not store it."""
    checks = (
        ("string", pa.types.is_string),
        ("int64", pa.types.is_int64),
        ("float64", pa.types.is_float64),
        ("bool", pa.types.is_boolean),
        ("date", pa.types.is_date32),
        ("timestamp", pa.types.is_timestamp),
        ("decimal", pa.types.is_decimal),
        ("binary", pa.types.is_binary),
    )
    return next((name for name, check in checks if check(t)), None)


def storage_type(t: pa.DataType) -> pa.DataType | None:
    """The Arrow type a column of type ``t`` is stored as; None when it cannot be stored."""
    if pa.types.is_dictionary(t):
        return storage_type(t.value_type)
    if pa.types.is_integer(t):
        return pa.int64()
    if pa.types.is_floating(t):
        return pa.float64()
    if pa.types.is_date(t):
        return pa.date32()
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return pa.binary()
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_null(t) or pa.types.is_time(t):
        return pa.string()
    if logical_type(t) is not None:
        return t
    return None


def storage_schema(schema: pa.Schema, names: list[str]) -> pa.Schema:
    """The stored schema for ``schema`` with columns renamed to ``names``; raises on nested types."""
    fields = []
    for i, (field, name) in enumerate(zip(schema, names, strict=True), start=1):
        target = storage_type(field.type)
        if target is None:
            raise errors.unsupported_type(i, name, str(field.type))
        fields.append(pa.field(name, target))
    return pa.schema(fields)


def conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """``batch`` cast column by column to ``schema``; raises IngestError naming a failing column."""
    arrays = []
    for i, (array, field) in enumerate(zip(batch.columns, schema, strict=True), start=1):
        if array.type != field.type:
            try:
                array = pc.cast(array, field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise errors.unconvertible(i, field.name, str(field.type)) from None
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
