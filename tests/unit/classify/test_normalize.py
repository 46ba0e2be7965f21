"""Normalization: NFKC, trimmed, float artefacts undone, separators dropped for the compact form."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify import normalize


def test_full_width_digits_float_artefacts_and_whitespace_are_normalized() -> None:
    raw = pa.array(
        ["１３８００１３８０００", " 13800138000 ", "13800138000.0", "1.3800138E+10", "1.5E+3", "3.14", None]
    )
    assert normalize.plain(raw).to_pylist() == ["13800138000", "13800138000", "13800138000", "13800138000", "1500",
                                                "3.14", None]  # fmt: skip


def test_the_compact_form_drops_separators_and_upper_cases() -> None:
    plain = normalize.plain(pa.array(["+86 138-0013-8000", "豫A·12345", "(010)6234.5678", "91410108mat9x2t59a"]))
    assert normalize.compact(plain).to_pylist() == ["+8613800138000", "豫A12345", "01062345678", "91410108MAT9X2T59A"]


def test_the_scalar_forms_match_the_vectorized_ones() -> None:
    values = ["+86 138-0013-8000", "豫A·12345", "１１０１０５ １９９００１０１ １２３２", "a_b"]
    compact = normalize.compact(normalize.plain(pa.array(values))).to_pylist()
    assert [normalize.compact_text(v) for v in values] == compact


def test_the_sql_fold_keeps_every_character_in_place() -> None:
    import duckdb

    text = "电话１３８００１３８０００，ｘ＠ｑｑ．ｃｏｍ"
    with duckdb.connect() as con:
        folded = con.execute(f"SELECT {normalize.fold_sql('$1')}", [text]).fetchall()[0][0]
    assert folded == "电话13800138000,x@qq.com"
    assert len(folded) == len(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=30))
def test_normalizing_arbitrary_text_never_fails_and_keeps_nulls(values: list[str | None]) -> None:
    plain = normalize.plain(pa.array(values, pa.string()))
    compact = normalize.compact(plain)
    assert pc.is_null(compact).to_pylist() == [v is None for v in values]
