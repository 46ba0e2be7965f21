"""居民身份证号码: check character, birth date and province; renamed areas and the old 15 digits pass."""

from __future__ import annotations

import datetime as dt

import pytest
from classify_makers import id_number
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify.normalize import compact_text
from gongshu.classify.recognizers import cn_id_card

VALID = [
    "110105199001011232",  # 北京朝阳
    "11010519491231002X",  # check character X
    "412722198001010018",  # 4127xx 周口地区, renamed 4116xx in 2000
    "510212196503150021",  # 5102xx 重庆, became 500xxx in 1997
    "620102199212269007",  # also passes Luhn and the USCC check
    "110105900101123",  # 15 digits, born 1990
    "412722800101001",
]
INVALID = [
    "110105199001011237",  # the wrong check digit
    "110105199002301233",  # 30 February
    "990105199001011231",  # no province 99
    "110105209001011237",  # born in 2090
    "110105901301123",  # 15 digits, month 13
    "11010519900101123",  # 17 digits
    "1101051990010112321",  # 19 digits
    "",
]


@pytest.mark.parametrize("value", VALID)
def test_real_id_numbers_pass_even_with_renamed_area_codes(value: str) -> None:
    assert cn_id_card.validate(value)


@pytest.mark.parametrize("value", INVALID)
def test_wrong_check_digits_impossible_dates_and_lengths_fail(value: str) -> None:
    assert not cn_id_card.validate(value)


@pytest.mark.parametrize("raw", ["１１０１０５１９９００１０１１２３２", "110105 19900101 1232", "11010519491231002x"])
def test_full_width_spaced_and_lower_case_numbers_pass_once_normalized(raw: str) -> None:
    assert cn_id_card.validate(compact_text(raw))


def test_the_demo_generator_and_the_recognizer_agree_on_any_birth_date() -> None:
    for birth in ("1900-01-01", "1949-10-01", "2000-02-29", "2024-12-31"):
        assert cn_id_card.validate(id_number(410102, birth, 17))


PROVINCES = sorted(cn_id_card.PROVINCES)


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    area = int(draw(st.sampled_from(PROVINCES)) + f"{draw(st.integers(0, 9999)):04d}")
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today()))
    return id_number(area, birth.isoformat(), draw(st.integers(0, 999)))


@settings(max_examples=300, deadline=None)
@given(valid_ids())
def test_every_generated_valid_number_passes(value: str) -> None:
    assert cn_id_card.validate(value)


@settings(max_examples=300, deadline=None)
@given(valid_ids(), st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_change_fails(value: str, position: int, shift: int) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    changed = alphabet[(alphabet.index(value[position]) + shift) % len(alphabet)]
    if changed == value[position]:
        return
    assert not cn_id_card.validate(value[:position] + changed + value[position + 1 :])


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(value: str) -> None:
    assert cn_id_card.validate(value) in (True, False)
