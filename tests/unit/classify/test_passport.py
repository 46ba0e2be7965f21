"""Passport numbers of the People's Republic of China; other countries' only in a passport column."""

from __future__ import annotations

import pytest

from gongshu.classify.recognizers import passport


@pytest.mark.parametrize("value", ["E12345678", "EA1234567", "EH7654321", "G12345678", "DE1234567", "SE1234567"])
def test_chinese_passport_numbers_pass(value: str) -> None:
    assert passport.validate(value)


@pytest.mark.parametrize("value", ["EI1234567", "E1234567", "E123456789", "C12345678", "G1234567A", "X12345678", ""])
def test_other_letters_and_lengths_fail(value: str) -> None:
    assert not passport.validate(value)


def test_foreign_passport_numbers_count_only_in_a_column_named_passport() -> None:
    assert not passport.validate("123456789")
    assert passport.validate_hinted("123456789")
    assert passport.validate_hinted("K1234567")
    assert not passport.validate_hinted("ABC123")
