"""What reviewers read of outputs that are not tables (nothing is approved blind): JSON pretty-printed, ONNX
graphs with their initializers' shapes and first values, skops models with their type and parameters, parsed
without being loaded as code."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import skops.io as sio
from onnx import TensorProto, helper, numpy_helper
from sklearn.linear_model import LogisticRegression

from gongshu.sandbox.inspection import MAX_VALUES, content_of

IDS = [f"41010219{60 + i}0101{i:03d}X" for i in range(30)]


def test_a_json_output_is_shown_pretty_printed(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps({"auc": 0.81, "ids": IDS[:2]}), encoding="utf-8")
    shown = content_of(path, path.name)
    assert shown["type"] == "json" and '\n  "auc": 0.81' in shown["text"] and IDS[0] in shown["text"]


def test_an_onnx_model_shows_its_graph_and_the_first_values_of_its_initializers(tmp_path: Path) -> None:
    weights = numpy_helper.from_array(np.arange(60, dtype=np.float32).reshape(20, 3), "W")
    lookup = numpy_helper.from_array(np.array(IDS, dtype=object), "ids")
    node = helper.make_node("MatMul", ["X", "W"], ["Y"])
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", 20])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["n", 3])],
        [weights, lookup],
    )
    path = tmp_path / "model.onnx"
    onnx.save(helper.make_model(graph), str(path))
    shown = content_of(path, path.name)
    assert shown["type"] == "onnx" and shown["ops"] == {"MatMul": 1}
    assert shown["inputs"] == [{"name": "X", "type": "FLOAT", "shape": ["n", 20]}]
    w, ids = shown["initializers"]
    assert w["shape"] == [20, 3] and w["values"][:3] == [0.0, 1.0, 2.0] and w["truncated"]
    assert ids["values"] == IDS[:MAX_VALUES] and ids["truncated"]  # the reviewer sees what the model holds


def test_a_skops_model_shows_its_type_and_parameters_without_being_loaded(tmp_path: Path) -> None:
    x = np.random.default_rng(1).random((40, 3))
    model = LogisticRegression(C=0.5).fit(x, (x[:, 0] > 0.5).astype(int))
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    shown = content_of(path, path.name)
    assert shown["type"] == "skops" and shown["model"] == "sklearn.linear_model._logistic.LogisticRegression"
    params = shown["parameters"]
    assert params["content"]["C"] == 0.5
    assert params["content"]["coef_"]["shape"] == [1, 3]
    assert params["content"]["coef_"]["values"][0] == float(model.coef_[0, 0])


def test_a_file_that_does_not_parse_is_shown_as_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "model.onnx"
    path.write_bytes(b"not a model")
    assert content_of(path, path.name)["type"] == "unreadable"
