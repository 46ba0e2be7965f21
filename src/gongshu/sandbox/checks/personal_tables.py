"""Rule: a Python job over personal information hands back no table: tables over persons come from SQL jobs,
differentially private at the level of the person; a Python job's table could hold anything the code put in it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gongshu.sandbox.spec import Finding

if TYPE_CHECKING:
    from gongshu.sandbox.checks import CheckConfig, OutputFile

RULE = "python-personal-table"


def personal_tables(output: OutputFile, cfg: CheckConfig) -> Finding:
    """Passes for non-table outputs, and for tables when no input holds personal information."""
    if output.kind == "table" and cfg.personal:
        return Finding(
            RULE,
            False,
            f"{output.name}：输入含个人信息，Python 作业不得产出表格；含个人信息的统计表请用 SQL 作业产出"
            "（按人差分隐私），模型与指标经平台检查后留在可信环境内",
            f"{output.name}: the inputs hold personal information, so a Python job may not output a table; tables "
            "over personal data come from SQL jobs (differentially private per person), models and metrics are "
            "checked by the platform and stay inside",
            output.name,
        )
    return Finding(RULE, True, f"{output.name}：允许的产出", f"{output.name}: an allowed output", output.name)
