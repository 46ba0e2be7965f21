"""Output formats (tables, metrics, models; never pickle) and the automatic checks run before human review."""

from __future__ import annotations

import json
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import onnx
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import skops.io as sio
from onnx import TensorProto, helper, numpy_helper
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import FunctionTransformer

from gongshu.demo.identifiers import resident_ids
from gongshu.sandbox.checks import CHECKS, CheckConfig, OutputFile, run_checks
from gongshu.sandbox.checks.file_type import file_type
from gongshu.sandbox.checks.identifier_columns import identifier_columns
from gongshu.sandbox.checks.output_control import output_control
from gongshu.sandbox.checks.row_cap import row_cap
from gongshu.sandbox.checks.size_cap import size_cap
from gongshu.sandbox.isolation.formats import validate_output

X = np.random.default_rng(1).random((60, 3))
Y = (X[:, 0] > 0.5).astype(int)


def onnx_model() -> onnx.ModelProto:
    w = numpy_helper.from_array(np.ones((3, 1), dtype=np.float32), "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 1])
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g", [x], [y], [w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def write(path: Path, kind: str) -> Path:
    """A valid file of each allowed format."""
    if kind == "csv":
        path.write_text("区县,人数\n红花岗区,120\n汇川区,98\n", encoding="utf-8")
    elif kind == "parquet":
        pq.write_table(pa.table({"区县": ["红花岗区"], "人数": [120]}), path)
    elif kind == "json":
        path.write_text(json.dumps({"auc": 0.81, "folds": [0.8, 0.82], "model": "logistic"}))
    elif kind == "onnx":
        onnx.save(onnx_model(), path)
    elif kind == "skops":
        sio.dump(LogisticRegression().fit(X, Y), path)
    return path


@pytest.mark.parametrize(
    ("name", "kind"),
    [("t.csv", "table"), ("t.parquet", "table"), ("m.json", "metrics"), ("m.onnx", "model"), ("m.skops", "model")],
)
def test_each_allowed_format_passes_and_names_its_kind(tmp_path: Path, name: str, kind: str) -> None:
    verdict = validate_output(write(tmp_path / name, name.rsplit(".", 1)[1]))
    assert (verdict.passed, verdict.place) == (True, kind)


def test_a_random_forest_in_skops_passes_because_trees_are_on_the_allowlist(tmp_path: Path) -> None:
    path = tmp_path / "forest.skops"
    sio.dump(RandomForestClassifier(n_estimators=3, random_state=0).fit(X, Y), path)
    assert validate_output(path).passed


def test_a_skops_model_calling_os_system_is_refused_without_being_loaded(tmp_path: Path) -> None:
    path = tmp_path / "evil.skops"
    sio.dump(FunctionTransformer(os.system), path)
    verdict = validate_output(path)
    assert not verdict.passed and "posix.system" in verdict.en


@pytest.mark.parametrize("name", ["model.pkl", "model.joblib", "model.pt", "model.csv", "m.json", "m.skops", "m.onnx"])
def test_a_pickle_is_refused_whatever_its_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(pickle.dumps({"w": [1.0, 2.0]}, protocol=4))
    verdict = validate_output(path)
    assert not verdict.passed
    assert "pickle" in verdict.en and "不予放行" in verdict.zh and "ONNX" in verdict.en


def test_a_numpy_file_is_refused_as_it_may_hold_pickles(tmp_path: Path) -> None:
    path = tmp_path / "weights.csv"
    with path.open("wb") as f:
        np.save(f, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert "pickle" in validate_output(path).en


def test_a_zip_holding_a_pickle_is_refused_under_the_skops_extension(tmp_path: Path) -> None:
    path = tmp_path / "model.skops"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps([1]))
    assert "pickle" in validate_output(path).en


def test_an_onnx_model_with_external_data_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    onnx.save_model(onnx_model(), path, save_as_external_data=True, location="w.bin", size_threshold=0)
    verdict = validate_output(path)
    assert not verdict.passed and "external data" in verdict.en


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("t.txt", b"hello", "not allowed"),
        ("noext", b"hello", "not allowed"),
        ("t.csv", "区县,人数\n红花岗区,1\n".encode("gbk"), "UTF-8"),
        ("t.parquet", b"PAR0 not parquet PAR1", "not a Parquet"),
        ("m.json", b'{"auc": NaN}', "not valid JSON"),
        ("m.json", b"[" * 40 + b"]" * 40, "nested"),
        ("m.onnx", b"\x08\x07garbage", "invalid ONNX"),
        ("m.skops", b"not a zip", "not a skops"),
    ],
)
def test_a_file_whose_content_does_not_match_its_extension_is_refused(
    tmp_path: Path, name: str, content: bytes, why: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    verdict = validate_output(path)
    assert not verdict.passed and why in verdict.en and verdict.place == name


def test_json_metrics_larger_than_the_cap_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"scores": list(range(300_000))}))
    assert "larger than" in validate_output(path).en


def test_a_symlink_is_refused_even_to_an_allowed_file(tmp_path: Path) -> None:
    target = write(tmp_path / "real.csv", "csv")
    (tmp_path / "link.csv").symlink_to(target)
    assert "not a regular file" in validate_output(tmp_path / "link.csv").en


# -- the automatic checks -------------------------------------------------------------------------


def output(path: Path, kind: str = "table", *, rows: int | None = 2, report: dict | None = None) -> OutputFile:
    return OutputFile(path=path, name=path.name, kind=kind, rows=rows, bytes=path.stat().st_size, control_report=report)


def test_the_checks_run_in_the_documented_order() -> None:
    assert [c.__name__ for c in CHECKS] == [
        "file_type",
        "size_cap",
        "row_cap",
        "personal_tables",
        "declared_counts",
        "identifier_columns",
        "input_values",
        "memorization",
        "output_control",
    ]


def test_a_clean_controlled_table_passes_every_check(tmp_path: Path) -> None:
    findings = run_checks([output(write(tmp_path / "t.csv", "csv"), report={"passed": True})], CheckConfig())
    assert [(f.rule, f.passed) for f in findings] == [
        ("file-type", True),
        ("size-cap", True),
        ("row-cap", True),
        ("python-personal-table", True),
        ("declared-counts", True),
        ("identifier-columns", True),
        ("input-values", True),
        ("memorization", True),
        ("output-control", True),
    ]


def test_a_refused_file_type_stops_the_checks_of_that_file_only(tmp_path: Path) -> None:
    bad = tmp_path / "m.pkl"
    bad.write_bytes(pickle.dumps(1))
    good = write(tmp_path / "m.json", "json")
    findings = run_checks([output(bad, "model"), output(good, "metrics")], CheckConfig())
    assert [(f.rule, f.passed, f.place) for f in findings][:2] == [
        ("file-type", False, "m.pkl"),
        ("file-type", True, "m.json"),
    ]
    assert len(findings) == 1 + len(CHECKS)


def test_file_type_refuses_a_kind_the_agreement_does_not_allow(tmp_path: Path) -> None:
    finding = file_type(
        output(write(tmp_path / "m.onnx", "onnx"), "model"), CheckConfig(allowed_kinds=frozenset({"table"}))
    )
    assert not finding.passed and "does not allow model" in finding.en


def test_size_cap_refuses_a_file_over_the_cap(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "csv")
    assert size_cap(output(path), CheckConfig(max_bytes=path.stat().st_size)).passed
    assert not size_cap(output(path), CheckConfig(max_bytes=path.stat().st_size - 1)).passed


def test_row_cap_refuses_a_table_over_the_cap_or_of_unknown_size_and_ignores_models(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "csv")
    assert row_cap(output(path, rows=10), CheckConfig(max_rows=10)).passed
    assert not row_cap(output(path, rows=11), CheckConfig(max_rows=10)).passed
    assert not row_cap(output(path, rows=None), CheckConfig()).passed
    assert row_cap(output(write(tmp_path / "m.skops", "skops"), "model", rows=None), CheckConfig(max_rows=0)).passed


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_a_column_of_id_card_numbers_fails_the_identifier_check(tmp_path: Path, suffix: str) -> None:
    rng = np.random.default_rng(5)
    birth = np.datetime64("1960-01-01") + rng.integers(0, 15_000, 50).astype("timedelta64[D]")
    ids = [str(v) for v in resident_ids(rng.choice([110105, 520302], 50), birth, rng.integers(0, 999, 50))]
    table = pa.table({"证件": ids, "得分": rng.random(50)})
    path = tmp_path / f"scores.{suffix}"
    if suffix == "csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    finding = identifier_columns(output(path, rows=50), CheckConfig())
    assert not finding.passed and "证件 (cn_id_card)" in finding.en and finding.place == "证件"


def test_a_table_of_counts_by_district_passes_the_identifier_check(tmp_path: Path) -> None:
    assert identifier_columns(output(write(tmp_path / "t.parquet", "parquet")), CheckConfig()).passed


@pytest.mark.parametrize(
    ("report", "passed"),
    [
        ({"passed": True}, True),
        ({"passed": False}, False),
        (None, False),
        ({"findings": [{"rule": "min-cell-count", "passed": True}]}, True),
        ({"findings": [{"rule": "min-cell-count", "passed": False}]}, False),
        ({"findings": []}, False),
    ],
)
def test_output_control_passes_only_a_table_whose_report_says_it_passed(
    tmp_path: Path, report: dict | None, passed: bool
) -> None:
    assert output_control(output(write(tmp_path / "t.csv", "csv"), report=report), CheckConfig()).passed is passed


def test_output_control_does_not_apply_to_models_and_metrics(tmp_path: Path) -> None:
    assert output_control(output(write(tmp_path / "m.json", "json"), "metrics"), CheckConfig()).passed
