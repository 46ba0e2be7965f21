"""Grade suggestions per GB/T 43697-2024 (数据安全技术 数据分类分级规则) from what a scan found.

Each type found in a column puts the column in a category; the category gives the grade:

| category             | types                                                              | grade     |
|----------------------|--------------------------------------------------------------------|-----------|
| sensitive personal   | cn_id_card, passport, cn_hk_macau_permit (specific identity),      | general-4 |
| (敏感个人信息,         | bank_card (financial account), gps (whereabouts),                  |           |
|  PIPL art. 28)       | health (medical and health data, from the column name)             |           |
| personal (个人信息)   | person_name, cn_mobile, cn_landline, email, address,               | general-3 |
|                      | cn_license_plate, ip_address, date_of_birth                        |           |
| business             | cn_uscc (enterprise identifiers)                                   | general-2 |
| public-looking       | no type found                                                      | general-1 |

A column takes the highest grade of its types; a table the highest grade of its columns, except
that a table holding sensitive personal information of at least ``IMPORTANT_ROWS`` rows is
suggested ``important`` (重要数据). ``core`` (核心数据) is never suggested: only a provider sets it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Category(StrEnum):
    SENSITIVE_PERSONAL = "sensitive_personal"
    PERSONAL = "personal"
    BUSINESS = "business"
    PUBLIC = "public"


GENERAL_1 = "general-1"
GENERAL_2 = "general-2"
GENERAL_3 = "general-3"
GENERAL_4 = "general-4"
IMPORTANT = "important"
CORE = "core"
GRADES = (GENERAL_1, GENERAL_2, GENERAL_3, GENERAL_4, IMPORTANT, CORE)  # lowest first
GRADE_LABELS = {
    GENERAL_1: "一般数据（1级）",
    GENERAL_2: "一般数据（2级）",
    GENERAL_3: "一般数据（3级）",
    GENERAL_4: "一般数据（4级）",
    IMPORTANT: "重要数据",
    CORE: "核心数据",
}
SUGGESTED = frozenset(GRADES) - {CORE}
IMPORTANT_ROWS = 1_000_000

CATEGORY_OF_TYPE: dict[str, Category] = {
    "cn_id_card": Category.SENSITIVE_PERSONAL,
    "passport": Category.SENSITIVE_PERSONAL,
    "cn_hk_macau_permit": Category.SENSITIVE_PERSONAL,
    "bank_card": Category.SENSITIVE_PERSONAL,
    "gps": Category.SENSITIVE_PERSONAL,
    "health": Category.SENSITIVE_PERSONAL,
    "person_name": Category.PERSONAL,
    "cn_mobile": Category.PERSONAL,
    "cn_landline": Category.PERSONAL,
    "email": Category.PERSONAL,
    "address": Category.PERSONAL,
    "cn_license_plate": Category.PERSONAL,
    "ip_address": Category.PERSONAL,
    "date_of_birth": Category.PERSONAL,
    "cn_uscc": Category.BUSINESS,
}
GRADE_OF_CATEGORY: dict[Category, str] = {
    Category.SENSITIVE_PERSONAL: GENERAL_4,
    Category.PERSONAL: GENERAL_3,
    Category.BUSINESS: GENERAL_2,
    Category.PUBLIC: GENERAL_1,
}
PERSONAL_CATEGORIES = frozenset({Category.SENSITIVE_PERSONAL, Category.PERSONAL})


def category(type_code: str) -> Category:
    """The category of a type code; an unknown code is business data rather than public."""
    return CATEGORY_OF_TYPE.get(type_code, Category.BUSINESS)


def highest(grades: Iterable[str]) -> str:
    """The highest of ``grades``; general-1 for none."""
    return max(grades, key=GRADES.index, default=GENERAL_1)


def column_grade(type_codes: Iterable[str]) -> tuple[str, bool, bool]:
    """(grade, personal, sensitive_personal) of a column holding ``type_codes`` (health included)."""
    categories = {category(t) for t in type_codes} or {Category.PUBLIC}
    grade = highest(GRADE_OF_CATEGORY[c] for c in categories)
    return grade, bool(categories & PERSONAL_CATEGORIES), Category.SENSITIVE_PERSONAL in categories


def table_grade(column_grades: Iterable[str], rows: int, sensitive: bool, important_rows: int = IMPORTANT_ROWS) -> str:
    """The highest column grade, or important for sensitive personal information of ``important_rows``+ rows."""
    if sensitive and rows >= important_rows:
        return IMPORTANT
    return highest(column_grades)
