"""统一社会信用代码: the GB 32100 MOD 31 check character over digits and 21 letters."""

from __future__ import annotations

import numpy as np
import pytest
from classify_makers import credit_code_list
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify.normalize import compact_text
from gongshu.classify.recognizers import cn_uscc

VALID = ["914101055429368230", "91410108MAT9X2T59A", "91110108551385082Q", "12100000400000770U", "91110000MA01ABCDEX"]
INVALID = [
    "914101055429368231",  # wrong check character
    "91410108MAT9X2T59I",  # I is not in the alphabet
    "91410108MAT9X2T5",  # too short
    "914101055429368230X",
    "",
]


@pytest.mark.parametrize("value", VALID)
def test_credit_codes_with_letters_and_digits_pass(value: str) -> None:
    assert cn_uscc.validate(value)


@pytest.mark.parametrize("value", INVALID)
def test_wrong_check_characters_letters_and_lengths_fail(value: str) -> None:
    assert not cn_uscc.validate(value)


def test_lower_case_and_spaced_codes_pass_once_normalized() -> None:
    assert cn_uscc.validate(compact_text("91410108 mat9x2t59a"))


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    return credit_code_list(np.random.default_rng(draw(st.integers(0, 2**32 - 1))), 1)[0]


@settings(max_examples=300, deadline=None)
@given(valid_codes())
def test_every_generated_valid_code_passes(value: str) -> None:
    assert cn_uscc.validate(value)


@settings(max_examples=300, deadline=None)
@given(valid_codes(), st.integers(0, 17), st.integers(1, 30))
def test_any_single_character_change_fails(value: str, position: int, shift: int) -> None:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    changed = alphabet[(alphabet.index(value[position]) + shift) % 31]
    assert not cn_uscc.validate(value[:position] + changed + value[position + 1 :])


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(value: str) -> None:
    assert cn_uscc.validate(value) in (True, False)
