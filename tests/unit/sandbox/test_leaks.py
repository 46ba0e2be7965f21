"""The inputs' protected values are found however an output writes them — as they are, reversed, inside a
longer string, spaced out, hashed, as numbers, in float32 tensors, spelt in bytes or code points — while the
numbers and words of honest metrics are not taken for them."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from gongshu.sandbox.leaks import ProtectedValues, number_text, significant_digits

ID = "41010219600101001X"
ID_DIGITS = "410102196001010012"
NAME = "张伟"  # two characters, held by one row: matched whole only
ADDRESS = "示例市高新区科学大道107号"
INCOME = 12345.67


@pytest.fixture(scope="module")
def values() -> ProtectedValues:
    v = ProtectedValues()
    for value, rows in [(ID, 1), (ID_DIGITS, 1), (NAME, 1), ("高血压", 40), (ADDRESS, 3), (INCOME, 1), (3000, 9)]:
        v.add(value, rows, min_cell=10, identifier=False)
    v.add("AB1234567", 40, min_cell=10, identifier=True)  # a patient's ID over 40 visits
    v.add("2型糖尿病伴并发症", 40, min_cell=10, identifier=False)  # a diagnosis many share
    v.add(123456, 1)
    return v.seal()


@pytest.mark.parametrize(
    "text",
    [
        ID,
        ID.lower(),
        ID[::-1],
        f"patient-{ID}-end",
        "4101 0219 6001 0100 1X",
        f"P{ID_DIGITS}",
        ADDRESS[::-1],
        f"地址：{ADDRESS}附近",
        hashlib.sha256(ID.encode()).hexdigest(),
        hashlib.md5(ID_DIGITS.encode()).hexdigest().upper(),
        "sha1=" + hashlib.sha1(ID.lower().encode()).hexdigest(),
        NAME,
        "12345.67",
        "id 123456",
        "ab1234567",
    ],
)
def test_a_protected_value_is_found_in_a_string_however_written(values, text):
    assert values.found(text)


@pytest.mark.parametrize(
    "item", [int(ID_DIGITS), INCOME, 123456, np.array([1.5, INCOME], dtype=np.float32), np.array([int(ID_DIGITS)])]
)
def test_a_protected_number_is_found_as_a_number_and_in_an_array(values, item):
    assert values.found(item)


def test_values_spelt_in_bytes_or_code_points_are_found(values):
    assert values.found(np.frombuffer(ID.encode(), dtype=np.uint8))
    assert values.found(np.array([ord(c) for c in ADDRESS], dtype=np.int32))
    assert values.found(np.array([ord(c) for c in ID], dtype=np.float32))


@pytest.mark.parametrize(
    "item",
    [
        "accuracy",
        0.8123456789,  # holds 123456 inside a longer number
        "score 0.5123456",
        3000,  # few significant digits: shared by many, nobody's value
        2023,
        f"{NAME}的同事",  # a short value is matched whole only
        "高血压",  # a short value held by many rows
        "2型糖尿病伴并发症",  # a value of a non-identifier item many rows share: a class label may name it
        np.array([0.1, -0.25, 3.0, 7.5], dtype=np.float32),
        np.array([0, 1, 1, 0]),
        {"not": "a scalar"}.__class__.__name__,
    ],
)
def test_honest_numbers_and_words_are_not_taken_for_protected_values(values, item):
    assert not values.found(item)


def test_numbers_are_written_plainly_and_counted_by_significant_digits():
    assert number_text(12345.60) == "12345.6" and number_text(1_200_000) == "1200000"
    assert significant_digits("1200000") == 2 and significant_digits("123456") == 6
    assert number_text(float("nan")) is None


def test_no_protected_value_means_nothing_is_found():
    empty = ProtectedValues().seal()
    assert not empty and not empty.found(ID)
