"""Rule: a model does not memorize its training rows: no nearest-neighbour, support-vector, kernel or other
estimator that keeps rows; no more parameters than one per ``min_cell`` input cells; no tree with more leaves
than one per ``min_cell`` input rows (a leaf is a cell: it may not stand for fewer persons than a table cell)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gongshu.sandbox.contents import model_shape
from gongshu.sandbox.spec import Finding

if TYPE_CHECKING:
    from gongshu.sandbox.checks import CheckConfig, OutputFile

RULE = "memorization"
# Estimators (skops class names) and operators (ONNX op types) that keep training rows in the model.
ROW_KEEPERS = re.compile(
    r"^(KNeighbors\w*|RadiusNeighbors\w*|NearestNeighbors|KNNImputer|KernelDensity|LocalOutlierFactor|"
    r"SVC|SVR|NuSVC|NuSVR|OneClassSVM|SVMClassifier|SVMRegressor|GaussianProcess\w*|LabelPropagation|"
    r"LabelSpreading|DBSCAN|OPTICS|KernelRidge|Isomap|TSNE|SpectralEmbedding|LocallyLinearEmbedding)$"
)


def memorization(output: OutputFile, cfg: CheckConfig) -> Finding:
    """Passes for tables and metrics, and for models that keep no training row by their kind or their size."""
    if output.kind != "model":
        return Finding(RULE, True, f"{output.name}：不是模型", f"{output.name}: not a model", output.name)
    shape = model_shape(output.path)
    keepers = sorted(c for c in shape.classes if ROW_KEEPERS.match(c))
    too_many = shape.parameters * cfg.min_cell > max(cfg.input_cells, 1)
    deep = any(leaves * cfg.min_cell > max(cfg.input_rows, 1) for leaves in shape.leaves)
    if keepers or too_many or deep:
        return Finding(
            RULE,
            False,
            f"{output.name}：模型可能记住了训练数据（近邻、支持向量等保存样本的模型，或参数、树叶节点相对输入过多）；"
            f"请限制模型规模（如树的每个叶节点至少 {cfg.min_cell} 条样本）",
            f"{output.name}: the model may memorize its training rows (nearest neighbours, support vectors or other "
            f"models that keep rows, or too many parameters or tree leaves for the inputs); limit its size (e.g. "
            f"at least {cfg.min_cell} rows per tree leaf)",
            output.name,
        )
    return Finding(
        RULE, True, f"{output.name}：未发现记忆训练数据的迹象", f"{output.name}: no sign of memorization", output.name
    )
