"""What an output file holds, read as data and never run: every string and number of a table, a JSON file,
an ONNX graph (tensors, attributes, names, metadata) or a skops archive (its schema and its arrays), and the
shape of a model (class names, parameter and leaf counts) for the memorization check."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from onnx import numpy_helper

from gongshu.sandbox.leaks import Item

TABLE_TYPES = "string, integer, floating point, decimal, boolean, date or time"


class UnexpectedContent(Exception):
    """An output holds something the platform does not read (a list, struct, map or binary column...)."""


def read_table(path: Path) -> pa.Table:
    """A table output; refuses columns of a type other than plain scalars."""
    table = pq.read_table(path) if path.suffix.lower() == ".parquet" else pacsv.read_csv(path)
    for f in table.schema:
        if not _plain(f.type):
            raise UnexpectedContent(f"column {f.name!r} has type {f.type}; allowed: {TABLE_TYPES}")
    return table


def _plain(t: pa.DataType) -> bool:
    checks = (
        pa.types.is_string,
        pa.types.is_large_string,
        pa.types.is_integer,
        pa.types.is_floating,
        pa.types.is_decimal,
        pa.types.is_boolean,
        pa.types.is_temporal,
        pa.types.is_null,
    )
    return any(check(t) for check in checks)


def items(path: Path, kind: str) -> Iterator[Item]:
    """Every string and number of one output (column names and JSON keys included)."""
    suffix = path.suffix.lower()
    if kind == "table":
        yield from _table_items(read_table(path))
    elif suffix == ".json":
        yield from _json_items(json.loads(path.read_bytes().decode("utf-8")))
    elif suffix == ".onnx":
        yield from _message_items(onnx.load(str(path), load_external_data=False))
    elif suffix == ".skops":
        yield from _skops_items(path)
    else:
        raise UnexpectedContent(f"no reader for {path.name}")


def _table_items(table: pa.Table) -> Iterator[Item]:
    yield from table.column_names
    for column in table.columns:
        for chunk in column.chunks:
            if pa.types.is_floating(chunk.type) or pa.types.is_integer(chunk.type):
                yield chunk.to_numpy(zero_copy_only=False)
            yield from (v for v in chunk.to_pylist() if not isinstance(v, bool))


def _json_items(value: object) -> Iterator[Item]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _json_items(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_items(v)
    elif isinstance(value, str | int | float):
        yield value


def _message_items(msg: Message) -> Iterator[Item]:
    """Every field of a protobuf message, recursively; tensors as numpy arrays."""
    if isinstance(msg, onnx.TensorProto):
        yield msg.name
        try:
            yield np.asarray(numpy_helper.to_array(msg))
        except Exception:
            yield from _fields(msg)
        return
    yield from _fields(msg)


def _fields(msg: Message) -> Iterator[Item]:
    for fd, value in msg.ListFields():
        values = list(value) if fd.is_repeated else [value]
        if fd.type == FieldDescriptor.TYPE_MESSAGE:
            for v in values:
                yield from _message_items(v)
        elif fd.type in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES):
            yield from values
        elif fd.type != FieldDescriptor.TYPE_BOOL and values and fd.type != FieldDescriptor.TYPE_ENUM:
            yield np.asarray(values)


def _skops_items(path: Path) -> Iterator[Item]:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            yield name
            if name.endswith(".npy"):
                yield np.load(io.BytesIO(data), allow_pickle=False)
            elif name.endswith(".json"):
                yield from _json_items(json.loads(data.decode("utf-8")))
            else:
                yield data


@dataclass
class ModelShape:
    """What the memorization check reads of a model file."""

    classes: set[str] = field(default_factory=set)  # estimator / operator names
    parameters: int = 0  # numbers held outside tree structures
    leaves: list[int] = field(default_factory=list)  # leaves of each tree


def model_shape(path: Path) -> ModelShape:
    return _onnx_shape(path) if path.suffix.lower() == ".onnx" else _skops_shape(path)


def _onnx_shape(path: Path) -> ModelShape:
    shape = ModelShape()
    graphs = [onnx.load(str(path), load_external_data=False).graph]
    while graphs:
        graph = graphs.pop()
        shape.parameters += sum(int(np.prod(t.dims)) for t in graph.initializer)
        shape.parameters += sum(int(np.prod(t.values.dims)) for t in graph.sparse_initializer)
        for node in graph.node:
            shape.classes.add(node.op_type)
            attrs = {a.name: a for a in node.attribute}
            if node.op_type.startswith("TreeEnsemble"):
                shape.leaves += _onnx_leaves(attrs)
                continue
            for a in node.attribute:
                shape.parameters += len(a.floats) + len(a.ints) + len(a.strings)
                shape.parameters += (int(np.prod(a.t.dims)) if a.HasField("t") else 0) + len(a.tensors)
                graphs += ([a.g] if a.HasField("g") else []) + list(a.graphs)
    return shape


def _onnx_leaves(attrs: dict[str, onnx.AttributeProto]) -> list[int]:
    """Leaves per tree of a TreeEnsemble node (ai.onnx.ml: the older nodes_* form and the newer leaf_* form)."""
    if "nodes_modes" in attrs and "nodes_treeids" in attrs:
        modes = [m.decode() if isinstance(m, bytes) else str(m) for m in attrs["nodes_modes"].strings]
        counts: dict[int, int] = {}
        for tree, mode in zip(attrs["nodes_treeids"].ints, modes, strict=False):
            counts[tree] = counts.get(tree, 0) + (mode == "LEAF")
        return list(counts.values())
    if "leaf_weights" in attrs and "tree_roots" in attrs:
        roots = max(len(attrs["tree_roots"].ints), 1)
        leaves = len(attrs["leaf_weights"].tensors) or int(np.prod(attrs["leaf_weights"].t.dims))
        return [leaves // roots] * roots
    return []


def _skops_shape(path: Path) -> ModelShape:
    shape = ModelShape()
    with zipfile.ZipFile(path) as z:
        shape.classes |= _skops_classes(json.loads(z.read("schema.json").decode("utf-8")))
        for name in z.namelist():
            if not name.endswith(".npy"):
                continue
            array = np.load(io.BytesIO(z.read(name)), allow_pickle=False)
            if array.dtype.names and "left_child" in array.dtype.names:
                shape.leaves.append(int(np.sum(array["left_child"] == -1)))
            elif not array.dtype.names:
                shape.parameters += int(array.size)
    return shape


def _skops_classes(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("__class__"), str):
            found.add(str(node["__class__"]))
        for v in node.values():
            found |= _skops_classes(v)
    elif isinstance(node, list):
        for v in node:
            found |= _skops_classes(v)
    return found
