"""mask: keeps the first and last characters, stars out the rest, counts Chinese characters as one."""

from __future__ import annotations

import datetime

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify.desensitize.operators.mask import mask

PROPERTY = settings(max_examples=100, deadline=None, database=None)


def test_a_chinese_name_keeps_its_surname() -> None:
    assert mask(pa.array(["张三丰", "欧阳娜娜", "李四"]), keep_first=1).to_pylist() == ["张**", "欧***", "李*"]


def test_an_id_number_keeps_its_area_code_and_last_four() -> None:
    masked = mask(pa.array(["11010119900307123X"]), keep_first=6, keep_last=4)
    assert masked.to_pylist() == ["110101********123X"]


def test_a_mobile_number_stored_as_an_integer_is_masked_as_text() -> None:
    masked = mask(pa.array([13800138000, None], pa.int64()), keep_first=3, keep_last=4)
    assert masked.to_pylist() == ["138****8000", None]
    assert masked.type == pa.string()


def test_a_value_no_longer_than_the_kept_characters_is_masked_entirely() -> None:
    masked = mask(pa.array(["张", "张三", "张三丰"]), keep_first=1, keep_last=1)
    assert masked.to_pylist() == ["*", "**", "张*丰"]


def test_nulls_stay_null_and_empty_text_stays_empty() -> None:
    assert mask(pa.array([None, "", "王五"]), keep_first=1).to_pylist() == [None, "", "王*"]


def test_without_kept_characters_everything_is_starred() -> None:
    assert mask(pa.array(["住址不详", "abc"])).to_pylist() == ["****", "***"]


def test_another_mask_character_can_be_chosen() -> None:
    assert mask(pa.array(["张三丰"]), keep_first=1, char="×").to_pylist() == ["张××"]


def test_odd_cells_are_masked_in_their_text_form() -> None:
    assert mask(pa.array([datetime.date(1990, 1, 2)]), keep_first=4).to_pylist() == ["1990******"]
    assert mask(pa.array([b"\xffab"]), keep_last=1).to_pylist() == ["**b"]
    assert mask(pa.array([[1, 2]]), keep_first=1).to_pylist() == ["[*****"]
    assert mask(pa.array(["张三", "张三"]).dictionary_encode(), keep_first=1).to_pylist() == ["张*", "张*"]
    assert mask(pa.nulls(2), keep_first=1).to_pylist() == [None, None]


def test_very_long_values_keep_their_length() -> None:
    value = "长" * 100_000
    masked = mask(pa.array([value], pa.large_string()), keep_first=2, keep_last=2)
    assert masked.type == pa.large_string()
    assert masked[0].as_py() == "长长" + "*" * 99_996 + "长长"


@PROPERTY
@given(st.text(max_size=40), st.integers(0, 8), st.integers(0, 8))
def test_mask_keeps_the_length_and_never_reveals_the_hidden_middle(value: str, first: int, last: int) -> None:
    masked = mask(pa.array([value]), keep_first=first, keep_last=last)[0].as_py()
    assert len(masked) == len(value)
    if len(value) <= first + last:
        assert masked == "*" * len(value)
    else:
        assert masked == value[:first] + "*" * (len(value) - first - last) + value[len(value) - last :]
