"""Entities in free text: DuckDB finds every match of each recognizer's pattern (RE2) in the first
4 KiB of each cell with its offsets; Python validates each distinct match once, keeps the spans of
the earlier recognizer where two overlap, and counts the rows that mention each type."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass

from gongshu.classify import normalize
from gongshu.classify.cells import CHECKSUM_PRECISION
from gongshu.classify.recognizers import RECOGNIZERS, Recognizer
from gongshu.classify.source import ColumnSpec, Source

TEXT_RECOGNIZERS: tuple[Recognizer, ...] = tuple(r for r in RECOGNIZERS if r.text)


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


RawSpan = tuple[int, int, int, int]  # row, start, end, index into TEXT_RECOGNIZERS


def find(source: Source, spec: ColumnSpec, every: int = 1) -> tuple[list[TextCount], list[tuple[int, int, int, str]]]:
    """Counts per type and the kept spans (row, start, end, type) of the free-text column ``spec``."""
    table = source.text_matches(spec, [r.pattern for r in TEXT_RECOGNIZERS], every)
    rows, ks = table.column("row").to_pylist(), table.column("k").to_pylist()
    matches, stops = table.column("match").to_pylist(), table.column("stop").to_pylist()
    checked: dict[tuple[int, str], bool] = {}
    candidates, valid = [0] * len(TEXT_RECOGNIZERS), [0] * len(TEXT_RECOGNIZERS)
    by_row: dict[int, list[RawSpan]] = defaultdict(list)
    for row, k, match, stop in zip(rows, ks, matches, stops, strict=True):
        key = (k, match)
        if key not in checked:
            r = TEXT_RECOGNIZERS[k]
            checked[key] = r.validate(_form(r, match))
        candidates[k] += 1
        if checked[key]:
            valid[k] += 1
            by_row[row].append((row, stop - len(match), stop, k))
    dropped = {k for k, r in enumerate(TEXT_RECOGNIZERS) if r.checksum and valid[k] < CHECKSUM_PRECISION * candidates[k]}
    kept = [s for row in sorted(by_row) for s in _without_overlaps(by_row[row], dropped)]
    mentioned = [len({s[0] for s in kept if s[3] == k}) for k in range(len(TEXT_RECOGNIZERS))]
    counts = [
        TextCount(r.code, candidates[k], valid[k], mentioned[k])
        for k, r in enumerate(TEXT_RECOGNIZERS)
        if mentioned[k]
    ]
    return counts, [(row, start, end, TEXT_RECOGNIZERS[k].code) for row, start, end, k in kept]


def _form(r: Recognizer, match: str) -> str:
    return normalize.compact_text(match) if r.form == "compact" else normalize.plain_text(match)


def _without_overlaps(spans: list[RawSpan], dropped: set[int]) -> list[RawSpan]:
    """The spans of one row in text order; where two overlap, the earlier recognizer's is kept."""
    kept: list[RawSpan] = []  # in text order, never overlapping: only the neighbours need a look
    starts: list[int] = []
    for span in sorted(spans, key=lambda s: (s[3], s[1])):
        if span[3] in dropped:
            continue
        i = bisect.bisect_left(starts, span[1])
        if (i > 0 and kept[i - 1][2] > span[1]) or (i < len(kept) and kept[i][1] < span[2]):
            continue
        kept.insert(i, span)
        starts.insert(i, span[1])
    return kept
