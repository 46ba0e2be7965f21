"""Chinese-aware catalog search: jieba segmentation (rjieba) into a weighted inverted index."""

from __future__ import annotations

import unicodedata
from collections import Counter

import rjieba

TITLE, ITEM, DOMAIN, SUMMARY = 5, 3, 2, 1


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, no white space."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def tokenize(text: str) -> list[str]:
    """Words of ``text`` for indexing and querying; punctuation and blanks dropped."""
    words = rjieba.cut_for_search(unicodedata.normalize("NFKC", text).lower())
    return [w for w in (w.strip() for w in words) if w and any(ch.isalnum() for ch in w)][:2000]


def index_terms(title: str, summary: str, domain: str, item_names: list[str]) -> dict[str, int]:
    """Term → weight for one resource; a term found in several fields adds up."""
    weights: Counter[str] = Counter()
    for text, weight in ((title, TITLE), (summary, SUMMARY), (domain, DOMAIN)):
        for term in set(tokenize(text)):
            weights[term[:100]] += weight
    for name in item_names:
        for term in set(tokenize(name)):
            weights[term[:100]] += ITEM
    return dict(weights)


def query_terms(query: str) -> list[str]:
    return list(dict.fromkeys(t[:100] for t in tokenize(query)))[:32]
