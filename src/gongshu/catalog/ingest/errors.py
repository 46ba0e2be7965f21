"""The one error ingest raises, and the bilingual messages it carries."""

from __future__ import annotations

from collections.abc import Sequence

from gongshu.errors import Invalid


class IngestError(Invalid):
    """A data resource could not be ingested; the message says why and what to fix."""

    code = "ingest_invalid"


def _positions(items: Sequence[int]) -> tuple[str, str]:
    return "、".join(f"{i:,}" for i in items), ", ".join(f"{i:,}" for i in items)


def empty_file() -> IngestError:
    return IngestError(
        "文件为空；请上传包含表头和数据行的文件",
        "the file is empty; upload a file with a header row and data rows",
    )


def no_data_rows() -> IngestError:
    return IngestError(
        "文件只有表头，没有数据行；请补充数据行后重新上传",
        "the file has a header but no data rows; add data rows and upload it again",
    )


def empty_names(positions: Sequence[int]) -> IngestError:
    zh, en = _positions(positions)
    return IngestError(
        f"第 {zh} 列的列名为空；请为每一列填写列名",
        f"column {en} has an empty name; give every column a name"
        if len(positions) == 1
        else f"columns {en} have empty names; give every column a name",
        positions=list(positions),
    )


def duplicate_names(duplicates: dict[str, list[int]]) -> IngestError:
    zh = "；".join(f"「{n}」（第 {_positions(p)[0]} 列）" for n, p in duplicates.items())
    en = "; ".join(f"'{n}' (columns {_positions(p)[1]})" for n, p in duplicates.items())
    return IngestError(
        f"列名重复：{zh}；请让每个列名唯一",
        f"duplicate column names: {en}; make every column name unique",
        duplicates=duplicates,
    )


def ragged_row(row: int | None, fields: int, expected: int) -> IngestError:
    where_zh = f"第 {row:,} 行" if row else "有一行"
    where_en = f"row {row:,}" if row else "a row"
    return IngestError(
        f"{where_zh}有 {fields} 列，表头有 {expected} 列；请检查分隔符或引号",
        f"{where_en} has {fields} fields but the header has {expected}; check the delimiter or quoting",
        row=row,
        fields=fields,
        expected=expected,
    )


def malformed_csv() -> IngestError:
    return IngestError(
        "CSV 文件格式不规范，无法解析；请检查分隔符、引号和换行",
        "the CSV file is malformed and cannot be parsed; check the delimiter, quoting and line breaks",
    )


def no_sheets() -> IngestError:
    return IngestError(
        "工作簿中没有工作表；请在第一个工作表中放入表头和数据",
        "the workbook has no worksheet; put the header and data on its first sheet",
    )


def value_beyond_header(row: int, column: int, width: int) -> IngestError:
    return IngestError(
        f"第 {row:,} 行第 {column} 列有值，但表头只有 {width} 列；请为该列填写列名或删除多余的值",
        f"row {row:,} has a value in column {column}, but the header has only {width} columns; "
        "name that column or remove the value",
        row=row,
        column=column,
        width=width,
    )


def unknown_encoding() -> IngestError:
    return IngestError(
        "无法确定文件编码（已尝试 UTF-8、GBK、GB18030）；请将文件另存为 UTF-8",
        "cannot determine the encoding (tried UTF-8, GBK, GB18030); save the file as UTF-8",
    )


def binary_content() -> IngestError:
    return IngestError(
        "不是文本 CSV 文件（含二进制内容）；请上传 CSV 文本文件，或按文件的真实格式上传",
        "not a text CSV file (binary content); upload a text CSV, or the file in its real format",
    )


def utf16_file() -> IngestError:
    return IngestError(
        "文件是 UTF-16 编码；请将文件另存为 UTF-8",
        "the file is UTF-16 encoded; save it as UTF-8",
    )


def mixed_encoding(encoding: str, line: int | None, offset: int | None) -> IngestError:
    name = encoding.upper().removesuffix("-SIG")
    if line is None or offset is None:
        where_zh, where_en = "文件中", "the file"
    else:
        where_zh = f"第 {line:,} 行附近（字节偏移 {offset:,}）"
        where_en = f"line {line:,} (byte offset {offset:,})"
    return IngestError(
        f"文件按 {name} 编码读取，但{where_zh}有无法按 {name} 解码的字节，可能混用了多种编码；"
        "请将整个文件统一另存为 UTF-8",
        f"the file was read as {name}, but bytes near {where_en} do not decode as {name}, "
        "so it may mix encodings; save the whole file as UTF-8",
        encoding=encoding,
        line=line,
        offset=offset,
    )


def unreadable(what_zh: str, what_en: str, reason: str) -> IngestError:
    return IngestError(
        f"无法读取{what_zh}：{reason}；请确认文件完整且格式正确",
        f"cannot read {what_en}: {reason}; check that the file is complete and in that format",
        reason=reason,
    )


def unsupported_type(position: int, name: str, type_name: str) -> IngestError:
    return IngestError(
        f"第 {position} 列「{name}」的类型 {type_name} 不受支持；请将其展开或转换为普通列后再上传",
        f"column {position} '{name}' has unsupported type {type_name}; "
        "flatten or convert it to a plain column and upload again",
        position=position,
        name=name,
        type=type_name,
    )


def unconvertible(position: int, name: str, type_name: str) -> IngestError:
    return IngestError(
        f"第 {position} 列「{name}」的值无法统一转换为 {type_name}；请检查该列的取值",
        f"the values of column {position} '{name}' cannot all be converted to {type_name}; check that column's values",
        position=position,
        name=name,
        type=type_name,
    )


def jsonl_bad_line(line: int, column: int, reason: str) -> IngestError:
    return IngestError(
        f"第 {line:,} 行第 {column} 个字符处不是合法的 JSON（{reason}）；请修正该行",
        f"line {line:,} is not valid JSON at character {column} ({reason}); fix that line",
        line=line,
        column=column,
    )


def jsonl_not_object(line: int) -> IngestError:
    return IngestError(
        f"第 {line:,} 行不是 JSON 对象；JSON Lines 文件的每一行都应是一个 {{...}} 对象",
        f"line {line:,} is not a JSON object; each line of a JSON Lines file must be one {{...}} object",
        line=line,
    )


def jsonl_not_utf8(line: int) -> IngestError:
    return IngestError(
        f"第 {line:,} 行不是 UTF-8 编码；请将文件另存为 UTF-8",
        f"line {line:,} is not UTF-8; save the file as UTF-8",
        line=line,
    )


def unsupported_format(name: str) -> IngestError:
    return IngestError(
        f"不支持的文件格式「{name}」；请上传 CSV、XLSX、Parquet 或 JSON Lines 文件",
        f"unsupported file format '{name}'; upload a CSV, XLSX, Parquet or JSON Lines file",
        format=name,
    )


def source_missing(path: str) -> IngestError:
    return IngestError(
        f"找不到文件 {path}；请检查路径",
        f"file {path} not found; check the path",
        path=path,
    )


def io_failed(reason: str) -> IngestError:
    return IngestError(
        f"读写文件失败：{reason}；请检查磁盘空间和权限后重试",
        f"reading or writing a file failed: {reason}; check disk space and permissions and retry",
        reason=reason,
    )


def unexpected(kind: str) -> IngestError:
    return IngestError(
        f"导入时发生意外错误（{kind}）；请将此信息报告给平台运维人员",
        f"ingest failed unexpectedly ({kind}); report this to the platform operator",
        kind=kind,
    )


def bad_database_url() -> IngestError:
    return IngestError(
        "数据库地址无法解析；请使用 SQLAlchemy URL，例如 postgresql+psycopg://用户名@主机:5432/库名",
        "the database URL cannot be parsed; use an SQLAlchemy URL such as postgresql+psycopg://user@host:5432/dbname",
    )


def database_unsupported(url: str, reason: str) -> IngestError:
    return IngestError(
        f"不支持的数据库类型 {url}（{reason}）；请使用 PostgreSQL、MySQL 或 SQLite 等已安装驱动的数据库",
        f"unsupported database {url} ({reason}); use a database whose driver is installed, "
        "such as PostgreSQL, MySQL or SQLite",
        url=url,
        reason=reason,
    )


def database_file_missing(url: str) -> IngestError:
    return IngestError(
        f"数据库文件不存在：{url}；请检查路径",
        f"the database file does not exist: {url}; check the path",
        url=url,
    )


def database_unreachable(url: str, reason: str) -> IngestError:
    return IngestError(
        f"无法连接数据库 {url}：{reason}；请检查地址、端口、用户名、密码和网络",
        f"cannot connect to the database {url}: {reason}; check the host, port, user, password and network",
        url=url,
        reason=reason,
    )


def table_missing(url: str, table: str) -> IngestError:
    return IngestError(
        f"数据库 {url} 中没有表 {table}；请检查表名和 schema",
        f"the database {url} has no table {table}; check the table name and schema",
        url=url,
        table=table,
    )


def database_failed(url: str, table: str, reason: str) -> IngestError:
    return IngestError(
        f"读取数据库 {url} 的表 {table} 失败：{reason}；请检查该表的权限和数据",
        f"reading table {table} from the database {url} failed: {reason}; "
        "check the permissions on the table and its data",
        url=url,
        table=table,
        reason=reason,
    )
