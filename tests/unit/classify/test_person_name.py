"""Names of people: a surname and one to three characters, or a transliterated name around a dot."""

from __future__ import annotations

import pytest

from gongshu.classify.recognizers import person_name


@pytest.mark.parametrize("value", ["张三", "王小明", "欧阳娜娜", "司马相如", "买买提·艾力", "阿依古丽•买买提"])
def test_names_with_a_surname_pass(value: str) -> None:
    assert person_name.validate(value)


@pytest.mark.parametrize(
    "value", ["企业登记", "郑州市", "金水区", "王庄村", "李家庄", "张", "张三丰啊啊", "Zhang San", ""]
)
def test_words_places_and_other_scripts_fail(value: str) -> None:
    assert not person_name.validate(value)


def test_latin_names_count_only_in_a_column_named_as_names() -> None:
    assert person_name.validate_hinted("Zhang San")
    assert not person_name.validate_hinted("1")
