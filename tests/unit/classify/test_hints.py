"""Column names: Chinese hints anywhere, English words and pinyin initials as whole words."""

from __future__ import annotations

import pytest

from gongshu.classify.hints import hinted_types, is_free_text, is_health, words

# column name, then the types it hints at (none: no hint)
CASES = """
身份证号 cn_id_card
证件号码 cn_id_card
sfzh cn_id_card
idCard cn_id_card
user_id_card cn_id_card
联系电话 cn_mobile cn_landline
lxdh cn_mobile cn_landline
mobile cn_mobile
姓名 person_name
xm person_name
name person_name
company_name
企业名称
user_name
xmlid
住址 address
居住地址 address
IP地址 ip_address
邮件地址 email
银行卡号 bank_card
yhkh bank_card
统一社会信用代码 cn_uscc
tyshxydm cn_uscc
护照号码 passport
号牌号码 cn_license_plate
hphm cn_license_plate
经度 gps
lat gps
出生日期 date_of_birth
csrq date_of_birth
金额
类别
"""


@pytest.mark.parametrize(
    ("name", "types"), [(line.split()[0], tuple(line.split()[1:])) for line in CASES.split("\n") if line]
)
def test_names_in_chinese_pinyin_and_english_hint_at_types(name: str, types: tuple[str, ...]) -> None:
    assert hinted_types(name) == types


def test_names_split_into_words_at_separators_and_camel_case() -> None:
    assert words("userIdCard_no") == ["user", "id", "card", "no"]
    assert words("IP地址") == ["ip"]
    assert words("身份证号") == []


def test_diagnosis_columns_are_health_data_and_remarks_free_text() -> None:
    assert is_health("诊断结果") and is_health("diagnosis") and is_health("既往病史")
    assert not is_health("病虫害防治面积") and not is_health("金额")
    assert is_free_text("备注") and is_free_text("经营范围") and is_free_text("remarks")
    assert not is_free_text("身份证号")
