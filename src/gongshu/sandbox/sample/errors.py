"""Sample-data errors: a real version that cannot be read, items it does not have, an unknown format."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gongshu.errors import Invalid


class SampleSourceUnreadable(Invalid):
    code = "sample_source_unreadable"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"无法读取数据版本文件 {path.name}，不能生成样本数据：{reason}",
            f"cannot read the version file {path.name} to make sample data: {reason}",
            path=str(path),
        )


class SampleColumnsUnknown(Invalid):
    code = "sample_columns_unknown"

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        names = "、".join(columns)
        super().__init__(
            f"数据版本 {path.name} 中没有信息项：{names}；请核对授权的信息项",
            f"the version {path.name} has no item {', '.join(columns)}; check the granted items",
            columns=list(columns),
        )


class SampleFormatUnknown(Invalid):
    code = "sample_format_unknown"

    def __init__(self, fmt: str) -> None:
        super().__init__(
            f"不支持的样本数据格式 {fmt!r}：请选择 csv 或 parquet",
            f"unknown sample format {fmt!r}: choose csv or parquet",
            fmt=fmt,
        )
