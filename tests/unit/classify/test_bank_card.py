"""Bank cards: a scheme's prefix and length, and the Luhn check digit; 19-digit UnionPay cards pass."""

from __future__ import annotations

import pytest
from classify_makers import card_number
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify.normalize import compact_text
from gongshu.classify.recognizers import bank_card

VALID = [
    "6222021234567890128",  # UnionPay, 19 digits
    card_number("622848001234567890"),  # UnionPay (农业银行), 19 digits
    card_number("621700123456789"),  # UnionPay, 16 digits
    "4111111111111111",  # Visa
    "5500000000000004",  # Mastercard
    "378282246310005",  # American Express, 15 digits
    "620102199212269007",  # also a valid ID number
]
INVALID = [
    "6222021234567890127",  # Luhn fails
    "4111111111111112",
    "1234567812345670",  # passes Luhn but no scheme starts with 1
    "79927398713",  # passes Luhn, too short
    "411111111111111",  # Visa with 15 digits
    "",
]


@pytest.mark.parametrize("value", VALID)
def test_cards_of_every_scheme_pass(value: str) -> None:
    assert bank_card.validate(value)


@pytest.mark.parametrize("value", INVALID)
def test_luhn_failures_and_numbers_outside_the_schemes_fail(value: str) -> None:
    assert not bank_card.validate(value)


def test_cards_written_in_groups_of_four_pass() -> None:
    assert bank_card.validate("6222 0212 3456 7890 128")
    assert bank_card.validate(compact_text("６２２２－０２１２－３４５６－７８９０－１２８"))


cards = st.builds(
    lambda head, body: card_number(head + body),
    st.sampled_from(["62", "4", "51", "55"]),
    st.text("0123456789", min_size=13, max_size=13),
).filter(lambda v: len(v) in (16, 19) or v.startswith("62"))


@settings(max_examples=300, deadline=None)
@given(cards)
def test_every_generated_valid_card_passes(value: str) -> None:
    assert bank_card.validate(value)


@settings(max_examples=300, deadline=None)
@given(cards, st.data())
def test_any_single_digit_change_fails(value: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(2, len(value) - 1))
    changed = str((int(value[position]) + data.draw(st.integers(1, 9))) % 10)
    assert not bank_card.validate(value[:position] + changed + value[position + 1 :])


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(value: str) -> None:
    assert bank_card.validate(value) in (True, False)
