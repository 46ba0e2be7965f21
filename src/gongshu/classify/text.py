"""Entities in free text: DuckDB finds every match of each recognizer's pattern (RE2) in the first
4 KiB of each cell with its offsets; the distinct matches are normalized and validated in bulk; where
two kept spans overlap the earlier recognizer's wins; the rows mentioning each type are counted."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify import normalize
from gongshu.classify.cells import CHECKSUM_PRECISION
from gongshu.classify.recognizers import COMPACT, RECOGNIZERS, Recognizer
from gongshu.classify.source import ColumnSpec, Source

TEXT_RECOGNIZERS: tuple[Recognizer, ...] = tuple(r for r in RECOGNIZERS if r.text)
RawSpan = tuple[int, int, int, int]  # row, start, end, index into TEXT_RECOGNIZERS


@dataclass(frozen=True)
class TextCount:
    """What one recognizer found in a free-text column: matches, valid matches, rows with a kept span."""

    code: str
    candidates: int
    valid: int
    rows: int

    @property
    def precision(self) -> float:
        return self.valid / self.candidates if self.candidates else 0.0


def find(source: Source, spec: ColumnSpec, every: int = 1) -> tuple[list[TextCount], list[tuple[int, int, int, str]]]:
    """Counts per type and the kept spans (row, start, end, type) of the free-text column ``spec``."""
    table = source.text_matches(spec, [r.pattern for r in TEXT_RECOGNIZERS], every)
    ks = table.column("k").to_numpy()
    matches = table.column("match").combine_chunks()
    valid = np.zeros(len(ks), dtype=bool)
    candidates, found = [0] * len(TEXT_RECOGNIZERS), [0] * len(TEXT_RECOGNIZERS)
    for k, r in enumerate(TEXT_RECOGNIZERS):
        where = np.flatnonzero(ks == k)
        if len(where):
            valid[where] = _validate(r, matches.take(pa.array(where)))
            candidates[k], found[k] = len(where), int(valid[where].sum())
    failing = [
        k for k, r in enumerate(TEXT_RECOGNIZERS) if r.checksum and found[k] < CHECKSUM_PRECISION * candidates[k]
    ]
    keep = np.flatnonzero(valid & ~np.isin(ks, failing))
    rows = table.column("row").to_numpy()[keep]
    stops = table.column("stop").to_numpy()[keep]
    starts = stops - pc.utf8_length(matches.take(pa.array(keep))).to_numpy(zero_copy_only=False)
    spans = _without_overlaps(rows, starts, stops, ks[keep])
    mentioned = [len({s[0] for s in spans if s[3] == k}) for k in range(len(TEXT_RECOGNIZERS))]
    counts = [TextCount(r.code, candidates[k], found[k], mentioned[k])
              for k, r in enumerate(TEXT_RECOGNIZERS) if mentioned[k]]  # fmt: skip
    return counts, [(row, start, end, TEXT_RECOGNIZERS[k].code) for row, start, end, k in spans]


def _validate(r: Recognizer, matches: pa.Array) -> np.ndarray:
    """``r``'s verdict on each match, each distinct match normalized and validated once."""
    encoded = pc.dictionary_encode(matches)
    plain = normalize.plain(encoded.dictionary)
    verdict = r.validate_array(normalize.compact(plain) if r.form == COMPACT else plain)
    return np.asarray(verdict, dtype=bool)[encoded.indices.to_numpy(zero_copy_only=False)]


def _without_overlaps(rows: np.ndarray, starts: np.ndarray, stops: np.ndarray, ks: np.ndarray) -> list[RawSpan]:
    """The spans in (row, start) order; in a row where two overlap, the earlier recognizer's is kept."""
    order = np.lexsort((ks, starts, rows))
    rows, starts, stops, ks = rows[order], starts[order], stops[order], ks[order]
    clash = (rows[1:] == rows[:-1]) & (starts[1:] < stops[:-1])
    clashing = set(rows[1:][clash].tolist())
    spans: list[RawSpan] = []
    i = 0
    while i < len(rows):
        j = i + 1
        while j < len(rows) and rows[j] == rows[i]:
            j += 1
        row_spans = list(
            zip(rows[i:j].tolist(), starts[i:j].tolist(), stops[i:j].tolist(), ks[i:j].tolist(), strict=True)
        )
        spans += _resolve(row_spans) if rows[i] in clashing else row_spans
        i = j
    return spans


def _resolve(spans: list[RawSpan]) -> list[RawSpan]:
    """The spans of one row that survive, earlier recognizers first, in text order."""
    kept: list[RawSpan] = []  # in text order, never overlapping: only the neighbours need a look
    starts: list[int] = []
    for span in sorted(spans, key=lambda s: (s[3], s[1])):
        i = bisect.bisect_left(starts, span[1])
        if (i > 0 and kept[i - 1][2] > span[1]) or (i < len(kept) and kept[i][1] < span[2]):
            continue
        kept.insert(i, span)
        starts.insert(i, span[1])
    return kept
