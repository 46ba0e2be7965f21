"""The error a scan raises when it cannot read its file."""

from __future__ import annotations

from gongshu.errors import Invalid


class ScanError(Invalid):
    """A file could not be scanned; the message says why."""

    code = "scan_invalid"


def unreadable(path: str, reason: str) -> ScanError:
    return ScanError(
        f"无法读取 Parquet 文件 {path}：{reason}；请确认文件完整且为 Parquet 格式",
        f"cannot read the Parquet file {path}: {reason}; check that the file is complete and in Parquet format",
        path=path,
        reason=reason,
    )
