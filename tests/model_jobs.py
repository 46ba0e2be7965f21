"""An honest Python model job over the income sandbox: a logistic regression exported to ONNX by hand, and its
metrics (the code a developer would submit; needs /usr/bin/bwrap to run)."""

from __future__ import annotations

LR_OUTPUTS = ["lr.onnx", "metrics.json"]
LR_MODEL = """
import json, os
import numpy as np
import onnx
import pyarrow.parquet as pq
from onnx import TensorProto, helper
from sklearn.linear_model import LogisticRegression


def main(inputs, out):
    t = pq.read_table(inputs["居民收入抽样信息"]).to_pylist()
    X = np.array([[r["区县"] == "高新区", r["行业"] == "制造业"] for r in t], dtype=float)
    y = np.array([r["月收入"] > 7000 for r in t], dtype=int)
    m = LogisticRegression().fit(X, y)
    node = helper.make_node(
        "LinearClassifier", ["x"], ["label", "p"], domain="ai.onnx.ml",
        coefficients=[float(v) for v in np.vstack([-m.coef_, m.coef_]).ravel()],
        intercepts=[float(-m.intercept_[0]), float(m.intercept_[0])], classlabels_ints=[0, 1],
        post_transform="LOGISTIC",
    )
    graph = helper.make_graph(
        [node], "lr", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 2])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
         helper.make_tensor_value_info("p", TensorProto.FLOAT, [None, 2])],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)]
    onnx.save(helper.make_model(graph, opset_imports=opsets), os.path.join(out, "lr.onnx"))
    json.dump({"accuracy": round(float(m.score(X, y)), 4)}, open(os.path.join(out, "metrics.json"), "w"))
"""
