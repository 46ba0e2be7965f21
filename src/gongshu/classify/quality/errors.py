"""The error quality rules raise when they are declared or run wrongly; messages are bilingual."""

from __future__ import annotations

from collections.abc import Sequence

from gongshu.errors import Invalid


class QualityRuleInvalid(Invalid):
    """Rules that cannot run as declared; ``problems`` lists each one as (zh, en)."""

    code = "quality_rule_invalid"

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__(
            "质量规则有误：" + "；".join(zh for zh, _ in self.problems) + "。请修改后重试",
            "invalid quality rules: " + "; ".join(en for _, en in self.problems) + ". Fix them and try again",
            problems=[en for _, en in self.problems],
        )


class QualityDataInvalid(Invalid):
    """A Parquet file given to a quality run cannot be read."""

    code = "quality_data_invalid"


def unreadable(path: object, what_zh: str, what_en: str) -> QualityDataInvalid:
    return QualityDataInvalid(
        f"无法读取{what_zh} Parquet 文件 {path}；请确认文件存在且是完整的 Parquet 文件",
        f"cannot read the {what_en} Parquet file {path}; check that it exists and is a complete Parquet file",
        path=str(path),
    )


def query_failed(rule: str, error: BaseException) -> QualityDataInvalid:
    # The library's text is left out on purpose: DuckDB messages can quote cell values.
    kind = type(error).__name__
    return QualityDataInvalid(
        f"规则 {rule} 执行失败（{kind}）；请检查规则与数据的列类型是否匹配",
        f"rule {rule} failed to run ({kind}); check that the rule fits the column types of the data",
        rule=rule,
    )
