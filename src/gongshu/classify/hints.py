"""What a column's name suggests: recognizer types, health data, free text, and in a table about
persons the kind of sensitive personal information it holds (GB/T 35273 附录 B, PIPL art. 28).

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

# In a table about persons (grading.grade_table), what a column's name says it holds; money only in a
# numeric column (缴费月份 is a month, 缴费基数 an amount).
MONEY_HINTS = ("金额", "工资", "薪", "收入", "余额", "缴费", "基数", "费用", "费", "价格", "价款", "款", "存款", "贷款",
               "资产", "财产", "奖金", "补贴", "补助", "救助金", "养老金", "公积金", "税", "负债", "欠", "消费", "交易",
               "支付", "报销", "元)", "元）",
               "amount", "salary", "income", "balance", "wage", "wages", "fee", "fees", "cost", "payment", "tax",
               "debt", "loan", "deposit", "price", "je")  # fmt: skip
SENSITIVE_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("health", (*HEALTH_HINTS, "症", "药", "就诊", "就医", "门诊", "住院", "急诊", "医院", "医疗", "病历", "医嘱",
                "手术", "检验", "化验", "疫苗", "接种", "生育", "妊娠", "怀孕", "血型", "身高", "体重", "心理",
                "drug", "medicine", "hospital", "patient", "clinic", "vaccine")),
    ("financial", ("账户", "账号", "银行卡", "开户", "征信", "信贷", "逾期", "交易流水", "银行流水", "资金流水",
                   "account", "iban")),
    ("whereabouts", ("轨迹", "行踪", "行程", "位置", "定位", "经纬度", "经度", "纬度", "坐标", "住址", "住所", "居住",
                     "家庭地址", "现住", "户籍地", "住宿", "入住", "出行", "途经",
                     "gps", "lng", "lon", "lat", "latitude", "longitude", "location", "trajectory", "track", "trip",
                     "home_address", "jzdz", "hjdz")),
    ("biometric", ("指纹", "人脸", "面部", "虹膜", "声纹", "掌纹", "基因", "步态", "照片", "相片",
                   "fingerprint", "face", "iris", "biometric", "dna", "gene", "photo")),
    ("identity", ("宗教", "信仰", "犯罪", "违法", "前科", "刑事", "religion", "criminal")),
    ("minor", ("儿童", "未成年", "新生儿", "婴儿", "幼儿", "监护人", "child", "minor", "infant", "guardian")),
    ("communication", ("通话", "短信", "聊天", "通信记录", "通讯记录", "call", "sms", "chat")),
)  # fmt: skip


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


def sensitive_kind(name: str, numeric: bool) -> str | None:
    """The kind of sensitive personal information ``name`` suggests in a table about persons (health,
    financial, whereabouts, biometric, identity, minor, communication), or None. Money counts as
    financial in a numeric column only."""
    for kind, hints in SENSITIVE_KINDS:
        if mentions(name, hints) and not (kind == "health" and mentions(name, ("病虫",))):
            return kind
    return "financial" if numeric and mentions(name, MONEY_HINTS) else None


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
