"""generalize id_to_birth_year: the birth year encoded in a resident identity number."""

from __future__ import annotations

import pyarrow as pa
import pytest

from gongshu.classify.desensitize.operators.generalize import generalize


def birth_year(*values: object, kind: pa.DataType | None = None) -> list[str | None]:
    return generalize(pa.array(list(values), kind), kind="id_to_birth_year").to_pylist()


def test_an_18_digit_number_gives_its_birth_year() -> None:
    assert birth_year("11010119900307123X", "44030420051231002x", " 110101199003071234 ") == ["1990", "2005", "1990"]


def test_an_old_15_digit_number_is_read_as_born_in_the_1900s() -> None:
    assert birth_year("110101900307123") == ["1990"]


def test_a_number_stored_as_an_integer_gives_its_birth_year() -> None:
    assert birth_year(110101199003071234, None) == ["1990", None]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "未登记",
        "11010119901307123X",
        "11010119900332123X",
        "11010117900307123X",
        "1101011990030712345",
        "11010119900307123Y",
    ],
)
def test_something_that_is_not_shaped_like_an_id_number_becomes_null(value: str) -> None:
    assert birth_year(value) == [None]
