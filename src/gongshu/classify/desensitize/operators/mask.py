"""Mask: keep the first and last few characters of each value and star out the rest."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify.desensitize.params import OperatorSpec, text, whole
from gongshu.classify.desensitize.values import as_text

LONGEST_KEEP = 64


def mask(array: pa.Array, *, keep_first: int = 0, keep_last: int = 0, char: str = "*") -> pa.Array:
    """Each value with all but its first ``keep_first`` and last ``keep_last`` characters replaced by ``char``.

    Counts characters, not bytes ("张三丰", keep_first=1 → "张**"), and keeps the length. A value no longer than
    ``keep_first + keep_last`` is masked entirely, since keeping those characters would reveal all of it. Nulls stay
    null; other types are masked in their text form (see ``values.as_text``).
    """
    values = as_text(array)
    star = pa.scalar(char, values.type)
    empty = pa.scalar("", values.type)
    length = pc.utf8_length(values)
    head = (
        pc.utf8_slice_codeunits(values, 0, keep_first) if keep_first else pc.if_else(pc.is_valid(values), empty, None)
    )
    tail = pc.utf8_slice_codeunits(values, -keep_last) if keep_last else pc.if_else(pc.is_valid(values), empty, None)
    hidden = pc.max_element_wise(pc.subtract(length, keep_first + keep_last), 0)
    partly = pc.binary_join_element_wise(head, pc.binary_repeat(star, hidden), tail, empty)
    return pc.if_else(pc.greater(hidden, 0), partly, pc.binary_repeat(star, length))


SPEC = OperatorSpec(
    name="mask",
    function=mask,
    params={
        "keep_first": whole("保留开头的字符数", "characters kept at the start", low=0, high=LONGEST_KEEP, default=0),
        "keep_last": whole("保留末尾的字符数", "characters kept at the end", low=0, high=LONGEST_KEEP, default=0),
        "char": text("替换用的字符", "the character that replaces hidden ones", low=1, high=1, default="*"),
    },
    zh="掩码：保留开头和末尾的若干字符，其余替换为 *，长度不变（按字符计，适用于中文）",
    en="mask: keep the first and last few characters and replace the rest with *, keeping the length",
)
