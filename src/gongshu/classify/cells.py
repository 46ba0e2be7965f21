"""Whole-cell recognition over a column's distinct values: normalize, gate by length, match each
recognizer's cell pattern (RE2, vectorized), validate only the distinct candidates in Python, and
give each value that validates as several types to the type that dominates the column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify import normalize
from gongshu.classify.recognizers import BY_CODE, COMPACT, RECOGNIZERS, Recognizer
from gongshu.classify.recognizers.base import ASCII, HAN

CHECKSUM_PRECISION = 0.5  # share of a checksum type's candidates that must validate (chance: 1/10, 1/11, 1/31)


@dataclass(frozen=True)
class Count:
    """What one recognizer found among the cells: ``candidates`` matched its pattern, ``raw`` of
    them validated, ``matched`` is left after shared values went to the dominant type."""

    code: str
    candidates: int
    raw: int
    matched: int
    distinct: int
    hinted: bool

    @property
    def precision(self) -> float:
        return self.raw / self.candidates if self.candidates else 0.0


@dataclass(frozen=True)
class Recognized:
    """The counts per type, and the type each value was given (index into RECOGNIZERS, -1 for none)."""

    counts: list[Count]
    labels: np.ndarray


def recognize(values: pa.Array, counts: np.ndarray, hinted: tuple[str, ...]) -> Recognized:
    """What the recognizers find among ``values`` (distinct, occurring ``counts`` times each)."""
    if len(values) == 0:
        return Recognized([], np.full(0, -1, dtype=np.int64))
    forms = _Forms(values)
    found: dict[str, tuple[np.ndarray, int, bool]] = {}
    for r in RECOGNIZERS:
        hint = r.code in hinted
        if r.needs_hint and not hint:
            continue
        candidates, valid = _candidates(r, forms, hint)
        if len(candidates):
            found[r.code] = (valid, int(counts[candidates].sum()), hint)
    return _resolve(found, counts)


class _Forms:
    """The plain and compact forms of the values and their lengths, computed once and only if needed."""

    def __init__(self, values: pa.Array) -> None:
        self.plain = normalize.plain(values)
        ascii_ = pc.fill_null(pc.string_is_ascii(self.plain), False)
        self.ascii = np.asarray(ascii_.to_numpy(zero_copy_only=False), dtype=bool)
        self._compact: pa.Array | None = None
        self._lengths: dict[str, np.ndarray] = {}

    def get(self, form: str) -> pa.Array:
        if form != COMPACT:
            return self.plain
        if self._compact is None:
            self._compact = normalize.compact(self.plain)
        return self._compact

    def in_script(self, script: str | None) -> np.ndarray:
        """Which values a recognizer of ``script`` (ASCII, HAN or None: any) looks at."""
        if script == ASCII:
            return self.ascii
        return ~self.ascii if script == HAN else np.ones(len(self.ascii), dtype=bool)

    def lengths(self, form: str) -> np.ndarray:
        if form not in self._lengths:
            lengths = pc.fill_null(pc.utf8_length(self.get(form)), 0)
            self._lengths[form] = lengths.to_numpy(zero_copy_only=False)
        return self._lengths[form]


def _candidates(r: Recognizer, forms: _Forms, hint: bool) -> tuple[np.ndarray, np.ndarray]:
    """Indices of values matching ``r``'s cell pattern (or its hinted pattern), and of those that validate."""
    lengths = forms.lengths(r.form)
    loose_too = hint and r.hinted_cell is not None
    in_script = forms.in_script(r.script)
    gated = np.flatnonzero((lengths >= r.lengths[0]) & (lengths <= r.lengths[1]) & (in_script | loose_too))
    if not len(gated):
        return gated, gated
    text = forms.get(r.form).take(pa.array(gated))
    strict = in_script[gated] & _matches(text, r.cell)
    loose = _matches(text, r.hinted_cell) & ~strict if loose_too and r.hinted_cell else np.zeros_like(strict)
    ok = np.zeros(len(gated), dtype=bool)
    if strict.any():
        ok[strict] = r.validate_array(text.filter(pa.array(strict)))
    if loose.any():
        ok[loose] = [r.validate_hinted(v) for v in text.filter(pa.array(loose)).to_pylist()]
    return gated[strict | loose], gated[ok]


def _matches(text: pa.Array, pattern: str) -> np.ndarray:
    found = pc.fill_null(pc.match_substring_regex(text, pattern), False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _resolve(found: dict[str, tuple[np.ndarray, int, bool]], counts: np.ndarray) -> Recognized:
    """Counts per type, checksum types failing their precision dropped, and each value that validates
    as several types given to the type with the most cells (ties: recognizer order)."""
    order = [r.code for r in RECOGNIZERS]
    raw = {code: int(counts[valid].sum()) for code, (valid, _, _) in found.items()}
    keep = [
        code
        for code in order
        if code in found
        and raw[code] > 0
        and not (BY_CODE[code].checksum and raw[code] < CHECKSUM_PRECISION * found[code][1])
    ]
    labels = np.full(len(counts), -1, dtype=np.int64)
    out = []
    for code in sorted(keep, key=lambda c: (-raw[c], order.index(c))):
        valid, candidates, hint = found[code]
        own = valid[labels[valid] < 0]
        labels[own] = order.index(code)
        out.append(Count(code, candidates, raw[code], int(counts[own].sum()), len(own), hint))
    return Recognized(out, labels)
