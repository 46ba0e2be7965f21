"""The one error desensitization raises, and the bilingual messages it carries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gongshu.errors import Invalid

LISTED_NAMES = 10
SHOWN_VALUE_CHARS = 60


class DesensitizeError(Invalid):
    """A plan, a key, a source file or a k-anonymity request was refused; the message says why and what to fix."""

    code = "desensitize_invalid"


def _names(names: Iterable[str]) -> tuple[str, str]:
    names = list(names)
    more = len(names) - LISTED_NAMES
    shown = names[:LISTED_NAMES]
    zh = "、".join(f"「{n}」" for n in shown) + (f" 等 {len(names)} 个" if more > 0 else "")
    en = ", ".join(f"'{n}'" for n in shown) + (f" and {more} more" if more > 0 else "")
    return zh or "（无）", en or "(none)"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN_VALUE_CHARS else text[: SHOWN_VALUE_CHARS - 1] + "…"


def bad_plan(where: str, expected_zh: str, expected_en: str) -> DesensitizeError:
    return DesensitizeError(
        f'脱敏方案格式错误：{where} 应为{expected_zh}；请按 {{"steps": [{{"column", "operator", "params"}}], '
        f'"drop": [...]}} 的格式填写',
        f"the desensitization plan is malformed: {where} should be {expected_en}; "
        'write it as {"steps": [{"column", "operator", "params"}], "drop": [...]}',
        where=where,
    )


def unknown_operator(column: str, operator: str, known: Iterable[str]) -> DesensitizeError:
    zh, en = _names(known)
    return DesensitizeError(
        f"列「{column}」的脱敏算子「{operator}」不存在；可用的算子有 {zh}",
        f"column '{column}' names an unknown operator '{operator}'; use one of {en}",
        column=column,
        operator=operator,
    )


def unknown_column(column: str, available: Iterable[str], *, role_zh: str, role_en: str) -> DesensitizeError:
    zh, en = _names(available)
    return DesensitizeError(
        f"{role_zh}「{column}」不在数据中；数据中的列有 {zh}",
        f"{role_en} '{column}' is not in the data; its columns are {en}",
        column=column,
    )


def unknown_param(column: str, operator: str, name: str, known: Iterable[str]) -> DesensitizeError:
    zh, en = _names(known)
    return DesensitizeError(
        f"列「{column}」的算子「{operator}」没有参数「{name}」；可用的参数有 {zh}",
        f"column '{column}': operator '{operator}' has no parameter '{name}'; its parameters are {en}",
        column=column,
        operator=operator,
        param=name,
    )


def missing_param(column: str, operator: str, name: str, rule_zh: str, rule_en: str) -> DesensitizeError:
    return DesensitizeError(
        f"列「{column}」的算子「{operator}」缺少参数「{name}」；请填写{rule_zh}",
        f"column '{column}': operator '{operator}' needs the parameter '{name}'; give {rule_en}",
        column=column,
        operator=operator,
        param=name,
    )


def bad_param(column: str, operator: str, name: str, value: Any, rule_zh: str, rule_en: str) -> DesensitizeError:
    return DesensitizeError(
        f"列「{column}」的算子「{operator}」的参数「{name}」取值 {_shown(value)} 无效；应为{rule_zh}",
        f"column '{column}': operator '{operator}' parameter '{name}' is {_shown(value)}; it must be {rule_en}",
        column=column,
        operator=operator,
        param=name,
    )


def param_not_for_kind(column: str, name: str, kind: str) -> DesensitizeError:
    return DesensitizeError(
        f"列「{column}」的泛化方式「{kind}」不使用参数「{name}」；请删除该参数",
        f"column '{column}': generalization kind '{kind}' does not take the parameter '{name}'; remove it",
        column=column,
        param=name,
        kind=kind,
    )


def duplicate_step(column: str) -> DesensitizeError:
    return DesensitizeError(
        f"列「{column}」有多个脱敏步骤；每列只能指定一个步骤",
        f"column '{column}' has more than one step; give each column one step",
        column=column,
    )


def dropped_and_transformed(column: str) -> DesensitizeError:
    return DesensitizeError(
        f"列「{column}」既被删除又有脱敏步骤；请二选一",
        f"column '{column}' is both dropped and given a step; choose one",
        column=column,
    )


def drops_every_column() -> DesensitizeError:
    return DesensitizeError(
        "脱敏方案删除了所有列，结果将没有数据；请至少保留一列",
        "the plan drops every column, so nothing would remain; keep at least one column",
    )


def duplicate_source_columns(names: Iterable[str]) -> DesensitizeError:
    zh, en = _names(names)
    return DesensitizeError(
        f"源文件中列名重复：{zh}；请先让每个列名唯一",
        f"the source file repeats column names: {en}; make every column name unique first",
    )


def key_missing() -> DesensitizeError:
    return DesensitizeError(
        "带密钥哈希需要至少 16 字节的密钥（bytes）；请检查平台的脱敏密钥配置",
        "keyed hashing needs a key of at least 16 bytes; check the platform's desensitization key setting",
    )


def algorithm_unavailable(column: str, algorithm: str) -> DesensitizeError:
    return DesensitizeError(
        f"列「{column}」的哈希算法「{algorithm}」在本机不可用；请改用 sha256 或安装支持 {algorithm} 的 OpenSSL",
        f"column '{column}': hash algorithm '{algorithm}' is not available on this machine; "
        f"use sha256 or install an OpenSSL that provides {algorithm}",
        column=column,
        algorithm=algorithm,
    )


def same_file(path: str) -> DesensitizeError:
    return DesensitizeError(
        f"脱敏结果不能覆盖源文件 {path}；请另选输出路径",
        f"the desensitized output may not overwrite its source {path}; choose another output path",
        path=path,
    )


def source_missing(path: str) -> DesensitizeError:
    return DesensitizeError(
        f"找不到源文件 {path}；请检查路径",
        f"source file {path} not found; check the path",
        path=path,
    )


def source_unreadable(path: str, reason: str) -> DesensitizeError:
    return DesensitizeError(
        f"无法读取源文件 {path}（{reason}）；请确认它是完整的 Parquet 文件",
        f"cannot read the source file {path} ({reason}); check that it is a complete Parquet file",
        path=path,
        reason=reason,
    )


def output_unwritable(path: str, reason: str) -> DesensitizeError:
    return DesensitizeError(
        f"无法写入输出文件 {path}（{reason}）；请检查目录是否存在、磁盘空间和权限",
        f"cannot write the output file {path} ({reason}); check that the directory exists, disk space and permissions",
        path=path,
        reason=reason,
    )


def failed(kind: str) -> DesensitizeError:
    return DesensitizeError(
        f"脱敏处理失败（{kind}），未生成输出文件；请确认源文件完整，仍失败请报告平台运维人员",
        f"desensitization failed ({kind}) and wrote no output; check that the source file is complete, "
        "and report it to the platform operator if it persists",
        kind=kind,
    )


def no_quasi_identifiers() -> DesensitizeError:
    return DesensitizeError(
        "请至少指定一个准标识符列",
        "name at least one quasi-identifier column",
    )


def duplicate_quasi_identifier(column: str) -> DesensitizeError:
    return DesensitizeError(
        f"准标识符「{column}」重复；每列只需列出一次",
        f"quasi-identifier '{column}' is listed twice; list each column once",
        column=column,
    )


def sensitive_is_quasi_identifier(column: str) -> DesensitizeError:
    return DesensitizeError(
        f"敏感属性「{column}」同时是准标识符；请从准标识符中去掉它",
        f"the sensitive attribute '{column}' is also a quasi-identifier; remove it from the quasi-identifiers",
        column=column,
    )


def ambiguous_column(column: str, twins: Iterable[str]) -> DesensitizeError:
    zh, en = _names(twins)
    return DesensitizeError(
        f"列「{column}」与 {zh} 只差大小写或重名，DuckDB 无法区分；请先重命名这些列",
        f"column '{column}' differs from {en} only in letter case (or repeats it), which DuckDB cannot tell apart; "
        "rename those columns first",
        column=column,
    )


def bad_k_min(value: Any) -> DesensitizeError:
    return DesensitizeError(
        f"k_min 取值 {_shown(value)} 无效；应为不小于 1 的整数",
        f"k_min is {_shown(value)}; it must be a whole number of at least 1",
    )
