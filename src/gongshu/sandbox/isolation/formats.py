"""Which files a Python job may hand back: tables (CSV, Parquet), metrics (JSON) and models (ONNX, skops), each
checked by its extension and its content. Pickle in any guise (joblib, .pt, .npy with objects) is refused:
loading it runs arbitrary code. A file that passes is never loaded as code here (skops types are only listed)."""

from __future__ import annotations

import json
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import onnx
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import skops.io as sio
from onnx.external_data_helper import uses_external_data

from gongshu.sandbox.spec import Finding

OutputKind = Literal["table", "metrics", "model"]
RULE = "output-format"
MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32
KINDS: dict[str, OutputKind] = {
    ".csv": "table",
    ".parquet": "table",
    ".json": "metrics",
    ".onnx": "model",
    ".skops": "model",
}
KIND_ZH: dict[str, str] = {"table": "表格", "metrics": "指标", "model": "模型"}
PICKLE_SUFFIXES = frozenset({".pkl", ".pickle", ".joblib", ".pt", ".pth", ".npy", ".npz", ".sav", ".dill", ".ckpt"})
# skops types that are not in skops' own trusted list but hold only arrays and numbers (sklearn trees).
SKOPS_ALLOWED = frozenset({"sklearn.tree._tree.Tree", "sklearn._loss.link.Interval", "sklearn._loss.link.IdentityLink"})
_PICKLE_ZH = (
    "pickle 类文件（含 joblib、PyTorch .pt、带对象的 .npy）加载时可执行任意代码，不予放行；"
    "请将模型保存为 ONNX 或 skops 格式"
)
_PICKLE_EN = (
    "pickle-like files (also joblib, PyTorch .pt, .npy with objects) run arbitrary code when loaded and are refused; "
    "save the model as ONNX or skops"
)


class Refused(Exception):
    """A file's content does not match what its extension promises (internal: turned into a Finding)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def validate_output(path: Path) -> Finding:
    """The verdict on one output file. When it passes, ``place`` names its kind: "table", "metrics" or "model";
    when refused, ``place`` is the file name and ``zh``/``en`` say why."""
    path = Path(path)
    try:
        kind = _validate(path)
    except Refused as e:
        return Finding(RULE, False, f"{path.name}：{e.zh}", f"{path.name}: {e.en}", place=path.name)
    return Finding(
        RULE, True, f"{path.name}：允许的{KIND_ZH[kind]}文件", f"{path.name}: allowed {kind} file", place=kind
    )


def _validate(path: Path) -> OutputKind:
    try:
        st = path.lstat()
    except OSError as e:
        raise Refused("文件不存在", "no such file") from e
    if not stat.S_ISREG(st.st_mode):
        raise Refused("不是普通文件（如符号链接）", "not a regular file (e.g. a symlink)")
    suffix = path.suffix.lower()
    if suffix in PICKLE_SUFFIXES or _looks_like_pickle(path):
        raise Refused(_PICKLE_ZH, _PICKLE_EN)
    if suffix not in KINDS:
        allowed = ", ".join(KINDS)
        raise Refused(
            f"不允许的文件类型 {suffix or '（无扩展名）'}；允许：{allowed}",
            f"file type {suffix or '(none)'} is not allowed; allowed: {allowed}",
        )
    _CHECKS[suffix](path)
    return KINDS[suffix]


def _looks_like_pickle(path: Path) -> bool:
    """Pickle protocol 2+ starts with 0x80 and the protocol byte; numpy's .npy with b"\\x93NUMPY" (it may hold
    pickles); a zip holding a ``*.pkl`` member is a PyTorch checkpoint (skops' own ``.npy`` members are read
    by skops without pickle)."""
    with path.open("rb") as f:
        head = f.read(8)
    if (len(head) >= 2 and head[0] == 0x80 and 1 <= head[1] <= 5) or head.startswith(b"\x93NUMPY"):
        return True
    if head.startswith(b"PK") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return any(n.lower().endswith((".pkl", ".pickle")) for n in z.namelist())
    return False


def _csv(path: Path) -> None:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise Refused("CSV 须为 UTF-8 文本", "a CSV file must be UTF-8 text") from e
    try:
        pacsv.read_csv(path)
    except (pa.ArrowInvalid, pa.ArrowException) as e:
        raise Refused(f"CSV 无法解析：{e}", f"the CSV cannot be parsed: {e}") from e


def _parquet(path: Path) -> None:
    data_size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(4)
        f.seek(max(data_size - 4, 0))
        tail = f.read(4)
    if data_size < 12 or head != b"PAR1" or tail != b"PAR1":
        raise Refused("不是 Parquet 文件", "not a Parquet file")
    try:
        pq.read_table(path)
    except (pa.ArrowException, OSError) as e:
        raise Refused(f"Parquet 无法读取：{e}", f"the Parquet file cannot be read: {e}") from e


def _json(path: Path) -> None:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise Refused(f"JSON 指标超过 {MAX_JSON_BYTES} 字节", f"JSON metrics are larger than {MAX_JSON_BYTES} bytes")
    try:
        value = json.loads(path.read_bytes().decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise Refused(f"不是有效的 JSON：{e}", f"not valid JSON: {e}") from e
    _check_json(value, 0)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in metrics")


def _check_json(value: object, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        raise Refused(f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层", f"JSON is nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, dict):
        for item in value.values():
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)


def _onnx(path: Path) -> None:
    try:
        model = onnx.load(str(path), load_external_data=False)
        external = [t.name for t in _tensors(model) if uses_external_data(t)]
        if not external:
            onnx.checker.check_model(model)
    except Exception as e:  # onnx raises DecodeError, ValidationError and others without a common base
        raise Refused(f"ONNX 模型无效：{e}", f"invalid ONNX model: {e}") from e
    if external:
        raise Refused(
            f"ONNX 模型引用外部数据（{', '.join(external)}），不予放行",
            f"the ONNX model references external data ({', '.join(external)})",
        )


def _tensors(model: onnx.ModelProto) -> list[onnx.TensorProto]:
    """Every tensor of the model: initializers and constant attributes, subgraphs included."""
    found: list[onnx.TensorProto] = []
    graphs = [model.graph]
    while graphs:
        graph = graphs.pop()
        found += list(graph.initializer) + [s.values for s in graph.sparse_initializer]
        for node in graph.node:
            for attr in node.attribute:
                found += ([attr.t] if attr.HasField("t") else []) + list(attr.tensors)
                graphs += ([attr.g] if attr.HasField("g") else []) + list(attr.graphs)
    return found


def _skops(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise Refused("不是 skops 文件", "not a skops file")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as e:  # malformed archives raise KeyError, JSON and zip errors
        raise Refused(f"skops 文件无法读取：{e}", f"the skops file cannot be read: {e}") from e
    refused = sorted(set(untrusted) - SKOPS_ALLOWED)
    if refused:
        names = ", ".join(refused)
        raise Refused(f"skops 模型含不受信任的类型：{names}", f"the skops model holds untrusted types: {names}")


_CHECKS: dict[str, Callable[[Path], None]] = {
    ".csv": _csv,
    ".parquet": _parquet,
    ".json": _json,
    ".onnx": _onnx,
    ".skops": _skops,
}
