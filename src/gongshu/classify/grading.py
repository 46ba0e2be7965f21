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

The table decides the rest (``grade_table``), after GB/T 35273 (个人信息: any information relating to
an identified or identifiable natural person):

- A table **about persons** holds a column of a person identifier (cn_id_card, passport,
  cn_hk_macau_permit), or of names beside a column of mobiles, e-mails, bank cards or birth dates.
  Every item of it relates to an identified person: each is personal (at least general-3), and an
  item whose name says money (numeric: 缴费基数, 费用合计, 工资…), health (诊断, 药, 就诊…), whereabouts
  (轨迹, 经纬度, 住址…), financial accounts, biometrics, beliefs, criminal records, minors or
  communications is sensitive personal (general-4); every item is when most of its ID numbers are of
  children under 14 (PIPL art. 28). Items personal only through the table are
  ``linked``: a desensitized version that transforms the identifiers need not transform them.
- A table with **no person in it** (no column of a person-related type, no health item): an address
  there is a place, not where someone lives, and coordinates that take a handful of values, each
  repeated (``FEW_PLACES``, ``PLACE_REPEATS``: monitoring stations), are places too; neither is personal.
- Any other table: each column by its own types, as the table above says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


# -- the table decides: about persons, or no person in it ------------------------------------------

IDENTIFIER_TYPES = ("cn_id_card", "passport", "cn_hk_macau_permit")  # each alone identifies a person
NAME_TYPE = "person_name"
NAME_COMPANIONS = ("cn_mobile", "email", "bank_card", "date_of_birth")  # with a name, identify a person
PERSON_TYPES = frozenset({*IDENTIFIER_TYPES, NAME_TYPE, *NAME_COMPANIONS, "cn_license_plate", "ip_address"})
DOMINANT_SHARE = 0.5  # a column is of a type when most of its cells are
FEW_PLACES = 1_000  # at most this many distinct coordinates …
PLACE_REPEATS = 10  # … each repeated this many times on average are places, not a track
MINORS_SHARE = 0.5  # a table whose persons are mostly under 14 holds minors' information in every item
HEALTH = "health"


@dataclass(frozen=True)
class ColumnFacts:
    """What grading needs to know of a column: its types (code, share; most frequent first), whether it
    is numeric or free text, its distinct and non-null counts, what its name says (``health`` for text
    columns in any table; ``sensitive``: the kind of sensitive personal information in a table about
    persons, see hints.sensitive_kind)."""

    name: str
    types: tuple[tuple[str, float], ...] = ()
    numeric: bool = False
    free_text: bool = False
    health: bool = False
    sensitive: str | None = None
    distinct: int = 0
    nonnull: int = 0
    minors: float = 0.0  # of an ID number column: the share of holders under 14 today

    def of_type(self, codes: Iterable[str]) -> bool:
        """True when most cells are of one of ``codes`` (and the column is not free text)."""
        wanted = set(codes)
        return not self.free_text and any(t in wanted and s >= DOMINANT_SHARE for t, s in self.types)


@dataclass(frozen=True)
class Suggestion:
    """A column's suggestion; ``linked``: personal only because its table is about persons."""

    grade: str
    personal: bool
    sensitive_personal: bool
    linked: bool = False


@dataclass(frozen=True)
class TableSuggestion:
    columns: dict[str, Suggestion]
    grade: str
    personal: bool
    sensitive_personal: bool
    identifiers: tuple[str, ...]  # the columns identifying the person, strongest first; () when none


def person_identifiers(columns: Sequence[ColumnFacts]) -> tuple[str, ...]:
    """The columns that identify the person a row is about, strongest first: those of a person
    identifier type (in IDENTIFIER_TYPES order), else a mobile, e-mail, bank card or birth date column
    with the name column after it; () when the table is not about persons."""
    found = [c.name for code in IDENTIFIER_TYPES for c in columns if c.of_type([code])]
    if found:
        return tuple(dict.fromkeys(found))
    names = [c.name for c in columns if c.of_type([NAME_TYPE])]
    companions = [c.name for code in NAME_COMPANIONS for c in columns if c.of_type([code]) and c.name not in names]
    return tuple(dict.fromkeys([*companions, *names])) if names and companions else ()


def is_about_persons(columns: Sequence[ColumnFacts]) -> bool:
    """True when the table's rows are about identified persons (see person_identifiers)."""
    return bool(person_identifiers(columns))


def has_person(columns: Sequence[ColumnFacts]) -> bool:
    """True when some column holds a person-related type or health data."""
    return any(c.health or any(t in PERSON_TYPES for t, _ in c.types) for c in columns)


def is_place(code: str, column: ColumnFacts) -> bool:
    """An address, or coordinates of a handful of places each repeated, in a table with no person in it."""
    if code == "address":
        return True
    few = 0 < column.distinct <= FEW_PLACES and column.distinct * PLACE_REPEATS <= column.nonnull
    return code == "gps" and few


def grade_table(columns: Sequence[ColumnFacts], rows: int, important_rows: int = IMPORTANT_ROWS) -> TableSuggestion:
    """Each column's suggestion and the table's, deciding by the table (see the module docstring)."""
    identifiers = person_identifiers(columns)
    anyone = bool(identifiers) or has_person(columns)
    minors = any(c.minors >= MINORS_SHARE for c in columns if c.name in identifiers)
    out: dict[str, Suggestion] = {}
    for c in columns:
        codes = [t for t, _ in c.types if anyone or not is_place(t, c)]
        grade, personal, sensitive = column_grade(codes + ([HEALTH] if c.health else []))
        linked = False
        if identifiers:
            linked = not personal
            sensitive = sensitive or c.sensitive is not None or minors
            personal = True
            grade = highest([grade, GRADE_OF_CATEGORY[Category.SENSITIVE_PERSONAL if sensitive else Category.PERSONAL]])
        out[c.name] = Suggestion(grade, personal, sensitive, linked)
    sensitive_table = any(s.sensitive_personal for s in out.values())
    return TableSuggestion(
        columns=out,
        grade=table_grade((s.grade for s in out.values()), rows, sensitive_table, important_rows),
        personal=any(s.personal for s in out.values()),
        sensitive_personal=sensitive_table,
        identifiers=identifiers,
    )
