"""A plan bound to one source schema: the output schema, and the function that desensitizes one record batch."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pyarrow as pa

from gongshu.classify.desensitize.plan import Plan
from gongshu.classify.desensitize.registry import OPERATORS


class Transform:
    """Applies each step's operator to its column, leaves dropped columns out and copies the rest.

    The output schema comes from running the plan over an empty batch of the source schema, so it depends on the
    column types only; every batch is made to fit it.
    """

    def __init__(self, plan: Plan, schema: pa.Schema, key: bytes | None) -> None:
        dropped = set(plan.drop)
        self.columns = [name for name in schema.names if name not in dropped]
        self._operators: dict[str, Callable[[pa.Array], pa.Array]] = {}
        for step in plan.steps:
            spec = OPERATORS[step.operator]
            params = step.resolved() | ({"key": key} if spec.keyed else {})
            self._operators[step.column] = partial(spec.function, **params)
        empty = pa.RecordBatch.from_arrays(
            [pa.array([], type=schema.field(name).type) for name in self.columns], names=self.columns
        )
        fields = [
            pa.field(name, array.type, metadata=schema.field(name).metadata)
            if name in self._operators
            else schema.field(name)
            for name, array in zip(self.columns, self._arrays(empty), strict=True)
        ]
        self.schema = pa.schema(fields)

    def _arrays(self, batch: pa.RecordBatch) -> list[pa.Array]:
        return [
            self._operators[name](batch.column(name)) if name in self._operators else batch.column(name)
            for name in self.columns
        ]

    def __call__(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        arrays = [
            array if array.type == field.type else array.cast(field.type)
            for array, field in zip(self._arrays(batch), self.schema, strict=True)
        ]
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)
