"""The ledger's byte formats: the hand-assembled leaf data is byte-identical to canonical JSON."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gongshu.ledger.format import canonical_json, event_leaf_data, leaf_data_fast

TEXT = st.text(max_size=40)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@given(
    seq=st.integers(0, 2**40),
    ts=TEXT,
    actor=TEXT,
    org=TEXT,
    role=TEXT,
    action=TEXT,
    object_type=TEXT,
    object_id=TEXT,
    agreement=TEXT,
    payload_hash=TEXT,
    detail=st.dictionaries(TEXT, JSON, max_size=5),
)
def test_the_fast_leaf_data_is_byte_identical_to_canonical_json(**fields: object) -> None:
    detail_json = canonical_json(fields["detail"]).decode()
    assert leaf_data_fast(fields, detail_json) == canonical_json(fields)
    assert leaf_data_fast(fields, detail_json) == event_leaf_data({**fields, "detail": detail_json})
