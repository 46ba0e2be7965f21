"""Grade suggestions (GB/T 43697-2024): a table from types to categories to grades."""

from __future__ import annotations

import pytest

from gongshu.classify import grading
from gongshu.classify.recognizers import RECOGNIZERS


@pytest.mark.parametrize(
    ("types", "grade", "personal", "sensitive"),
    [((), "general-1", False, False), (("cn_uscc",), "general-2", False, False),
     (("cn_mobile",), "general-3", True, False), (("person_name", "address"), "general-3", True, False),
     (("cn_id_card",), "general-4", True, True), (("bank_card",), "general-4", True, True),
     (("gps",), "general-4", True, True), (("health",), "general-4", True, True),
     (("passport", "cn_uscc"), "general-4", True, True), (("cn_hk_macau_permit",), "general-4", True, True),
     (("cn_uscc", "cn_landline"), "general-3", True, False)],
)  # fmt: skip
def test_a_column_takes_the_grade_of_its_most_sensitive_type(
    types: tuple[str, ...], grade: str, personal: bool, sensitive: bool
) -> None:
    assert grading.column_grade(types) == (grade, personal, sensitive)


def test_every_recognizer_type_has_a_category() -> None:
    assert {r.code for r in RECOGNIZERS} <= set(grading.CATEGORY_OF_TYPE)


@pytest.mark.parametrize(
    ("grades", "rows", "sensitive", "expected"),
    [(["general-1", "general-3"], 10, False, "general-3"), (["general-4"], 999_999, True, "general-4"),
     (["general-4"], 1_000_000, True, "important"), (["general-3"], 5_000_000, False, "general-3"),
     ([], 0, False, "general-1")],
)  # fmt: skip
def test_a_table_with_a_million_rows_of_sensitive_personal_data_is_important(
    grades: list[str], rows: int, sensitive: bool, expected: str
) -> None:
    assert grading.table_grade(grades, rows, sensitive) == expected


def test_the_important_threshold_is_a_parameter_and_core_is_never_suggested() -> None:
    assert grading.table_grade(["general-4"], 50, True, important_rows=50) == "important"
    assert grading.CORE not in grading.SUGGESTED
    assert grading.GRADES == ("general-1", "general-2", "general-3", "general-4", "important", "core")
