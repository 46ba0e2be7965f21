"""号牌号码, ordinary and new-energy."""

from __future__ import annotations

import numpy as np
import pytest

from gongshu.classify.normalize import compact_text
from gongshu.classify.recognizers import cn_license_plate
from gongshu.demo.identifiers import plates


@pytest.mark.parametrize(
    "value", ["豫A12345", "京B8K2Q9", "粤BD12345", "沪ADA1234", "川A12345D", "苏E1234挂", "浙A12345"]
)
def test_ordinary_and_new_energy_plates_pass(value: str) -> None:
    assert cn_license_plate.validate(value)


@pytest.mark.parametrize("raw", ["豫A·12345", "豫A 12345", "豫a12345", "粤B-D12345"])
def test_plates_with_separators_or_lower_case_pass_once_normalized(raw: str) -> None:
    assert cn_license_plate.validate(compact_text(raw))


@pytest.mark.parametrize(
    "value", ["豫I12345", "豫A1234", "豫AO1234", "美A12345", "豫AABCDE", "豫A123456", "A12345", ""]
)
def test_unknown_provinces_letters_and_lengths_fail(value: str) -> None:
    assert not cn_license_plate.validate(value)


def test_every_kind_the_demo_generates_passes() -> None:
    rng = np.random.default_rng(3)
    values = plates(rng, np.repeat(np.arange(4), 50), prefix="豫A")
    assert all(cn_license_plate.validate(str(v)) for v in values if any(c.isdigit() for c in str(v)[2:]))
