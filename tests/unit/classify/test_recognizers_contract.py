"""What every recognizer module promises: its names, RE2 patterns DuckDB and Arrow accept, a validate
that never raises, and a bulk validate that agrees with it."""

from __future__ import annotations

import dataclasses

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from classify_makers import card_number, credit_code_list, id_numbers
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify import scanner
from gongshu.classify.recognizers import MODULES, RECOGNIZERS, Recognizer

CODES = ["cn_id_card", "cn_mobile", "cn_landline", "bank_card", "cn_uscc", "email", "passport", "cn_hk_macau_permit",
         "cn_license_plate", "person_name", "address", "gps", "ip_address", "date_of_birth"]  # fmt: skip


def test_there_is_one_module_per_type_named_after_its_code() -> None:
    assert sorted(r.code for r in RECOGNIZERS) == sorted(CODES)
    for module in MODULES:
        assert module.__name__.rsplit(".", 1)[1] == module.CODE
        assert module.VERSION and module.PATTERN and module.HINTS and module.__doc__
        assert callable(module.validate)


@pytest.mark.parametrize("r", RECOGNIZERS, ids=lambda r: r.code)
def test_every_pattern_is_re2_syntax_that_duckdb_and_arrow_accept(r: Recognizer) -> None:
    patterns = [p for p in (r.pattern, r.cell, r.hinted_cell) if p]
    with duckdb.connect() as con:
        for p in patterns:
            assert con.execute("SELECT regexp_matches('\x01', ?)", [p]).fetchall() == [(False,)]
            assert pc.match_substring_regex(pa.array(["\x01"]), p).to_pylist() == [False]


@pytest.mark.parametrize("r", RECOGNIZERS, ids=lambda r: r.code)
@settings(max_examples=200, deadline=None)
@given(value=st.text(max_size=300))
def test_validate_never_raises_on_arbitrary_text(r: Recognizer, value: str) -> None:
    module = next(m for m in MODULES if m.CODE == r.code)
    assert module.validate(value) in (True, False)
    assert r.validate_hinted(value) in (True, False)


SAMPLES = [
    *id_numbers(np.random.default_rng(1), 30),
    *credit_code_list(np.random.default_rng(2), 30),
    card_number("622202123456789012"), card_number("411111111111111"), "6222 0212 3456 7890 128",
    "13800138000", "+8613800138000", "15400138000", "110105900101123", "412722800101001",
    "10.0.0.1", "10.0.0.256", "fe80::1", "", "x", "1" * 18, "X" * 18, "110105199001011237",
    "٣٨٠٠١٣٨٠٠٠١", "１３８００１３８０００", "11010519900101123\u0000",
]  # fmt: skip


@pytest.mark.parametrize("r", RECOGNIZERS, ids=lambda r: r.code)
def test_bulk_validation_agrees_with_validate_one_by_one(r: Recognizer) -> None:
    values = pa.array([*SAMPLES, None])
    expected = [v is not None and r.validate(v) for v in values.to_pylist()]
    assert r.validate_array(values).tolist() == expected


@pytest.mark.parametrize("r", RECOGNIZERS, ids=lambda r: r.code)
@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.one_of(st.text(max_size=25), st.from_regex(r"\A[0-9X]{15,19}\Z")), max_size=20))
def test_bulk_validation_agrees_with_validate_on_arbitrary_values(r: Recognizer, values: list[str]) -> None:
    assert r.validate_array(pa.array(values, pa.string())).tolist() == [r.validate(v) for v in values]


def test_the_recognizers_version_changes_when_a_recognizer_version_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    before = scanner.recognizers_version()
    bumped = tuple(
        dataclasses.replace(r, version=r.version + ".1") if r.code == "cn_mobile" else r for r in RECOGNIZERS
    )
    monkeypatch.setattr(scanner, "RECOGNIZERS", bumped)
    assert scanner.recognizers_version() != before
    assert before == scanner.RECOGNIZERS_VERSION
