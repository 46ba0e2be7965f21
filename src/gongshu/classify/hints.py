"""What a column's name suggests: recognizer types, health data, free text.

Chinese hints match anywhere in the name (联系电话 has 电话); ASCII hints (English words and pinyin
initials such as sfzh, lxdh) match whole words of the name, so ``id_card`` matches idCard,
ID-CARD and user_id_card but ``xm`` does not match ``xmlid``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from gongshu.classify.recognizers import RECOGNIZERS

HEALTH = "health"
HEALTH_HINTS = ("诊断", "病", "症状", "过敏", "既往史", "健康", "体检", "检验结果", "检查结果", "用药", "处方", "残疾",
                "diagnosis", "disease", "illness", "medical", "health", "symptom", "allergy", "icd", "icd10",
                "prescription", "zdjg", "zdmc", "jbmc")  # fmt: skip
HEALTH_EXCLUDE = ("病虫", "病床", "病区数", "医院名称", "机构")
FREE_TEXT_HINTS = ("备注", "描述", "说明", "内容", "经营范围", "简介", "详情", "意见", "摘要", "事由", "原因", "情况",
                   "remark", "remarks", "description", "desc", "comment", "comments", "note", "notes", "memo",
                   "content", "detail", "details", "text", "summary", "bz", "ms", "nr", "jyfw")  # fmt: skip


def words(name: str) -> list[str]:
    """The ASCII words of a column name, lower case: ``userIdCard_no`` → user, id, card, no."""
    out: list[str] = []
    current = ""
    previous = ""
    for c in unicodedata.normalize("NFKC", name):
        if c.isascii() and c.isalnum():
            if current and c.isupper() and previous.islower():
                out.append(current)
                current = ""
            current += c.lower()
        elif current:
            out.append(current)
            current = ""
        previous = c
    if current:
        out.append(current)
    return out


def mentions(name: str, hints: Iterable[str]) -> bool:
    """True when ``name`` contains one of ``hints`` (see the module docstring)."""
    text = unicodedata.normalize("NFKC", name).lower()
    tokens = words(name)
    for hint in hints:
        if not hint.isascii():
            if hint in text:
                return True
        elif _has_run(tokens, hint.replace("_", "")):
            return True
    return False


def hinted_types(name: str) -> tuple[str, ...]:
    """The recognizer codes the column name suggests, in recognizer order."""
    return tuple(r.code for r in RECOGNIZERS if mentions(name, r.hints) and not mentions(name, r.exclude))


def is_health(name: str) -> bool:
    return mentions(name, HEALTH_HINTS) and not mentions(name, HEALTH_EXCLUDE)


def is_free_text(name: str) -> bool:
    return mentions(name, FREE_TEXT_HINTS)


def _has_run(tokens: list[str], target: str) -> bool:
    """True when some run of consecutive ``tokens`` joins to ``target``."""
    for i in range(len(tokens)):
        joined = ""
        for token in tokens[i:]:
            joined += token
            if joined == target:
                return True
            if len(joined) >= len(target):
                break
    return False
