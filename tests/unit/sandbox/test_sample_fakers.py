"""Fake values of each detected type look real to its recognizer; draws stay within the quantiles."""

from __future__ import annotations

import importlib
import re

import numpy as np
import pyarrow as pa
import pytest
from stdnum import luhn
from stdnum.cn import ric

from gongshu.sandbox.sample.draws import between_quantiles
from gongshu.sandbox.sample.fakers import FAKERS, Ask, text


@pytest.mark.parametrize("code", sorted(FAKERS))
@pytest.mark.parametrize("attempt", [0, 1])
def test_every_fake_value_passes_the_recognizer_of_its_type(code: str, attempt: int) -> None:
    recognizer = importlib.import_module(f"gongshu.classify.recognizers.{code}")
    values = FAKERS[code](np.random.default_rng(7), Ask(300, attempt=attempt)).to_pylist()
    assert len(values) == 300
    assert [v for v in values if not recognizer.validate(v)] == []


def test_fake_id_numbers_carry_the_check_digit_python_stdnum_computes() -> None:
    values = FAKERS["cn_id_card"](np.random.default_rng(1), Ask(500)).to_pylist()
    assert all(ric.calc_check_digit(v) == v[-1] for v in values)


def test_fake_bank_cards_are_19_digit_unionpay_numbers_with_a_luhn_check_digit() -> None:
    values = FAKERS["bank_card"](np.random.default_rng(2), Ask(500)).to_pylist()
    assert all(len(v) == 19 and v.startswith("62") and luhn.is_valid(v) for v in values)


def test_fakes_are_the_same_for_the_same_seed_and_differ_for_another() -> None:
    def make(seed: int) -> list[str]:
        return FAKERS["email"](np.random.default_rng(seed), Ask(50)).to_pylist()

    assert make(3) == make(3)
    assert make(3) != make(4)


@pytest.mark.parametrize(
    ("length", "pattern"),
    [(8, r"^\d{8}$"), (10, r"^\d{4}-\d{2}-\d{2}$"), (11, r"^\d{4}年\d{2}月\d{2}日$")],
)
def test_text_dates_of_birth_take_the_real_columns_format(length: int, pattern: str) -> None:
    values = FAKERS["date_of_birth"](np.random.default_rng(5), Ask(100, length=length)).to_pylist()
    assert all(re.match(pattern, v) for v in values)


def test_dates_of_birth_of_a_date_column_are_dates_between_1945_and_2006() -> None:
    values = FAKERS["date_of_birth"](np.random.default_rng(5), Ask(1000, temporal=True))
    assert values.type == pa.date32()
    years = {d.year for d in values.to_pylist()}
    assert min(years) >= 1945 and max(years) <= 2006


def test_text_has_the_asked_lengths_in_the_asked_styles() -> None:
    rng = np.random.default_rng(9)
    lengths = rng.integers(1, 30, 600)
    digits = text(rng, lengths, digit_share=1.0, ascii_share=1.0).to_pylist()
    codes = text(rng, lengths, digit_share=0.0, ascii_share=1.0).to_pylist()
    words = text(rng, lengths, digit_share=0.0, ascii_share=0.0).to_pylist()
    for values in (digits, codes, words):
        assert [len(v) for v in values] == list(lengths)
    assert all(v.isdigit() for v in digits)
    assert all(re.fullmatch(r"[0-9A-Z]+", v) for v in codes)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", v) for v in words)


def test_draws_between_quantiles_never_leave_the_first_and_last_quantile() -> None:
    quantiles = tuple(float(q) for q in np.linspace(10.0, 20.0, 99) ** 2)
    v = between_quantiles(np.random.default_rng(0), quantiles, 100_000)
    assert v.min() >= quantiles[0] and v.max() <= quantiles[-1]
    assert abs(np.median(v) - quantiles[49]) < 2.0  # each quantile interval gets its share
