"""What a reviewer reads of an output file (一模型一审定: nothing is approved blind): a table's rows, a JSON file
pretty-printed, a text file, an ONNX graph (inputs, outputs, operators, initializers with their shapes and first
values, node attributes) and a skops model (its type and parameters). Files are only parsed, never loaded as code."""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from onnx import helper, numpy_helper

MAX_ROWS = 1000  # rows of a table shown to reviewers
MAX_TEXT = 200_000  # characters of JSON or text shown
MAX_VALUES = 20  # values of an array (initializer, attribute, model parameter) shown
MAX_DEPTH = 12  # nesting of a skops model shown
TEXT_SUFFIXES = frozenset({".txt", ".md", ".log"})


def content_of(path: Path, name: str) -> dict[str, Any]:
    """The reviewer's view of one output: ``{"type": "table"|"json"|"text"|"onnx"|"skops"|"unreadable", ...}``."""
    suffix = Path(name).suffix.lower()
    reader = READERS.get(suffix) or (_text if suffix in TEXT_SUFFIXES else None)
    if reader is None:
        return {"type": "unreadable", "reason": suffix or name}
    try:
        return reader(path)
    except Exception as e:  # a reviewer's page must render whatever the job wrote; say what failed
        return {"type": "unreadable", "reason": type(e).__name__}


def _table(path: Path) -> dict[str, Any]:
    table = pq.read_table(path) if path.suffix.lower() == ".parquet" else pacsv.read_csv(path)
    head = table.slice(0, MAX_ROWS).to_pylist()
    rows = [[_plain(r[c]) for c in table.column_names] for r in head]
    return {"type": "table", "columns": table.column_names, "rows": rows, "truncated": table.num_rows > MAX_ROWS}


def _json(path: Path) -> dict[str, Any]:
    text = json.dumps(json.loads(path.read_text("utf-8")), ensure_ascii=False, indent=2)
    return {"type": "json", "text": text[:MAX_TEXT], "truncated": len(text) > MAX_TEXT}


def _text(path: Path) -> dict[str, Any]:
    text = path.read_text("utf-8", errors="replace")
    return {"type": "text", "text": text[:MAX_TEXT], "truncated": len(text) > MAX_TEXT}


def _onnx(path: Path) -> dict[str, Any]:
    model = onnx.load(str(path), load_external_data=False)
    g = model.graph
    return {
        "type": "onnx",
        "producer": f"{model.producer_name} {model.producer_version}".strip(),
        "opsets": {o.domain or "ai.onnx": o.version for o in model.opset_import},
        "inputs": [_value_info(v) for v in g.input],
        "outputs": [_value_info(v) for v in g.output],
        "ops": dict(Counter(n.op_type for n in g.node)),
        "initializers": [_tensor(t) for t in g.initializer],
        "nodes": [
            {"op": n.op_type, "name": n.name, "attributes": {a.name: _attribute(a) for a in n.attribute}}
            for n in g.node
            if n.attribute
        ],
        "metadata": {p.key: p.value[:1000] for p in model.metadata_props},
    }


def _value_info(v: onnx.ValueInfoProto) -> dict[str, Any]:
    t = v.type.tensor_type
    dims = [d.dim_param or d.dim_value for d in t.shape.dim] if t.HasField("shape") else None
    return {"name": v.name, "type": onnx.TensorProto.DataType.Name(t.elem_type) if t.elem_type else "", "shape": dims}


def _tensor(t: onnx.TensorProto) -> dict[str, Any]:
    return {"name": t.name, "dtype": onnx.TensorProto.DataType.Name(t.data_type), **_array(numpy_helper.to_array(t))}


def _attribute(a: onnx.AttributeProto) -> Any:
    value = helper.get_attribute_value(a)
    if isinstance(value, onnx.TensorProto):
        return _tensor(value)
    if isinstance(value, list | tuple):
        return {
            "shape": [len(value)],
            "values": [_scalar(v) for v in value[:MAX_VALUES]],
            "truncated": len(value) > MAX_VALUES,
        }
    return _scalar(value)


def _array(a: np.ndarray) -> dict[str, Any]:
    flat = a.ravel()
    return {
        "shape": list(a.shape),
        "values": [_scalar(v) for v in flat[:MAX_VALUES].tolist()],
        "truncated": flat.size > MAX_VALUES,
    }


def _scalar(v: object) -> object:
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    if isinstance(v, np.generic):
        return v.item()
    return v if v is None or isinstance(v, int | float | str | bool) else str(v)


def _plain(v: object) -> object:
    return v if v is None or isinstance(v, int | float | str | bool) else str(v)


def _skops(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as z:
        schema = json.loads(z.read("schema.json"))
        return {"type": "skops", "model": _type_of(schema), "parameters": _node(schema, z, 0)}


def _type_of(node: dict[str, Any]) -> str:
    return f"{node.get('__module__', '')}.{node.get('__class__', '')}".strip(".")


def _node(node: Any, z: zipfile.ZipFile, depth: int) -> Any:
    """A skops schema node as plain values: literals, arrays (read with numpy, no pickle), dicts, lists, objects."""
    if depth > MAX_DEPTH:
        return "…"
    if not isinstance(node, dict):
        return _scalar(node)
    loader = node.get("__loader__", "")
    content = node.get("content")
    if loader == "JsonNode":
        return json.loads(content) if isinstance(content, str) else content
    if "file" in node:
        return {"type": _type_of(node), **_array(np.load(io.BytesIO(z.read(node["file"])), allow_pickle=False))}
    if loader == "DictNode" and isinstance(content, dict):
        return {k: _node(v, z, depth + 1) for k, v in content.items()}
    if isinstance(content, list):
        return [_node(v, z, depth + 1) for v in content[:MAX_VALUES]]
    if loader == "ObjectNode" or isinstance(content, dict):
        return {"type": _type_of(node), "content": _node(content, z, depth + 1)}
    return {"type": _type_of(node), "content": _scalar(content)}


READERS = {".csv": _table, ".parquet": _table, ".json": _json, ".onnx": _onnx, ".skops": _skops}
