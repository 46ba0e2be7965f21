"""Generalize a resident identity number (居民身份证号码) to the birth year it encodes."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify.desensitize.values import head

MONTH_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
PATTERN = (
    rf"^\s*(?:\d{{6}}(?P<y>(?:18|19|20)\d{{2}}){MONTH_DAY}\d{{3}}[\dXx]|\d{{6}}(?P<yy>\d{{2}}){MONTH_DAY}\d{{3}})\s*$"
)
LONGEST_READ = 64  # an 18-character number and spaces; longer cells are cut and then fail the pattern


def id_to_birth_year(array: pa.Array) -> pa.Array:
    """The birth year ("1990") of an 18-digit number (GB 11643), or of an old 15-digit one (read as 19yy).

    Only the shape is checked (digits, a plausible year, month and day, X as the last character); the check digit is
    the recognizers' business. Anything else, including numbers stored as integers that lost a leading digit, becomes
    null.
    """
    found = pc.extract_regex(head(array, LONGEST_READ), PATTERN)
    full, short = pc.struct_field(found, "y"), pc.struct_field(found, "yy")
    century = pc.if_else(pc.equal(short, ""), "", "19")
    return pc.binary_join_element_wise(full, century, short, "")
